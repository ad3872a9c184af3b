// Running sums of a training epoch kept where the tensors live, read back rarely: on a GPU a
// read per batch would stall the queue every step.
import { axpby, sumInto } from '../ops/blas';
import { accumulateCorrect } from '../ops/accuracy';
import { fillConstant } from '../ops/fill';
import type { Device } from '../core/device';
import { Tensor, requireTensor } from '../core/tensor';
import { knownOptions } from '../core/check';

/**
 * Loss and accuracy over an epoch, accumulated on the device. With `{ accuracy: false }` (regression)
 * only the loss is summed and `read()` gives `acc: NaN`.
 * @example
 * const metrics = new TrainingMetrics(device);
 * for (const [X, y] of trainIter) { ...; metrics.add(l, yHat, y); }
 * const { loss, acc } = metrics.read();
 */
export class TrainingMetrics {
  private readonly lossSum: Tensor;
  private readonly correct: Tensor;
  private readonly batchLoss: Tensor;
  /** Examples added so far. */
  examples = 0;

  /** Whether accuracy is counted (classification); false for regression. */
  readonly accuracy: boolean;

  /**
   * @param device - where the batches live.
   * @param options.accuracy - count correct predictions (default true); false when the outputs are
   *   not class scores (regression).
   */
  constructor(device: Device, options: { accuracy?: boolean } = {}) {
    knownOptions('TrainingMetrics', options, ['accuracy']);
    this.accuracy = options.accuracy ?? true;
    this.lossSum = Tensor.zeros([1], device);
    this.correct = Tensor.zeros([1], device);
    this.batchLoss = Tensor.zeros([1], device);
  }

  /**
   * Adds one batch without reading anything back.
   * @param loss - per-example losses (N).
   * @param yHat - scores (N, C) (any outputs when accuracy is off).
   * @param y - labels (N), or targets (N, ...) when accuracy is off.
   */
  add(loss: Tensor, yHat: Tensor, y: Tensor): void {
    requireTensor('TrainingMetrics.add', 'loss', loss);
    sumInto(loss, this.batchLoss);
    axpby(this.batchLoss, this.lossSum, 1, 1);
    if (this.accuracy) accumulateCorrect(yHat, y, this.correct);
    this.examples += y.shape[0];
  }

  /** Mean loss and accuracy (NaN when not counted) so far (reads them back from the device). */
  read(): { loss: number; acc: number; examples: number } {
    const n = Math.max(this.examples, 1);
    return { loss: this.lossSum.item() / n, acc: this.accuracy ? this.correct.item() / n : NaN, examples: this.examples };
  }

  /** The raw sums, for a checkpoint taken mid-epoch (reads them back). */
  snapshot(): { lossSum: number; correct: number; examples: number } {
    return { lossSum: this.lossSum.item(), correct: this.correct.item(), examples: this.examples };
  }

  /** Continues from a {@link TrainingMetrics.snapshot}. */
  restore(saved: { lossSum: number; correct: number; examples: number }): void {
    fillConstant(this.lossSum, saved.lossSum);
    fillConstant(this.correct, saved.correct);
    this.examples = saved.examples;
  }

  /** Frees the device sums. */
  dispose(): void {
    for (const t of [this.lossSum, this.correct, this.batchLoss]) t.dispose();
  }
}
