// Worker threads and the devices: a worker's exit or terminate() must leave the other threads'
// devices working (the addon once shut the GPU down at any environment's exit), threads that train
// at once get what they get one after another, and GPU memory that the pool keeps comes back when
// an allocation needs it. The CPU suite runs everywhere; the GPU suites where a GPU is usable.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Device, Tensor, backendInfo, cpu, gpu, memoryInfo, ops, setGpuPrecision } from '../lib';

const root = path.join(__dirname, '..', '..');
const lib = path.join(root, 'dist-test', 'lib');
const script = path.join(root, 'test', 'fixtures', 'thread-worker.js');
const { cuda } = backendInfo();

interface Trained {
  params: number[][];
  loss: number;
}

// A worker that trains the fixture's small network `steps` steps from `seed` on `device`.
function trainInWorker(device: 'cpu' | 'gpu', seed: number, steps: number): Promise<Trained> {
  const worker = new Worker(script, { workerData: { lib, device, mode: 'train', seed, steps } });
  return new Promise((resolve, reject) => {
    let result: Trained | undefined;
    worker.on('message', (m: Trained) => (result = m));
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`worker exit code ${code}`))));
  });
}

// The largest difference between two trainings' parameters, relative to each tensor's largest value.
function largestDifference(a: Trained, b: Trained): number {
  assert.equal(a.params.length, b.params.length);
  let worst = 0;
  a.params.forEach((p, i) => {
    const scale = Math.max(1e-6, ...p.map(Math.abs));
    p.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b.params[i][j]) / scale)));
  });
  return worst;
}

// dense(x, w) with known values on `device`: the thread's device works.
function checkDeviceWorks(device: Device): void {
  const x = Tensor.fromArray([1, 2, 3, 4], [2, 2], device);
  const w = Tensor.fromArray([1, 0, 1, 1], [2, 2], device);
  assert.deepEqual(Array.from(ops.dense(x, w, null).toArray()), [1, 3, 3, 7]);
  assert.ok(memoryInfo(device).liveBuffers >= 2);
}

// The fixture as a process running `scenario` on `device`; it prints "ok" when it passed.
function runScenario(device: 'cpu' | 'gpu', scenario: string): void {
  const run = spawnSync(process.execPath, [script, lib, device, scenario], { encoding: 'utf8', timeout: 120000 });
  assert.equal(run.signal, null, `killed by ${run.signal}: ${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'ok', run.stderr);
}

const devices: ['cpu' | 'gpu', () => Device, string][] = [
  ['cpu', cpu, ''],
  ['gpu', () => gpu(), cuda.available ? '' : cuda.reason],
];

for (const [name, device, reason] of devices) {
  describe(`worker threads on the ${name}${reason ? ` (not run: ${reason})` : ''}`, function () {
    this.timeout(120000);
    before(function () {
      if (reason) this.skip();
    });
    after(() => {
      if (name === 'gpu' && !reason) setGpuPrecision('tf32');  // the fixture's workers set fp32, process-wide
    });

    it('a worker that loads the library, trains and exits leaves the main thread\'s device working', async () => {
      checkDeviceWorks(device());  // the main thread's device is in use before the worker starts
      const trained = await trainInWorker(name, 1, 3);
      assert.ok(Number.isFinite(trained.loss));
      checkDeviceWorks(device());
    });

    it('worker.terminate() at any moment of training does not crash the process (run in a child process)', () => {
      runScenario(name, 'terminate');
    });

    it('a worker that is the first to load the library and exits: the main thread and a new worker still work', () => {
      runScenario(name, 'worker-first');
    });

    // On the CPU this gives the same bits (test/29.cpu-threads.test.ts checks them); on the GPU, a tolerance.
    it('two workers training at once get what they get one after another', async () => {
      const apart = [await trainInWorker(name, 1, 5), await trainInWorker(name, 2, 5)];
      const together = await Promise.all([trainInWorker(name, 1, 5), trainInWorker(name, 2, 5)]);
      // Same algorithms (the plan cache is shared) but possibly non-deterministic ones: a tolerance.
      assert.ok(largestDifference(apart[0], together[0]) < 1e-4, `seed 1: ${largestDifference(apart[0], together[0])}`);
      assert.ok(largestDifference(apart[1], together[1]) < 1e-4, `seed 2: ${largestDifference(apart[1], together[1])}`);
      assert.ok(largestDifference(apart[0], apart[1]) > 1e-2, 'the two seeds must train differently');
    });
  });
}

describe(`GPU memory: the pool gives back what it keeps${cuda.available ? '' : ` (not run: ${cuda.reason})`}`, function () {
  this.timeout(120000);
  before(function () {
    if (!cuda.available) this.skip();
    setGpuPrecision('fp32');
  });
  after(() => {
    if (cuda.available) setGpuPrecision('tf32');
  });

  it('after most of the GPU was filled and freed, one large block and a new convolution (algorithm search) work', () => {
    const MiB = 2 ** 20;
    const chunk = Math.max(64 * MiB, Math.floor(memoryInfo(gpu()).deviceTotalBytes! / 256 / MiB) * MiB);
    const margin = 1024 * MiB;  // for cuDNN's and cuBLAS's own allocations
    const tensors: Tensor[] = [];
    try {
      while (memoryInfo(gpu()).deviceFreeBytes! > chunk + margin) tensors.push(Tensor.empty([chunk / 4], gpu()));
    } catch (err) {
      assert.match(String(err), /out of GPU memory/);  // the device's own count may be optimistic
    }
    const filled = tensors.length * chunk;
    assert.ok(filled > memoryInfo(gpu()).deviceTotalBytes! / 2, `only ${filled} bytes could be allocated`);
    tensors.forEach((t) => t.dispose());
    // The pool keeps the freed chunks, which cannot serve a block larger than each of them: the
    // allocation succeeds only because Alloc hands them back to the driver and tries again.
    const big = Tensor.empty([Math.floor((filled * 0.75) / 4)], gpu());
    big.dispose();
    // The pool now holds most of the GPU again; a convolution of a shape not seen before searches
    // for algorithms (memory outside the pool) and must still agree with the CPU.
    const x = Tensor.fromArray(Array.from({ length: 2 * 3 * 17 * 19 }, (_, i) => Math.sin(i)), [2, 3, 17, 19]);
    const w = Tensor.fromArray(Array.from({ length: 5 * 3 * 3 * 3 }, (_, i) => Math.cos(i)), [5, 3, 3, 3]);
    const onCpu = ops.conv2d(x, w, null, { padding: [1, 1] }).toArray();
    const onGpu = ops.conv2d(Tensor.fromArray(x.toArray(), x.shape, gpu()), Tensor.fromArray(w.toArray(), w.shape, gpu()),
      null, { padding: [1, 1] }).toArray();
    onCpu.forEach((v, i) => assert.ok(Math.abs(v - onGpu[i]) < 1e-4 * Math.max(1, Math.abs(v)), `y[${i}]: ${v} vs ${onGpu[i]}`));
    checkDeviceWorks(gpu());
  });
});
