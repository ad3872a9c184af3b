// Gluon's `metric.Accuracy` / `metric.TopKAccuracy`: hits summed where the tensors live, read back
// only by get(), so updating it each batch does not stall a GPU.
import { accumulateCorrect } from '../ops/accuracy';
import { knownOptions, positiveInt } from '../core/check';
import { codedError } from '../core/errors';
import { Tensor, formatShape, requireTensor } from '../core/tensor';

/** Options of {@link Accuracy}. */
export interface AccuracyOptions {
  /** A prediction counts when the label is among its `topK` best scores (default 1). */
  topK?: number;
}

/**
 * Top-k accuracy over the batches given to {@link Accuracy.update} since the last reset.
 * @example
 * const acc = new metric.Accuracy({ topK: 5 });
 * for (const [X, y] of testIter) acc.update(y, net.forward(X));
 * console.log(acc.get());  // { name: 'top_5_accuracy', value: 0.93 }
 */
export class Accuracy {
  readonly topK: number;
  private hits: Tensor | null = null;
  private examples = 0;

  constructor(options: AccuracyOptions = {}) {
    knownOptions('Accuracy', options, ['topK']);
    this.topK = positiveInt('Accuracy', 'topK', options.topK ?? 1);
  }

  /**
   * Adds one batch (Gluon's argument order: labels first).
   * @param labels - class indices (N).
   * @param preds - scores (N, C), C ≥ topK.
   */
  update(labels: Tensor, preds: Tensor): void {
    requireTensor('Accuracy.update', 'labels', labels);
    requireTensor('Accuracy.update', 'preds', preds);
    if (preds.shape.length !== 2 || labels.shape.length !== 1 || labels.shape[0] !== preds.shape[0]) {
      throw codedError('NC_SHAPE', `Accuracy.update: expected labels (N) and preds (N, C), got labels ` +
        `${formatShape(labels.shape)} and preds ${formatShape(preds.shape)}`, RangeError);
    }
    if (preds.shape[1] < this.topK) {
      throw codedError('NC_SHAPE', `Accuracy.update: topK is ${this.topK} but preds ${formatShape(preds.shape)} ` +
        `has ${preds.shape[1]} classes`, RangeError);
    }
    if (this.hits && !this.hits.device.equals(preds.device)) {
      throw codedError('NC_DEVICE', `Accuracy.update: preds are on ${preds.device} but earlier batches were on ` +
        `${this.hits.device}; call reset() first`, Error);
    }
    this.hits ??= Tensor.zeros([1], preds.device);
    accumulateCorrect(preds, labels, this.hits, this.topK);
    this.examples += labels.shape[0];
  }

  /** The name and the accuracy so far (NaN before any update); reads one number back. */
  get(): { name: string; value: number } {
    const name = this.topK === 1 ? 'accuracy' : `top_${this.topK}_accuracy`;
    return { name, value: this.hits && this.examples > 0 ? this.hits.item() / this.examples : NaN };
  }

  /** Starts over (and may then be used on another device). */
  reset(): void {
    this.hits?.dispose();
    this.hits = null;
    this.examples = 0;
  }
}
