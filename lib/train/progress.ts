// A progress bar per epoch with rate and ETA, honest about time: the count moves every batch (the host
// knows it), the bar is redrawn by the clock (up to 10 times a second), and the running loss and
// accuracy, which live on the device, are read at most once a second (each read waits for a GPU's
// queue). Off a terminal (a pipe, a CI log) nothing is drawn: the caller's per-epoch line is the
// record, not a stale bar repeated every few seconds.
import { stateError } from '../core/errors';
import { invalidArg, knownOptions } from '../core/check';

/** Where a {@link ProgressBar} draws: process.stdout or any stream with `write` (and `isTTY`, `columns`). */
export interface ProgressStream {
  /** Writes `text` (the bar redraws with a carriage return). */
  write(text: string): unknown;
  /** Only a terminal gets a bar. */
  isTTY?: boolean;
  /** Width of the terminal; lines are cut to it. */
  columns?: number;
}

/** Running loss and accuracy (NaN: not counted) as {@link TrainingMetrics.read} gives them. */
export interface ProgressMetrics {
  loss: number;
  acc: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressOptions {
  /** Text before the bar, e.g. `epoch 1/10`. */
  label: string;
  /** Total units (examples). */
  total: number;
  /** Unit name shown with the rate; default 'img'. */
  unit?: string;
  /** Where to draw; default process.stdout. Nothing is drawn unless `stream.isTTY`. */
  stream?: ProgressStream;
  /** Show the running accuracy (classification); default true. False shows the loss only. */
  accuracy?: boolean;
  /** Units already done when the bar starts (a resumed epoch); not counted in the rate. Default 0. */
  start?: number;
  /** Milliseconds now, for the rate, the ETA and the pacing; default Date.now (tests pass a fake). */
  clock?: () => number;
}

/** Redraws at most this often (ms): smooth enough, and cheap on a slow terminal. */
const REDRAW_MS = 100;
/** Reads the device-side metrics at most this often (ms). */
const METRICS_EVERY_MS = 1000;
const BAR_WIDTH = 20;

/**
 * Progress of one epoch, drawn on a terminal only: `update(done, readMetrics)` after every batch,
 * `stop()` at the end (which clears the line; the caller prints the epoch's summary).
 * `readMetrics` is called at most once a second, so a GPU's queue is not drained every batch.
 * @example
 * const bar = new ProgressBar({ label: 'epoch 1/10', total: trainIter.numExamples });
 * for (const [X, y] of trainIter) { ...; metrics.add(l, yHat, y); bar.update(metrics.examples, () => metrics.read()); }
 * bar.stop();
 */
export class ProgressBar {
  private readonly label: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly accuracy: boolean;
  private readonly clock: () => number;
  private readonly tty: boolean;
  private readonly startValue: number;
  private readonly startTime: number;
  private done: number;
  private metrics: ProgressMetrics | null = null;
  private lastRead: number;
  private lastDraw = -Infinity;
  private stopped = false;

  constructor(options: ProgressOptions) {
    const op = 'ProgressBar';
    knownOptions(op, options, ['label', 'total', 'unit', 'stream', 'accuracy', 'start', 'clock']);
    if (typeof options.label !== 'string') throw invalidArg(op, 'label', 'a string', options.label);
    if (typeof options.total !== 'number' || !Number.isInteger(options.total) || options.total < 0) {
      throw invalidArg(op, 'total', 'an integer >= 0', options.total, RangeError);
    }
    const stream = options.stream ?? process.stdout;
    if (typeof stream !== 'object' || stream === null || typeof stream.write !== 'function') {
      throw invalidArg(op, 'stream', 'a stream with a write method', stream);
    }
    if (options.clock !== undefined && typeof options.clock !== 'function') throw invalidArg(op, 'clock', 'a function', options.clock);
    const start = options.start ?? 0;
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) throw invalidArg(op, 'start', 'an integer >= 0', start, RangeError);
    this.label = options.label;
    this.total = options.total;
    this.unit = options.unit ?? 'img';
    this.stream = stream;
    this.accuracy = options.accuracy ?? true;
    this.clock = options.clock ?? Date.now;
    this.tty = stream.isTTY === true;
    this.startValue = start;
    this.done = start;
    this.startTime = this.clock();
    this.lastRead = this.startTime;
    this.draw(this.startTime);
  }

  /**
   * Advances to `done` units. `metrics` is either the running figures themselves, or a function
   * that reads them, called only on a terminal and at most once a second.
   */
  update(done: number, metrics?: ProgressMetrics | (() => ProgressMetrics)): void {
    if (this.stopped) throw stateError('ProgressBar.update', 'the bar was stopped');
    this.done = done;
    if (!this.tty) return;
    const now = this.clock();
    if (typeof metrics === 'function') {
      if (now - this.lastRead >= METRICS_EVERY_MS) {
        this.metrics = metrics();
        this.lastRead = now;
      }
    } else if (metrics) {
      this.metrics = metrics;
    }
    if (now - this.lastDraw >= REDRAW_MS || done >= this.total) this.draw(now);  // and the full bar
  }

  /** Clears the bar's line (the caller prints the epoch's summary line). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tty) this.stream.write('\r\x1b[K');
  }

  /**
   * The bar's line at `now` in at most `columns - 1` characters when the width is known (a wrapped
   * line could not be rewritten in place): the bar shrinks first, down to 5 cells or none, then the
   * line is cut.
   */
  private line(now: number, columns: number | undefined): string {
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const seconds = (now - this.startTime) / 1000;
    const rate = seconds > 0 ? (this.done - this.startValue) / seconds : 0;
    const eta = rate > 0 ? formatSeconds(Math.max(0, this.total - this.done) / rate) : '-';
    const figure = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3));
    const text = (width: number) => {
      const filled = Math.round(fraction * width);
      const bar = width > 0 ? ` [${'█'.repeat(filled)}${'░'.repeat(width - filled)}]` : '';
      return `${this.label}${bar} ${Math.floor(100 * fraction)}% | ` +
        `${this.done}/${this.total} | ${rate > 0 ? Math.round(rate) : '-'} ${this.unit}/s | ETA ${eta} | ` +
        `loss ${figure(this.metrics?.loss)}${this.accuracy ? ` acc ${figure(this.metrics?.acc)}` : ''}`;
    };
    const full = text(BAR_WIDTH);
    if (!columns || columns < 2 || full.length <= columns - 1) return full;
    const width = BAR_WIDTH - (full.length - (columns - 1));
    return text(width >= 5 ? width : 0).slice(0, columns - 1);
  }

  /** Rewrites the line in place. */
  private draw(now: number): void {
    if (!this.tty) return;
    this.stream.write(`\r${this.line(now, this.stream.columns)}\x1b[K`);
    this.lastDraw = now;
  }
}

/** 75 → '1m15s', 3725 → '1h02m', 9 → '9s'. */
function formatSeconds(s: number): string {
  const total = Math.ceil(s);
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}
