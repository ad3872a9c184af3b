#!/usr/bin/env node
// Builds prebuilds/linux-x64/node-cudnn.napi.node (N-API, so one binary for every Node version),
// stripped, with the CUDA backend when nvcc is here, and the runtime libraries it needs beside it.
// npm script `prebuilds` (not `prebuild`, which npm would run before `build`).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
// The CUDA part is compiled with CUDA 12 (12.4, from scripts/cuda-toolkit.sh unless NODE_CUDNN_CUDA_TOOLKIT
// names a toolkit folder), so that the binary runs on every driver from R525 up, 13.x drivers included.
if (!process.env.NODE_CUDNN_CUDA_TOOLKIT) {
  const out = execFileSync('bash', [path.join(__dirname, 'cuda-toolkit.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.env.NODE_CUDNN_CUDA_TOOLKIT = out.trim().split('\n').pop();
}
console.log(`prebuild: CUDA toolkit ${process.env.NODE_CUDNN_CUDA_TOOLKIT}`);
fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
execFileSync(process.execPath, [
  path.join(root, 'node_modules', 'prebuildify', 'bin.js'), '--napi', '--strip', '--name=node-cudnn.napi',
  `--node-gyp=${path.join(__dirname, 'cmake-js-as-node-gyp.js')}`,
], { cwd: root, stdio: 'inherit' });
const folder = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
// Check what was compiled in: a CUDA 13 build would need drivers from R580 up.
const { cuda } = require(path.join(folder, 'node-cudnn.napi.node')).backendInfo();
if (!cuda.compiled || Math.floor(cuda.runtimeVersion / 1000) !== 12) {
  const has = cuda.compiled ? `CUDA runtime ${cuda.runtimeVersion}` : 'no CUDA backend';
  console.error(`prebuild: the binary must have the CUDA backend built with CUDA 12 (drivers from R525 up), but it has ${has}; ` +
    'set NODE_CUDNN_CUDA_TOOLKIT to a CUDA 12 toolkit folder (scripts/cuda-toolkit.sh makes one)');
  process.exit(1);
}
console.log(`prebuild: CUDA backend with runtime ${cuda.runtimeVersion}, for drivers from ${cuda.minimumDriver.release} up`);
for (const f of fs.readdirSync(folder)) console.log(`${path.join('prebuilds', path.basename(folder), f)}  ${fs.statSync(path.join(folder, f)).size} bytes`);
