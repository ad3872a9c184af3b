// The safetensors file format (https://github.com/huggingface/safetensors), float32 tensors only:
// an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the raw little-endian data.
// Writes are atomic (temp file, fsync, rename); reads check every size against the real file before
// allocating anything big, so a corrupt or hostile file gives a clear error, not an out-of-memory.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as crypto from 'crypto';

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

function writeAll(fd: number, buf: Uint8Array): void {
  for (let done = 0; done < buf.length;) {
    done += fs.writeSync(fd, buf, done, Math.min(CHUNK_BYTES, buf.length - done));
  }
}

/** The header bytes: JSON, padded with spaces so that the data starts 8-byte aligned. */
function encodeHeader(file: string, tensors: Map<string, TensorToWrite>, metadata?: Record<string, string>): Buffer {
  const bad = (what: string) => new Error(`writeSafetensors: cannot write ${file}: ${what}`);
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
 * `.<name>.tmp-<pid>-<random>` in the same folder, is flushed to disk (fsync), then renamed over
 * `file`. A reader or a crash therefore sees the old file or the new one, never half of one.
 *
 * @param file - destination path; an existing file is replaced.
 * @param tensors - tensors by name, written in the map's order.
 * @param metadata - optional string pairs stored under `__metadata__`.
 * @throws Error naming `file` for a bad tensor (shape and data length disagree, reserved name) or
 *   a failed write; the temporary file is removed and an existing `file` is left untouched.
 * @example
 * writeSafetensors('w.safetensors', new Map([['w', { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]]));
 */
export function writeSafetensors(file: string, tensors: Map<string, TensorToWrite>,
  metadata?: Record<string, string>): void {
  const head = encodeHeader(file, tensors, metadata); // validates everything before touching the disk
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx'); // exclusive: never reuse somebody else's file
    writeAll(fd, head);
    for (const t of tensors.values()) writeFloats(fd, t.data);
    fs.fsyncSync(fd); // data on disk before the rename makes it visible
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) {
      try { fs.closeSync(fd); } catch { /* already failing; report the first error */ }
    }
    try { fs.unlinkSync(tmp); } catch { /* may not exist yet */ }
    throw new Error(`writeSafetensors: cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
  // Make the rename itself durable; not supported everywhere (Windows), and the file is complete anyway.
  try {
    const dfd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  } catch { /* best effort */ }
}

/** Opens `file` and reads and checks its header; the caller closes `fd`. */
function openAndParse(file: string): { fd: number; header: SafetensorsHeader } {
  const fail = (what: string) => new Error(`readSafetensors: ${file}: ${what}`);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw e.code === 'ENOENT' ? fail('file not found') : fail(`cannot open (${e.message})`);
  }
  try {
    return { fd, header: parseHeader(fd, fail) };
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

function parseHeader(fd: number, fail: (what: string) => Error): SafetensorsHeader {
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) throw fail('not a regular file');
  const fileSize = stat.size;
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
    throw fail(`header is not valid JSON (${(err as Error).message})`);
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
        if (typeof v !== 'string') throw fail(`"__metadata__" value "${k}" must be a string, got ${JSON.stringify(v)}`);
        defineOwn(metadata, k, v);
      }
      continue;
    }
    const bad = (what: string) => fail(`tensor "${name}": ${what}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('entry is not an object');
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    for (const [key, v] of [['dtype', dtype], ['shape', shape], ['data_offsets', offsets]] as const) {
      if (v === undefined) throw bad(`missing "${key}"`);
    }
    if (typeof dtype !== 'string') throw bad(`"dtype" must be a string, got ${JSON.stringify(dtype)}`);
    if (!isDims(shape)) throw bad(`"shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!isDims(offsets) || offsets.length !== 2 || offsets[0] > offsets[1]) {
      throw bad(`"data_offsets" must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    }
    const size = DTYPE_BYTES[dtype];
    // Unknown (e.g. newer sub-byte) dtypes: only their byte ranges can be checked.
    if (size !== undefined) {
      const expected = byteLength(shape, size);
      if (expected !== offsets[1] - offsets[0]) {
        throw bad(`shape ${formatShape(shape)} of ${dtype} needs ${expected ?? 'too many'} bytes but data_offsets ` +
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
    throw fail(`truncated: tensor "${last[0]}" ends at byte ${dataStart + last[1].dataOffsets[1]}, so the file ` +
      `should be ${dataStart + last[1].dataOffsets[1]} bytes, but it has ${fileSize}`);
  }
  let end = 0;
  let prev = '';
  for (const [name, { dataOffsets: [b, e] }] of sorted) {
    if (b < end) throw fail(`tensor "${name}" (bytes [${b},${e}]) overlaps tensor "${prev}" (which ends at ${end})`);
    if (b > end) {
      throw fail(`bytes [${end},${b}] of the data belong to no tensor` + (prev ? ` (after tensor "${prev}")` : ''));
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
 * @throws Error `readSafetensors: <file>: <problem>` when the file is missing, shorter than 8 bytes,
 *   declares a header longer than the file or than 100 MB, has a header that is not UTF-8 JSON
 *   object, an entry without a valid dtype/shape/data_offsets, a dtype other than F32, a shape that
 *   disagrees with its byte range, byte ranges beyond the end of the file (truncated), overlapping
 *   or leaving gaps, or bytes after the last tensor.
 * @example
 * const { tensors, metadata } = readSafetensors('w.safetensors');
 * tensors.get('w')!.data; // Float32Array [1, 2, 3, 4]
 */
export function readSafetensors(file: string, options: { names?: Iterable<string> } = {}):
  { tensors: Map<string, ReadTensor>; metadata: Record<string, string> } {
  const { fd, header } = openAndParse(file);
  const fail = (what: string) => new Error(`readSafetensors: ${file}: ${what}`);
  try {
    const names = options.names ? [...options.names] : [...header.tensors.keys()];
    const entries = names.map((name) => {
      const entry = header.tensors.get(name);
      if (!entry) throw fail(`no tensor "${name}" in the file`);
      if (entry.dtype !== 'F32') throw fail(`tensor "${name}": dtype ${entry.dtype} is not supported (only F32)`);
      return [name, entry] as const;
    });
    const tensors = new Map<string, ReadTensor>();
    for (const [name, { shape, dataOffsets: [b, e] }] of entries) {
      // Sizes were checked against the file, so this allocation is backed by real bytes.
      const data = new Float32Array((e - b) / 4);
      const bytes = new Uint8Array(data.buffer);
      if (readExactly(fd, bytes, header.dataStart + b) !== bytes.length) {
        throw fail(`file ended while reading tensor "${name}" (changed while being read?)`);
      }
      if (!HOST_IS_LE) Buffer.from(data.buffer).swap32();
      tensors.set(name, { dtype: 'F32', shape: [...shape], data });
    }
    return { tensors, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}
