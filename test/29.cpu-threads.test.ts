// Worker threads training on the CPU at once. oneDNN's stream, our primitive cache (with its layout
// conversion buffers), the scratchpad and the convolution's activation-gradient buffer were once
// shared by all threads: two workers training at once hung in a libgomp barrier or ended with wrong
// weights. Each scenario runs in a child process with a timeout, so a hang fails the test instead of
// hanging mocha, and a crash shows as a signal.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const lib = path.join(root, 'dist-test', 'lib');
const script = path.join(root, 'test', 'fixtures', 'cpu-threads.js');

// Runs the fixture's scenario with `env` added; it prints "ok" when the scenario passed.
function runScenario(args: string[], env: Record<string, string> = {}, timeoutMs = 60000): void {
  const run = spawnSync(process.execPath, [script, lib, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, ...env },
  });
  assert.ok(!run.error || run.signal, String(run.error));
  assert.equal(run.signal, null, run.signal === 'SIGTERM' ? `hung: no result within ${timeoutMs} ms\n${run.stderr}`
    : `killed by ${run.signal}: ${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'ok', run.stderr);
}

describe('worker threads training on the CPU at once', function () {
  this.timeout(120000);

  // OpenMP's default thread count (one per core) and one thread: oneDNN and our loops open their
  // parallel regions from each worker's thread, each with its own team.
  for (const omp of [undefined, '1']) {
    const label = omp ? `OMP_NUM_THREADS=${omp}` : 'default OpenMP threads';
    it(`3 workers × 8 steps at once give the bits of the same runs one after another (${label})`, () => {
      runScenario(['same-bits', '3', '8'], omp ? { OMP_NUM_THREADS: omp } : {});
    });
  }

  it('worker.terminate() at 50 random moments of CPU training, five workers at a time: no crash', () => {
    const seed = Date.now() % 100000;
    try {
      runScenario(['terminate', '50', '5', String(seed)]);
    } catch (err) {
      (err as Error).message = `terminate seed ${seed}: ${(err as Error).message}`;
      throw err;
    }
  });
});
