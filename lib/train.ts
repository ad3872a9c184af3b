// fit: d2l's train_ch6 — epochs of training with a progress bar, per-epoch figures, curves, and
// checkpoints that let an interrupted run (Ctrl-C, or a crash) resume exactly where it stopped.
import type { Block } from './nn/block';
import type { Trainer } from './trainer';
import type { DataLoader } from './data/dataloader';
import type { Tensor } from './tensor';
import { record } from './autograd';
import { SoftmaxCrossEntropyLoss } from './loss';
import { TrainingMetrics } from './metrics';
import { ProgressBar } from './progress';
import { evaluateAccuracy } from './evaluate';
import { EpochRecordJSON, TrainingHistory, terminalChart, writeCurvesSvg } from './plot';
import { TrainingState, checkpointExists, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { positiveInt } from './check';
import { cpu } from './device';

/** Options of {@link fit}. */
export interface FitOptions {
  /** Epochs to train in all (a resumed run trains the rest). */
  epochs: number;
  /** Updates the parameters. */
  trainer: Trainer;
  /** Default softmax cross-entropy. */
  loss?: { forward(yHat: Tensor, y: Tensor): Tensor };
  /** Checkpoint file, written at the end of every epoch and when stopped by Ctrl-C. */
  checkpoint?: string;
  /** Continue from `checkpoint` when it exists. */
  resume?: boolean;
  /** Write the training curves to this SVG file at the end. */
  plot?: string;
  /** Where the per-epoch lines go; default console.log. */
  log?: (line: string) => void;
  /** Progress bar per epoch; default true. */
  progress?: boolean;
  /** Called after every step (e.g. to stop early in tests). */
  onBatch?: (epoch: number, batch: number) => void;
}

/** What {@link fit} returns. */
export interface FitResult {
  history: TrainingHistory;
  /** True when Ctrl-C stopped training (after the current step, with a checkpoint saved). */
  interrupted: boolean;
}

/**
 * Trains `net` for `options.epochs` epochs over `trainIter`, evaluating on `testIter` after each,
 * and prints one line per epoch: loss, train acc, test acc, time, examples/s and the share of time
 * spent waiting for data. Loss and accuracy are summed on the device and read every few batches.
 * With `checkpoint`, Ctrl-C finishes the current step, saves and returns `interrupted: true`, and
 * `resume` continues from the checkpoint; with a fixed seed on the CPU the resumed run ends with
 * the same parameters as an uninterrupted one.
 * @example
 * await fit(net, trainIter, testIter, { epochs: 10, trainer, checkpoint: 'lenet.ckpt', resume: true, plot: 'curves.svg' });
 */
export async function fit(net: Block, trainIter: DataLoader, testIter: DataLoader, options: FitOptions): Promise<FitResult> {
  const epochs = positiveInt('fit', 'epochs', options.epochs);
  const log = options.log ?? ((line: string) => console.log(line));
  const lossFn = options.loss ?? new SoftmaxCrossEntropyLoss();
  const device = [...net.collectParams().values()][0]?.device ?? cpu();
  let history = new TrainingHistory();
  let state: Pick<TrainingState, 'epoch' | 'batch' | 'partial'> = { epoch: 1, batch: 0, partial: null };

  if (options.resume && options.checkpoint && checkpointExists(options.checkpoint)) {
    const saved = loadCheckpoint(options.checkpoint, net, options.trainer);
    state = saved;
    trainIter.setSeed(saved.loaderSeed);
    history = TrainingHistory.fromJSON(saved.history as EpochRecordJSON[]);
    log(`resuming from ${options.checkpoint}: epoch ${saved.epoch}, batch ${saved.batch}`);
  }
  trainIter.setEpoch(state.epoch - 1);
  const save = (next: Pick<TrainingState, 'epoch' | 'batch' | 'partial'>) => {
    if (!options.checkpoint) return;
    saveCheckpoint(options.checkpoint, net, options.trainer,
      { ...next, loaderSeed: trainIter.seed, history: history.toJSON() as unknown[] });
  };

  // Ctrl-C asks to stop after the current step; the checkpoint then holds everything to resume.
  let stopRequested = false;
  const onSigint = () => {
    stopRequested = true;
  };
  if (options.checkpoint) process.on('SIGINT', onSigint);
  try {
    for (let epoch = state.epoch; epoch <= epochs; epoch++) {
      const start = process.hrtime.bigint();
      const metrics = new TrainingMetrics(device);
      if (epoch === state.epoch && state.partial) metrics.restore(state.partial);
      const bar = options.progress === false ? null
        : new ProgressBar({ label: `epoch ${epoch}/${epochs}`, total: trainIter.numExamples });
      let batch = epoch === state.epoch ? state.batch : 0;
      for (const [X, y] of trainIter.iterate(batch)) {
        const yHat = record(() => net.forward(X));
        const l = record(() => lossFn.forward(yHat, y));
        l.backward();
        options.trainer.step(y.size);
        metrics.add(l, yHat, y);
        for (const t of [X, y, yHat, l]) t.dispose();
        batch++;
        if (bar && batch % 20 === 0) bar.update(metrics.examples, metrics.read());
        options.onBatch?.(epoch, batch);
        // Let the event loop run, so that a Ctrl-C (a signal handled there) is seen after this step.
        if (options.checkpoint) await new Promise((resolve) => setImmediate(resolve));
        if (stopRequested) {
          bar?.stop();
          save({ epoch, batch, partial: metrics.snapshot() });
          metrics.dispose();
          log(`stopped after epoch ${epoch}, batch ${batch}; saved ${options.checkpoint} (resume to continue)`);
          return { history, interrupted: true };
        }
      }
      options.trainer.endEpoch();
      const { loss, acc, examples } = metrics.read();
      metrics.dispose();
      bar?.update(examples, { loss, acc });
      bar?.stop();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const waiting = trainIter.stats.waitSeconds / seconds;
      const testAcc = evaluateAccuracy(net, testIter);
      history.add({ epoch, trainLoss: loss, trainAcc: acc, testAcc });
      log(`epoch ${epoch}, loss ${loss.toFixed(3)}, train acc ${acc.toFixed(3)}, test acc ${testAcc.toFixed(3)}, ` +
        `time ${seconds.toFixed(1)} sec, ${Math.round(examples / seconds)} examples/sec, ` +
        `${(100 * waiting).toFixed(1)}% waiting for data`);
      save({ epoch: epoch + 1, batch: 0, partial: null });
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (history.records.length > 0) log(terminalChart(history));
  if (options.plot) {
    await writeCurvesSvg(options.plot, history);
    log(`training curves written to ${options.plot}`);
  }
  return { history, interrupted: false };
}
