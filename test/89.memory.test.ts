// The memory cache gives memory back (emptyCache, and an idle timer that never keeps a process
// alive), and uploads fill a whole tensor or throw, whatever JavaScript ran in between.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Device, Tensor, backendInfo, cpu, emptyCache, gpu, memoryInfo } from '../lib';
import { binding } from '../lib/core/binding';

const MiB = 2 ** 20;
const libDir = path.join(__dirname, '..', 'lib');

// Allocates and frees `count` tensors of 4 MiB (written, so their pages are resident): their
// blocks land in the CPU cache.
function churn(count: number): void {
  const ts = Array.from({ length: count }, () => Tensor.full([MiB], 1));
  ts.forEach((t) => t.dispose());
}

// Runs `script` in a fresh Node with the library at hand as `lib`; returns its exit, output and time.
function child(script: string, env: Record<string, string> = {}, timeoutMs = 30000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', `const lib = require(${JSON.stringify(libDir)});\n${script}`], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

describe('memory cache', () => {
  it('emptyCache() gives ~200 MB of freed CPU tensors back to the system', () => {
    emptyCache();
    churn(50);
    const cached = memoryInfo().cachedBytes!;
    assert.ok(cached >= 200 * MiB, `only ${cached} bytes cached after freeing 200 MiB`);
    const rssBefore = process.memoryUsage().rss;
    emptyCache(cpu());
    assert.equal(memoryInfo('cpu').cachedBytes, 0);
    const dropped = rssBefore - process.memoryUsage().rss;
    assert.ok(dropped >= 150 * MiB, `resident memory fell by only ${(dropped / MiB).toFixed(1)} MiB`);
  });

  it('emptyCache() leaves live tensors alone', () => {
    const keep = Tensor.fromArray([1, 2, 3]);
    churn(2);
    emptyCache('cpu');
    assert.deepEqual(Array.from(keep.toArray()), [1, 2, 3]);
    keep.dispose();
  });

  it('emptyCache(gpu()) trims CUDA\'s pool', function () {
    if (!backendInfo().cuda.available) this.skip();
    const ts = Array.from({ length: 50 }, () => Tensor.zeros([MiB], gpu()));
    ts.forEach((t) => t.dispose());
    emptyCache(gpu());
    assert.ok(memoryInfo(gpu()).poolReservedBytes! < 50 * MiB, `the pool still holds ${memoryInfo(gpu()).poolReservedBytes} bytes`);
  });

  it('emptyCache() names a device it cannot use', () => {
    assert.throws(() => emptyCache('tpu'), /emptyCache: .*tpu/);
  });

  it('the idle timer releases cached blocks within its period, with no allocation to trigger it', () => {
    // NODE_CUDNN_CACHE_IDLE_MS=1000: blocks go back between 0.5 and 1 s after their last use. The
    // child polls the cache without allocating (an allocation would evict on its own).
    const r = child(`
      const ts = Array.from({ length: 50 }, () => lib.Tensor.full([${MiB}], 1));
      ts.forEach((t) => t.dispose());
      const freed = Date.now(), cached = lib.memoryInfo().cachedBytes;
      const poll = setInterval(() => {
        if (lib.memoryInfo().cachedBytes > 0 && Date.now() - freed < 5000) return;
        clearInterval(poll);
        console.log(JSON.stringify({ cached, left: lib.memoryInfo().cachedBytes, ms: Date.now() - freed }));
      }, 20);
    `, { NODE_CUDNN_CACHE_IDLE_MS: '1000' });
    assert.equal(r.status, 0, r.stderr);
    const { cached, left, ms } = JSON.parse(r.stdout);
    assert.ok(cached >= 200 * MiB, `only ${cached} bytes were cached`);
    assert.equal(left, 0, `${left} bytes still cached ${ms} ms after the free`);
    assert.ok(ms >= 400 && ms <= 1000 + 300, `released after ${ms} ms (expected 500-1000)`);
  });

  it('the idle timer never keeps a process alive', () => {
    // The default period (20 s) ticks every 10 s; a process with cached blocks still exits at once.
    const r = child('lib.Tensor.full([1024], 1).dispose(); console.log(lib.memoryInfo().cachedBytes);', {}, 8000);
    assert.equal(r.signal, null, `the child was still running after ${r.ms} ms`);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout) > 0);
  });

  it('NODE_CUDNN_CACHE_IDLE_MS must be a whole number', () => {
    const r = child('', { NODE_CUDNN_CACHE_IDLE_MS: '2s' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /NODE_CUDNN_CACHE_IDLE_MS must be a whole number of milliseconds .* not '2s'/);
  });
});

describe('upload length is checked natively', () => {
  it('upload and uploadBytes fill the whole storage or throw a RangeError naming both sizes', () => {
    const s = binding.alloc('cpu', 16);
    try {
      assert.throws(() => binding.upload(s, new Float32Array(3)), (e: Error) =>
        e instanceof RangeError && /^upload: src fills 12 bytes as floats but dst holds 16 bytes/.test(e.message));
      assert.throws(() => binding.upload(s, new Float32Array(5)), /upload: src fills 20 bytes .* dst holds 16 bytes/);
      assert.throws(() => binding.uploadBytes(s, new Uint8Array(3), 1), (e: Error) =>
        e instanceof RangeError && /^uploadBytes: src fills 12 bytes as floats but dst holds 16 bytes/.test(e.message));
      binding.upload(s, Float32Array.of(1, 2, 3, 4));
      binding.uploadBytes(s, Uint8Array.of(1, 2, 3, 4), 0.5);
    } finally {
      s.dispose();
    }
  });

  it('Tensor.fromArray with a device whose name getter detaches the source throws, never returns stale data', () => {
    // A freed tensor's block, full of 42s, waits in the cache for the next tensor of its size.
    Tensor.full([1024], 42).dispose();
    const src = new Float32Array(1024).fill(1);
    class Hostile extends Device {
      get name(): string {
        structuredClone(src.buffer, { transfer: [src.buffer] });  // detaches src: its length becomes 0
        return 'cpu';
      }
    }
    const live = memoryInfo().liveBuffers;
    assert.throws(() => Tensor.fromArray(src, [1024], new Hostile('cpu')), (e: Error) =>
      e instanceof RangeError && /upload: src fills 0 bytes as floats but dst holds 4096 bytes/.test(e.message));
    assert.equal(src.length, 0);
    assert.equal(memoryInfo().liveBuffers, live, 'the tensor of the failed upload was not freed');
  });

  it('Tensor.fromBytes likewise', () => {
    const bytes = new Uint8Array(64).fill(7);
    class Hostile extends Device {
      get name(): string {
        structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
        return 'cpu';
      }
    }
    assert.throws(() => Tensor.fromBytes(bytes, [64], new Hostile('cpu')), /uploadBytes: src fills 0 bytes as floats but dst holds 256 bytes/);
  });
});
