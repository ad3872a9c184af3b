// Reductions over axes (sum, mean, max, min, argmax, argmin) and softmax, log-softmax along an axis.
// The float64 references below index every element by its output position and its position along
// the reduced axes, so any set of axes (adjacent or not, kept or dropped) is checked the same way.
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../../lib';
import type { Axes } from '../../lib/ops';
import * as ref from '../reference';
import { dev, leaf, toTensor } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

type Kind = 'sum' | 'mean' | 'max' | 'min';
type ArgKind = 'argmax' | 'argmin';
type Shape = readonly number[];

/** The reduced axes of `axis` (NumPy's rules), ascending. */
function axesOf(ndim: number, axis: Axes | undefined): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, d) => d);
  return (typeof axis === 'number' ? [axis] : [...axis]).map((a) => (a < 0 ? a + ndim : a)).sort((a, b) => a - b);
}

function outShape(shape: Shape, axes: number[], keepdims: boolean): number[] {
  if (keepdims) return shape.map((d, a) => (axes.includes(a) ? 1 : d));
  const kept = shape.filter((_, a) => !axes.includes(a));
  return kept.length ? kept : [1];
}

/** For each element of `shape` (row-major): its output's flat index and its row-major position along `axes`. */
function positions(shape: Shape, axes: number[]): { out: number[]; along: number[] } {
  const out: number[] = [], along: number[] = [];
  const at = shape.map(() => 0);
  for (let e = 0; e < ref.sizeOf(shape); e++) {
    let o = 0, k = 0;
    shape.forEach((d, a) => {
      if (axes.includes(a)) k = k * d + at[a];
      else o = o * d + at[a];
    });
    out.push(o);
    along.push(k);
    for (let d = shape.length - 1; d >= 0 && ++at[d] === shape[d]; d--) at[d] = 0;
  }
  return { out, along };
}

/** Per output: the element (flat index) holding the first max or min; NaN counts as the extremum. */
function picks(kind: 'max' | 'min', x: ref.Arr, axes: number[]): number[] {
  const { out } = positions(x.shape, axes);
  const best: number[] = [];
  const beats = (v: number, b: number) => (Number.isNaN(v) ? !Number.isNaN(b) : !Number.isNaN(b) && (kind === 'max' ? v > b : v < b));
  x.data.forEach((v, e) => {
    const o = out[e];
    if (best[o] === undefined || beats(v, x.data[best[o]])) best[o] = e;
  });
  return best;
}

function reduceRef(kind: Kind, x: ref.Arr, axis: Axes | undefined, keepdims: boolean): ref.Arr {
  const axes = axesOf(x.shape.length, axis);
  const y = ref.arr(outShape(x.shape, axes, keepdims));
  if (kind === 'max' || kind === 'min') {
    picks(kind, x, axes).forEach((e, o) => { y.data[o] = x.data[e]; });
    return y;
  }
  const { out } = positions(x.shape, axes);
  x.data.forEach((v, e) => { y.data[out[e]] += v; });
  const count = x.data.length / y.data.length;
  if (kind === 'mean') y.data.forEach((v, o) => { y.data[o] = v / count; });
  return y;
}

function reduceBackwardRef(kind: Kind, dy: ref.Arr, x: ref.Arr, axis: Axes | undefined): ref.Arr {
  const axes = axesOf(x.shape.length, axis);
  const { out } = positions(x.shape, axes);
  const dx = ref.arr(x.shape);
  if (kind === 'max' || kind === 'min') {
    picks(kind, x, axes).forEach((e, o) => { dx.data[e] = dy.data[o]; });
    return dx;
  }
  const scale = kind === 'mean' ? dy.data.length / x.data.length : 1;
  x.data.forEach((_, e) => { dx.data[e] = dy.data[out[e]] * scale; });
  return dx;
}

function argRef(kind: ArgKind, x: ref.Arr, axis: Axes | undefined, keepdims: boolean): ref.Arr {
  const axes = axesOf(x.shape.length, axis);
  const { along } = positions(x.shape, axes);
  const y = ref.arr(outShape(x.shape, axes, keepdims));
  picks(kind === 'argmax' ? 'max' : 'min', x, axes).forEach((e, o) => { y.data[o] = along[e]; });
  return y;
}

/** Runs f(columnIndices) over every column along `axis`: the flat indices of one (outer, inner) slice. */
function forEachColumn(shape: Shape, axis: number, f: (column: number[]) => void): void {
  const r = shape[axis], inner = ref.sizeOf(shape.slice(axis + 1)), outer = ref.sizeOf(shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) f(Array.from({ length: r }, (_, k) => (o * r + k) * inner + i));
  }
}

function softmaxRef(log: boolean, x: ref.Arr, axis: number): ref.Arr {
  const y = ref.arr(x.shape);
  forEachColumn(x.shape, axis < 0 ? axis + x.shape.length : axis, (col) => {
    const m = Math.max(...col.map((e) => x.data[e]));
    const s = col.reduce((acc, e) => acc + Math.exp(x.data[e] - m), 0);
    for (const e of col) y.data[e] = log ? x.data[e] - m - Math.log(s) : Math.exp(x.data[e] - m) / s;
  });
  return y;
}

function softmaxBackwardRef(log: boolean, dy: ref.Arr, x: ref.Arr, axis: number): ref.Arr {
  const p = softmaxRef(false, x, axis);
  const dx = ref.arr(x.shape);
  forEachColumn(x.shape, axis < 0 ? axis + x.shape.length : axis, (col) => {
    const total = col.reduce((acc, e) => acc + dy.data[e] * (log ? 1 : p.data[e]), 0);
    for (const e of col) dx.data[e] = log ? dy.data[e] - p.data[e] * total : p.data[e] * (dy.data[e] - total);
  });
  return dx;
}

// ---- cases ---------------------------------------------------------------------------------------

const describeAxis = (axis: Axes | undefined) => (axis === undefined ? 'all axes' : `axis ${JSON.stringify(axis)}`);

/**
 * One case of a reduction. Inputs are pairwise distinct (case.ts's `distinct`), so no max or min
 * has a tie for central differences to straddle.
 */
function reduceCase(kind: Kind, seed: number, shape: number[], axis: Axes | undefined, keepdims: boolean,
  gradcheck = false): OpCase {
  return {
    title: `(${shape}) ${describeAxis(axis)}${keepdims ? ', keepdims' : ''}`,
    seed,
    gradcheck,
    inputs: (rng) => [ref.sizeOf(shape) > 5000 ? ref.randomArr(shape, rng) : distinct(shape, rng)],
    call: (x) => (axis === undefined && !keepdims ? ops[kind](x) : ops[kind](x, axis, keepdims)),
    forward: (x) => reduceRef(kind, x, axis, keepdims),
    backward: (dy, x) => [reduceBackwardRef(kind, dy, x, axis)],
  };
}

/**
 * The shapes every reduction runs: all axes (the [1] result), one axis at each end and in the
 * middle, adjacent and separate axes, negative axes, keepdims; long axes that take the CPU's and
 * the GPU's chunked paths (few outputs, r ≥ 2·16384) and the GPU's whole-block rows (r ≥ 512).
 */
function reduceCases(kind: Kind): OpCase[] {
  const s = kind.length * 10;
  return [
    reduceCase(kind, s + 1, [3, 4, 5], undefined, false),
    reduceCase(kind, s + 2, [3, 4, 5], 1, false),
    reduceCase(kind, s + 3, [3, 4, 5], -1, true),
    reduceCase(kind, s + 4, [3, 4, 5], [0, 2], false),
    reduceCase(kind, s + 5, [2, 3, 4, 5], [1, 2], true),
    reduceCase(kind, s + 6, [2, 3, 4, 5], [0, -1, 1], false),
    reduceCase(kind, s + 7, [4, 700], 1, false),
    reduceCase(kind, s + 8, [3, 40000, 2], 1, false),
    reduceCase(kind, s + 9, [70000], undefined, false),
    reduceCase(kind, s + 10, [2, 3, 4], undefined, true, true),
    reduceCase(kind, s + 11, [2, 3, 4], 1, false, true),
    reduceCase(kind, s + 12, [2, 3, 4], [0, 2], true, true),
    reduceCase(kind, s + 13, [3, 5], -1, false, true),
  ];
}

function argCase(kind: ArgKind, seed: number, shape: number[], axis: Axes | undefined, keepdims: boolean): OpCase {
  return {
    title: `(${shape}) ${describeAxis(axis)}${keepdims ? ', keepdims' : ''}`,
    seed,
    inputs: (rng) => [ref.sizeOf(shape) > 5000 ? ref.randomArr(shape, rng) : distinct(shape, rng)],
    call: (x) => ops[kind](x, axis, keepdims),
    forward: (x) => argRef(kind, x, axis, keepdims),
    tol: { atol: 0, rtol: 0 },
  };
}

function argCases(kind: ArgKind): OpCase[] {
  return [
    argCase(kind, 1, [3, 4, 5], undefined, false),
    argCase(kind, 2, [3, 4, 5], 1, false),
    argCase(kind, 3, [3, 4, 5], -1, true),
    argCase(kind, 4, [2, 3, 4, 5], [1, 2], false),
    argCase(kind, 5, [4, 700], 1, true),
    argCase(kind, 6, [3, 40000, 2], 1, false),
  ];
}

function softmaxCase(log: boolean, seed: number, shape: number[], axis: number | undefined, gradcheck = false): OpCase {
  const op = log ? 'logSoftmax' : 'softmax';
  const a = axis ?? -1;
  return {
    title: `(${shape}) axis ${axis ?? 'default (-1)'}`,
    seed,
    gradcheck,
    inputs: (rng) => [ref.randomArr(shape, rng, -3, 3)],
    call: (x) => (axis === undefined ? ops[op](x) : ops[op](x, axis)),
    forward: (x) => softmaxRef(log, x, a),
    backward: (dy, x) => [softmaxBackwardRef(log, dy, x, a)],
  };
}

function softmaxCases(log: boolean): OpCase[] {
  return [
    softmaxCase(log, 1, [4, 10], undefined),
    softmaxCase(log, 2, [2, 3, 4, 5], 1),
    softmaxCase(log, 3, [2, 3, 40], 0),
    softmaxCase(log, 4, [2, 40, 33], -2),
    softmaxCase(log, 5, [3, 1000], 1),
    softmaxCase(log, 6, [2, 5], undefined, true),
    softmaxCase(log, 7, [2, 3, 4], 1, true),
    softmaxCase(log, 8, [3, 2, 2], 0, true),
  ];
}

// ---- errors and checks ---------------------------------------------------------------------------

const x345 = () => Tensor.zeros([3, 4, 5], dev());

function axisErrors(op: 'sum' | 'mean' | 'max' | 'min' | ArgKind): [string, () => unknown, RegExp][] {
  const call = (axis: unknown, keepdims: unknown = false) => ops[op](x345(), axis as Axes, keepdims as boolean);
  return [
    ['an axis past the last', () => call(3), new RegExp(`^RangeError: ${op}: expected an integer in \\[-3, 2\\] for axis but received 3 \\(number\\)$`)],
    ['an axis before the first', () => call([0, -4]), new RegExp(`^RangeError: ${op}: expected an integer in \\[-3, 2\\] for axis but received -4 \\(number\\)$`)],
    ['a fractional axis', () => call(1.5), new RegExp(`^RangeError: ${op}: expected an integer in \\[-3, 2\\] for axis but received 1.5 \\(number\\)$`)],
    ['an axis given twice', () => call([1, -2]), new RegExp(`^RangeError: ${op}: expected distinct axes for axis but received \\[1 \\(number\\),-2 \\(number\\)\\] \\(array\\)$`)],
    ['an empty list', () => call([]), new RegExp(`^RangeError: ${op}: expected a non-empty list of axes for axis but received \\[\\] \\(array\\)$`)],
    ['a string axis', () => call('1'), new RegExp(`^TypeError: ${op}: expected an integer, a list of integers or undefined for axis but received '1' \\(string\\)$`)],
    ['a non-boolean keepdims', () => call(1, 1), new RegExp(`^TypeError: ${op}: expected a boolean for keepdims but received 1 \\(number\\)$`)],
    ['not a tensor', () => ops[op]([1, 2] as never), new RegExp(`^TypeError: ${op}: expected a Tensor for x but received \\[1 \\(number\\),2 \\(number\\)\\] \\(array\\)$`)],
  ];
}

/** The native guards beneath the ops (the fuzzer spoils them at random; these name the message). */
const nativeErrors: [string, () => unknown, RegExp][] = [
  ['reduce: y of the wrong size', () => binding.reduce('sum', x345(), Tensor.zeros([3, 4], dev()), null, 1, 2),
    /^RangeError: reduce: y has 12 elements \(3,4\) but reducing x \(3,4,5\) leaves 15$/],
  ['reduce: an axis run past the end', () => binding.reduce('sum', x345(), Tensor.zeros([3], dev()), null, 1, 4),
    /^RangeError: reduce: expected an integer in \[2, 3\] for end but received 4 \(number\)$/],
  ['reduce: indices for a sum', () => binding.reduce('sum', x345(), Tensor.zeros([3, 5], dev()), Tensor.zeros([3, 5], dev()), 1, 2),
    /^TypeError: reduce: indices must be null for 'sum'$/],
  ['reduce: an unknown kind', () => binding.reduce('prod' as never, x345(), Tensor.zeros([1], dev()), null, 0, 3),
    /^RangeError: reduce: expected one of 'sum', 'mean', 'max', 'min', 'argmax', 'argmin' for kind but received 'prod' \(string\)$/],
  ['reduceBackward: max without indices', () => binding.reduceBackward('max', Tensor.zeros([3, 5], dev()), null, x345(), 1, 2),
    /^TypeError: reduceBackward: 'max' needs the forward's indices$/],
  ['softmaxForward: y of another shape', () => binding.softmaxForward(x345(), Tensor.zeros([3, 20], dev()), 1, false),
    /^RangeError: softmaxForward: expected shape \(3,4,5\) for y but received \(3,20\)$/],
  ['softmaxBackward: an axis past the end', () => binding.softmaxBackward(x345(), x345(), x345(), 3, true),
    /^RangeError: softmaxBackward: expected an integer in \[0, 2\] for axis but received 3 \(number\)$/],
];

const values = (t: Tensor) => Array.from(t.toArray());

/** NaN and ties: NaN wins, the first extremum wins, and the gradient goes to it alone. */
function extremaCheck(kind: 'max' | 'min'): [string, () => void] {
  return ['NaN propagates; on a tie the first element wins and takes the whole gradient', () => {
    const x = Tensor.fromArray([[1, NaN, 3, NaN], [2, 5, 5, -5], [2, -5, -5, 5]], undefined, dev());
    const y = ops[kind](x, 1);
    const v = values(y);
    assert.ok(Number.isNaN(v[0]), `${kind} of a row with NaN: ${v[0]}`);
    assert.deepEqual(v.slice(1), kind === 'max' ? [5, 5] : [-5, -5]);
    assert.deepEqual(values(ops[kind === 'max' ? 'argmax' : 'argmin'](x, 1)), kind === 'max' ? [1, 1, 3] : [1, 3, 1]);
    const t = leaf(ref.arr([2, 4], [2, 5, 5, -5, 2, -5, -5, 5]));
    autograd.record(() => ops[kind](t, -1)).backward();
    assert.deepEqual(values(t.grad!), kind === 'max' ? [0, 1, 0, 0, 0, 0, 0, 1] : [0, 0, 0, 1, 0, 1, 0, 0]);
  }];
}

const methodsCheck: [string, () => void] = ['Tensor methods give the functions\' results', () => {
  const x = toTensor(distinct([2, 3, 4], new ref.Rng(9)));
  for (const k of ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'] as const) {
    assert.deepEqual(values(x[k](1, true)), values(ops[k](x, 1, true)), k);
    assert.deepEqual(values(x[k]()), values(ops[k](x)), k);
  }
  assert.deepEqual(values(x.softmax(1)), values(ops.softmax(x, 1)));
  assert.deepEqual(values(x.logSoftmax()), values(ops.logSoftmax(x, -1)));
}];

export const sum: OpEntry = {
  op: 'sum',
  native: ['reduce', 'reduceBackward'],
  cases: reduceCases('sum'),
  errors: [...axisErrors('sum'), ...nativeErrors],
  checks: [methodsCheck, ['all axes without keepdims give shape [1], as before', () => {
    assert.deepEqual(ops.sum(x345()).shape, [1]);
    assert.deepEqual(ops.sum(x345(), undefined, true).shape, [1, 1, 1]);
    assert.deepEqual(ops.sum(Tensor.ones([7], dev()), 0).shape, [1]);
  }]],
};

export const mean: OpEntry = {
  op: 'mean',
  native: ['reduce', 'reduceBackward'],
  cases: reduceCases('mean'),
  errors: axisErrors('mean'),
};

export const max: OpEntry = {
  op: 'max',
  native: ['reduce', 'reduceBackward'],
  cases: reduceCases('max'),
  errors: axisErrors('max'),
  checks: [extremaCheck('max')],
};

export const min: OpEntry = {
  op: 'min',
  native: ['reduce', 'reduceBackward'],
  cases: reduceCases('min'),
  errors: axisErrors('min'),
  checks: [extremaCheck('min')],
};

export const argmax: OpEntry = {
  op: 'argmax',
  native: ['reduce'],
  cases: argCases('argmax'),
  errors: [...axisErrors('argmax'),
    ['axes that are not adjacent', () => ops.argmax(x345(), [0, 2]),
      /^RangeError: argmax: expected adjacent axes \(the index counts along them in row-major order\) for axis but received \[0 \(number\),2 \(number\)\] \(array\)$/]],
};

export const argmin: OpEntry = {
  op: 'argmin',
  native: ['reduce'],
  cases: argCases('argmin'),
  errors: axisErrors('argmin'),
};

export const softmax: OpEntry = {
  op: 'softmax',
  native: ['softmaxForward', 'softmaxBackward'],
  cases: softmaxCases(false),
  errors: [
    ['an axis past the last', () => ops.softmax(Tensor.zeros([2, 3], dev()), 2),
      /^RangeError: softmax: expected an integer in \[-2, 1\] for axis but received 2 \(number\)$/],
    ['a list of axes', () => ops.softmax(Tensor.zeros([2, 3], dev()), [0] as never),
      /^TypeError: softmax: expected an integer in \[-2, 1\] for axis but received \[0 \(number\)\] \(array\)$/],
  ],
  checks: [['large logits do not overflow; rows sum to 1', () => {
    const y = values(ops.softmax(Tensor.fromArray([[1000, 1001, 999], [-1000, -1000, -1000]], undefined, dev())));
    ref.assertClose(y, [0.24472847, 0.66524096, 0.09003057, 1 / 3, 1 / 3, 1 / 3], { atol: 1e-6, rtol: 1e-5, name: 'softmax' });
  }]],
};

export const logSoftmax: OpEntry = {
  op: 'logSoftmax',
  native: ['softmaxForward', 'softmaxBackward'],
  cases: softmaxCases(true),
  errors: [
    ['an axis before the first', () => ops.logSoftmax(Tensor.zeros([2, 3], dev()), -3),
      /^RangeError: logSoftmax: expected an integer in \[-2, 1\] for axis but received -3 \(number\)$/],
  ],
  checks: [['no -Infinity where softmax underflows', () => {
    const y = values(ops.logSoftmax(Tensor.fromArray([0, 200], undefined, dev())));
    ref.assertClose(y, [-200, 0], { atol: 1e-4, rtol: 1e-6, name: 'logSoftmax' });
  }]],
};
