// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// magic 0x00 0x00 <type> <ndim>, then ndim big-endian uint32 dimensions, then the data, row-major.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { constants as bufferConstants } from 'buffer';
import { invalidArg } from '../check';

/** The contents of an IDX file of unsigned bytes. */
export interface IdxArray {
  /** Dimensions, outermost first (e.g. `[60000, 28, 28]`). */
  dims: number[];
  /** The elements, row-major; `data.length` is the product of `dims`. */
  data: Uint8Array;
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /**
   * The largest file or decompressed content accepted, in bytes; default (and maximum) the largest
   * Buffer Node can allocate (4 GiB on 64-bit Node 20).
   */
  maxBytes?: number;
}

/** An IDX file that cannot be read: missing, malformed, truncated or a corrupt gzip stream. */
export class IdxError extends Error {
  /** The file the error is about. */
  readonly file: string;

  /**
   * @param file - the file's path, put at the front of the message.
   * @param problem - what is wrong with it.
   * @param options - standard error options (`cause`).
   */
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`readIdx: ${file}: ${problem}`, options);
    this.name = 'IdxError';
    this.file = file;
  }
}

/** The only element type supported; the rest are named in errors. */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

/** gzip's header is 10 bytes, a deflate block header at most a few hundred: 4 KiB always reaches the IDX header. */
const PEEK_INPUT = 4096;
/** Deflate expands at most ~1032:1, so the peek's output never exceeds this. */
const PEEK_OUTPUT = 8 << 20;

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The parsed header: dims and the total content size it declares (header + data), exact as a bigint. */
interface Header {
  dims: number[];
  headerBytes: number;
  totalBytes: bigint;
}

/**
 * Parses the header from the first bytes of the content. Returns null when `complete` is false and
 * more bytes are needed; throws when the bytes are not an IDX header of unsigned bytes.
 */
function parseHeader(file: string, bytes: Uint8Array, complete: boolean): Header | null {
  const need = (n: number): boolean => {
    if (bytes.length >= n) return true;
    if (!complete) return false;
    throw new IdxError(file, `truncated: the IDX header needs at least ${n} bytes but the content has only ${bytes.length}`);
  };
  if (!need(4)) return null;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(file, `not an IDX file: wrong magic number ${hex(bytes[0])} ${hex(bytes[1])} ` +
      '(expected 0x00 0x00 <type> <ndim>, or a gzip stream starting 0x1f 0x8b)');
  }
  const type = bytes[2];
  if (type !== UBYTE) {
    const name = TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : '';
    throw new IdxError(file, `unsupported IDX type code ${hex(type)}${name}; only ${hex(UBYTE)} (unsigned byte) is supported`);
  }
  const ndim = bytes[3];
  if (ndim === 0) throw new IdxError(file, 'the IDX header declares 0 dimensions');
  const headerBytes = 4 + 4 * ndim;
  if (!need(headerBytes)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  let total = 1n;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    total *= BigInt(d);
  }
  return { dims, headerBytes, totalBytes: BigInt(headerBytes) + total };
}

/** Checks that the whole content has exactly the size its header declares and returns the data view. */
function finish(file: string, content: Uint8Array, header: Header): IdxArray {
  const actual = BigInt(content.length);
  const shape = `[${header.dims.join(', ')}]`;
  if (actual < header.totalBytes) {
    throw new IdxError(file, `truncated: the header declares dims ${shape}, i.e. ${header.totalBytes} bytes ` +
      `with the header, but the content has only ${content.length} bytes`);
  }
  if (actual > header.totalBytes) {
    throw new IdxError(file, `${actual - header.totalBytes} bytes of trailing garbage: the header declares dims ${shape}, ` +
      `i.e. ${header.totalBytes} bytes with the header, but the content has ${content.length} bytes`);
  }
  const n = content.length - header.headerBytes;
  // A plain Uint8Array view (not a Buffer, not a copy) over the data after the header.
  return { dims: header.dims, data: new Uint8Array(content.buffer, content.byteOffset + header.headerBytes, n) };
}

function zlibMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Decompresses a gzip IDX file, never letting the output grow past what the header declares. */
function gunzipIdx(file: string, gz: Uint8Array, maxBytes: number): IdxArray {
  // First inflate only the beginning to read the header, so the real inflate can be capped at the
  // declared size: a corrupt or hostile stream cannot make us allocate more than that.
  let header: Header | null = null;
  try {
    const head = zlib.gunzipSync(gz.subarray(0, PEEK_INPUT),
      { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: PEEK_OUTPUT });
    header = parseHeader(file, head, false);
  } catch (err) {
    if (err instanceof IdxError) throw err;
    throw new IdxError(file, `corrupt gzip data (zlib: ${zlibMessage(err)})`, { cause: err });
  }
  // Without a header from the peek, cap at maxBytes; the parse below reports what is wrong.
  const declared = header ? header.totalBytes : BigInt(maxBytes);
  if (declared > BigInt(maxBytes)) {
    throw new IdxError(file, `the header declares dims [${header!.dims.join(', ')}], i.e. ${declared} bytes, ` +
      `more than the ${maxBytes}-byte limit`);
  }
  // One byte of slack so that trailing garbage shows up as a longer output rather than a zlib error.
  const limit = Math.min(Number(declared) + 1, maxBytes);
  let content: Buffer;
  try {
    content = zlib.gunzipSync(gz, { maxOutputLength: limit });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new IdxError(file, header
        ? `trailing garbage: the decompressed content is longer than the ${declared} bytes its header declares`
        : `the decompressed content is larger than the ${maxBytes}-byte limit`, { cause: err });
    }
    if (code === 'Z_BUF_ERROR' && header) {
      // The stream ends early: decompress what there is to say how much is missing.
      let got = 'fewer';
      try {
        got = `only ${zlib.gunzipSync(gz, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit }).length}`;
      } catch { /* keep the vaguer wording */ }
      throw new IdxError(file, `truncated gzip stream: the header declares ${declared} bytes of content ` +
        `but ${got} bytes could be decompressed`, { cause: err });
    }
    throw new IdxError(file, `corrupt gzip data (zlib: ${zlibMessage(err)})`, { cause: err });
  }
  return finish(file, content, header ?? parseHeader(file, content, true)!);
}

/**
 * Reads an IDX file of unsigned bytes (type code 0x08), as used by MNIST and Fashion-MNIST, raw or
 * gzip-compressed. Compression is detected from the content (the gzip magic 0x1f 0x8b), not from
 * the file name.
 *
 * Sizes are checked before anything large is allocated: a raw file's header is checked against the
 * file's length, and a gzip stream is inflated with its output capped at the size its header
 * declares.
 *
 * @param file - path of the file.
 * @param options - `maxBytes`: the largest file or content accepted (default: the largest Buffer).
 * @throws RangeError for a `maxBytes` that is not a positive integer.
 * @returns the dimensions and a view of the data (no copy of the file's bytes).
 * @throws IdxError (an Error) naming the file when it is missing or unreadable, has a wrong magic
 *   number, an unsupported type code, fewer bytes than its header declares (giving both sizes),
 *   trailing bytes, or a corrupt or truncated gzip stream; or when a declared size is over `maxBytes`.
 * @example
 * const { dims, data } = readIdx('t10k-labels-idx1-ubyte.gz');  // dims [10000], data[i] in 0..9
 */
export function readIdx(file: string, options: ReadIdxOptions = {}): IdxArray {
  const max = options.maxBytes ?? bufferConstants.MAX_LENGTH;
  if (!Number.isInteger(max) || max <= 0) throw invalidArg('readIdx', 'maxBytes', 'a positive integer', max, RangeError);
  const maxBytes = Math.min(max, bufferConstants.MAX_LENGTH);
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new IdxError(file, 'not a regular file');
    size = stat.size;
  } catch (err) {
    if (err instanceof IdxError) throw err;
    const code = (err as { code?: string }).code;
    throw new IdxError(file, code === 'ENOENT' ? 'file not found' : `cannot read the file (${zlibMessage(err)})`, { cause: err });
  }
  if (size > maxBytes) throw new IdxError(file, `the file has ${size} bytes, more than the ${maxBytes}-byte limit`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new IdxError(file, `cannot read the file (${zlibMessage(err)})`, { cause: err });
  }
  if (isGzip(bytes)) return gunzipIdx(file, bytes, maxBytes);
  return finish(file, bytes, parseHeader(file, bytes, true)!);
}

/**
 * The IDX header of an unsigned-byte array with these dimensions (what precedes the data in the
 * file). Used to checksum a file's content from an {@link IdxArray}, and to write IDX files.
 * @param dims - non-negative integer dimensions (1 to 255 of them).
 * @throws RangeError for a bad dims array.
 */
export function idxHeader(dims: readonly number[]): Uint8Array {
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 255 ||
      !dims.every((d) => Number.isInteger(d) && d >= 0 && d <= 0xffffffff)) {
    throw new RangeError(`idxHeader: expected 1 to 255 dimensions, integers in [0, 2^32) but received [${String(dims)}]`);
  }
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return out;
}
