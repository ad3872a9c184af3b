// Reductions to a scalar.
import { binding } from '../core/binding';
import { recordOp } from '../core/autograd';
import { Tensor, requireTensor } from '../core/tensor';

/** Σ x, as a one-element tensor of shape [1]. */
export function sum(x: Tensor): Tensor {
  return scaledSum('sum', x, 1);
}

/** The mean of all elements, as a one-element tensor of shape [1]. */
export function mean(x: Tensor): Tensor {
  return scaledSum('mean', x, 1 / x.size);
}

function scaledSum(op: string, x: Tensor, scale: number): Tensor {
  requireTensor(op, 'x', x);
  const y = Tensor.empty([1], x.device);
  binding.sum(x, y);
  if (scale !== 1) binding.axpby(y, y, scale, 0);
  recordOp(op, y, [x], (dy) => [Tensor.full(x.shape, dy.item() * scale, x.device)]);
  return y;
}
