// Loads the native addon (a local cmake-js build or a prebuild) once, and explains a failure.
import * as path from 'path';
import type { Binding } from '../binding';

function load(): Binding {
  const root = path.join(__dirname, '..');
  try {
    // node-gyp-build looks in build/Release (cmake-js's output) and then prebuilds/<platform>-<arch>.
    return require('node-gyp-build')(root) as Binding;
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new Error(
      `node-cudnn: the native addon could not be loaded (${cause}).\n` +
      'Build it with `npm run build` (needs cmake, g++ and the oneDNN headers: ' +
      '`apt-get install cmake g++ libdnnl-dev`).');
  }
}

/** The native addon. */
export const binding: Binding = load();
