// The safetensors file format (https://github.com/huggingface/safetensors), float32 tensors only:
// an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the raw little-endian data.
// Writes are atomic (temp file, fsync, rename; see ./files); reads check every size and count against
// the real file and fixed limits before allocating anything big, so a corrupt or hostile file gives a
// clear, short error, not an out-of-memory.
import * as fs from 'fs';
import * as os from 'os';
import { clip, clipList, openRegularFile, writeAll as writeAllChunked, writeFileAtomic } from './files';
import { codedError } from '../core/errors';
import { knownOptions } from '../core/check';

/** A float32 tensor to write: row-major `data` of `product(shape)` elements. */
export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

/** A tensor read back from a file. */
export interface ReadTensor {
  /** Always `'F32'` (other dtypes are rejected). */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

/** One entry of a file's header, checked against the file but with no data read. */
export interface SafetensorsEntry {
  /** The spec's dtype name: `F32`, `F16`, `BF16`, `I64`, ... */
  dtype: string;
  shape: number[];
  /** Byte range [begin, end) relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A file's validated header. */
export interface SafetensorsHeader {
  /** Entries in the header's order. */
  tensors: Map<string, SafetensorsEntry>;
  /** The `__metadata__` strings ({} when absent). */
  metadata: Record<string, string>;
  /** File offset of the data section (8 + header length). */
  dataStart: number;
  /** Size of the file in bytes. */
  fileSize: number;
}

/** Headers larger than this are refused as corrupt (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/**
 * Headers with more entries than this are refused before they are parsed (real models have a few
 * thousand at most; a hostile 1.5-million-entry header took seconds and gigabytes).
 */
export const MAX_HEADER_ENTRIES = 100_000;

/** Bytes per element of the spec's dtypes, to check the sizes of entries we do not load. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8, C64: 8,
};

// Typed arrays use the host's byte order; the file is little-endian.
const HOST_IS_LE = os.endianness() === 'LE';
// Bounded I/O calls: a single read/write of more than ~2 GB is cut short by Linux anyway.
const CHUNK_BYTES = 16 * 1024 * 1024;

const formatShape = (shape: readonly number[]): string => `(${shape.join(',')})`;

/** Sets an own property even for names like `__proto__`, which plain assignment would not store. */
function defineOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isDims(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** product(shape) * bytesPerElement, or null when it is not a safe integer. */
function byteLength(shape: readonly number[], bytesPerElement: number): number | null {
  let n = bytesPerElement;
  for (const d of shape) n *= d;
  return Number.isSafeInteger(n) ? n : null;
}

const writeAll = (fd: number, buf: Uint8Array): void => writeAllChunked(fd, buf, CHUNK_BYTES);

/** The header bytes: JSON, padded with spaces so that the data starts 8-byte aligned. */
function encodeHeader(file: string, tensors: Map<string, TensorToWrite>, metadata?: Record<string, string>): Buffer {
  const bad = (what: string) => codedError('NC_FILE', `writeSafetensors: cannot write ${file}: ${what}`);
  // Null prototype: a tensor named `__proto__` becomes a key, not a prototype change.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) throw bad('metadata must be an object of strings');
    const meta: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw bad(`metadata "${k}" must be a string, got ${typeof v}`);
      meta[k] = v;
    }
    header.__metadata__ = meta; // first, as the reference writer puts it
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (typeof name !== 'string') throw bad(`tensor names must be strings, got ${typeof name}`);
    if (name === '__metadata__') throw bad('"__metadata__" is reserved and cannot name a tensor');
    if (!t || !isDims(t.shape)) throw bad(`tensor "${name}": shape must be an array of non-negative integers`);
    if (!(t.data instanceof Float32Array)) throw bad(`tensor "${name}": data must be a Float32Array`);
    const bytes = byteLength(t.shape, 4);
    if (bytes !== t.data.byteLength) {
      throw bad(`tensor "${name}": ${t.data.length} values do not fill shape ${formatShape(t.shape)}`);
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8; // 8 + padded is then a multiple of 8
  const out = Buffer.alloc(8 + padded, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(out, 8);
  return out;
}

/** Writes one tensor's floats as little-endian bytes, a chunk at a time. */
function writeFloats(fd: number, data: Float32Array): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
    const chunk = bytes.subarray(at, Math.min(bytes.length, at + CHUNK_BYTES));
    // Big-endian hosts: swap a copy, never the caller's array.
    writeAll(fd, HOST_IS_LE ? chunk : Buffer.from(chunk).swap32());
  }
}

/**
 * Writes float32 tensors to a safetensors file, atomically: the data goes to a temporary file
 * `.<name>.tmp-<pid>-<random>` in the target's folder, is flushed to disk (fsync), then renamed over
 * it. A reader or a crash therefore sees the old file or the new one, never half of one. A symlink
 * is written through to its target; an existing file keeps its mode; stale temp files of a killed
 * save (an hour old) are removed from the folder.
 *
 * @param file - destination path; an existing regular file is replaced.
 * @param tensors - tensors by name, written in the map's order.
 * @param metadata - optional string pairs stored under `__metadata__`.
 * @throws Error naming `file` for a bad tensor (shape and data length disagree, reserved name),
 *   a destination that is not a regular file (directory, FIFO, socket, device: never replaced) or
 *   a failed write; the temporary file is removed and an existing `file` is left untouched.
 * @example
 * writeSafetensors('w.safetensors', new Map([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]]));
 */
export function writeSafetensors(file: string, tensors: Map<string, TensorToWrite>,
  metadata?: Record<string, string>): void {
  const head = encodeHeader(file, tensors, metadata); // validates everything before touching the disk
  writeFileAtomic(file, (fd) => {
    writeAll(fd, head);
    for (const t of tensors.values()) writeFloats(fd, t.data);
  }, (err) => codedError('NC_FILE', `writeSafetensors: cannot write ${file}: ${err.message}`, Error, { cause: err }));
}

/** The error for a file that cannot be read: "readSafetensors: <file>: <problem>". */
const readError = (file: string, what: string): Error => codedError('NC_FILE', `readSafetensors: ${file}: ${what}`);

/** Opens `file` and reads and checks its header; the caller closes `fd`. */
function openAndParse(file: string): { fd: number; header: SafetensorsHeader } {
  const fail = (what: string) => readError(file, what);
  // Checked before it is opened: a FIFO or device never blocks.
  const { fd, size } = openRegularFile(file, fail);
  try {
    return { fd, header: parseHeader(fd, size, fail) };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function readExactly(fd: number, buf: Uint8Array, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, Math.min(CHUNK_BYTES, buf.length - done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * The number of top-level keys of a JSON object, counted on the bytes without parsing (a key's
 * colon at depth 1 outside strings), so that a huge header is refused before it is built.
 * Exact for valid JSON; for invalid JSON, JSON.parse reports the problem afterwards.
 */
function countTopLevelKeys(raw: Uint8Array): number {
  let depth = 0;
  let inString = false;
  let count = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++; // { [
    else if (c === 0x7d || c === 0x5d) depth--; // } ]
    else if (c === 0x3a && depth === 1) count++; // :
  }
  return count;
}

function parseHeader(fd: number, fileSize: number, fail: (what: string) => Error): SafetensorsHeader {
  if (fileSize < 8) {
    throw fail(`file is ${fileSize} bytes, shorter than the 8-byte header length; not a safetensors file`);
  }
  const prefix = Buffer.alloc(8);
  readExactly(fd, prefix, 0);
  const n = prefix.readBigUInt64LE(0);
  // Both checks come before any allocation of the claimed size.
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw fail(`header length ${n} bytes is absurd (more than ${MAX_HEADER_BYTES / 1024 / 1024} MB; the file has ` +
      `${fileSize} bytes); not a safetensors file, or corrupt`);
  }
  const headerLen = Number(n);
  if (8 + headerLen > fileSize) {
    throw fail(`header length ${headerLen} bytes is larger than the file (${fileSize} bytes); ` +
      'not a safetensors file, or truncated');
  }
  const raw = Buffer.alloc(headerLen);
  if (readExactly(fd, raw, 8) !== headerLen) throw fail('file ended while reading the header');
  const entries = countTopLevelKeys(raw);
  if (entries > MAX_HEADER_ENTRIES + 1) { // + 1: "__metadata__"
    throw fail(`header has ${entries} entries, more than the limit of ${MAX_HEADER_ENTRIES}; ` +
      'not a safetensors file of this library, or corrupt');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw fail('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`header is not valid JSON (${clip((err as Error).message)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fail(`header is not a JSON object but ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  }

  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw fail('"__metadata__" must be an object of strings');
      }
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw fail(`"__metadata__" value "${clip(k)}" must be a string, got ${clip(JSON.stringify(v) ?? String(v))}`);
        defineOwn(metadata, k, v);
      }
      continue;
    }
    const bad = (what: string) => fail(`tensor "${clip(name)}": ${what}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('entry is not an object');
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    for (const [key, v] of [['dtype', dtype], ['shape', shape], ['data_offsets', offsets]] as const) {
      if (v === undefined) throw bad(`missing "${key}"`);
    }
    if (typeof dtype !== 'string') throw bad(`"dtype" must be a string, got ${clip(JSON.stringify(dtype) ?? String(dtype))}`);
    if (!isDims(shape)) throw bad(`"shape" must be an array of non-negative integers, got ${clip(JSON.stringify(shape) ?? String(shape))}`);
    if (!isDims(offsets) || offsets.length !== 2 || offsets[0] > offsets[1]) {
      throw bad(`"data_offsets" must be [begin, end] with 0 <= begin <= end, got ${clip(JSON.stringify(offsets) ?? String(offsets))}`);
    }
    const size = DTYPE_BYTES[dtype];
    // Unknown (e.g. newer sub-byte) dtypes: only their byte ranges can be checked.
    if (size !== undefined) {
      const expected = byteLength(shape, size);
      if (expected !== offsets[1] - offsets[0]) {
        throw bad(`shape ${clip(formatShape(shape))} of ${clip(dtype)} needs ${expected ?? 'too many'} bytes but data_offsets ` +
          `[${offsets[0]},${offsets[1]}] hold ${offsets[1] - offsets[0]}`);
      }
    }
    tensors.set(name, { dtype, shape: [...shape], dataOffsets: [offsets[0], offsets[1]] });
  }

  // The byte ranges must tile the data section exactly: sorted by offset (the JSON key order is not
  // meaningful), no gap, no overlap, ending at the end of the file.
  const dataStart = 8 + headerLen;
  const dataBytes = fileSize - dataStart;
  const sorted = [...tensors].sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] ||
    a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  const last = sorted.reduce<[string, SafetensorsEntry] | null>(
    (m, e) => (m === null || e[1].dataOffsets[1] > m[1].dataOffsets[1] ? e : m), null);
  if (last && last[1].dataOffsets[1] > dataBytes) {
    throw fail(`truncated: tensor "${clip(last[0])}" ends at byte ${dataStart + last[1].dataOffsets[1]}, so the file ` +
      `should be ${dataStart + last[1].dataOffsets[1]} bytes, but it has ${fileSize}`);
  }
  let end = 0;
  let prev = '';
  for (const [name, { dataOffsets: [b, e] }] of sorted) {
    if (b < end) throw fail(`tensor "${clip(name)}" (bytes [${b},${e}]) overlaps tensor "${clip(prev)}" (which ends at ${end})`);
    if (b > end) {
      throw fail(`bytes [${end},${b}] of the data belong to no tensor` + (prev ? ` (after tensor "${clip(prev)}")` : ''));
    }
    end = e;
    prev = name;
  }
  if (end < dataBytes) throw fail(`${dataBytes - end} unexpected bytes after the data`);
  return { tensors, metadata, dataStart, fileSize };
}

/**
 * Reads and checks the header of a safetensors file without reading the tensors: names, dtypes
 * (any of the spec's), shapes and byte ranges, all checked against the file's real size.
 *
 * @param file - path of a `.safetensors` file.
 * @throws Error naming `file` and the problem (see {@link readSafetensors}).
 * @example
 * const { tensors } = readSafetensorsHeader('w.safetensors');
 * tensors.get('conv0.weight')?.shape; // [6, 1, 5, 5]
 */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const { fd, header } = openAndParse(file);
  fs.closeSync(fd);
  return header;
}

/**
 * Reads the float32 tensors of a safetensors file.
 *
 * @param file - path of a `.safetensors` file.
 * @param options.names - read only these tensors (default all); a name absent from the file is an
 *   error. Other entries are still checked but may have any dtype.
 * @returns the tensors in header order, and the `__metadata__` strings ({} when absent).
 * @throws Error `readSafetensors: <file>: <problem>` when the file is missing or not a regular file
 *   (a directory, FIFO, socket or device: checked before opening, so it never blocks), is shorter
 *   than 8 bytes, declares a header longer than the file or than 100 MB ({@link MAX_HEADER_BYTES}),
 *   has more than 100,000 entries ({@link MAX_HEADER_ENTRIES}), has a header that is not a UTF-8
 *   JSON object, an entry without a valid dtype/shape/data_offsets, a dtype other than F32, a shape that
 *   disagrees with its byte range, byte ranges beyond the end of the file (truncated), overlapping
 *   or leaving gaps, or bytes after the last tensor. Names and values quoted in a message are cut
 *   to 200 characters.
 * @example
 * const { tensors, metadata } = readSafetensors('w.safetensors');
 * tensors.get('w')!.data; // Float32Array [1, 2, 3, 4]
 */
export function readSafetensors(file: string, options: { names?: Iterable<string> } = {}):
  { tensors: Map<string, ReadTensor>; metadata: Record<string, string> } {
  knownOptions('readSafetensors', options, ['names']);
  const { fd, header } = openAndParse(file);
  const fail = (what: string) => readError(file, what);
  try {
    const names = options.names ? [...options.names] : [...header.tensors.keys()];
    const entries = names.map((name) => {
      const entry = header.tensors.get(name);
      if (!entry) throw fail(`no tensor "${clip(name)}" in the file`);
      if (entry.dtype !== 'F32') throw fail(`tensor "${clip(name)}": dtype ${clip(entry.dtype)} is not supported (only F32)`);
      return [name, entry] as const;
    });
    const tensors = new Map<string, ReadTensor>();
    for (const [name, { shape, dataOffsets: [b, e] }] of entries) {
      // Sizes were checked against the file, so this allocation is backed by real bytes.
      const data = new Float32Array((e - b) / 4);
      const bytes = new Uint8Array(data.buffer);
      if (readExactly(fd, bytes, header.dataStart + b) !== bytes.length) {
        throw fail(`file ended while reading tensor "${clip(name)}" (changed while being read?)`);
      }
      if (!HOST_IS_LE) Buffer.from(data.buffer).swap32();
      tensors.set(name, { dtype: 'F32', shape: [...shape], data });
    }
    return { tensors, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}
