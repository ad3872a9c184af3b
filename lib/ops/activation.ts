// Activations as standalone ops (layers usually fuse them into conv2d/dense instead).
import type { Activation } from '../../binding';
import { binding } from '../binding';
import { recordOp } from '../autograd';
import { Tensor, requireTensor } from '../tensor';

/**
 * y = act(x) elementwise; the backward uses y, as the fused forms do.
 * @param kind - 'relu', 'sigmoid', 'tanh' or 'none' (identity).
 */
export function activation(kind: Activation, x: Tensor): Tensor {
  requireTensor(kind, 'x', x);
  const y = Tensor.empty(x.shape, x.device);
  binding.activationForward(kind, x, y);
  recordOp(kind, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.activationBackward(kind, y, dy, dx);
    return [dx];
  });
  return y;
}

/** max(x, 0). */
export const relu = (x: Tensor): Tensor => activation('relu', x);
/** 1 / (1 + e^−x). */
export const sigmoid = (x: Tensor): Tensor => activation('sigmoid', x);
/** tanh(x). */
export const tanh = (x: Tensor): Tensor => activation('tanh', x);
