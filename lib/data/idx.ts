// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// magic 0x00 0x00 <type> <ndim>, then ndim big-endian uint32 dimensions, then the data, row-major.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { constants as bufferConstants } from 'buffer';
import { invalidArg, knownOptions } from '../core/check';
import { kindOf } from '../io/files';
import { codedError, coded, type ErrorCode } from '../core/errors';

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
   * The largest file or decompressed content accepted, in bytes; default {@link IDX_DEFAULT_MAX_BYTES}
   * (2 GiB). It may be raised up to the largest Buffer Node can allocate (4 GiB on 64-bit Node 20).
   */
  maxBytes?: number;
}

/** An IDX file that cannot be read: missing, malformed, truncated or a corrupt gzip stream. */
export class IdxError extends Error {
  /** The file the error is about. */
  readonly file: string;
  /** 'NC_FILE' (or 'NC_OUT_OF_MEMORY' when the content did not fit in memory). */
  declare readonly code: ErrorCode;

  /**
   * @param file - the file's path, put at the front of the message.
   * @param problem - what is wrong with it.
   * @param options - standard error options (`cause`).
   */
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`readIdx: ${file}: ${problem}`, options);
    this.name = 'IdxError';
    this.file = file;
    coded(this, 'NC_FILE');
  }
}

/**
 * The default limit on a file's size and on its decompressed content: 2 GiB, 40 times the largest
 * Fashion-MNIST file (47 MB). A header declaring more is refused before anything is inflated, so a
 * small hostile gzip cannot make readIdx allocate gigabytes; pass `maxBytes` to read larger files.
 */
export const IDX_DEFAULT_MAX_BYTES = 2 ** 31;

/**
 * zlib's output is collected in chunks of at most this size. A file up to this size (every
 * Fashion-MNIST file) is inflated into one buffer of exactly its declared size, with no copy; larger
 * content is joined at the end, so memory peaks at about twice its size. It is not the declared
 * size itself so that a small stream that falsely declares gigabytes allocates no more than this.
 */
const INFLATE_CHUNK = 64 << 20;

/** The only element type supported; the rest are named in errors. */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

/** The longest IDX header: 255 dimensions. */
const MAX_HEADER = 4 + 4 * 255;
/**
 * The IDX header of a gzip file is found by inflating a growing prefix, this much more each time:
 * gzip's own header is 10 bytes plus optional fields, a deflate block header a few hundred.
 */
const PEEK_STEP = 4096;
/** ...up to this: a stream that yields no IDX header from its first 64 KiB is refused. */
const PEEK_MAX = 64 << 10;
/**
 * Deflate expands at most ~1032:1, so PEEK_STEP more input bytes (after less than a header of output)
 * give at most ~4.2 MB: a peek never reaches this cap, whatever the stream.
 */
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
  if (ndim === 0) throw new IdxError(file, 'the IDX header declares 0 dimensions (expected 1 to 255)');
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

/** Checks that the whole content (`length` bytes) has exactly the size its header declares. */
function checkSize(file: string, header: Header, length: number): void {
  const actual = BigInt(length);
  const shape = `[${header.dims.join(', ')}]`;
  if (actual < header.totalBytes) {
    throw new IdxError(file, `truncated: the header declares dims ${shape}, i.e. ${header.totalBytes} bytes ` +
      `with the header, but the content has only ${length} bytes`);
  }
  if (actual > header.totalBytes) {
    throw new IdxError(file, `${actual - header.totalBytes} bytes of trailing garbage: the header declares dims ${shape}, ` +
      `i.e. ${header.totalBytes} bytes with the header, but the content has ${length} bytes`);
  }
}

/** Checks the size of the whole content and returns the data view. */
function finish(file: string, content: Uint8Array, header: Header): IdxArray {
  checkSize(file, header, content.length);
  const n = content.length - header.headerBytes;
  // A plain Uint8Array view (not a Buffer, not a copy) over the data after the header.
  return { dims: header.dims, data: new Uint8Array(content.buffer, content.byteOffset + header.headerBytes, n) };
}

function zlibMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Plain words for zlib's messages about a damaged gzip stream. */
const ZLIB_PROBLEMS: Record<string, string> = {
  'incorrect data check': 'CRC-32 mismatch, the decompressed content is not what was compressed',
  'incorrect length check': 'the length in the gzip trailer does not match the decompressed content',
  'incorrect header check': 'a bad gzip member header, or garbage after the end of a gzip member',
  'unknown compression method': 'the gzip header names a compression method other than deflate',
  'unknown header flags set': 'the gzip header sets reserved flags',
};

/** The error for a zlib failure other than a too-long output. */
function gzipError(file: string, err: unknown): IdxError {
  const message = zlibMessage(err);
  if ((err as { code?: string }).code === 'Z_BUF_ERROR') {
    return new IdxError(file, `truncated gzip stream (zlib: ${message})`, { cause: err });
  }
  const problem = ZLIB_PROBLEMS[message] ?? (message.startsWith('invalid') ? 'the deflate data is damaged' : '');
  return new IdxError(file, `corrupt gzip data${problem ? `: ${problem}` : ''} (zlib: ${message})`, { cause: err });
}

function tooLong(file: string, declared: bigint, err?: unknown): IdxError {
  return new IdxError(file, `trailing garbage: the decompressed content is longer than the ${declared} bytes ` +
    'its header declares (decompression stopped there)', { cause: err });
}

/** The error for a stream that ends early: says how much of the declared content it holds. */
function truncatedGzip(file: string, gz: Uint8Array, declared: bigint, limit: number, err: unknown): IdxError {
  let got: number;
  try {
    got = zlib.gunzipSync(gz, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit }).length;
  } catch {
    return gzipError(file, err);
  }
  if (BigInt(got) > declared) return tooLong(file, declared, err);
  if (BigInt(got) === declared) {
    return new IdxError(file, `truncated gzip stream: all ${declared} bytes of content are there but the gzip ` +
      'trailer (CRC-32 and length) is cut off', { cause: err });
  }
  return new IdxError(file, `truncated gzip stream: the header declares ${declared} bytes of content ` +
    `but only ${got} bytes could be decompressed`, { cause: err });
}

/** Decompresses a gzip IDX file, never letting the output grow past what the header declares. */
function gunzipIdx(file: string, gz: Uint8Array, maxBytes: number): IdxArray {
  // First inflate only a prefix to read the header, so the real inflate can be capped at the declared
  // size: a corrupt or hostile stream cannot make us allocate more than that. The prefix grows by
  // PEEK_STEP so that each peek's output stays small even for a bomb.
  let header: Header | null = null;
  let peeked = 0;
  let got = 0;
  try {
    while (header === null && peeked < gz.length) {
      if (peeked >= PEEK_MAX) {
        throw new IdxError(file, `no IDX header in the first ${PEEK_MAX} bytes of the gzip stream: they decompress ` +
          `to only ${got} bytes (expected the header right after the gzip header)`);
      }
      peeked = Math.min(peeked + PEEK_STEP, gz.length);
      const head = zlib.gunzipSync(gz.subarray(0, peeked),
        { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: PEEK_OUTPUT });
      got = head.length;
      header = parseHeader(file, head, false);
    }
  } catch (err) {
    if (err instanceof IdxError) throw err;
    throw gzipError(file, err);
  }
  if (header && header.totalBytes > BigInt(maxBytes)) {
    throw new IdxError(file, `the header declares dims [${header.dims.join(', ')}], i.e. ${header.totalBytes} bytes, ` +
      `more than the ${maxBytes}-byte limit (refused before decompressing; raise it with the maxBytes option)`);
  }
  // One byte of slack so that trailing garbage shows up as a longer output rather than a zlib error.
  // No header: the peek saw the whole stream and it holds less than a header, so PEEK_OUTPUT is ample.
  const limit = header ? Math.min(Number(header.totalBytes) + 1, maxBytes) : PEEK_OUTPUT;
  let content: Buffer;
  try {
    // chunkSize one more than the limit: zlib allocates a fresh chunk whenever one is filled, so a
    // chunk of exactly `limit` would allocate a second one before noticing the output is too long.
    // Nor more than deflate's largest ratio (about 1032:1) allows from this input: a tiny stream
    // that declares gigabytes gets a small chunk. (Only a size hint: more chunks follow if needed.)
    const chunkSize = Math.max(Math.min(limit + 1, INFLATE_CHUNK, gz.length * 1033 + 4096), zlib.constants.Z_MIN_CHUNK);
    content = zlib.gunzipSync(gz, { maxOutputLength: limit, chunkSize });
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Out of memory (e.g. under `ulimit -v`): V8 refuses the buffer with a RangeError, cleanly.
    if (err instanceof RangeError && !code) {
      throw coded(new IdxError(file, `out of memory while decompressing ${header ? `the ${header.totalBytes} bytes ` +
        `its header declares (dims [${header.dims.join(', ')}])` : 'it'}: ${err.message}`, { cause: err }), 'NC_OUT_OF_MEMORY');
    }
    if (header && code === 'ERR_BUFFER_TOO_LARGE') throw tooLong(file, header.totalBytes, err);
    if (header && code === 'Z_BUF_ERROR') throw truncatedGzip(file, gz, header.totalBytes, limit, err);
    throw gzipError(file, err);
  }
  return finish(file, content, header ?? parseHeader(file, content, true)!);
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Reads `length` bytes at `position`; throws if the file has fewer (it shrank since it was stat'ed). */
function readBytes(file: string, fd: number, length: number, position: number): Buffer {
  // Its own ArrayBuffer (not the shared pool): the data view returned keeps exactly this alive.
  const buf = Buffer.allocUnsafeSlow(length);
  let got = 0;
  try {
    while (got < length) {
      // In chunks of at most 1 GiB: one read(2) returns at most ~2 GiB on Linux anyway.
      const n = fs.readSync(fd, buf, got, Math.min(length - got, 1 << 30), position + got);
      if (n === 0) break;
      got += n;
    }
  } catch (err) {
    throw new IdxError(file, `cannot read the file (${zlibMessage(err)})`, { cause: err });
  }
  if (got < length) {
    throw new IdxError(file, `the file shrank while being read: expected ${length} bytes at offset ${position}, got ${got}`);
  }
  return buf;
}

/**
 * Reads an IDX file of unsigned bytes (type code 0x08), as used by MNIST and Fashion-MNIST, raw or
 * gzip-compressed. Compression is detected from the content (the gzip magic 0x1f 0x8b), not from
 * the file name.
 *
 * Sizes are checked before anything large is allocated: a raw file's header is read and checked
 * against the file's length before the data is, and a gzip stream is inflated with its output capped
 * at the size its header declares (the header must come out of the stream's first 64 KiB). A gzip
 * stream whose content really is as large as its header declares is inflated, up to `maxBytes`
 * (default {@link IDX_DEFAULT_MAX_BYTES}, 2 GiB): a header declaring more is refused at once, and
 * memory stays within about the declared size (twice it beyond 64 MiB).
 *
 * @param file - path of the file.
 * @param options - `maxBytes`: the largest file or content accepted (default 2 GiB; at most the largest Buffer).
 * @throws RangeError for a `maxBytes` that is not a positive integer.
 * @returns the dimensions and a view of the data (no copy of the file's bytes).
 * @throws IdxError (an Error) naming the file when it is missing, unreadable or not a regular file
 *   (a directory, a FIFO, a device), has a wrong magic number, an unsupported type code, fewer bytes
 *   than its header declares (giving both sizes), trailing bytes, or a corrupt or truncated gzip
 *   stream; or when the file or a declared size is over `maxBytes`.
 * @example
 * const { dims, data } = readIdx('t10k-labels-idx1-ubyte.gz');  // dims [10000], data[i] in 0..9
 */
export function readIdx(file: string, options: ReadIdxOptions = {}): IdxArray {
  knownOptions('readIdx', options, ['maxBytes']);
  const max = options.maxBytes ?? IDX_DEFAULT_MAX_BYTES;
  if (!Number.isInteger(max) || max <= 0) throw invalidArg('readIdx', 'maxBytes', 'a positive integer', max, RangeError);
  const maxBytes = Math.min(max, bufferConstants.MAX_LENGTH);
  // stat before open: opening a FIFO would block until some other process writes to it.
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new IdxError(file, `not a regular file (${kindOf(stat)})`);
    size = stat.size;
  } catch (err) {
    if (err instanceof IdxError) throw err;
    const code = (err as { code?: string }).code;
    const problem = code !== 'ENOENT' ? `cannot read the file (${zlibMessage(err)})`
      : isSymlink(file) ? 'file not found (a symbolic link to a missing file)' : 'file not found';
    throw new IdxError(file, problem, { cause: err });
  }
  if (size > maxBytes) throw new IdxError(file, `the file has ${size} bytes, more than the ${maxBytes}-byte limit (the maxBytes option)`);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new IdxError(file, `cannot read the file (${zlibMessage(err)})`, { cause: err });
  }
  try {
    // Only the first bytes are read until the header has been checked against the file's length.
    const head = readBytes(file, fd, Math.min(size, MAX_HEADER), 0);
    if (isGzip(head)) return gunzipIdx(file, readBytes(file, fd, size, 0), maxBytes);
    // `head` holds the longest header, or the whole file: the parse is complete either way.
    const header = parseHeader(file, head, true)!;
    checkSize(file, header, size);
    const data = readBytes(file, fd, size - header.headerBytes, header.headerBytes);
    return { dims: header.dims, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } finally {
    fs.closeSync(fd);
  }
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
    throw codedError('NC_ARGUMENT', `idxHeader: expected 1 to 255 dimensions, integers in [0, 2^32) but received [${String(dims)}]`, RangeError);
  }
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return out;
}
