// Loads the native addon (a local cmake-js build or a prebuild) once, and explains a failure.
import * as fs from 'fs';
import * as path from 'path';
import type { Binding } from '../../binding';
import { codedError } from './errors';

// The package root: the nearest folder above this file with our package.json (this file is in
// dist/core/ in a package, dist-test/lib/core/ in the test build).
function packageRoot(): string {
  for (let dir = path.join(__dirname, '..', '..'); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'node-cudnn') return dir;
    if (path.dirname(dir) === dir) return path.join(__dirname, '..', '..');
  }
}

// OpenMP's threads wait for work by spinning, for about 300,000 rounds (libgomp's default) before
// they sleep. On a machine busy with other jobs, a spinning thread holds a core that the thread it
// waits for needs, so each parallel region can cost a whole scheduler slice: ResNet-18 steps took
// 6.4–7.9 s instead of 2.3–2.8 s with the spin cut short (2 cores, 12 other runnable processes).
// A short spin keeps back-to-back regions fast on an idle machine. libgomp reads this when it is
// loaded with the addon, so it is set first; a value the user set wins.
export const DEFAULT_GOMP_SPINCOUNT = '10000';

function settleOpenMpWaiting(): void {
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
    process.env.GOMP_SPINCOUNT = DEFAULT_GOMP_SPINCOUNT;
  }
}

function load(): Binding {
  settleOpenMpWaiting();
  // A specific build, e.g. the sanitizer build that scripts/sanitize-test.sh makes.
  if (process.env.NODE_CUDNN_ADDON) return require(path.resolve(process.env.NODE_CUDNN_ADDON)) as Binding;
  const root = packageRoot();
  try {
    // node-gyp-build looks in build/Release (cmake-js's output) and then prebuilds/<platform>-<arch>.
    return require('node-gyp-build')(root) as Binding;
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw codedError('NC_FILE',
      `node-cudnn: the native addon could not be loaded (${cause}).\n` +
      'Build it with `npm run build` (needs cmake, g++ and the oneDNN headers: ' +
      '`apt-get install cmake g++ libdnnl-dev`).', Error, { cause: err });
  }
}

/** The native addon. */
export const binding: Binding = load();
