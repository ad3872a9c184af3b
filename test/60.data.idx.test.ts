import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { spawnSync } from 'child_process';
import { readIdx, idxHeader, IdxError, IDX_DEFAULT_MAX_BYTES } from '../lib/data/idx';

/** The bytes of an unsigned-byte IDX file: header from `dims`, then `data`. */
function idxBytes(dims: number[], data: Uint8Array): Buffer {
  return Buffer.concat([idxHeader(dims), data]);
}

/** A header with any magic/type/dims, for malformed files. */
function rawHeader(type: number, dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = type;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

/** Asserts that `fn` throws an IdxError naming `file` whose message matches every pattern. */
function throwsFor(fn: () => unknown, file: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof IdxError, `expected an IdxError, got ${String(err)}`);
    assert.equal(err.file, file);
    assert.ok(err.message.includes(file), `message does not name the file: ${err.message}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

describe('data: readIdx', () => {
  let dir: string;
  const write = (name: string, bytes: Uint8Array): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) & 255);
  const content = idxBytes([2, 3, 4], data);

  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-idx-')); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('reads a raw file', () => {
    const idx = readIdx(write('a-idx3-ubyte', content));
    assert.deepEqual(idx.dims, [2, 3, 4]);
    assert.deepEqual(idx.data, data);
    assert.equal(Object.getPrototypeOf(idx.data), Uint8Array.prototype);
  });

  it('reads a gzip file, detected by its content and not its name', () => {
    const gz = zlib.gzipSync(content);
    for (const name of ['b-idx3-ubyte.gz', 'b-idx3-ubyte']) {
      const idx = readIdx(write(name, gz));
      assert.deepEqual(idx.dims, [2, 3, 4]);
      assert.deepEqual(idx.data, data);
    }
    // A raw file named .gz is read as raw.
    assert.deepEqual(readIdx(write('raw.gz', content)).data, data);
  });

  it('reads a 1-d file and an empty one (a zero dimension)', () => {
    assert.deepEqual(readIdx(write('labels', idxBytes([3], Uint8Array.of(7, 8, 9)))).data, Uint8Array.of(7, 8, 9));
    const empty = readIdx(write('empty', idxBytes([0, 28, 28], new Uint8Array(0))));
    assert.deepEqual(empty.dims, [0, 28, 28]);
    assert.equal(empty.data.length, 0);
  });

  it('reads a multi-member gzip stream', () => {
    const gz = Buffer.concat([zlib.gzipSync(content.subarray(0, 10)), zlib.gzipSync(content.subarray(10))]);
    assert.deepEqual(readIdx(write('multi.gz', gz)).data, data);
  });

  it('says when the file does not exist', () => {
    const file = path.join(dir, 'missing-idx1-ubyte');
    throwsFor(() => readIdx(file), file, /file not found/);
  });

  it('rejects a directory', () => {
    throwsFor(() => readIdx(dir), dir, /not a regular file/);
  });

  it('rejects a wrong magic number', () => {
    const file = write('magic', Buffer.concat([Buffer.from([0x01, 0x00, 0x08, 0x01, 0, 0, 0, 1]), Buffer.from([5])]));
    throwsFor(() => readIdx(file), file, /wrong magic number 0x01 0x00/);
    const text = write('text', Buffer.from('hello world\n'));
    throwsFor(() => readIdx(text), text, /magic/);
    const gzText = write('text.gz', zlib.gzipSync('hello world\n'));
    throwsFor(() => readIdx(gzText), gzText, /magic/);
  });

  it('rejects other type codes, naming the code', () => {
    const file = write('float', Buffer.concat([rawHeader(0x0d, [2]), Buffer.alloc(8)]));
    throwsFor(() => readIdx(file), file, /unsupported IDX type code 0x0d \(float32\)/, /0x08/);
    const gz = write('int.gz', zlib.gzipSync(Buffer.concat([rawHeader(0x0c, [1]), Buffer.alloc(4)])));
    throwsFor(() => readIdx(gz), gz, /type code 0x0c/);
    const odd = write('odd', rawHeader(0x42, [1]));
    throwsFor(() => readIdx(odd), odd, /type code 0x42/);
  });

  it('rejects a header without dimensions', () => {
    const file = write('ndim0', rawHeader(0x08, []));
    throwsFor(() => readIdx(file), file, /0 dimensions/);
  });

  it('reports truncated raw files with expected and actual sizes', () => {
    const file = write('short', content.subarray(0, content.length - 5));
    const total = content.length;
    throwsFor(() => readIdx(file), file, /truncated/, new RegExp(`${total} bytes`), new RegExp(`only ${total - 5} bytes`));
    const empty = write('zero', new Uint8Array(0));
    throwsFor(() => readIdx(empty), empty, /truncated/, /only 0/);
    const halfHeader = write('half-header', content.subarray(0, 10));
    throwsFor(() => readIdx(halfHeader), halfHeader, /truncated/, /needs at least 16 bytes/, /only 10/);
  });

  it('reports gzip content shorter than its header declares', () => {
    const file = write('short.gz', zlib.gzipSync(content.subarray(0, content.length - 5)));
    throwsFor(() => readIdx(file), file, /truncated/, new RegExp(`${content.length} bytes`), new RegExp(`${content.length - 5} bytes`));
  });

  it('reports a truncated gzip stream', () => {
    const big = idxBytes([100, 100], Uint8Array.from({ length: 10000 }, (_, i) => (i * 7919) % 251));
    const gz = zlib.gzipSync(big);
    const file = write('cut.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    throwsFor(() => readIdx(file), file, /truncated gzip stream/, /declares 10012 bytes/, /only \d+ bytes could be decompressed/);
    // Cut inside the gzip trailer (CRC/size): all content is there but the stream is incomplete.
    const tail = write('cut-trailer.gz', gz.subarray(0, gz.length - 3));
    throwsFor(() => readIdx(tail), tail, /gzip/);
  });

  it('rejects trailing bytes, raw and gzip', () => {
    const file = write('trailing', Buffer.concat([content, Buffer.from([1, 2, 3])]));
    throwsFor(() => readIdx(file), file, /3 bytes of trailing garbage/, new RegExp(`${content.length} bytes`));
    const gz = write('trailing.gz', zlib.gzipSync(Buffer.concat([content, Buffer.alloc(1000)])));
    throwsFor(() => readIdx(gz), gz, /trailing garbage/);
    const gz1 = write('trailing1.gz', zlib.gzipSync(Buffer.concat([content, Buffer.alloc(1)])));
    throwsFor(() => readIdx(gz1), gz1, /1 bytes of trailing garbage/);
  });

  it('rejects corrupt gzip data', () => {
    const gz = zlib.gzipSync(idxBytes([64, 64], Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) & 255)));
    // A flipped byte in the deflate data or in the CRC.
    for (const at of [Math.floor(gz.length / 2), gz.length - 6]) {
      const bad = Buffer.from(gz);
      bad[at] ^= 0xff;
      const file = write(`corrupt-${at}.gz`, bad);
      throwsFor(() => readIdx(file), file, /gzip/);
    }
    // A bad compression method right after the magic bytes.
    const header = Buffer.from(gz);
    header[2] = 0x07;
    const file = write('corrupt-header.gz', header);
    throwsFor(() => readIdx(file), file, /corrupt gzip data/);
  });

  it('rejects huge declared sizes at once, without allocating them (raw)', () => {
    const file = write('huge', Buffer.concat([rawHeader(0x08, [0xffffffff, 0xffffffff, 0xffffffff]), Buffer.alloc(16)]));
    const before = process.memoryUsage().arrayBuffers;
    const t0 = process.hrtime.bigint();
    throwsFor(() => readIdx(file), file, /truncated/, new RegExp(`${(2n ** 32n - 1n) ** 3n + 16n} bytes`), /only 32 bytes/);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 200, 'took too long');
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'allocated a lot of memory');
  });

  it('rejects huge declared sizes at once, without allocating them (gzip)', () => {
    // Over the limit: refused before inflating.
    const over = write('huge.gz', zlib.gzipSync(Buffer.concat([rawHeader(0x08, [1 << 30, 1 << 30]), Buffer.alloc(16)])));
    throwsFor(() => readIdx(over), over, new RegExp(`${2n ** 60n + 12n} bytes`), /limit/);
    // Over the default 2 GiB limit (3 GB): refused before inflating, naming the limit and the option.
    const big = write('big.gz', zlib.gzipSync(Buffer.concat([rawHeader(0x08, [3000, 1000, 1000]), Buffer.alloc(100)])));
    throwsFor(() => readIdx(big), big, /dims \[3000, 1000, 1000\], i\.e\. 3000000016 bytes, more than the 2147483648-byte limit/,
      /maxBytes/);
    assert.equal(IDX_DEFAULT_MAX_BYTES, 2 ** 31);
    // Under a raised limit but absent from the stream: inflating stops at the real end.
    const under = big;
    const before = process.memoryUsage().arrayBuffers;
    const t0 = process.hrtime.bigint();
    throwsFor(() => readIdx(under, { maxBytes: 2 ** 32 }), under, /truncated/, /3000000016 bytes/, /only 116 bytes/);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 200, 'took too long');
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'allocated a lot of memory');
  });

  it('caps a gzip bomb at the declared size', () => {
    // Declares 100 bytes of data but inflates to 50 MB of zeros: stopped at 109 bytes of output.
    const bomb = write('bomb.gz', zlib.gzipSync(Buffer.concat([rawHeader(0x08, [100]), Buffer.alloc(50 << 20)])));
    throwsFor(() => readIdx(bomb), bomb, /trailing garbage/, /108 bytes/);
  });

  describe('a real gzip bomb under ulimit -v', function () {
    this.timeout(60_000);
    // 4 MB that inflate to 4.29 GB of zeros behind a header that declares them all ([65535, 65535]):
    // 1 MiB of zeros deflated with a full flush is a self-contained ~1 KB block, repeated 4096 times.
    // Before the limit, readIdx inflated it all (peak 8.5 GB) and died with SIGSEGV under ulimit -v.
    let bomb: string;
    before(() => {
      const full = { finishFlush: zlib.constants.Z_FULL_FLUSH };
      const block = zlib.deflateRawSync(Buffer.alloc(1 << 20), { ...full, level: 9 });
      const header = rawHeader(0x08, [65535, 65535]);
      const trailer = Buffer.alloc(8);  // the CRC is left 0; its length field is right modulo 2^32
      trailer.writeUInt32LE((header.length + 4096 * 2 ** 20) % 2 ** 32, 4);
      bomb = write('bomb-4g.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]),
        zlib.deflateRawSync(header, full), ...new Array<Buffer>(4096).fill(block), zlib.deflateRawSync(Buffer.alloc(0)), trailer]));
    });

    /** Runs readIdx(bomb, options) in a child limited to ~2 GB of address space; returns its result. */
    function readInChild(options: string): { status: number | null; signal: string | null; out: string; ms: number } {
      const idxModule = require.resolve('../lib/data/idx');
      const script = `try { require(${JSON.stringify(idxModule)}).readIdx(${JSON.stringify(bomb)}, ${options}); ` +
        "console.log('no error'); } catch (e) { console.log(e.message); process.exit(3); }";
      const t0 = Date.now();
      const r = spawnSync('bash', ['-c', 'ulimit -v 2000000 && exec "$0" -e "$1"', process.execPath, script],
        { encoding: 'utf8', timeout: 50_000 });
      return { status: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}`, ms: Date.now() - t0 };
    }

    it('is refused from its header, at once, with a clean error', function () {
      if (process.platform !== 'linux') this.skip();
      const r = readInChild('{}');
      assert.equal(r.signal, null, `killed by ${r.signal}: ${r.out}`);
      assert.equal(r.status, 3, r.out);
      assert.ok(r.out.includes(bomb), r.out);
      assert.match(r.out, /dims \[65535, 65535\], i\.e\. 4294836237 bytes, more than the 2147483648-byte limit \(refused before decompressing/);
      assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
    });

    it('with the limit raised past the memory available, stops with an error, not a signal', function () {
      if (process.platform !== 'linux') this.skip();
      const r = readInChild('{ maxBytes: 2 ** 32 }');
      assert.equal(r.signal, null, `killed by ${r.signal}: ${r.out}`);
      assert.equal(r.status, 3, r.out);
      assert.ok(r.out.includes(bomb), r.out);
      assert.match(r.out, /out of memory while decompressing the 4294836237 bytes its header declares/);
    });
  });

  it('honours maxBytes', () => {
    const file = write('limited', content);
    throwsFor(() => readIdx(file, { maxBytes: 10 }), file, /more than the 10-byte limit/);
    const gz = write('limited.gz', zlib.gzipSync(content));
    throwsFor(() => readIdx(gz, { maxBytes: 30 }), gz, /more than the 30-byte limit/);
    assert.throws(() => readIdx(file, { maxBytes: 0 }), /readIdx: expected a positive integer for maxBytes but received 0 \(number\)/);
  });

  it('idxHeader writes the header readIdx reads', () => {
    assert.deepEqual([...idxHeader([2, 258])], [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 1, 2]);
    assert.throws(() => idxHeader([]), RangeError);
    assert.throws(() => idxHeader([-1]), RangeError);
    assert.throws(() => idxHeader([1.5]), RangeError);
  });
});
