#!/usr/bin/env node
// Builds prebuilds/linux-x64/node-cudnn.napi.node (N-API, so one binary for every Node version),
// stripped, with the CUDA backend when nvcc is here, and the runtime libraries it needs beside it.
// npm script `prebuilds` (not `prebuild`, which npm would run before `build`).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
execFileSync(process.execPath, [
  path.join(root, 'node_modules', 'prebuildify', 'bin.js'), '--napi', '--strip', '--name=node-cudnn.napi',
  `--node-gyp=${path.join(__dirname, 'cmake-js-as-node-gyp.js')}`,
], { cwd: root, stdio: 'inherit' });
const folder = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
for (const f of fs.readdirSync(folder)) console.log(`${path.join('prebuilds', path.basename(folder), f)}  ${fs.statSync(path.join(folder, f)).size} bytes`);
