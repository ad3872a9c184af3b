// conv2d: forward with bias and activation fused; backward = activation', then data and weights.
import type { Activation } from '../../binding';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { windowOutput } from './window';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** [sh, sw], default [1, 1]. */
  stride?: [number, number];
  /** Zero padding [ph, pw] on each side, default [0, 0]. */
  padding?: [number, number];
  /** Applied to the output, fused into the convolution; default 'none'. */
  activation?: Activation;
}

/**
 * 2-d convolution (cross-correlation, as every framework): y = act(x ⋆ w + b).
 * @param x - input (N, C, H, W).
 * @param weight - (O, C, KH, KW).
 * @param bias - (O), or null.
 * @returns y (N, O, OH, OW) with OH = floor((H + 2·ph − KH)/sh) + 1.
 * @throws RangeError when shapes disagree or the kernel does not fit the padded input.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  requireTensor('conv2d', 'x', x);
  requireTensor('conv2d', 'weight', weight);
  if (bias !== null) requireTensor('conv2d', 'bias', bias);
  const stride = options.stride ?? [1, 1];
  const padding = options.padding ?? [0, 0];
  const activation = options.activation ?? 'none';
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw new RangeError(`conv2d: expected 4-d x and weight but received ${formatShape(x.shape)} and ${formatShape(weight.shape)}`);
  }
  const [n, , h, w] = x.shape;
  const [o, , kh, kw] = weight.shape;
  const oh = windowOutput('conv2d', x.shape, h, kh, stride[0], padding[0]);
  const ow = windowOutput('conv2d', x.shape, w, kw, stride[1], padding[1]);
  const y = Tensor.empty([n, o, oh, ow], x.device);
  binding.conv2dForward(x, weight, bias, y, stride, padding, activation);

  recordOp('conv2d', y, [x, weight, bias], (dy) => {
    const dx = requiresGrad(x) ? Tensor.empty(x.shape, x.device) : null;
    const dw = Tensor.empty(weight.shape, weight.device);
    const db = bias ? Tensor.empty(bias.shape, bias.device) : null;
    binding.conv2dBackward(x, weight, y, dy, dx, dw, db, stride, padding, activation);
    return [dx, dw, db];
  });
  return y;
}
