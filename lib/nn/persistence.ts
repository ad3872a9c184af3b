// Saving and loading a network's parameters as safetensors, by full parameter name (`conv0.weight`),
// so files are readable by other tools (PyTorch's `safetensors.torch.load_file`, ...).
import { readSafetensors, readSafetensorsHeader, writeSafetensors, TensorToWrite } from '../io/safetensors';
import { clip, clipList } from '../io/files';
import { knownOptions } from '../core/check';
import type { Parameter, ParameterDict } from './parameter';
import { codedError } from '../core/errors';

/** Options of `Block.loadParameters` (and the internal `loadParameters` behind it). */
export interface LoadOptions {
  /** Leave parameters that the file lacks as they are instead of failing. Default false. */
  allowMissing?: boolean;
  /** Skip tensors of the file that the network does not have instead of failing. Default false. */
  ignoreExtra?: boolean;
}

/** `(6,?,5,5)`: 0 marks a dimension not known until the first forward. */
const formatDims = (shape: readonly number[]): string => `(${shape.map((d) => d || '?').join(',')})`;

/**
 * True when `initialize()` was called but the shape is still deferred. Parameter has no public flag
 * for it; the index access to the private field is type-checked, so renaming it breaks the build
 * rather than this check.
 */
function isPending(p: Parameter): boolean {
  return p['pending'] !== null;
}

/**
 * Saves every parameter to a safetensors file (float32, exact shapes, named by full name), atomically.
 *
 * @param params - `net.collectParams()`.
 * @param file - destination, e.g. `lenet.safetensors`; an existing regular file is replaced (through
 *   a symlink, its target; keeping its mode); anything else there (directory, FIFO, device) is refused.
 * @param metadata - optional strings stored in the file's `__metadata__`.
 * @throws Error naming the parameters that have no values yet (call `net.initialize()` and run one
 *   forward pass so that deferred shapes are known), or one that was disposed, or naming `file` when
 *   writing fails.
 * @example
 * net.initialize(init.Xavier());
 * net.forward(X);                    // completes the deferred shapes
 * saveParameters(net.collectParams(), 'lenet.safetensors', { epochs: '10' });
 */
export function saveParameters(params: ParameterDict, file: string, metadata?: Record<string, string>): void {
  const notReady = [...params].filter(([, p]) => !p.initialized)
    .map(([name, p]) => `${name} ${formatDims(p.shape)}`);
  if (notReady.length > 0) {
    throw codedError('NC_STATE', `saveParameters: cannot save ${file}: ${notReady.join(', ')} ` +
      `${notReady.length === 1 ? 'has' : 'have'} no values yet; call net.initialize() and run one forward pass first`);
  }
  // Every parameter is checked before anything is read or written: no half-written file.
  for (const p of params.values()) p.checkAlive(`saveParameters: cannot save ${file}`, 'its values are gone');
  const tensors = new Map<string, TensorToWrite>();
  for (const [name, p] of params) {
    const t = p.data();
    tensors.set(name, { shape: [...t.shape], data: t.toArray() });
  }
  writeSafetensors(file, tensors, metadata);
}

/**
 * Loads parameters saved by {@link saveParameters} (or any safetensors file with the same names).
 * Checks everything first and reports all problems in one error; only when everything matches are
 * the values set, so a failed load leaves the network unchanged. Deferred shapes (a network
 * initialized but not yet run) are completed from the file.
 *
 * @param params - `net.collectParams()`, after `net.initialize()`.
 * @param file - a `.safetensors` file (a regular file: anything else is refused before it is opened).
 * @param options.allowMissing - keep parameters the file lacks instead of failing.
 * @param options.ignoreExtra - skip tensors of the file the network lacks instead of failing.
 * @throws Error naming the parameters when `net.initialize()` was not called; Error naming `file`,
 *   one line per parameter, for tensors missing in the file, unexpected in it, of another shape
 *   (`conv0.weight: file has (6,1,5,5) but the network has (6,1,3,3)`), of a dtype other than F32,
 *   or holding NaN or infinite values (at most 10 listed, then "... and N more");
 *   the errors of {@link readSafetensors} for a corrupt file.
 * @example
 * const net = lenet();
 * net.initialize();                  // shapes may stay deferred: the file completes them
 * loadParameters(net.collectParams(), 'lenet.safetensors');
 */
export function loadParameters(params: ParameterDict, file: string, options: LoadOptions = {}): void {
  const op = 'loadParameters';
  knownOptions(op, options, ['allowMissing', 'ignoreExtra']);
  checkInitialized(op, params, file);
  // The header alone tells every mismatch; the data is read only once all is well.
  const header = readSafetensorsHeader(file);
  const { toLoad, problems } = matchParameters(params, header.tensors, options);
  if (problems.length > 0) throw mismatch(op, file, problems);
  const { tensors } = readSafetensors(file, { names: toLoad.map((l) => l.name) });
  setValues(checkValues(op, file, toLoad, tensors));
}

/** A parameter and the shape its values in a file have (checked to fit it). */
export interface ParameterMatch {
  name: string;
  p: Parameter;
  shape: number[];
}

/** A parameter and its checked values, ready for {@link setValues}. */
export interface ParameterValues {
  name: string;
  p: Parameter;
  shape: number[];
  data: Float32Array;
}

/** Throws, naming `op` and `file`, when a parameter was not initialized (not even deferred). */
export function checkInitialized(op: string, params: ParameterDict, file: string): void {
  const uninitialized = [...params].filter(([, p]) => !p.initialized && !isPending(p)).map(([name]) => name);
  if (uninitialized.length > 0) {
    throw codedError('NC_STATE', `${op}: cannot load ${file}: ${uninitialized.join(', ')} ` +
      `${uninitialized.length === 1 ? 'is' : 'are'} not initialized; call net.initialize() first`);
  }
}

/** The shape a parameter has now: its data's, or the declared one (0 for deferred dimensions). */
const currentShape = (p: Parameter): readonly number[] => (p.initialized ? p.data().shape : p.shape);

/**
 * Matches a file's entries (header entries or tensors read) with the parameters, by name: what can
 * be loaded, and one line per problem (missing, unexpected, dtype, shape). Changes nothing.
 */
export function matchParameters(params: ParameterDict, entries: ReadonlyMap<string, { dtype: string; shape: number[] }>,
  options: LoadOptions = {}): { toLoad: ParameterMatch[]; problems: string[] } {
  const problems: string[] = [];
  const toLoad: ParameterMatch[] = [];
  for (const [name, p] of params) {
    const entry = entries.get(name);
    const netShape = currentShape(p);
    if (!entry) {
      if (!options.allowMissing) problems.push(`${name}: missing in the file (the network has ${formatDims(netShape)})`);
      continue;
    }
    let ok = true;
    if (entry.dtype !== 'F32') {
      problems.push(`${name}: file has dtype ${clip(entry.dtype)} but the network has F32`);
      ok = false;
    }
    // A deferred dimension (0) accepts any positive size; known ones must be equal.
    const fits = entry.shape.length === netShape.length &&
      entry.shape.every((d, i) => d > 0 && (netShape[i] === 0 || netShape[i] === d));
    if (!fits) {
      problems.push(`${name}: file has ${clip(formatDims(entry.shape))} but the network has ${formatDims(netShape)}`);
      ok = false;
    }
    if (ok) toLoad.push({ name, p, shape: [...entry.shape] });
  }
  if (!options.ignoreExtra) {
    for (const [name, entry] of entries) {
      if (!params.has(name)) {
        problems.push(`${clip(name)}: unexpected in the file (${clip(entry.dtype)} ${clip(formatDims(entry.shape))}), ` +
          'not a parameter of the network');
      }
    }
  }
  return { toLoad, problems };
}

/** The error for the problems {@link matchParameters} found, naming `file` and each parameter. */
export function mismatch(op: string, file: string, problems: string[]): Error {
  const missing = problems.some((l) => / missing in the file/.test(l));
  const unexpected = problems.some((l) => / unexpected in the file/.test(l));
  let hint = op === 'loadParameters' && (missing || unexpected) ? '\n(loadParameters options: allowMissing, ignoreExtra)' : '';
  // Names that differ on both sides: most often children named otherwise than when the file was saved.
  if (missing && unexpected) {
    hint += '\n(parameter names are paths of child names, e.g. residual0.conv1.weight, given in the order the ' +
      'children are registered; name children explicitly with registerChild(block, name) to match a file\'s names)';
  }
  return codedError('NC_FILE', `${op}: ${file} does not match the network ` +
    `(${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${clipList(problems).join('\n  ')}${hint}`);
}

/**
 * The values read for `toLoad`, checked: the shape is still the header's (the file may have been
 * replaced in between), and every value is finite (a file of NaN would load silently and train to
 * NaN). Changes nothing.
 * @throws Error naming `op`, `file` and the parameters.
 */
export function checkValues(op: string, file: string, toLoad: ParameterMatch[],
  tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): ParameterValues[] {
  const nonFinite: string[] = [];
  const values = toLoad.map(({ name, p, shape }) => {
    const t = tensors.get(name);
    if (!t || t.shape.join(',') !== shape.join(',')) {
      throw codedError('NC_FILE', `${op}: ${file} changed while being loaded (${name}); try again`);
    }
    let bad = 0;
    let first = -1;
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) {
        if (bad++ === 0) first = i;
      }
    }
    if (bad > 0) nonFinite.push(`${name}: ${bad} of ${t.data.length} values are not finite (the first, at index ${first}, is ${t.data[first]})`);
    return { name, p, shape, data: t.data };
  });
  if (nonFinite.length > 0) {
    throw codedError('NC_FILE', `${op}: ${file} holds non-finite values (NaN or infinite), which would train to NaN:\n  ${nonFinite.join('\n  ')}`);
  }
  return values;
}

/** Sets checked values (completing deferred shapes on the device given at initialize()). */
export function setValues(values: ParameterValues[]): void {
  for (const { p, shape, data } of values) {
    if (!p.initialized) p.inferShape(shape);
    p.setData(data);
  }
}
