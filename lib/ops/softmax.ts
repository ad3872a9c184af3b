// Softmax and log-softmax along one axis, with autograd: one native call each way, on either device
// (the maximum along the axis is subtracted first, so no exp overflows). Their backward needs only
// the output y.
import type { Tensor as TensorType } from '../core/tensor';
import { binding } from '../core/binding';
import { recordOp } from '../core/autograd';
import { Tensor, requireTensor } from '../core/tensor';
import { normalizeAxis } from './axes';

function softmaxAlong(op: string, log: boolean, x: Tensor, axis: number): Tensor {
  requireTensor(op, 'x', x);
  const a = normalizeAxis(op, x.ndim, axis);
  const y = Tensor.empty(x.shape, x.device);
  binding.softmaxForward(x, y, a, log);
  recordOp(op, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.softmaxBackward(y, dy, dx, a, log);
    return [dx];
  });
  return y;
}

/**
 * exp(x) / Σ exp(x) along `axis`: each slice along it becomes a probability distribution.
 * @example `softmax(logits)` of (N, C) normalises each row; `softmax(x, 1)` of (N, C, H, W) each pixel's channels.
 * @param axis - default −1, the last; negative counts from the end.
 * @throws RangeError for an axis outside [−ndim, ndim).
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxAlong('softmax', false, x, axis);
}

/**
 * log softmax(x) = x − log Σ exp(x) along `axis` (default −1), computed as such (not as the log of a
 * softmax, which underflows to −Infinity).
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxAlong('logSoftmax', true, x, axis);
}

declare module '../core/tensor' {
  interface Tensor {
    /** Softmax along an axis, default the last (see ops.softmax). */
    softmax(axis?: number): TensorType;
    /** Log-softmax along an axis, default the last (see ops.logSoftmax). */
    logSoftmax(axis?: number): TensorType;
  }
}
Object.assign(Tensor.prototype, {
  softmax(this: Tensor, axis = -1) { return softmax(this, axis); },
  logSoftmax(this: Tensor, axis = -1) { return logSoftmax(this, axis); },
});
