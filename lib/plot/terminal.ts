// Training curves as a small text chart (asciichart) for the end of a training run in a terminal.
import { plot as asciiPlot } from 'asciichart';
import { invalidArg, knownOptions } from '../core/check';
import { EpochRecord, Metric, TrainingHistory, recordsOf } from './history';
import { SERIES, intOption } from './series';
import { codedError } from '../core/errors';

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
  knownOptions(op, options, ['height', 'width', 'colors']);
  const records = recordsOf(op, history);
  if (records.length === 0) throw codedError('NC_ARGUMENT', `${op}: the history has no epochs to draw`, RangeError);
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
