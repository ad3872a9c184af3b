// Reductions over axes: sum, mean, max, min (with autograd) and argmax, argmin (indices, no gradient).
// The native `reduce` folds one run of adjacent axes of a contiguous tensor, seen as (outer, r, inner),
// on either device; several separate runs are reduced one after another, the last first, so that the
// earlier runs' axis numbers still hold (the reduced axes keep extent 1 until the end). A sum of sums,
// a mean of means (over equal counts), a max of maxima: each is the reduction over all the axes, and
// autograd chains their backwards.
import type { Tensor as TensorType } from '../core/tensor';
import { binding } from '../core/binding';
import { isRecording, recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor, shapeSize } from '../core/tensor';
import { invalidArg } from '../core/check';
import { shapeError } from '../core/errors';
import { Axes, axisRuns, normalizeAxes } from './axes';

export type { Axes } from './axes';

type ReduceKind = 'sum' | 'mean' | 'max' | 'min';
/** Indices travel as float32 (argmax's output, max's saved positions): exact up to 2^24. */
const MAX_INDEXED = 2 ** 24;

function requireBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArg(op, name, 'a boolean', value);
  return value;
}

/** x's shape without the reduced axes, or with extent 1 there (keepdims); [1] when nothing is left. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  if (keepdims) return shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const kept = shape.filter((_, a) => !axes.includes(a));
  return kept.length > 0 ? kept : [1];
}

/** A max or min keeps positions along the run as floats: the run must be short enough for them. */
function requireIndexable(op: string, x: Tensor, start: number, end: number): void {
  const r = shapeSize(x.shape.slice(start, end));
  if (r > MAX_INDEXED) throw shapeError(op, `the reduced axes of ${formatShape(x.shape)} hold ${r} elements; indices are exact only up to ${MAX_INDEXED}`);
}

/** One recorded reduction of x's axes [start, end) into a new tensor of `shape`. */
function reduceRun(kind: ReduceKind, x: Tensor, start: number, end: number, shape: number[]): Tensor {
  const y = Tensor.empty(shape, x.device);
  // max/min save which element they picked, for the backward, only when there will be one.
  const routed = kind === 'max' || kind === 'min';
  const indices = routed && isRecording() && requiresGrad(x) ? Tensor.empty(shape, x.device) : null;
  binding.reduce(kind, x, y, indices, start, end);
  recordOp(kind, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.reduceBackward(kind, dy, indices, dx, start, end);
    return [dx];
  }, indices ? () => indices.dispose() : undefined);
  return y;
}

function reduce(kind: ReduceKind, x: Tensor, axis: Axes | undefined, keepdims: boolean): Tensor {
  requireTensor(kind, 'x', x);
  const axes = normalizeAxes(kind, x.ndim, axis);
  requireBoolean(kind, 'keepdims', keepdims);
  const runs = axisRuns(axes);
  if (kind === 'max' || kind === 'min') runs.forEach(([start, end]) => requireIndexable(kind, x, start, end));
  let t = x;
  for (let j = runs.length - 1; j >= 0; j--) {
    const [start, end] = runs[j];
    const shape = j === 0 ? reducedShape(x.shape, axes, keepdims) : t.shape.map((d, a) => (a >= start && a < end ? 1 : d));
    const y = reduceRun(kind, t, start, end, shape);
    // An intermediate result: only the tape holds it (freed after its backward), or nothing does.
    if (t !== x) {
      if (t.node) t.releaseAfterBackward = true;
      else t.dispose();
    }
    t = y;
  }
  return t;
}

function argReduce(kind: 'argmax' | 'argmin', x: Tensor, axis: Axes | undefined, keepdims: boolean): Tensor {
  requireTensor(kind, 'x', x);
  const axes = normalizeAxes(kind, x.ndim, axis);
  requireBoolean(kind, 'keepdims', keepdims);
  const runs = axisRuns(axes);
  if (runs.length > 1) throw invalidArg(kind, 'axis', 'adjacent axes (the index counts along them in row-major order)', axis, RangeError);
  const [start, end] = runs[0];
  requireIndexable(kind, x, start, end);
  const y = Tensor.empty(reducedShape(x.shape, axes, keepdims), x.device);
  binding.reduce(kind, x, y, null, start, end);
  return y;
}

/**
 * Σ x over `axis` (every axis when undefined).
 * @example `sum(x)` is a [1] tensor; `sum(x, 1)` of (N, C, H, W) is (N, H, W); `sum(x, [2, 3], true)` is (N, C, 1, 1).
 * @param axis - an axis or a list of distinct axes, negative counting from the end; default all.
 * @param keepdims - keep each reduced axis with extent 1 (default false). Reducing every axis
 *   without it gives shape [1] (there are no 0-d tensors).
 * @throws RangeError for an axis outside [−ndim, ndim), a repeated axis or an empty list.
 */
export function sum(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return reduce('sum', x, axis, keepdims);
}

/** The mean over `axis` (every axis when undefined); arguments as {@link sum}. */
export function mean(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return reduce('mean', x, axis, keepdims);
}

/**
 * The largest value over `axis` (every axis when undefined); arguments as {@link sum}. NaN wins, as in
 * NumPy and PyTorch. The gradient goes to one element per output, the first maximum (as PyTorch's
 * `max(dim)`; over separate axes, the first along each in turn).
 */
export function max(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return reduce('max', x, axis, keepdims);
}

/** The smallest value over `axis`; as {@link max}. */
export function min(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return reduce('min', x, axis, keepdims);
}

/**
 * The position of the first largest value over `axis` (NaN counting as largest), as float32; not
 * differentiable. Over several axes they must be adjacent, and the position counts along them in
 * row-major order; over every axis (the default) it is the flat index, as NumPy's.
 * @throws RangeError for axes that are not adjacent, or more than 2^24 positions.
 */
export function argmax(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return argReduce('argmax', x, axis, keepdims);
}

/** The position of the first smallest value over `axis`; as {@link argmax}. */
export function argmin(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return argReduce('argmin', x, axis, keepdims);
}

declare module '../core/tensor' {
  interface Tensor {
    /** Σ over axes (see ops.sum). */
    sum(axis?: Axes, keepdims?: boolean): TensorType;
    /** The mean over axes (see ops.mean). */
    mean(axis?: Axes, keepdims?: boolean): TensorType;
    /** The maximum over axes (see ops.max). */
    max(axis?: Axes, keepdims?: boolean): TensorType;
    /** The minimum over axes (see ops.min). */
    min(axis?: Axes, keepdims?: boolean): TensorType;
    /** The position of the maximum over axes (see ops.argmax). */
    argmax(axis?: Axes, keepdims?: boolean): TensorType;
    /** The position of the minimum over axes (see ops.argmin). */
    argmin(axis?: Axes, keepdims?: boolean): TensorType;
  }
}
Object.assign(Tensor.prototype, {
  sum(this: Tensor, axis?: Axes, keepdims = false) { return sum(this, axis, keepdims); },
  mean(this: Tensor, axis?: Axes, keepdims = false) { return mean(this, axis, keepdims); },
  max(this: Tensor, axis?: Axes, keepdims = false) { return max(this, axis, keepdims); },
  min(this: Tensor, axis?: Axes, keepdims = false) { return min(this, axis, keepdims); },
  argmax(this: Tensor, axis?: Axes, keepdims = false) { return argmax(this, axis, keepdims); },
  argmin(this: Tensor, axis?: Axes, keepdims = false) { return argmin(this, axis, keepdims); },
});
