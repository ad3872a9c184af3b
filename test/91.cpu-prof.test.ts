// Training under V8's sampling CPU profiler (node --cpu-prof). The profiler interrupts the JS
// thread with SIGPROF every interval; oneDNN's JIT f32 GEMM (behind dense layers and gemm
// convolutions) runs with rsp pointing into a heap workspace when K is large, so a signal handled
// there wrote its frame over glibc's chunk headers: `node --cpu-prof bench/lenet-epoch.js` aborted
// with "corrupted size vs. prev_size" (uxlfoundation/oneDNN#4845). native/cpu/dnnl_context.cc
// holds back asynchronous signals while oneDNN runs. The child runs with a timeout, so a crash
// shows as a signal and a hang as a failure rather than a stuck mocha.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const lib = path.join(root, 'dist-test', 'lib');
const script = path.join(root, 'test', 'fixtures', 'cpu-prof.js');

describe('training under node --cpu-prof, and under a flood of process-directed signals', function () {
  this.timeout(120000);

  for (const omp of ['1', undefined]) {
    const label = omp ? `OMP_NUM_THREADS=${omp}` : 'default OpenMP threads';
    it(`60 dense steps with K = 784, sampled every 100 µs: no heap corruption, a profile written (${label})`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-cpu-prof-'));
      try {
        const env: NodeJS.ProcessEnv = { ...process.env };
        if (omp) env.OMP_NUM_THREADS = omp;
        const run = spawnSync(process.execPath,
          ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100', script, lib, '60'],
          { encoding: 'utf8', timeout: 60000, env });
        assert.ok(!run.error || run.signal, String(run.error));
        assert.equal(run.signal, null, `killed by ${run.signal}: ${run.stderr}`);
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout.trim(), 'ok', run.stderr);
        assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).length, 1);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  // A signal sent to the process may land on any thread that does not block it: OpenMP's workers
  // run oneDNN's GEMM too, so they are made with async signals blocked (cpu/dnnl_context.cc).
  it('200 dense steps with K = 784 on 2 OpenMP threads while SIGWINCH arrives nonstop: no heap corruption', () => {
    const run = spawnSync(process.execPath, [script, lib, '200', 'winch'],
      { encoding: 'utf8', timeout: 90000, env: { ...process.env, OMP_NUM_THREADS: '2' } });
    assert.ok(!run.error || run.signal, String(run.error));
    assert.equal(run.signal, null, `killed by ${run.signal}: ${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'ok', run.stderr);
  });
});
