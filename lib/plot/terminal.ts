// Training curves as a small text chart (asciichart) for the end of a training run in a terminal: loss
// and accuracy in two panels, each with its own y axis fitted to its values, so that a loss of 2.3
// does not flatten accuracies that move by 0.05.
import { plot as asciiPlot } from 'asciichart';
import { invalidArg, knownOptions } from '../core/check';
import { EpochRecord, Metric, TrainingHistory, recordsOf } from './history';
import { SERIES, intOption } from './series';
import { codedError } from '../core/errors';

/** Options of {@link terminalChart}. */
export interface TerminalChartOptions {
  /** Rows between the lowest and highest y label of each panel (a panel has height + 1 rows); default 8. */
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

/** A number for the legend: three decimals (three digits below 0.001), or NaN / Infinity as such. */
function legendValue(v: number | undefined): string {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 0.001 || v === 0 ? v.toFixed(3) : v.toPrecision(3);
}

/** Where two series fall on the same cell: neither hides the other. */
const BOTH = '*';

/** The panels, top to bottom, and the series each draws. */
const PANELS: ReadonlyArray<{ name: string; keys: readonly Metric[]; lo?: number; hi?: number }> = [
  { name: 'loss', keys: ['trainLoss'] },
  // Accuracies stay within [0, 1] however the range is padded.
  { name: 'accuracy', keys: ['trainAcc', 'testAcc'], lo: 0, hi: 1 },
];

const finiteValues = (records: readonly Readonly<EpochRecord>[], key: Metric): number[] =>
  records.map((r) => r[key]).filter((v): v is number => v !== undefined && Number.isFinite(v));

/**
 * The y range of a panel: its values' range widened to a round step (a tenth of the range's order
 * of magnitude, halved), or ±10% (at least 0.01) around a flat line; kept within [bounds.lo, bounds.hi].
 */
function panelRange(values: number[], bounds: { lo?: number; hi?: number }): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-12) {
    const pad = Math.max(Math.abs(hi) * 0.1, 0.01);
    [lo, hi] = [lo - pad, hi + pad];
  } else {
    const step = 10 ** Math.floor(Math.log10(hi - lo)) / 2;
    // The 1e-9 keeps 0.85 - 0.75 (0.0999...) from dropping a whole step.
    [lo, hi] = [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
  }
  if (bounds.lo !== undefined && lo < bounds.lo && Math.min(...values) >= bounds.lo) lo = bounds.lo;
  if (bounds.hi !== undefined && hi > bounds.hi && Math.max(...values) <= bounds.hi) hi = bounds.hi;
  return [lo, hi];
}

/** Decimals that tell neighbouring row labels apart: 2 for most ranges, up to 6 for tiny ones. */
function labelDecimals(lo: number, hi: number, height: number): number {
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10((hi - lo) / height))));
}

/** `x` with `decimals` decimals, without a '-0.00'. */
function label(x: number, decimals: number): string {
  const text = x.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/**
 * A small text chart of the training curves for the end of a run, drawn with asciichart: a loss
 * panel (─ train loss) above an accuracy panel (═ train acc, ┄ test acc), each headed by its
 * legend with the series' last values and with its own y axis fitted to its values, then one epoch
 * axis for both. Every line fits in `width` columns: many epochs are sampled down to the width, a
 * single epoch is a flat line. Series with no finite value are left out, and so is a panel with
 * none (a regression has the loss panel only).
 * @param history - the epochs to draw (a {@link TrainingHistory} or an array of records).
 * @param options - `height` rows per panel (default 8, 2–100), `width` columns (default 60,
 *   30–1000), `colors` for ANSI colours (default false; pass `process.stdout.isTTY` to colour
 *   terminals only).
 * @returns the chart, lines joined with '\n', without a trailing newline.
 * @throws TypeError or RangeError if the history is empty or malformed, or an option is out of range.
 * @example
 * console.log(terminalChart(history, { colors: process.stdout.isTTY }));
 * // loss  ─ train loss 0.470
 * //  2.50┤╮
 * //      ...
 * //  0.00┤   ╰────────────────────────────────────────────────
 * // accuracy  ═ train acc 0.823  ┄ test acc 0.817
 * //  0.90┤          ╭═════════════════════════════════════════
 * //      ...
 * //      1                      epoch                       10
 */
export function terminalChart(history: TrainingHistory | readonly EpochRecord[], options: TerminalChartOptions = {}): string {
  const op = 'terminalChart';
  knownOptions(op, options, ['height', 'width', 'colors']);
  const records = recordsOf(op, history);
  if (records.length === 0) throw codedError('NC_ARGUMENT', `${op}: the history has no epochs to draw`, RangeError);
  const height = intOption(op, 'options.height', options.height, 8, 2, 100);
  const width = intOption(op, 'options.width', options.width, 60, 30, 1000);
  if (options.colors !== undefined && typeof options.colors !== 'boolean') {
    throw invalidArg(op, 'options.colors', 'a boolean', options.colors);
  }
  const paint = (text: string, ansi: string) => (options.colors ? ansi + text + RESET : text);

  const panels = PANELS.map((panel) => {
    const series = SERIES.filter((s) => panel.keys.includes(s.key) && finiteValues(records, s.key).length > 0);
    const values = series.flatMap((s) => finiteValues(records, s.key));
    const [lo, hi] = values.length > 0 ? panelRange(values, panel) : [0, 1];
    return { ...panel, series, lo, hi, decimals: labelDecimals(lo, hi, height) };
  }).filter((panel) => panel.series.length > 0);
  if (panels.length === 0) return '(no finite values to plot)';

  // One label width for all panels, so that their axes and columns line up over the epoch axis.
  const labelWidth = Math.max(4, ...panels.flatMap((p) => [label(p.lo, p.decimals).length, label(p.hi, p.decimals).length]));
  // A line is the label, the axis, then `cells` cells; n points draw n - 1 cells.
  const cells = width - labelWidth - 1;
  if (cells < 10) throw invalidArg(op, 'options.width', `at least ${labelWidth + 11} columns for labels like ${label(panels[0].hi, panels[0].decimals)}`, width, RangeError);

  const lines: string[] = [];
  for (const panel of panels) {
    const format = (x: number) => label(x, panel.decimals).padStart(labelWidth);
    const { rows, overlap } = drawPanel(records, panel.series, { lo: panel.lo, hi: panel.hi, height, labelWidth, cells, format, paint });
    lines.push(panelHeader(records, panel.name, panel.series, overlap, width, paint), ...rows);
  }
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
  return lines.join('\n');
}

type Series = (typeof SERIES)[number];

/** `name` and the legend of its series with their last values: the longest form that fits, else cut. */
function panelHeader(records: readonly Readonly<EpochRecord>[], name: string, series: readonly Series[], overlap: boolean,
  width: number, paint: (text: string, ansi: string) => string): string {
  const last = series.map((s) => legendValue(finiteValues(records, s.key).at(-1)));
  const shortNames: Record<Metric, string> = { trainLoss: 'train', trainAcc: 'train', testAcc: 'test' };
  const forms = [
    `${name}  ${series.map((s, i) => `${s.glyph} ${s.name} ${last[i]}`).join('  ')}${overlap ? `  ${BOTH} both` : ''}`,
    `${name} ${series.map((s, i) => `${s.glyph} ${shortNames[s.key]} ${last[i]}`).join(' ')}${overlap ? ` ${BOTH} both` : ''}`,
  ];
  let header = forms.find((f) => f.length <= width) ?? forms[1].slice(0, width - 1) + '…';
  // The glyphs are the only non-ASCII characters: colour them afterwards.
  for (const s of series) header = header.split(s.glyph).join(paint(s.glyph, s.ansi));
  return header;
}

/**
 * The rows of one panel: labels, axis and its series on the scale [lo, hi]. asciichart draws one
 * style for all its series, so each series is drawn alone with the same scale and its own glyphs,
 * and the drawings are laid over one another; a cell two series fall on shows {@link BOTH}.
 * The values are drawn shifted by -lo (asciichart rounds min·ratio and v·ratio apart, which can put
 * a point half a row off its label otherwise).
 */
function drawPanel(records: readonly Readonly<EpochRecord>[], series: readonly Series[], layout: {
  lo: number; hi: number; height: number; labelWidth: number; cells: number;
  format: (x: number) => string; paint: (text: string, ansi: string) => string;
}): { rows: string[]; overlap: boolean } {
  const { lo, hi, height, labelWidth, cells, format, paint } = layout;
  let grid: string[][] | undefined;
  let overlap = false;
  const owner: (string | undefined)[][] = Array.from({ length: height + 1 }, () => new Array<string | undefined>(cells));
  for (const s of series) {
    const values = resample(records, s.key, cells + 1);
    const start = values.findIndex((v) => v !== undefined);
    const end = values.length - 1 - [...values].reverse().findIndex((v) => v !== undefined);
    let segment = values.slice(start, end + 1) as number[];
    if (segment.length === 1) segment = [segment[0], segment[0]]; // one measured point: one cell
    const rows = asciiPlot(segment.map((v) => v - lo), { min: 0, max: hi - lo, height, offset: 2,
      format: (x: number) => format(x + lo), symbols: GLYPHS[s.key] }).split('\n').map((line) => Array.from(line));
    // Labels from the first drawing, a plain axis, and blank cells.
    grid ??= rows.map((line) => [line.slice(0, labelWidth).join(''), '┤', ...new Array<string>(cells).fill(' ')]);
    const shift = Math.min(start, cells - (segment.length - 1));
    // The series' first value on the axis, as asciichart marks it.
    if (shift === 0) grid[height - Math.round(((segment[0] - lo) * height) / (hi - lo))][1] = '┼';
    rows.forEach((line, y) => {
      for (let k = 0; k < segment.length - 1; k++) {
        const ch = line[labelWidth + 1 + k];
        if (ch === undefined || ch === ' ') continue;
        const x = shift + k;
        const other = owner[y][x] !== undefined && owner[y][x] !== s.key;
        grid![y][2 + x] = other ? BOTH : paint(ch, s.ansi);
        overlap ||= other;
        owner[y][x] = s.key;
      }
    });
  }
  return { rows: grid!.map((row) => row.join('').trimEnd()), overlap };
}
