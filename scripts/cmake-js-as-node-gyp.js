#!/usr/bin/env node
// prebuildify builds with node-gyp and has no cmake-js backend. It lets us name the "node-gyp" to
// run (--node-gyp), so this stands in for it: `rebuild --release ...` becomes a cmake-js rebuild,
// and the shared libraries the addon needs at run time beyond the C and C++ runtimes (oneDNN and
// what it loads: OpenCL's ICD loader, GNU OpenMP) are copied beside it in build/Release, where
// prebuildify picks them up for prebuilds/ (the addon finds them through its $ORIGIN run path).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
if (args[0] !== 'rebuild') {
  console.error(`cmake-js-as-node-gyp: only 'rebuild' is supported (called with: ${args.join(' ')})`);
  process.exit(1);
}
const cmakeJs = path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
execFileSync(process.execPath, [cmakeJs, 'rebuild', ...(args.includes('--debug') ? ['--debug'] : [])],
  { cwd: root, stdio: 'inherit' });

// Bundle the libraries that a plain Linux machine may lack.
const release = path.join(root, 'build', 'Release');
const addon = path.join(release, 'node_cudnn.node');
const bundled = /^(libdnnl|libOpenCL|libgomp)\.so/;
for (const line of execFileSync('ldd', [addon], { encoding: 'utf8' }).split('\n')) {
  const m = /^\s*(\S+) => (\/\S+)/.exec(line);
  if (m && bundled.test(m[1])) {
    fs.copyFileSync(fs.realpathSync(m[2]), path.join(release, m[1]));
    console.log(`bundled ${m[1]} (from ${m[2]})`);
  }
}
