// dense: y = act(x wᵀ + b) with the activation fused into the inner product.
import type { Activation } from '../../binding';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { oneOf } from '../core/check';
import { shapeError } from '../core/errors';

/**
 * Fully connected layer.
 * @param x - (N, K).
 * @param weight - (M, K), stored (out, in) as in Gluon and PyTorch.
 * @param bias - (M), or null.
 * @param activation - fused into the forward; default 'none'.
 * @returns y (N, M).
 * @throws RangeError when shapes disagree or the activation is unknown.
 */
export function dense(x: Tensor, weight: Tensor, bias: Tensor | null, activation: Activation = 'none'): Tensor {
  requireTensor('dense', 'x', x);
  requireTensor('dense', 'weight', weight);
  if (bias !== null) requireTensor('dense', 'bias', bias);
  if (x.ndim !== 2 || weight.ndim !== 2) {
    throw shapeError('dense', `expected 2-d x and weight but received ${formatShape(x.shape)} and ${formatShape(weight.shape)}`);
  }
  oneOf('dense', 'activation', activation, ['none', 'relu', 'sigmoid', 'tanh']);
  const [k, m] = [weight.shape[1], weight.shape[0]];
  if (x.shape[1] !== k) {
    throw shapeError('dense', `weight ${formatShape(weight.shape)} expects ${k} input features but x ${formatShape(x.shape)} has ${x.shape[1]}`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== m)) {
    throw shapeError('dense', `expected shape (${m}) for bias but received ${formatShape(bias.shape)}`);
  }
  const y = Tensor.empty([x.shape[0], weight.shape[0]], x.device);
  binding.denseForward(x, weight, bias, y, activation);
  recordOp('dense', y, [x, weight, bias], (dy) => {
    let dz = dy;
    if (activation !== 'none') {
      dz = Tensor.empty(dy.shape, dy.device);
      binding.activationBackward(activation, null, y, dy, dz, 0);
    }
    const dx = requiresGrad(x) ? Tensor.empty(x.shape, x.device) : null;
    const dw = Tensor.empty(weight.shape, weight.device);
    const db = bias ? Tensor.empty(bias.shape, bias.device) : null;
    binding.denseBackward(x, weight, dz, dx, dw, db);
    if (dz !== dy) dz.dispose();
    return [dx, dw, db];
  });
  return y;
}
