// Training curves as an SVG file, drawn as d2l's Animator draws them: vega-lite compiled to vega and
// rendered headless, for reports. vega and vega-lite (23 MB with d3) are optional peer dependencies:
// npm does not install them, so they are loaded only when a picture is asked for, and their absence
// is a clear error here (and a notice in fit, which goes on without the picture).
import { pathToFileURL } from 'url';
import { invalidArg, knownOptions } from '../core/check';
import { writeAll, writeFileAtomic } from '../io/files';
import { EpochRecord, TrainingHistory, recordsOf } from './history';
import { SERIES, intOption } from './series';
import { codedError } from '../core/errors';

/** The part of vega-lite's API used here. */
interface VegaLiteModule {
  compile(spec: object): { spec: object };
}

/** The part of vega's API used here. */
interface VegaModule {
  parse(spec: object): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

// vega 6 and vega-lite 6 are ES modules only, with top-level await. This project compiles to
// CommonJS, where TypeScript rewrites `await import('vega')` into `require('vega')`; Node then
// refuses to require a module with top-level await (ERR_REQUIRE_ASYNC_MODULE). A function built
// from a string is invisible to the compiler, so this stays a real dynamic import().
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * An ES module resolved from this file rather than from wherever import() inside a Function body
 * would resolve bare names (in a consumer's tree, vega may be nested under node-cudnn).
 */
function importPackage(name: string): Promise<unknown> {
  return importEsm(pathToFileURL(require.resolve(name)).href);
}

/** The packages the SVG needs, and what to tell a user who lacks them. */
const PLOT_PACKAGES = ['vega', 'vega-lite'] as const;
const INSTALL_HINT = 'install vega vega-lite to save training curves as SVG (npm install vega vega-lite)';

/**
 * Why training curves cannot be drawn as SVG here ("vega and vega-lite are not installed: install
 * vega vega-lite ..."), or null when both packages resolve. Only resolves the names: nothing is
 * loaded.
 */
export function svgUnavailable(): string | null {
  const missing = PLOT_PACKAGES.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return null;
  return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed: ${INSTALL_HINT}`;
}

let vegaModules: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

/** vega and vega-lite, loaded once (about half a second the first time). */
function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  vegaModules ??= Promise.all([importPackage('vega'), importPackage('vega-lite')]).then(
    ([vega, vegaLite]) => ({ vega: vega as VegaModule, vegaLite: vegaLite as VegaLiteModule }),
    (err: unknown) => {
      vegaModules = undefined; // let a later call try again
      throw err;
    });
  return vegaModules;
}

/** Options of {@link writeCurvesSvg}. */
export interface CurvesSvgOptions {
  /** Chart title above the plot; default 'training curves'. */
  title?: string;
  /** Width of the whole picture in pixels, legend and axes included; default 480. */
  width?: number;
  /** Height of the whole picture in pixels; default 320. */
  height?: number;
}

/** The vega-lite specification of the curves. */
function curvesSpec(records: readonly Readonly<EpochRecord>[], options: { title: string; width: number; height: number }): object {
  const values: { epoch: number; series: string; value: number }[] = [];
  const present = new Set<string>();
  for (const r of records) {
    for (const s of SERIES) {
      const value = r[s.key];
      if (value === undefined || !Number.isFinite(value)) continue;
      values.push({ epoch: r.epoch, series: s.name, value });
      present.add(s.name);
    }
  }
  const shown = SERIES.filter((s) => present.has(s.name));
  // Loss and accuracies share the axis (as in d2l); a regression run has the loss only.
  const yTitle = shown.some((s) => s.key !== 'trainLoss') ? 'loss / accuracy' : 'loss';
  const first = records[0].epoch;
  const last = records[records.length - 1].epoch;
  const integerEpochs = records.every((r) => Number.isInteger(r.epoch));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title, anchor: 'middle' },
    width: options.width,
    height: options.height,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'white',
    data: { values },
    // Markers while they are few enough to read; a single epoch is nothing but markers.
    mark: { type: 'line', strokeWidth: 1.5, point: records.length <= 20 ? { filled: true, size: 20 } : false },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        title: 'epoch',
        scale: { domain: first < last ? [first, last] : [first - 1, first + 1], nice: false, zero: false },
        axis: integerEpochs ? { tickMinStep: 1, format: 'd' } : {},
      },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: true } },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: shown.map((s) => s.name), range: shown.map((s) => s.color) },
        legend: { title: null, orient: 'bottom', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 1.5, symbolSize: 400 },
      },
      strokeDash: {
        field: 'series',
        type: 'nominal',
        scale: { domain: shown.map((s) => s.name), range: shown.map((s) => s.dash) },
        legend: { title: null, orient: 'bottom', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 1.5, symbolSize: 400 },
      },
    },
  };
}

/**
 * Draws the training curves as d2l's Animator does: train loss, train acc and test acc against the
 * epoch on one chart with a title, a legend, axis titles (epoch; loss / accuracy) and the y axis from
 * 0 (test acc only at the epochs that have it), and writes them as an SVG file. The chart is a
 * vega-lite specification rendered by vega without a browser. The file is written atomically: a temporary file in the target's folder, renamed
 * over `file` once complete, so a reader never sees half a picture; a symlink is written through,
 * an existing file keeps its mode, and anything but a regular file (directory, FIFO, device) is refused.
 * @param file - the SVG file to write; its folder must exist.
 * @param history - the epochs to draw (a {@link TrainingHistory} or an array of records).
 * @param options - title (default 'training curves') and size in pixels (default 480 × 320).
 * @throws TypeError or RangeError, naming `file`, if the history is empty or malformed, or an
 *   option is out of range (width and height are integers in [100, 10000]).
 * @throws Error naming `file` if vega or vega-lite is not installed (optional peer dependencies: the
 *   message says "install vega vega-lite to save training curves as SVG"; {@link svgUnavailable}
 *   asks beforehand), if vega cannot render, or if the file cannot be written
 *   (`cause` holds the original error, e.g. the file system's ENOENT); nothing is left behind.
 * @example
 * await writeCurvesSvg('lenet-curves.svg', history, { title: 'LeNet, Fashion-MNIST' });
 */
export async function writeCurvesSvg(file: string, history: TrainingHistory | readonly EpochRecord[],
  options: CurvesSvgOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw invalidArg('writeCurvesSvg', 'file', 'a file name', file);
  const op = `writeCurvesSvg(${file})`;
  knownOptions(op, options, ['title', 'width', 'height']);
  const records = recordsOf(op, history);
  if (records.length === 0) throw codedError('NC_ARGUMENT', `${op}: the history has no epochs to draw`, RangeError);
  if (options.title !== undefined && typeof options.title !== 'string') {
    throw invalidArg(op, 'options.title', 'a string', options.title);
  }
  const width = intOption(op, 'options.width', options.width, 480, 100, 10000);
  const height = intOption(op, 'options.height', options.height, 320, 100, 10000);

  const unavailable = svgUnavailable();
  if (unavailable !== null) throw codedError('NC_FILE', `writeCurvesSvg: cannot draw ${file}: ${unavailable}`);
  let svg: string;
  try {
    const { vega, vegaLite } = await loadVega();
    const title = options.title ?? 'training curves';
    const spec = vegaLite.compile(curvesSpec(records, { title, width, height })).spec;
    const view = new vega.View(vega.parse(spec), { renderer: 'none' });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (err) {
    throw codedError('NC_FILE', `writeCurvesSvg: cannot draw ${file}: ${(err as Error).message}`, Error, { cause: err });
  }

  // Atomic, through symlinks, keeping the mode, never over a non-regular file (see io/files).
  writeFileAtomic(file, (fd) => writeAll(fd, Buffer.from(svg, 'utf8')),
    (err) => codedError('NC_FILE', `writeCurvesSvg: cannot write ${file}: ${err.message}`, Error, { cause: err }));
}
