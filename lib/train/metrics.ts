// Running sums of a training epoch kept where the tensors live, read back rarely: on a GPU a
// read per batch would stall the queue every step.
import { axpby, sumInto } from '../ops/blas';
import { accumulateCorrect } from '../ops/accuracy';
import { fillConstant } from '../ops/fill';
import type { Device } from '../core/device';
import { Tensor, requireTensor } from '../core/tensor';

/**
 * Loss and accuracy over an epoch, accumulated on the device.
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

  /** @param device - where the batches live. */
  constructor(device: Device) {
    this.lossSum = Tensor.zeros([1], device);
    this.correct = Tensor.zeros([1], device);
    this.batchLoss = Tensor.zeros([1], device);
  }

  /**
   * Adds one batch without reading anything back.
   * @param loss - per-example losses (N).
   * @param yHat - scores (N, C).
   * @param y - labels (N).
   */
  add(loss: Tensor, yHat: Tensor, y: Tensor): void {
    requireTensor('TrainingMetrics.add', 'loss', loss);
    sumInto(loss, this.batchLoss);
    axpby(this.batchLoss, this.lossSum, 1, 1);
    accumulateCorrect(yHat, y, this.correct);
    this.examples += y.size;
  }

  /** Mean loss and accuracy so far (reads two numbers back from the device). */
  read(): { loss: number; acc: number; examples: number } {
    const n = Math.max(this.examples, 1);
    return { loss: this.lossSum.item() / n, acc: this.correct.item() / n, examples: this.examples };
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
