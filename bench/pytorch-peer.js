// Runs a PyTorch peer script (bench/*_torch.py) and returns the JSON line it prints, or
// { skipped: reason } when Python's torch is not there.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * @param script - file name in bench/, e.g. 'lenet_torch.py'.
 * @param args - its arguments; `--device cuda|cpu` is added from `device`.
 * @param device - our device; on the CPU Debian's python3-torch is the default interpreter.
 * @param python - interpreter to use instead.
 */
function runPytorchPeer(script, args, device, python) {
  const interpreter = python ?? (device.kind === 'cpu' && fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const run = spawnSync(interpreter, [path.join(__dirname, script), ...args, '--device', device.kind === 'gpu' ? 'cuda' : 'cpu'],
    { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    const reason = run.error ? run.error.message : run.stderr.trim().split('\n').pop();
    return { skipped: `PyTorch not available (${reason}); apt-get install python3-torch libopenblas-dev` };
  }
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

module.exports = { runPytorchPeer };
