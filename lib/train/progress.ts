// A progress bar per epoch (cli-progress) with rate and ETA; plain periodic lines when stdout is
// not a terminal (CI logs).
import { SingleBar } from 'cli-progress';
import { knownOptions } from '../core/check';

/**
 * Where a progress bar draws: the part of a Node stream (process.stdout, a tty.WriteStream) it uses.
 * Our own structural type, so that the public types need no @types/node (nor `NodeJS.*`).
 */
export interface ProgressStream {
  write(text: string): unknown;
  /** True for a terminal: the bar redraws in place; otherwise plain lines. */
  readonly isTTY?: boolean;
  /** Terminal width; the bar is cut to it. */
  readonly columns?: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressOptions {
  /** Text before the bar, e.g. `epoch 1/10`. */
  label: string;
  /** Total units (examples). */
  total: number;
  /** Unit name shown with the rate; default 'img'. */
  unit?: string;
  /** Where to draw; default process.stdout. */
  stream?: ProgressStream;
  /** Show the running accuracy (classification); default true. False shows the loss only. */
  accuracy?: boolean;
}

/** Progress of one epoch: `update(done, { loss, acc })` after each batch, `stop()` at the end. */
export class ProgressBar {
  private readonly bar: SingleBar;
  private readonly start = Date.now();

  constructor(options: ProgressOptions) {
    knownOptions('ProgressBar', options, ['label', 'total', 'unit', 'stream', 'accuracy']);
    const unit = options.unit ?? 'img';
    const stream = options.stream ?? process.stdout;
    this.bar = new SingleBar({
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ` +
        `ETA {eta_formatted} | loss {loss}${options.accuracy === false ? '' : ' acc {acc}'}`,
      // cli-progress reads only write, isTTY and columns (its cursor moves go through readline, which writes).
      stream: stream as NodeJS.WritableStream,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 5000,
      hideCursor: false,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    this.bar.start(options.total, 0, { rate: '-', loss: '-', acc: '-' });
  }

  /** Advances to `done` units and shows the running loss and accuracy ('-' when NaN: not counted). */
  update(done: number, metrics: { loss: number; acc: number }): void {
    const seconds = (Date.now() - this.start) / 1000;
    this.bar.update(done, {
      rate: seconds > 0 ? Math.round(done / seconds).toString() : '-',
      loss: metrics.loss.toFixed(3),
      acc: Number.isNaN(metrics.acc) ? '-' : metrics.acc.toFixed(3),
    });
  }

  /** Removes the bar (the caller prints the epoch's summary line). */
  stop(): void {
    this.bar.stop();
  }
}
