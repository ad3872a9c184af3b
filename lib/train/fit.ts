// fit: d2l's train_ch6 — epochs of training with a progress bar, per-epoch figures, curves, and
// checkpoints that let an interrupted run (Ctrl-C, or a crash) resume exactly where it stopped.
import type { Block } from '../nn/block';
import type { Trainer } from './trainer';
import type { DataLoader } from '../data/dataloader';
import type { Tensor } from '../core/tensor';
import { record } from '../core/autograd';
import { SoftmaxCrossEntropyLoss } from '../nn/loss';
import { TrainingMetrics } from './metrics';
import { ProgressBar, ProgressStream } from './progress';
import { evaluateAccuracy, evaluateLoss } from './evaluate';
import { ArrayDataset } from '../data/array-dataset';
import { EpochRecordJSON, TrainingHistory } from '../plot/history';
import { svgUnavailable, writeCurvesSvg } from '../plot/svg';
import { terminalChart } from '../plot/terminal';
import { TrainingState, checkpointExists, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { invalidArg, knownOptions, positiveInt } from '../core/check';
import { cpu } from '../core/device';
import * as fs from 'fs';
import * as path from 'path';
import { FiniteGuard, NonFiniteError, NonFiniteFinding } from './finite';
import { checkSaveTarget } from '../io/files';
import { codedError } from '../core/errors';

/** Options of {@link fit}. */
export interface FitOptions {
  /** Epochs to train in all (a resumed run trains the rest). */
  epochs: number;
  /** Updates the parameters. */
  trainer: Trainer;
  /** Default softmax cross-entropy. */
  loss?: {
    /** The per-example losses of predictions `yHat` for labels `y`. */
    forward(yHat: Tensor, y: Tensor): Tensor;
  };
  /** Checkpoint file, written at the end of every epoch and when stopped by Ctrl-C. */
  checkpoint?: string;
  /** Continue from `checkpoint` when it exists. */
  resume?: boolean;
  /**
   * Write the training curves to this SVG file at the end. Needs the optional packages vega and
   * vega-lite; without them fit says so (through `log`) at the start and the end, and trains anyway.
   */
  plot?: string;
  /** Where the per-epoch lines go; default console.log. */
  log?: (line: string) => void;
  /**
   * Progress bar per epoch, drawn on a terminal only (off one, the per-epoch lines are the record);
   * default true. It moves every batch and reads the running loss and accuracy at most once a second.
   */
  progress?: boolean;
  /**
   * The terminal: where the progress bar is drawn, and whose `isTTY` decides whether the bar and the
   * text chart of the curves (after 3 epochs or more) are shown. Default process.stdout.
   */
  terminal?: ProgressStream;
  /** Called after every step (e.g. to stop early in tests). */
  onBatch?: (epoch: number, batch: number) => void;
  /**
   * Stop at the first non-finite (NaN or infinite) loss, gradient or parameter with a
   * {@link NonFiniteError} naming the layer, the parameter and the step. Default false. The check
   * runs after backward and before the update, so the bad step changes no parameter; it costs one
   * read back per step (the squares of the loss and the gradients summed on the device), and looks
   * tensor by tensor only when that sum is not finite. With `checkpoint`, no checkpoint with
   * non-finite values is written, and one is also written before the first step when every shape is
   * known (after a forward or a load), so the file on disk is the last good state. (Batch norm's
   * running statistics are changed by the bad step's forward itself; the checkpoint has good ones.)
   */
  checkFinite?: boolean;
  /**
   * Count accuracy (classification). Default: true unless the training data holds float targets
   * (an `ArrayDataset` of Float32Array labels: regression). Without it the progress bar and the
   * epoch lines show the loss only, the test figure is the mean test loss (`evaluateLoss`), and
   * the history's accuracies are NaN (not plotted).
   */
  accuracy?: boolean;
}

/** What {@link fit} returns. */
export interface FitResult {
  history: TrainingHistory;
  /** True when Ctrl-C stopped training (after the current step, with a checkpoint saved). */
  interrupted: boolean;
}

/**
 * Trains `net` for `options.epochs` epochs over `trainIter`, evaluating on `testIter` after each,
 * and prints one line per epoch: loss, train acc, test acc (for a regression, see `accuracy`: loss
 * and test loss), time, examples/s and the share of time spent waiting for data. On a terminal, a
 * progress bar moves every batch (loss and accuracy, summed on the device, are read for it at most
 * once a second), and a text chart of the curves follows a run of 3 epochs or more.
 * With `checkpoint`, Ctrl-C finishes the current step, saves and returns `interrupted: true`, and
 * `resume` continues from the checkpoint; with a fixed seed on the CPU the resumed run ends with
 * the same parameters as an uninterrupted one.
 * @example
 * await fit(net, trainIter, testIter, { epochs: 10, trainer, checkpoint: 'lenet.ckpt', resume: true, plot: 'curves.svg' });
 */
export async function fit(net: Block, trainIter: DataLoader, testIter: DataLoader, options: FitOptions): Promise<FitResult> {
  knownOptions('fit', options, ['epochs', 'trainer', 'loss', 'checkpoint', 'resume', 'plot', 'log', 'progress', 'terminal', 'onBatch', 'checkFinite', 'accuracy']);
  const epochs = positiveInt('fit', 'epochs', options.epochs);
  const log = options.log ?? ((line: string) => console.log(line));
  const lossFn = options.loss ?? new SoftmaxCrossEntropyLoss();
  if (options.accuracy !== undefined && typeof options.accuracy !== 'boolean') {
    throw codedError('NC_ARGUMENT', `fit: expected a boolean for accuracy but received ${String(options.accuracy)}`, TypeError);
  }
  // Accuracy means nothing for float targets; class indices (images, integer labels) get it.
  const regression = trainIter.dataset instanceof ArrayDataset && trainIter.dataset.labelKind === 'target';
  const withAccuracy = options.accuracy ?? !regression;
  const terminal = options.terminal ?? process.stdout;
  if (typeof terminal !== 'object' || terminal === null || typeof terminal.write !== 'function') {
    throw invalidArg('fit', 'terminal', 'a stream with a write method', terminal);
  }
  const device = [...net.collectParams().values()][0]?.device ?? cpu();
  let history = new TrainingHistory();
  let state: Pick<TrainingState, 'epoch' | 'batch' | 'partial'> = { epoch: 1, batch: 0, partial: null };
  // A network freed with dispose() fails here, naming the parameter, rather than mid-epoch.
  for (const p of net.collectParams().values()) p.checkAlive('fit');
  // A trainer built on another network would train that one and leave this one as it was.
  options.trainer.checkParams('fit', net.collectParams());
  // Bad paths fail now, not after an epoch (the checkpoint) or after all of them (the plot, which
  // lost the history). A stat-based check: the writers themselves refuse what is unsafe to replace.
  if (options.checkpoint !== undefined) checkOutputPath('checkpoint', options.checkpoint);
  if (options.plot !== undefined) checkOutputPath('plot', options.plot);
  // vega and vega-lite are optional: without them training goes on, and says so now and at the end.
  const noSvg = options.plot ? svgUnavailable() : null;
  if (noSvg !== null) log(`fit: option plot: ${options.plot} will not be drawn: ${noSvg}`);
  // The position the checkpoint on disk holds, when this run wrote or resumed from it.
  let kept: { epoch: number; batch: number } | null = null;

  if (options.resume && options.checkpoint && checkpointExists(options.checkpoint)) {
    const saved = loadCheckpoint(options.checkpoint, net, options.trainer,
      { batchSize: trainIter.batchSize, batchesPerEpoch: trainIter.length });
    state = saved;
    trainIter.setSeed(saved.loaderSeed);
    history = TrainingHistory.fromJSON(saved.history as EpochRecordJSON[]);
    kept = { epoch: saved.epoch, batch: saved.batch };
    log(`resuming from ${options.checkpoint}: epoch ${saved.epoch}, batch ${saved.batch}`);
  }
  trainIter.setEpoch(state.epoch - 1);
  const guard = options.checkFinite ? new FiniteGuard(net, device) : null;
  const stop = (finding: NonFiniteFinding, at: { epoch: number; batch: number; step: number },
    when: 'step' | 'save') => new NonFiniteError(finding, { ...at, when, file: options.checkpoint, kept });
  const save = (next: Pick<TrainingState, 'epoch' | 'batch' | 'partial'>) => {
    if (!options.checkpoint) return;
    // The last update is not checked per step: check the parameters before they reach the file.
    if (guard && !guard.paramsFinite()) {
      const finding = guard.find(null, null);
      if (finding) throw stop(finding, { epoch: next.epoch, batch: next.batch, step: options.trainer.stepCount }, 'save');
    }
    saveCheckpoint(options.checkpoint, net, options.trainer,
      { ...next, loaderSeed: trainIter.seed, history: history.toJSON() as unknown[], batchSize: trainIter.batchSize });
    kept = { epoch: next.epoch, batch: next.batch };
  };

  // Ctrl-C asks to stop after the current step; the checkpoint then holds everything to resume.
  let stopRequested = false;
  const onSigint = () => {
    stopRequested = true;
  };
  if (options.checkpoint) process.on('SIGINT', onSigint);
  try {
    // With checkFinite a good state is on disk from the start (once no shape waits for a forward).
    if (guard && !kept && [...net.collectParams().values()].every((p) => p.initialized)) save(state);
    for (let epoch = state.epoch; epoch <= epochs; epoch++) {
      const start = process.hrtime.bigint();
      const metrics = new TrainingMetrics(device, { accuracy: withAccuracy });
      if (epoch === state.epoch && state.partial) metrics.restore(state.partial);
      const bar = options.progress === false || !terminal.isTTY ? null
        : new ProgressBar({ label: `epoch ${epoch}/${epochs}`, total: trainIter.numExamples, accuracy: withAccuracy,
          stream: terminal, start: metrics.examples });
      let batch = epoch === state.epoch ? state.batch : 0;
      for (const [X, y] of trainIter.iterate(batch)) {
        const yHat = record(() => net.forward(X));
        const l = record(() => lossFn.forward(yHat, y));
        l.backward();
        // Before the update: a bad step must not reach the parameters.
        const finding = guard && !guard.stepFinite(l) ? guard.find(l, X) : null;
        if (finding) {
          bar?.stop();
          metrics.dispose();
          for (const t of [X, y, yHat, l]) t.dispose();
          throw stop(finding, { epoch, batch: batch + 1, step: options.trainer.stepCount + 1 }, 'step');
        }
        options.trainer.step(X.shape[0]);  // the batch size (y.size is not, for targets of shape (N, k))
        metrics.add(l, yHat, y);
        for (const t of [X, y, yHat, l]) t.dispose();
        batch++;
        // The count every batch; the metrics (a read waits for a GPU's queue) at most once a second.
        bar?.update(metrics.examples, () => metrics.read());
        options.onBatch?.(epoch, batch);
        // Let the event loop run: a Ctrl-C (a signal handled there) is seen after this step, and Node
        // runs the finalizers of freed tensors' native wrappers only there (a loop that never
        // yields piles them up, and resident memory grows step after step).
        await new Promise((resolve) => setImmediate(resolve));
        if (stopRequested) {
          bar?.stop();
          const partial = metrics.snapshot();
          metrics.dispose();
          save({ epoch, batch, partial });
          log(`stopped after epoch ${epoch}, batch ${batch}; saved ${options.checkpoint} (resume to continue)`);
          return { history, interrupted: true };
        }
      }
      options.trainer.endEpoch();
      const { loss, acc, examples } = metrics.read();
      metrics.dispose();
      bar?.stop();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const waiting = trainIter.stats.waitSeconds / seconds;
      let scores: string;
      if (withAccuracy) {
        const testAcc = evaluateAccuracy(net, testIter);
        history.add({ epoch, trainLoss: loss, trainAcc: acc, testAcc });
        scores = `loss ${loss.toFixed(3)}, train acc ${acc.toFixed(3)}, test acc ${testAcc.toFixed(3)}`;
      } else {
        const testLoss = evaluateLoss(net, testIter, lossFn);
        history.add({ epoch, trainLoss: loss, trainAcc: NaN });
        scores = `loss ${formatLoss(loss)}, test loss ${formatLoss(testLoss)}`;
      }
      log(`epoch ${epoch}, ${scores}, ` +
        `time ${seconds.toFixed(1)} sec, ${Math.round(examples / seconds)} examples/sec, ` +
        `${(100 * waiting).toFixed(1)}% waiting for data`);
      save({ epoch: epoch + 1, batch: 0, partial: null });
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    guard?.dispose();
  }
  // A chart of one or two epochs says nothing the epoch lines do not; a log file gets no box drawing.
  if (history.records.length >= 3 && terminal.isTTY) log(terminalChart(history, { colors: true }));
  if (options.plot && noSvg !== null) {
    log(`training curves not written to ${options.plot}: ${noSvg}`);
  } else if (options.plot) {
    await writeCurvesSvg(options.plot, history);
    log(`training curves written to ${options.plot}`);
  }
  return { history, interrupted: false };
}

/** A regression loss can be far below 0.001: three significant digits rather than three decimals. */
const formatLoss = (x: number): string => (Math.abs(x) >= 0.001 || x === 0 ? x.toFixed(3) : x.toPrecision(3));

/**
 * Throws, naming the option and the path, when `file` cannot be written: its folder is missing, is
 * not a folder or is not writable, or `file` exists but is not a regular file (a directory, a
 * device, a FIFO). Only stats: nothing is created.
 */
function checkOutputPath(option: 'checkpoint' | 'plot', file: string): void {
  const op = `fit: option ${option}`;
  if (typeof file !== 'string' || file === '') throw codedError('NC_ARGUMENT', `${op}: expected a file path but received ${JSON.stringify(file)}`, TypeError);
  let target: string;
  try {
    target = checkSaveTarget(file).target;  // what a save would replace (through symlinks)
  } catch (err) {
    throw codedError('NC_FILE', `${op}: cannot write ${file}: ${(err as Error).message}`);
  }
  const dir = path.dirname(target);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw codedError('NC_FILE', `${op}: cannot write ${file}: the folder ${dir} does not exist`);
  }
  if (!dirStat.isDirectory()) throw codedError('NC_FILE', `${op}: cannot write ${file}: ${dir} is not a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw codedError('NC_FILE', `${op}: cannot write ${file}: the folder ${dir} is not writable`);
  }
}
