// Shape ops. reshape, flatten, expandDims and squeeze are views over the same storage, with the
// gradient viewed back. The others (transpose, concat, stack, slice, pad, clone, broadcastTo) each
// make a new tensor with one or a few native strided copies (copyStrided, native/strided_copy.h),
// and so do their backwards; broadcastTo's backward sums with sumTo.
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor, shapeSize } from '../core/tensor';
import { invalidArg } from '../core/check';
import { codedError, shapeError } from '../core/errors';

/**
 * The same data with another shape (one dimension may be −1 and is then inferred).
 * @throws RangeError when the sizes differ.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', 'x', x);
  const known = shape.filter((d) => d !== -1);
  const dims = shape.map((d) => (d === -1 ? x.size / Math.max(1, shapeSize(known)) : d));
  if (shape.filter((d) => d === -1).length > 1 || shapeSize(dims) !== x.size || !dims.every(Number.isInteger)) {
    throw codedError('NC_SHAPE', `reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`, RangeError);
  }
  const y = x.view(dims);
  recordOp('reshape', y, [x], (dy) => [dy.view(x.shape)]);
  return y;
}

/** (N, ...) → (N, product of the rest), as Gluon's Flatten. */
export function flatten(x: Tensor): Tensor {
  requireTensor('flatten', 'x', x);
  return reshape(x, [x.shape[0], -1]);
}

// ------------------------------------------------------------------------------------------------
// helpers

/** Row-major element strides of `shape`. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/** `axis` as an index in [0, ndim), from NumPy's [−ndim, ndim). */
function axisIn(op: string, axis: unknown, ndim: number, shape: readonly number[], name = 'axis'): number {
  if (typeof axis !== 'number') throw invalidArg(op, name, 'an integer', axis);
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw codedError('NC_ARGUMENT', `${op}: ${name} ${axis} is out of bounds for shape ${formatShape(shape)}`, RangeError);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** A view of x as `shape`, recorded as `op` (the gradient is dy viewed back). */
function viewAs(op: string, x: Tensor, shape: number[]): Tensor {
  const y = x.view(shape);
  recordOp(op, y, [x], (dy) => [dy.view(x.shape)]);
  return y;
}

/** A list of tensors on one device, or throws naming op. */
function tensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw invalidArg(op, 'tensors', 'a non-empty array of Tensors', tensors);
  tensors.forEach((t, i) => requireTensor(op, `tensors[${i}]`, t));
  const list = tensors as Tensor[];
  const other = list.find((t) => !t.device.equals(list[0].device));
  if (other) throw codedError('NC_DEVICE', `${op}: tensors[0] is on ${list[0].device} but tensors[${list.indexOf(other)}] on ${other.device}`);
  return list;
}

// ------------------------------------------------------------------------------------------------
// views

/**
 * x with a new axis of extent 1 inserted at `axis` (NumPy's expand_dims), as a view.
 * @param axis - in [−ndim−1, ndim]; negative counts from the end of the result.
 * @throws RangeError (NC_ARGUMENT) for an axis out of bounds.
 */
export function expandDims(x: Tensor, axis: number): Tensor {
  requireTensor('expandDims', 'x', x);
  const at = axisIn('expandDims', axis, x.ndim + 1, x.shape);
  const shape = [...x.shape];
  shape.splice(at, 0, 1);
  return viewAs('expandDims', x, shape);
}

/**
 * x without axes of extent 1, as a view: the given axis (or axes), or every such axis. A result with
 * no axes left is (1), as tensors here have at least one axis.
 * @throws RangeError (NC_SHAPE) when a given axis has an extent other than 1.
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  requireTensor('squeeze', 'x', x);
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
    : (Array.isArray(axis) ? axis : [axis]).map((a: unknown) => axisIn('squeeze', a, x.ndim, x.shape));
  for (const a of axes) {
    if (x.shape[a] !== 1) throw shapeError('squeeze', `cannot squeeze axis ${a} of shape ${formatShape(x.shape)}: its extent is not 1`);
  }
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  return viewAs('squeeze', x, shape.length > 0 ? shape : [1]);
}

// ------------------------------------------------------------------------------------------------
// copies

/** x's axes in the order `perm`, copied. */
function permuted(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((a) => x.shape[a]);
  const y = Tensor.empty(shape, x.device);
  const xs = stridesOf(x.shape);
  binding.copyStrided(x, y, shape, perm.map((a) => xs[a]), 0, stridesOf(shape), 0);
  return y;
}

/**
 * x with its axes permuted: axis i of the result is axis axes[i] of x (NumPy's transpose).
 * @param axes - a permutation of 0..ndim−1 (negative axes allowed); default: the axes reversed.
 * @throws RangeError (NC_ARGUMENT) when axes is not a permutation of x's axes.
 */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  requireTensor('transpose', 'x', x);
  let perm = x.shape.map((_, i) => x.ndim - 1 - i);
  if (axes !== undefined) {
    if (!Array.isArray(axes)) throw invalidArg('transpose', 'axes', 'an array of axes', axes);
    perm = axes.map((a: unknown) => axisIn('transpose', a, x.ndim, x.shape));
    if (perm.length !== x.ndim || new Set(perm).size !== x.ndim) {
      throw codedError('NC_ARGUMENT', `transpose: axes [${axes}] are not a permutation of the axes of shape ${formatShape(x.shape)}`, RangeError);
    }
  }
  const y = permuted(x, perm);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  recordOp('transpose', y, [x], (dy) => [permuted(dy, inverse)]);
  return y;
}

/**
 * The tensors joined along an existing axis (NumPy's concatenate, Gluon's concat). Their shapes must
 * agree except along `axis`.
 * @param axis - default 0; negative counts from the end.
 * @throws RangeError (NC_SHAPE) when the shapes disagree, (NC_ARGUMENT) for an axis out of bounds.
 */
export function concat(tensors: Tensor[], axis = 0): Tensor {
  const list = tensorList('concat', tensors);
  const first = list[0].shape;
  const ax = axisIn('concat', axis, first.length, first);
  list.forEach((t, i) => {
    if (t.ndim !== first.length || t.shape.some((d, k) => k !== ax && d !== first[k])) {
      throw shapeError('concat', `tensors[${i}] has shape ${formatShape(t.shape)} but tensors[0] ${formatShape(first)}; ` +
        `they must agree except along axis ${ax}`);
    }
  });
  const shape = [...first];
  shape[ax] = list.reduce((n, t) => n + t.shape[ax], 0);
  const y = Tensor.empty(shape, list[0].device);
  const ys = stridesOf(shape);
  const starts: number[] = [];  // where each input begins along axis
  let at = 0;
  for (const t of list) {
    starts.push(at);
    binding.copyStrided(t, y, t.shape, stridesOf(t.shape), 0, ys, at * ys[ax]);
    at += t.shape[ax];
  }
  // Each input's gradient is its slab of dy.
  recordOp('concat', y, list, (dy) => list.map((t, i) => {
    if (!requiresGrad(t)) return null;
    const dx = Tensor.empty(t.shape, t.device);
    binding.copyStrided(dy, dx, t.shape, ys, starts[i] * ys[ax], stridesOf(t.shape), 0);
    return dx;
  }));
  return y;
}

/**
 * The tensors, all of one shape, joined along a new axis (NumPy's and Gluon's stack).
 * @param axis - default 0; in [−ndim−1, ndim] for the tensors' ndim.
 * @throws RangeError (NC_SHAPE) when the shapes differ.
 */
export function stack(tensors: Tensor[], axis = 0): Tensor {
  const list = tensorList('stack', tensors);
  const first = list[0].shape;
  axisIn('stack', axis, first.length + 1, first);
  list.forEach((t, i) => {
    if (t.ndim !== first.length || t.shape.some((d, k) => d !== first[k])) {
      throw shapeError('stack', `tensors[${i}] has shape ${formatShape(t.shape)} but tensors[0] ${formatShape(first)}`);
    }
  });
  return concat(list.map((t) => expandDims(t, axis)), axis);
}

/** One axis of a slice: the first index, the step and the count. */
interface AxisSlice { start: number; step: number; count: number }

function sliceAxis(x: Tensor, d: number, begin: unknown, end: unknown, step: unknown): AxisSlice {
  const n = x.shape[d];
  const index = (name: string, v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidArg('slice', `${name}[${d}]`, 'an integer, null or undefined', v);
    return v;
  };
  const s = step === null || step === undefined ? 1 : step;
  if (typeof s !== 'number' || !Number.isInteger(s) || s === 0) {
    throw invalidArg('slice', `step[${d}]`, 'a non-zero integer', s, typeof s === 'number' ? RangeError : TypeError);
  }
  // Python's rules: negative indices count from the end, then clamp to the axis.
  const b = index('begin', begin), e = index('end', end);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const start = s > 0 ? (b === null ? 0 : clamp(b, 0, n)) : (b === null ? n - 1 : clamp(b, -1, n - 1));
  const stop = s > 0 ? (e === null ? n : clamp(e, 0, n)) : (e === null ? -1 : clamp(e, -1, n - 1));
  const count = Math.max(0, Math.ceil((stop - start) / s));
  if (count === 0) {
    throw shapeError('slice', `axis ${d} of shape ${formatShape(x.shape)} from ${b} to ${e} by ${s} is empty`);
  }
  return { start, step: s, count };
}

/** An optional per-axis array: its entries, or undefined for each axis it does not reach. */
function perAxis(name: string, v: unknown, ndim: number, shape: readonly number[]): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidArg('slice', name, 'an array with an entry per axis', v);
  if (v.length > ndim) {
    throw codedError('NC_ARGUMENT', `slice: ${name} has ${v.length} entries but shape ${formatShape(shape)} has ${ndim} axes`, RangeError);
  }
  return v;
}

/**
 * x[begin:end:step] along each axis (NumPy's basic slicing, Gluon's slice), copied.
 * @param begin - first index per axis; null/undefined: the start (the end for a negative step);
 *   negative indices count from the end; out-of-range indices are clamped, as in NumPy.
 * @param end - stop index per axis, excluded; null/undefined: past the end (before the start for a
 *   negative step).
 * @param step - per axis, non-zero (default 1); a negative step walks backwards.
 * Arrays shorter than ndim leave the remaining axes whole.
 * @throws RangeError (NC_SHAPE) for a slice with no element along some axis.
 */
export function slice(x: Tensor, begin: readonly (number | null | undefined)[], end: readonly (number | null | undefined)[],
  step?: readonly (number | null | undefined)[]): Tensor {
  requireTensor('slice', 'x', x);
  const [bs, es, ss] = [['begin', begin], ['end', end], ['step', step]].map(([name, v]) => perAxis(name as string, v, x.ndim, x.shape));
  const axes = x.shape.map((_, d) => sliceAxis(x, d, bs[d], es[d], ss[d]));
  const shape = axes.map((a) => a.count);
  const xs = stridesOf(x.shape);
  const strides = axes.map((a, d) => a.step * xs[d]);
  const offset = axes.reduce((o, a, d) => o + a.start * xs[d], 0);
  const y = Tensor.empty(shape, x.device);
  binding.copyStrided(x, y, shape, strides, offset, stridesOf(shape), 0);
  // dx: zeros with dy copied into the sliced places.
  recordOp('slice', y, [x], (dy) => {
    const dx = Tensor.zeros(x.shape, x.device);
    binding.copyStrided(dy, dx, shape, stridesOf(shape), 0, strides, offset);
    return [dx];
  });
  return y;
}

/**
 * x with `value` around it (NumPy's pad, mode 'constant').
 * @param padWidth - [before, after] counts per axis, as NumPy's; fewer pairs than axes pad the
 *   trailing axes (so [[1, 1], [2, 2]] pads H and W of an (N,C,H,W) tensor); a number n pads every
 *   axis by n on both sides. Counts are non-negative integers.
 * @param value - default 0.
 * @throws TypeError/RangeError (NC_ARGUMENT) for a malformed padWidth.
 */
export function pad(x: Tensor, padWidth: number | readonly (readonly [number, number])[], value = 0): Tensor {
  requireTensor('pad', 'x', x);
  const expected = `a non-negative integer or up to ${x.ndim} [before, after] pairs of them`;
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  let pairs: number[][];
  if (typeof padWidth === 'number') {
    if (!count(padWidth)) throw invalidArg('pad', 'padWidth', expected, padWidth, RangeError);
    pairs = x.shape.map(() => [padWidth, padWidth]);
  } else {
    if (!Array.isArray(padWidth) || padWidth.length > x.ndim ||
      !padWidth.every((p: unknown) => Array.isArray(p) && p.length === 2 && p.every(count))) {
      throw invalidArg('pad', 'padWidth', expected, padWidth, Array.isArray(padWidth) ? RangeError : TypeError);
    }
    pairs = [...x.shape.slice(padWidth.length).map(() => [0, 0]), ...padWidth.map((p) => [...p])];
  }
  if (typeof value !== 'number') throw invalidArg('pad', 'value', 'a number', value);
  const shape = x.shape.map((d, i) => pairs[i][0] + d + pairs[i][1]);
  const ys = stridesOf(shape), xs = stridesOf(x.shape);
  const offset = pairs.reduce((o, p, i) => o + p[0] * ys[i], 0);  // where x's first element lands
  const y = Tensor.full(shape, value, x.device);
  binding.copyStrided(x, y, x.shape, xs, 0, ys, offset);
  // dx: the unpadded window of dy.
  recordOp('pad', y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.copyStrided(dy, dx, x.shape, ys, offset, xs, 0);
    return [dx];
  });
  return y;
}

/** A copy of x in new storage; the gradient passes through unchanged. */
export function clone(x: Tensor): Tensor {
  requireTensor('clone', 'x', x);
  const y = Tensor.empty(x.shape, x.device);
  binding.copyStrided(x, y, [x.size], [1], 0, [1], 0);
  recordOp('clone', y, [x], (dy) => [dy]);
  return y;
}

/**
 * x repeated to `shape` by NumPy's broadcasting rule (shapes right-aligned; each extent of x equal
 * to the target's or 1), copied. The gradient sums back over the broadcast axes.
 * @throws RangeError (NC_SHAPE) when x does not broadcast to shape.
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('broadcastTo', 'x', x);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw invalidArg('broadcastTo', 'shape', 'an array of positive integers', shape, Array.isArray(shape) ? RangeError : TypeError);
  }
  const lead = shape.length - x.ndim;
  if (lead < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw shapeError('broadcastTo', `cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  const xs = stridesOf(x.shape);
  // Stride 0 where x is repeated: along the leading axes it lacks and along its extent-1 axes.
  const strides = shape.map((_, d) => (d < lead || x.shape[d - lead] === 1 ? 0 : xs[d - lead]));
  const y = Tensor.empty(shape, x.device);
  binding.copyStrided(x, y, shape, strides, 0, stridesOf(shape), 0);
  recordOp('broadcastTo', y, [x], (dy) => {
    if (shapeSize(shape) === x.size) return [dy.view(x.shape)];  // nothing was repeated
    const dx = Tensor.empty(x.shape, x.device);
    binding.sumTo(dy, dx);
    return [dx];
  });
  return y;
}

// ------------------------------------------------------------------------------------------------
// Tensor methods

declare module '../core/tensor' {
  interface Tensor {
    /** The same data with another shape (see ops.reshape). */
    reshape(shape: readonly number[]): Tensor;
    /** (N, ...) → (N, rest) (see ops.flatten). */
    flatten(): Tensor;
    /** The axes permuted, default reversed (see ops.transpose). */
    transpose(axes?: readonly number[]): Tensor;
    /** The axes permuted: `x.permute(0, 2, 1)` is `ops.transpose(x, [0, 2, 1])`. */
    permute(...axes: number[]): Tensor;
    /** A new axis of extent 1 at `axis` (see ops.expandDims). */
    expandDims(axis: number): Tensor;
    /** Without axes of extent 1 (see ops.squeeze). */
    squeeze(axis?: number | readonly number[]): Tensor;
    /** this[begin:end:step] per axis (see ops.slice). */
    slice(begin: readonly (number | null | undefined)[], end: readonly (number | null | undefined)[],
      step?: readonly (number | null | undefined)[]): Tensor;
    /** Padded with a constant (see ops.pad). */
    pad(padWidth: number | readonly (readonly [number, number])[], value?: number): Tensor;
    /** A copy in new storage (see ops.clone). */
    clone(): Tensor;
    /** Repeated to `shape` by NumPy broadcasting (see ops.broadcastTo). */
    broadcastTo(shape: readonly number[]): Tensor;
  }
}
Object.assign(Tensor.prototype, {
  reshape(this: Tensor, shape: readonly number[]) { return reshape(this, shape); },
  flatten(this: Tensor) { return flatten(this); },
  transpose(this: Tensor, axes?: readonly number[]) { return transpose(this, axes); },
  permute(this: Tensor, ...axes: number[]) { return transpose(this, axes); },
  expandDims(this: Tensor, axis: number) { return expandDims(this, axis); },
  squeeze(this: Tensor, axis?: number | readonly number[]) { return squeeze(this, axis); },
  slice(this: Tensor, begin: readonly (number | null | undefined)[], end: readonly (number | null | undefined)[],
    step?: readonly (number | null | undefined)[]) { return slice(this, begin, end, step); },
  pad(this: Tensor, padWidth: number | readonly (readonly [number, number])[], value?: number) { return pad(this, padWidth, value); },
  clone(this: Tensor) { return clone(this); },
  broadcastTo(this: Tensor, shape: readonly number[]) { return broadcastTo(this, shape); },
});
