// Competing busy processes for `--contended` runs: one busy loop per core, as another job on a
// shared machine would be, started before the timed runs and killed at exit.
'use strict';
const { spawn } = require('node:child_process');
const os = require('node:os');

/** Starts `count` busy processes (default: one per core), killed when this process exits. */
function startContention(count = os.availableParallelism()) {
  const busy = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  process.on('exit', () => busy.forEach((p) => p.kill('SIGKILL')));  // whatever ends the benchmark
}

module.exports = { startContention };
