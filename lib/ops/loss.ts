// Softmax cross-entropy, fused and numerically stable.
import { binding } from '../core/binding';
import { recordOp } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { shapeError } from '../core/errors';

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
    throw shapeError('softmaxCrossEntropy', `expected 2-d logits (N,C) but received ${formatShape(logits.shape)}`);
  }
  if (labels.ndim !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw shapeError('softmaxCrossEntropy', `expected shape (${logits.shape[0]}) for labels but received ${formatShape(labels.shape)}`);
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
