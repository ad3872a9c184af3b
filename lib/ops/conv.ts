// conv2d: forward with bias and activation fused; backward = activation', then data and weights.
import type { Activation } from '../../binding';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { slideWindow } from './window';
import { knownOptions, oneOf, pair, positiveInt } from '../core/check';
import { shapeError } from '../core/errors';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** A number or [sh, sw]; default 1. */
  stride?: number | [number, number];
  /** Zero padding on each side, a number or [ph, pw]; default 0. */
  padding?: number | [number, number];
  /** Applied to the output, fused into the convolution; default 'none'. */
  activation?: Activation;
  /** Spacing of the kernel's taps, a number or [dh, dw]; default 1 (adjacent). */
  dilation?: number | [number, number];
  /**
   * Channel groups; default 1. Output channels [g·O/G, (g+1)·O/G) see only input channels
   * [g·C/G, (g+1)·C/G); groups = C = O is a depthwise convolution.
   */
  groups?: number;
}

/**
 * 2-d convolution (cross-correlation, as every framework): y = act(x ⋆ w + b).
 * @param x - input (N, C, H, W).
 * @param weight - (O, C/groups, KH, KW).
 * @param bias - (O), or null.
 * @returns y (N, O, OH, OW) with OH = floor((H + 2·ph − dh·(KH − 1) − 1)/sh) + 1 (PyTorch's).
 * @throws TypeError for an unknown option; RangeError when shapes disagree, groups does not divide C and
 *   O, the padding is not below the dilated kernel, or the dilated kernel does not fit the padded input.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  requireTensor('conv2d', 'x', x);
  requireTensor('conv2d', 'weight', weight);
  if (bias !== null) requireTensor('conv2d', 'bias', bias);
  const { stride: strideOption, padding: paddingOption, activation: activationOption, dilation: dilationOption,
    groups: groupsOption } = knownOptions('conv2d', options, ['stride', 'padding', 'activation', 'dilation', 'groups']);
  const dilation = pair('conv2d', 'dilation', dilationOption ?? 1, positiveInt);
  const groups = positiveInt('conv2d', 'groups', groupsOption ?? 1);
  const activation = oneOf('conv2d', 'activation', activationOption ?? 'none', ['none', 'relu', 'sigmoid', 'tanh']);
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw shapeError('conv2d', `expected 4-d x and weight but received ${formatShape(x.shape)} and ${formatShape(weight.shape)}`);
  }
  const [n, c] = x.shape;
  const [o, wc, kh, kw] = weight.shape;
  if (c % groups !== 0 || o % groups !== 0) {
    throw shapeError('conv2d', `groups ${groups} must divide both the input channels of x ${formatShape(x.shape)} ` +
      `and the output channels of weight ${formatShape(weight.shape)}`);
  }
  if (wc * groups !== c) {
    const per = groups === 1 ? '' : ` (${wc} per group, ${groups} groups)`;
    throw shapeError('conv2d', `weight ${formatShape(weight.shape)} expects ${wc * groups} input channels${per} but x ${formatShape(x.shape)} has ${c}`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw shapeError('conv2d', `expected shape (${o}) for bias but received ${formatShape(bias.shape)}`);
  }
  const { stride, padding, out: [oh, ow] } =
    slideWindow('conv2d', x.shape, [kh, kw], strideOption ?? 1, paddingOption ?? 0, 'convolution', { dilation });
  const y = Tensor.empty([n, o, oh, ow], x.device);
  binding.conv2dForward(x, weight, bias, y, stride, padding, activation, dilation, groups);

  recordOp('conv2d', y, [x, weight, bias], (dy) => {
    const dx = requiresGrad(x) ? Tensor.empty(x.shape, x.device) : null;
    const dw = Tensor.empty(weight.shape, weight.device);
    const db = bias ? Tensor.empty(bias.shape, bias.device) : null;
    binding.conv2dBackward(x, weight, y, dy, dx, dw, db, stride, padding, activation, dilation, groups);
    return [dx, dw, db];
  });
  return y;
}
