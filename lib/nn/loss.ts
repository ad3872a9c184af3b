// Losses, as Gluon's `gluon.loss`: called per batch, they return one loss per example.
import { softmaxCrossEntropy } from '../ops/loss';
import type { Tensor } from '../core/tensor';

/**
 * Softmax followed by cross-entropy, fused for numerical stability, as Gluon's
 * `loss.SoftmaxCrossEntropyLoss()` with sparse labels.
 * @example
 * const lossFn = new loss.SoftmaxCrossEntropyLoss();
 * const l = autograd.record(() => lossFn.forward(net.forward(X), y));
 * l.backward();
 */
export class SoftmaxCrossEntropyLoss {
  /**
   * @param yHat - logits (N, C).
   * @param y - labels (N), class indices as numbers.
   * @returns per-example losses (N).
   * @throws RangeError when shapes disagree or a label is outside [0, C).
   */
  forward(yHat: Tensor, y: Tensor): Tensor {
    return softmaxCrossEntropy(yHat, y);
  }
}
