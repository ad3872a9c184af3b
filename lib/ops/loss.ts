// Softmax cross-entropy, fused and numerically stable.
import { binding } from '../core/binding';
import { recordOp } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';

/**
 * Per-example softmax cross-entropy: loss[n] = −log softmax(logits[n])[labels[n]].
 * @param logits - (N, C) unnormalised scores.
 * @param labels - (N) class indices in [0, C) stored as numbers.
 * @returns loss (N).
 * @throws RangeError when shapes disagree or a label is not a class index.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  requireTensor('softmaxCrossEntropy', 'logits', logits);
  requireTensor('softmaxCrossEntropy', 'labels', labels);
  if (logits.ndim !== 2) {
    throw new RangeError(`softmaxCrossEntropy: expected 2-d logits (N,C) but received ${formatShape(logits.shape)}`);
  }
  const loss = Tensor.empty([logits.shape[0]], logits.device);
  binding.softmaxCrossEntropy(logits, labels, loss);
  recordOp('softmaxCrossEntropy', loss, [logits, labels], (dloss) => {
    const dlogits = Tensor.empty(logits.shape, logits.device);
    binding.softmaxCrossEntropyBackward(logits, labels, dloss, dlogits);
    return [dlogits, null];
  });
  return loss;
}
