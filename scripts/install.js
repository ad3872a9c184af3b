#!/usr/bin/env node
// npm's install step: use a binary that loads (a local build or a matching prebuild) and compile
// from source only when there is none. node-gyp-build alone would fall back to node-gyp, which
// cannot build this CMake project; here the fallback is cmake-js, and a failure says what to install.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

function loadable() {
  try {
    const file = require('node-gyp-build').path(root);
    require(file);
    return file;
  } catch (err) {
    return { error: err.message.split('\n')[0] };
  }
}

const found = loadable();
if (typeof found === 'string') {
  console.log(`node-cudnn: using ${path.relative(root, found)}`);
  process.exit(0);
}
console.log(`node-cudnn: no prebuilt binary loads here (${found.error}); building from source with cmake-js`);
// The usual reason on linux-x64: a C or C++ runtime older than the one the binary was built against.
if (/version `(GLIBC|GLIBCXX|CXXABI)_[\d.]+' not found/.test(found.error)) {
  console.log('node-cudnn: the prebuilt binary needs glibc 2.34 and libstdc++ GLIBCXX_3.4.29 (GCC 11) or newer: ' +
    'Debian 12, Ubuntu 22.04, RHEL 9, Amazon Linux 2023 or later (README: Platform support)');
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = [];
if (!has('cmake')) missing.push('cmake');
if (!has('g++') && !has('c++')) missing.push('g++');
if (missing.length) {
  console.error(`node-cudnn: cannot build from source: ${missing.join(' and ')} not found. ` +
    `Install them (Debian/Ubuntu: apt-get install ${missing.join(' ')} libdnnl-dev), or use a system ` +
    'the prebuilt binary supports (linux-x64 with glibc 2.34 or newer; README: Platform support).');
  process.exit(1);
}
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const build = spawnSync(process.execPath, [cmakeJs, 'compile'], { cwd: root, encoding: 'utf8' });
process.stdout.write(build.stdout ?? '');
if (build.status !== 0) {
  const log = `${build.stdout}\n${build.stderr}`;
  const hint = /oneDNN was not found|dnnl/.test(log) ? 'the oneDNN headers are missing: apt-get install libdnnl-dev'
    : /OpenMP/.test(log) ? 'OpenMP is missing: install your compiler\'s OpenMP runtime (apt-get install libgomp1)'
      : 'see the messages above';
  process.stderr.write(build.stderr ?? '');
  console.error(`node-cudnn: the source build failed: ${hint}`);
  process.exit(1);
}
