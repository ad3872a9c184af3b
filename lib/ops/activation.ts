// Activations as standalone ops (layers usually fuse relu, sigmoid and tanh into conv2d/dense instead).
import type { ActivationKind } from '../../binding';
import { binding } from '../core/binding';
import { recordOp } from '../core/autograd';
import { Tensor, requireTensor } from '../core/tensor';
import { invalidArg, oneOf } from '../core/check';

const KINDS: readonly ActivationKind[] = ['none', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu'];
/** The kinds whose derivative is not a function of the output: their backward keeps the input x. */
const FROM_INPUT: readonly ActivationKind[] = ['leaky_relu', 'elu', 'gelu'];

/**
 * alpha when none is given, the one place it is set: leaky relu's slope 0.01 (PyTorch's), ELU's 1
 * (Gluon's and PyTorch's), 0 for the kinds without one.
 */
export function defaultAlpha(kind: ActivationKind): number {
  return kind === 'leaky_relu' ? 0.01 : kind === 'elu' ? 1 : 0;
}

/** alpha itself when it is a finite number; otherwise throws naming `op` (an op or a layer). */
export function finiteAlpha(op: string, alpha: unknown): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw invalidArg(op, 'alpha', 'a finite number', alpha, typeof alpha === 'number' ? RangeError : TypeError);
  }
  return alpha;
}

/**
 * y = act(x) elementwise. The backward of relu, sigmoid and tanh uses y, as the fused forms do; that of
 * leaky_relu, elu and gelu uses x.
 * @param kind - 'relu', 'sigmoid', 'tanh', 'leaky_relu' (x below 0 times alpha), 'elu'
 *   (alpha·(eˣ − 1) below 0), 'gelu' (exact: x·Φ(x), Φ the standard normal CDF, as PyTorch's
 *   default) or 'none' (identity).
 * @param alpha - leaky_relu's negative slope (default 0.01) or elu's alpha (default 1); unused otherwise.
 * @throws RangeError for an unknown kind or a non-finite alpha.
 */
export function activation(kind: ActivationKind, x: Tensor, alpha: number = defaultAlpha(kind)): Tensor {
  oneOf('activation', 'kind', kind, KINDS);
  requireTensor(kind, 'x', x);
  finiteAlpha(kind, alpha);
  const y = Tensor.empty(x.shape, x.device);
  binding.activationForward(kind, x, y, alpha);
  const fromInput = FROM_INPUT.includes(kind);
  recordOp(kind, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.activationBackward(kind, fromInput ? x : null, fromInput ? null : y, dy, dx, alpha);
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
/** x for x > 0, alpha·x otherwise (Gluon's `LeakyReLU`, PyTorch's `leaky_relu`). */
export const leakyRelu = (x: Tensor, alpha = defaultAlpha('leaky_relu')): Tensor => activation('leaky_relu', x, alpha);
/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export const elu = (x: Tensor, alpha = defaultAlpha('elu')): Tensor => activation('elu', x, alpha);
/** x·Φ(x) = x·(1 + erf(x/√2))/2, the exact GELU (PyTorch's default, Gluon's `GELU`). */
export const gelu = (x: Tensor): Tensor => activation('gelu', x);
