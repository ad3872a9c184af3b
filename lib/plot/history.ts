// Training curves as d2l's Animator draws them: train loss, train acc and test acc against the
// epoch. An SVG file (vega-lite compiled to vega, rendered headless) for reports, and a small text
// chart (asciichart) for the end of a training run in a terminal. Nothing here loads the native
// addon, so plots can be made from a saved history on a machine without it.
import { pathToFileURL } from 'url';
import { plot as asciiPlot } from 'asciichart';
import { invalidArg } from '../core/check';
import { writeAll, writeFileAtomic } from '../io/files';

/** One epoch's metrics, as d2l's `train_ch6` reports them. */
export interface EpochRecord {
  /** Epoch number (1, 2, ...; fractions allowed), strictly increasing within a history. */
  epoch: number;
  /** Mean training loss over the epoch; NaN or ±Infinity (diverged) is kept but not plotted. */
  trainLoss: number;
  /** Training accuracy over the epoch, normally in [0, 1]; non-finite values are kept but not plotted. */
  trainAcc: number;
  /** Test accuracy after the epoch, where it was measured. */
  testAcc?: number;
}

/** One record in the JSON form of a {@link TrainingHistory}: non-finite metrics become `null`. */
export interface EpochRecordJSON {
  epoch: number;
  trainLoss: number | null;
  trainAcc: number | null;
  testAcc?: number | null;
}

const METRICS = ['trainLoss', 'trainAcc', 'testAcc'] as const;
type Metric = typeof METRICS[number];

/** The series of the d2l Animator, in its legend order, with its matplotlib styles. */
const SERIES: ReadonlyArray<{ key: Metric; name: string; color: string; dash: number[]; ansi: string; glyph: string }> = [
  // '-' (C0 blue, solid), 'm--' (magenta, dashed), 'g-.' (green, dash-dot).
  { key: 'trainLoss', name: 'train loss', color: '#1f77b4', dash: [1, 0], ansi: '\x1b[34m', glyph: '─' },
  { key: 'trainAcc', name: 'train acc', color: '#bf00bf', dash: [6, 3], ansi: '\x1b[35m', glyph: '═' },
  { key: 'testAcc', name: 'test acc', color: '#008000', dash: [8, 3, 2, 3], ansi: '\x1b[32m', glyph: '┄' },
];

/**
 * Epoch-by-epoch metrics of a training run, the data behind {@link writeCurvesSvg} and
 * {@link terminalChart}. Serialises to JSON so that a checkpoint can carry it and a resumed run
 * can continue the same curves.
 * @example
 * const history = new TrainingHistory();
 * for (let epoch = 1; epoch <= numEpochs; epoch++) {
 *   const { loss, acc } = trainEpoch();
 *   history.add({ epoch, trainLoss: loss, trainAcc: acc, testAcc: evaluateAccuracy(net, testIter) });
 * }
 * fs.writeFileSync('history.json', JSON.stringify(history));
 * const again = TrainingHistory.fromJSON(JSON.parse(fs.readFileSync('history.json', 'utf8')));
 */
export class TrainingHistory {
  private readonly items: Readonly<EpochRecord>[] = [];

  /**
   * @param records - epochs to start with, added in order with {@link TrainingHistory.add}.
   * @throws TypeError or RangeError as {@link TrainingHistory.add} does.
   */
  constructor(records: Iterable<EpochRecord> = []) {
    for (const record of records) this.add(record);
  }

  /** The epochs recorded so far, in order (frozen copies). */
  get records(): readonly Readonly<EpochRecord>[] {
    return this.items;
  }

  /** The number of epochs recorded. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Records one epoch. A copy is stored, with `testAcc` only if it is given.
   * @param record - the epoch's metrics; `epoch` must be finite and greater than the last one.
   * @returns this history, for chaining.
   * @throws TypeError if a field is missing or not a number.
   * @throws RangeError if `epoch` is not finite or not greater than the previous epoch.
   * @example
   * history.add({ epoch: 1, trainLoss: 2.31, trainAcc: 0.10, testAcc: 0.10 });
   */
  add(record: EpochRecord): this {
    const op = 'TrainingHistory.add';
    if (typeof record !== 'object' || record === null) throw invalidArg(op, 'record', 'an object', record);
    this.items.push(Object.freeze(checkRecord(op, 'record', record, this.items.at(-1)?.epoch)));
    return this;
  }

  /**
   * The JSON form: an array of plain records, `testAcc` only where given; `JSON.stringify(history)`
   * calls it. JSON has no NaN or Infinity, so non-finite metrics are written as `null`, which
   * {@link TrainingHistory.fromJSON} reads back as NaN ({@link TrainingHistory.add} does not
   * accept `null`).
   * @returns plain objects that survive `JSON.stringify`/`JSON.parse`.
   * @example
   * checkpoint.history = history.toJSON();
   */
  toJSON(): EpochRecordJSON[] {
    const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
    return this.items.map((r) => {
      const out: EpochRecordJSON = { epoch: r.epoch, trainLoss: finiteOrNull(r.trainLoss), trainAcc: finiteOrNull(r.trainAcc) };
      if (r.testAcc !== undefined) out.testAcc = finiteOrNull(r.testAcc);
      return out;
    });
  }

  /**
   * Rebuilds a history from its JSON form (the parsed object, not the string).
   * @param json - what {@link TrainingHistory.toJSON} returned, possibly through `JSON.parse`.
   * @returns a new history with the same records (`null` metrics become NaN).
   * @throws TypeError if `json` is not an array or a record is malformed; the message names the
   *   record, e.g. `json[3].trainAcc`.
   * @throws RangeError if epochs are not finite or not strictly increasing.
   * @example
   * const history = TrainingHistory.fromJSON(JSON.parse(text).history);
   */
  static fromJSON(json: unknown): TrainingHistory {
    const op = 'TrainingHistory.fromJSON';
    if (!Array.isArray(json)) throw invalidArg(op, 'json', 'an array of epoch records', json);
    const history = new TrainingHistory();
    json.forEach((raw: unknown, i) => {
      const where = `json[${i}]`;
      if (typeof raw !== 'object' || raw === null) throw invalidArg(op, where, 'an object', raw);
      const r = { ...(raw as Record<string, unknown>) };
      for (const key of METRICS) if (r[key] === null) r[key] = NaN;
      history.items.push(Object.freeze(checkRecord(op, where, r, history.items.at(-1)?.epoch)));
    });
    return history;
  }
}

/** A validated copy of `raw`, or throws naming `op` and `where`. */
function checkRecord(op: string, where: string, raw: object, previousEpoch: number | undefined): EpochRecord {
  const r = raw as Record<string, unknown>;
  for (const key of ['epoch', 'trainLoss', 'trainAcc'] as const) {
    if (typeof r[key] !== 'number') throw invalidArg(op, `${where}.${key}`, 'a number', r[key]);
  }
  if (r.testAcc !== undefined && typeof r.testAcc !== 'number') {
    throw invalidArg(op, `${where}.testAcc`, 'a number or undefined', r.testAcc);
  }
  const epoch = r.epoch as number;
  if (!Number.isFinite(epoch)) throw invalidArg(op, `${where}.epoch`, 'a finite number', epoch, RangeError);
  if (previousEpoch !== undefined && !(epoch > previousEpoch)) {
    throw invalidArg(op, `${where}.epoch`, `an epoch after ${previousEpoch}`, epoch, RangeError);
  }
  const out: EpochRecord = { epoch, trainLoss: r.trainLoss as number, trainAcc: r.trainAcc as number };
  if (r.testAcc !== undefined) out.testAcc = r.testAcc as number;
  return out;
}

/** The records of a history or array, validated as {@link TrainingHistory.add} does. */
function recordsOf(op: string, history: TrainingHistory | readonly EpochRecord[]): readonly Readonly<EpochRecord>[] {
  if (history instanceof TrainingHistory) return history.records;
  if (!Array.isArray(history)) throw invalidArg(op, 'history', 'a TrainingHistory or an array of EpochRecord', history);
  let previous: number | undefined;
  return history.map((record, i) => {
    if (typeof record !== 'object' || record === null) throw invalidArg(op, `history[${i}]`, 'an object', record);
    const checked = checkRecord(op, `history[${i}]`, record, previous);
    previous = checked.epoch;
    return checked;
  });
}

/** An optional integer option in [lo, hi], or throws naming `op`. */
function intOption(op: string, name: string, value: unknown, fallback: number, lo: number, hi: number): number {
  if (value === undefined) return fallback;
  const expected = `an integer in [${lo}, ${hi}]`;
  if (typeof value !== 'number') throw invalidArg(op, name, expected, value);
  if (!Number.isInteger(value) || value < lo || value > hi) throw invalidArg(op, name, expected, value, RangeError);
  return value;
}

// ---------------------------------------------------------------------------------------------
// SVG through vega-lite and vega

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
  /** Chart title above the plot; none by default. */
  title?: string;
  /** Width of the whole picture in pixels, legend and axes included; default 480. */
  width?: number;
  /** Height of the whole picture in pixels; default 320. */
  height?: number;
}

/** The vega-lite specification of the curves. */
function curvesSpec(records: readonly Readonly<EpochRecord>[], options: { title?: string; width: number; height: number }): object {
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
  const first = records[0].epoch;
  const last = records[records.length - 1].epoch;
  const integerEpochs = records.every((r) => Number.isInteger(r.epoch));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: { text: options.title, anchor: 'middle' } } : {}),
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
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: true } },
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
 * epoch on one chart with a legend and the y axis from 0 (test acc only at the epochs that have
 * it), and writes them as an SVG file. The chart is a vega-lite specification rendered by vega
 * without a browser. The file is written atomically: a temporary file in the target's folder, renamed
 * over `file` once complete, so a reader never sees half a picture; a symlink is written through,
 * an existing file keeps its mode, and anything but a regular file (directory, FIFO, device) is refused.
 * @param file - the SVG file to write; its folder must exist.
 * @param history - the epochs to draw (a {@link TrainingHistory} or an array of records).
 * @param options - title and size in pixels (default 480 × 320).
 * @throws TypeError or RangeError, naming `file`, if the history is empty or malformed, or an
 *   option is out of range (width and height are integers in [100, 10000]).
 * @throws Error naming `file` if vega cannot be loaded or render, or the file cannot be written
 *   (`cause` holds the original error, e.g. the file system's ENOENT); nothing is left behind.
 * @example
 * await writeCurvesSvg('lenet-curves.svg', history, { title: 'LeNet, Fashion-MNIST' });
 */
export async function writeCurvesSvg(file: string, history: TrainingHistory | readonly EpochRecord[],
  options: CurvesSvgOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw invalidArg('writeCurvesSvg', 'file', 'a file name', file);
  const op = `writeCurvesSvg(${file})`;
  const records = recordsOf(op, history);
  if (records.length === 0) throw new RangeError(`${op}: the history has no epochs to draw`);
  if (options.title !== undefined && typeof options.title !== 'string') {
    throw invalidArg(op, 'options.title', 'a string', options.title);
  }
  const width = intOption(op, 'options.width', options.width, 480, 100, 10000);
  const height = intOption(op, 'options.height', options.height, 320, 100, 10000);

  let svg: string;
  try {
    const { vega, vegaLite } = await loadVega();
    const spec = vegaLite.compile(curvesSpec(records, { title: options.title, width, height })).spec;
    const view = new vega.View(vega.parse(spec), { renderer: 'none' });
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (err) {
    throw new Error(`writeCurvesSvg: cannot draw ${file}: ${(err as Error).message}`, { cause: err });
  }

  // Atomic, through symlinks, keeping the mode, never over a non-regular file (see io/files).
  writeFileAtomic(file, (fd) => writeAll(fd, Buffer.from(svg, 'utf8')),
    (err) => new Error(`writeCurvesSvg: cannot write ${file}: ${err.message}`, { cause: err }));
}

// ---------------------------------------------------------------------------------------------
// Text chart through asciichart

/** Options of {@link terminalChart}. */
export interface TerminalChartOptions {
  /** Rows between the lowest and highest y label (the chart has height + 1 rows); default 10. */
  height?: number;
  /** Columns of every line, labels and legend included; default 60. */
  width?: number;
  /** Colour the series with ANSI codes (blue, magenta, green as in d2l); default false. */
  colors?: boolean;
}

/** Line glyphs of each series, in asciichart's order: ┼ ┤ ╶ ╴ ─ ╰ ╭ ╮ ╯ │. */
const GLYPHS: Record<Metric, [string, string, string, string, string, string, string, string, string, string]> = {
  trainLoss: ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'],
  trainAcc: ['┼', '┤', '╶', '╴', '═', '╚', '╔', '╗', '╝', '║'],
  testAcc: ['┼', '┤', '╶', '╴', '┄', '╰', '╭', '╮', '╯', '┆'],
};

const RESET = '\x1b[0m';

/**
 * Values of one series at `points` evenly spaced epochs from the first to the last record, by
 * linear interpolation between the epochs where the series is finite: many epochs are sampled
 * down to the width, few are stretched across it. `undefined` outside the measured span.
 */
function resample(records: readonly Readonly<EpochRecord>[], key: Metric, points: number): (number | undefined)[] {
  const known = records.filter((r) => r[key] !== undefined && Number.isFinite(r[key]))
    .map((r) => ({ x: r.epoch, y: r[key] as number }));
  const first = records[0].epoch;
  const span = records[records.length - 1].epoch - first;
  const out: (number | undefined)[] = [];
  let j = 0;
  for (let i = 0; i < points; i++) {
    // One epoch: every column is that epoch.
    const x = span > 0 ? first + (span * i) / (points - 1) : first;
    const tolerance = span * 1e-9;
    if (known.length === 0 || x < known[0].x - tolerance || x > known[known.length - 1].x + tolerance) {
      out.push(undefined);
      continue;
    }
    while (j + 1 < known.length && known[j + 1].x < x) j++;
    const a = known[j];
    const b = known[Math.min(j + 1, known.length - 1)];
    out.push(b.x > a.x ? a.y + ((b.y - a.y) * Math.min(1, Math.max(0, (x - a.x) / (b.x - a.x)))) : a.y);
  }
  return out;
}

/** A number for the legend: three decimals, or NaN / Infinity as such. */
function legendValue(v: number | undefined): string {
  if (v === undefined) return '-';
  return Number.isFinite(v) ? v.toFixed(3) : String(v);
}

/**
 * A small text chart of the training curves for the end of a run: train loss, train acc and test
 * acc against the epoch, drawn with asciichart, y from 0, each series in its own line style
 * (─ train loss, ═ train acc, ┄ test acc), an epoch axis and a one-line legend with each series'
 * last value. Every line fits in `width` columns: many epochs are sampled down to the width, a
 * single epoch is a flat line. Series with no finite value are left out.
 * @param history - the epochs to draw (a {@link TrainingHistory} or an array of records).
 * @param options - `height` rows (default 10, 2–100), `width` columns (default 60, 30–1000),
 *   `colors` for ANSI colours (default false; pass `process.stdout.isTTY` to colour terminals only).
 * @returns the chart, lines joined with '\n', without a trailing newline.
 * @throws TypeError or RangeError if the history is empty or malformed, or an option is out of range.
 * @example
 * console.log(terminalChart(history, { colors: process.stdout.isTTY }));
 * //  2.30┤╮
 * //      ...
 * //  0.00┼────────────────────────────────────────────────────
 * //      1                      epoch                       10
 * // ─ train loss 0.470  ═ train acc 0.823  ┄ test acc 0.817
 */
export function terminalChart(history: TrainingHistory | readonly EpochRecord[], options: TerminalChartOptions = {}): string {
  const op = 'terminalChart';
  const records = recordsOf(op, history);
  if (records.length === 0) throw new RangeError(`${op}: the history has no epochs to draw`);
  const height = intOption(op, 'options.height', options.height, 10, 2, 100);
  const width = intOption(op, 'options.width', options.width, 60, 30, 1000);
  if (options.colors !== undefined && typeof options.colors !== 'boolean') {
    throw invalidArg(op, 'options.colors', 'a boolean', options.colors);
  }
  const paint = (text: string, ansi: string) => (options.colors ? ansi + text + RESET : text);

  const shown = SERIES.filter((s) => records.some((r) => r[s.key] !== undefined && Number.isFinite(r[s.key])));
  // The legend: the longest of these forms that fits, else cut; glyphs are coloured afterwards
  // (they are the only non-ASCII characters in it).
  const lastValues = shown.map((s) => {
    const last = [...records].reverse().find((r) => r[s.key] !== undefined && Number.isFinite(r[s.key]));
    return legendValue(last?.[s.key]);
  });
  const shortNames: Record<Metric, string> = { trainLoss: 'loss', trainAcc: 'train', testAcc: 'test' };
  const forms = [
    shown.map((s, i) => `${s.glyph} ${s.name} ${lastValues[i]}`).join('  '),
    shown.map((s, i) => `${s.glyph} ${s.name} ${lastValues[i]}`).join(' '),
    shown.map((s, i) => `${s.glyph} ${shortNames[s.key]} ${lastValues[i]}`).join(' '),
  ];
  let legend = forms.find((f) => f.length <= width) ?? forms[2].slice(0, width - 1) + '…';
  if (options.colors) for (const s of shown) legend = legend.split(s.glyph).join(paint(s.glyph, s.ansi));
  if (shown.length === 0) return `(no finite values to plot)\n${legend}`.trimEnd();

  // y from 0 as in the SVG; labels with two decimals, all the same width.
  let min = 0;
  let max = 0;
  for (const r of records) {
    for (const s of shown) {
      const v = r[s.key];
      if (v !== undefined && Number.isFinite(v)) [min, max] = [Math.min(min, v), Math.max(max, v)];
    }
  }
  if (max <= min) max = min + 1;
  const label = (x: number) => {
    const text = x.toFixed(2);
    return text === '-0.00' ? '0.00' : text;
  };
  const labelWidth = Math.max(label(min).length, label(max).length, 4);
  const format = (x: number) => label(x).padStart(labelWidth);
  // A line is the label, the axis, then `cells` cells; n points draw n - 1 cells.
  const cells = width - labelWidth - 1;
  if (cells < 10) throw invalidArg(op, 'options.width', `at least ${labelWidth + 11} columns for labels like ${label(max)}`, width, RangeError);
  const points = cells + 1;

  // asciichart draws one style for all its series, so each series is drawn alone with the same
  // scale and its own glyphs, and the drawings are laid over one another in legend order.
  let grid: string[][] | undefined;
  for (const s of shown) {
    const values = resample(records, s.key, points);
    const start = values.findIndex((v) => v !== undefined);
    const end = values.length - 1 - [...values].reverse().findIndex((v) => v !== undefined);
    let segment = values.slice(start, end + 1) as number[];
    if (segment.length === 1) segment = [segment[0], segment[0]]; // one measured point: one cell
    const rows = asciiPlot(segment, { min, max, height, offset: 2, format, symbols: GLYPHS[s.key] })
      .split('\n').map((line) => Array.from(line));
    if (!grid) {
      // Labels and the axis from the first drawing; the plot cells start blank.
      grid = rows.map((line) => [line.slice(0, labelWidth).join(''), line[labelWidth], ...new Array<string>(cells).fill(' ')]);
    }
    const shift = Math.min(start, cells - (segment.length - 1));
    rows.forEach((line, y) => {
      if (line[labelWidth] === '┼' && shift === 0) grid![y][1] = '┼'; // the series' first value on the axis
      for (let k = 0; k < segment.length - 1; k++) {
        const ch = line[labelWidth + 1 + k];
        if (ch !== undefined && ch !== ' ') grid![y][2 + shift + k] = paint(ch, s.ansi);
      }
    });
  }

  const lines = grid!.map((row) => row.join('').trimEnd());
  // Epoch axis: first epoch under the start, last epoch at the end, the word in the middle.
  const epochText = (e: number) => (Number.isInteger(e) ? String(e) : e.toFixed(2));
  const firstEpoch = epochText(records[0].epoch);
  const lastEpoch = epochText(records[records.length - 1].epoch);
  const axis = new Array<string>(cells + 1).fill(' ');
  const put = (at: number, text: string) => Array.from(text).forEach((ch, i) => { axis[at + i] = ch; });
  put(Math.floor((cells + 1 - 5) / 2), 'epoch');
  put(0, firstEpoch);
  if (records.length > 1) put(cells + 1 - lastEpoch.length, lastEpoch);
  lines.push((' '.repeat(labelWidth) + axis.join('')).slice(0, width).trimEnd());
  lines.push(legend);
  return lines.join('\n');
}
