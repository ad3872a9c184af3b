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

function load(): Binding {
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
