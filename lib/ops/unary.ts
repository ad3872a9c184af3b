// Element-wise ops of one tensor: neg, abs, square, sqrt, exp, log, reciprocal, sign and clip, as
// functions and as Tensor methods (with relu, sigmoid and tanh, whose functions are activation.ts's).
// The native `unary` and `unaryBackward` compute any of the first eight: each op and its derivative
// are one line of native/unary.h.
import type { UnaryKind } from '../../binding';
import { binding } from '../core/binding';
import { recordOp } from '../core/autograd';
import { Tensor, requireTensor } from '../core/tensor';
import { invalidArg } from '../core/check';
import { relu, sigmoid, tanh } from './activation';

/** y = kind(x); the backward reads both x and y (exp', sqrt' and reciprocal' are cheapest from y). */
function unary(kind: UnaryKind, x: Tensor): Tensor {
  requireTensor(kind, 'x', x);
  const y = Tensor.empty(x.shape, x.device);
  binding.unary(kind, x, y);
  recordOp(kind, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.unaryBackward(kind, x, y, dy, dx);
    return [dx];
  });
  return y;
}

/** −x. */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** |x| (its gradient at 0 is 0, as PyTorch's). */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** x². */
export const square = (x: Tensor): Tensor => unary('square', x);
/** √x (NaN for x < 0; the gradient at 0 is infinite). */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** eˣ. */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** The natural logarithm ln x (−Infinity at 0, NaN for x < 0). */
export const log = (x: Tensor): Tensor => unary('log', x);
/** 1 / x. */
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
/** −1, 0 or 1 by the sign of x (NaN stays NaN); its gradient is 0 everywhere. */
export const sign = (x: Tensor): Tensor => unary('sign', x);

/** A bound of clip: a number (±Infinity allowed) or none (null or undefined). */
function bound(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw invalidArg('clip', name, 'a number, null or undefined', value, typeof value === 'number' ? RangeError : TypeError);
  }
  return value;
}

/**
 * x limited to [min, max] element-wise (NumPy's `clip`; min > max gives max everywhere, NaN stays NaN).
 * The gradient passes where min ≤ x ≤ max and is 0 elsewhere (PyTorch's `clamp`).
 * @example ops.clip(x, 0, 6)  // relu6; x.clip(null, 1) only caps
 * @param min - the lower bound, or null/undefined for none.
 * @param max - the upper bound, or null/undefined for none.
 * @throws TypeError when neither bound is given, or a bound is not a number; RangeError for a NaN bound.
 */
export function clip(x: Tensor, min?: number | null, max?: number | null): Tensor {
  requireTensor('clip', 'x', x);
  const lo = bound('min', min), hi = bound('max', max);
  if (lo === null && hi === null) throw invalidArg('clip', 'min or max', 'a number', max);
  const y = Tensor.empty(x.shape, x.device);
  binding.clip(x, y, lo, hi);
  recordOp('clip', y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.clipBackward(x, dy, dx, lo, hi);
    return [dx];
  });
  return y;
}

declare module '../core/tensor' {
  interface Tensor {
    /** −this (see ops.neg). */
    neg(): Tensor;
    /** |this| (see ops.abs). */
    abs(): Tensor;
    /** this² (see ops.square). */
    square(): Tensor;
    /** √this (see ops.sqrt). */
    sqrt(): Tensor;
    /** e^this (see ops.exp). */
    exp(): Tensor;
    /** ln this (see ops.log). */
    log(): Tensor;
    /** 1 / this (see ops.reciprocal). */
    reciprocal(): Tensor;
    /** The sign of each element: −1, 0 or 1 (see ops.sign). */
    sign(): Tensor;
    /** this limited to [min, max]; a null bound is none (see ops.clip). */
    clip(min?: number | null, max?: number | null): Tensor;
    /** max(this, 0) (see ops.relu). */
    relu(): Tensor;
    /** 1 / (1 + e^−this) (see ops.sigmoid). */
    sigmoid(): Tensor;
    /** tanh(this) (see ops.tanh). */
    tanh(): Tensor;
  }
}
Object.assign(Tensor.prototype, {
  neg(this: Tensor) { return neg(this); },
  abs(this: Tensor) { return abs(this); },
  square(this: Tensor) { return square(this); },
  sqrt(this: Tensor) { return sqrt(this); },
  exp(this: Tensor) { return exp(this); },
  log(this: Tensor) { return log(this); },
  reciprocal(this: Tensor) { return reciprocal(this); },
  sign(this: Tensor) { return sign(this); },
  clip(this: Tensor, min?: number | null, max?: number | null) { return clip(this, min, max); },
  relu(this: Tensor) { return relu(this); },
  sigmoid(this: Tensor) { return sigmoid(this); },
  tanh(this: Tensor) { return tanh(this); },
});
