// Element-wise ops of one tensor (neg, abs, square, sqrt, exp, log, reciprocal, sign) and clip, each
// on its domain: a big reference case, a gradient-checked one away from kinks and poles, the method.
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../../lib';
import * as ref from '../reference';
import { F32, dev } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

type Kind = 'neg' | 'abs' | 'square' | 'sqrt' | 'exp' | 'log' | 'reciprocal' | 'sign';

/** Each kind's float64 value and derivative, and inputs on its domain away from kinks and poles. */
const RULES: Record<Kind, { f: (x: number) => number; d: (x: number) => number; inputs: (shape: number[], rng: ref.Rng) => ref.Arr }> = {
  neg: { f: (x) => -x, d: () => -1, inputs: distinct },
  abs: { f: Math.abs, d: Math.sign, inputs: distinct },  // distinct: none within 0.05 of the kink at 0
  square: { f: (x) => x * x, d: (x) => 2 * x, inputs: distinct },
  sqrt: { f: Math.sqrt, d: (x) => 0.5 / Math.sqrt(x), inputs: (s, rng) => ref.randomArr(s, rng, 0.2, 3) },
  exp: { f: Math.exp, d: Math.exp, inputs: distinct },
  log: { f: Math.log, d: (x) => 1 / x, inputs: (s, rng) => ref.randomArr(s, rng, 0.2, 3) },
  reciprocal: { f: (x) => 1 / x, d: (x) => -1 / (x * x), inputs: awayFromZero },
  sign: { f: Math.sign, d: () => 0, inputs: distinct },
};
const KINDS = Object.keys(RULES) as Kind[];

/** Values in ±[0.3, 2]: the reciprocal's pole at 0 stays far from central differences. */
function awayFromZero(shape: number[], rng: ref.Rng): ref.Arr {
  const x = ref.randomArr(shape, rng, 0.3, 2);
  x.data.forEach((v, i) => { if (rng.uniform() < 0.5) x.data[i] = -v; });
  return x;
}

const map = (x: ref.Arr, f: (v: number) => number): ref.Arr => ref.arr(x.shape, x.data.map(f));
const product = (a: ref.Arr, b: ref.Arr): ref.Arr => ref.arr(a.shape, a.data.map((v, i) => v * b.data[i]));

function kindCase(kind: Kind, shape: number[], gradcheck: boolean, method = false): OpCase {
  const { f, d, inputs } = RULES[kind];
  return {
    title: `${method ? `x.${kind}()` : kind} on (${shape})`, seed: 70 + shape.length + (gradcheck ? 1 : 0), gradcheck,
    inputs: (rng) => [inputs(shape, rng)],
    call: method ? (x) => x[kind]() : (x) => ops[kind](x),
    forward: (x) => map(x, f),
    backward: (dy, x) => [product(dy, map(x, d))],
  };
}

function entry(kind: Kind): OpEntry {
  return {
    op: kind,
    native: ['unary', 'unaryBackward'],
    cases: [kindCase(kind, [4, 5, 6], false), kindCase(kind, [3, 7], true), kindCase(kind, [2, 3], true, true)],
    errors: [
      [`${kind}: x is not a tensor`, () => ops[kind]('x' as never),
        new RegExp(`^TypeError: ${kind}: expected a Tensor for x but received 'x' \\(string\\)$`)],
      [`${kind} (native): an output of another shape`, () => binding.unary(kind, Tensor.zeros([2, 3], dev()), Tensor.zeros([3, 2], dev())),
        /^RangeError: unary: expected shape \(2,3\) for y but received \(3,2\)$/],
      [`${kind} (native): a backward whose dy has another shape`,
        () => binding.unaryBackward(kind, Tensor.zeros([4], dev()), Tensor.zeros([4], dev()), Tensor.zeros([2, 2], dev()), Tensor.zeros([4], dev())),
        /^RangeError: unaryBackward: expected shape \(4\) for dy but received \(2,2\)$/],
    ],
  };
}

/** IEEE at the edges of each domain, as NumPy: what a reference comparison away from them cannot state. */
const EDGES: [string, () => void][] = [
  ['sqrt, log and reciprocal at 0 and below, sign and abs at 0 and NaN (values and abs\'s zero gradient at 0)', () => {
    const x = Tensor.fromArray([-1, 0, NaN, 1], undefined, dev());
    const show = (t: Tensor) => [...t.toArray()].map(String);
    assert.deepEqual(show(ops.sqrt(x)), ['NaN', '0', 'NaN', '1']);
    assert.deepEqual(show(ops.log(x)), ['NaN', '-Infinity', 'NaN', '0']);
    assert.deepEqual(show(ops.reciprocal(x)), ['-1', 'Infinity', 'NaN', '1']);
    assert.deepEqual(show(ops.sign(x)), ['-1', '0', 'NaN', '1']);
    assert.deepEqual(show(ops.abs(x)), ['1', '0', 'NaN', '1']);
    const z = Tensor.fromArray([-3, 0, 3], undefined, dev());
    z.attachGrad();
    autograd.record(() => ops.abs(z)).backward();
    assert.deepEqual([...z.grad!.toArray()], [-1, 0, 1]);
  }],
  ['the activation methods x.relu(), x.sigmoid() and x.tanh() are ops.relu, ops.sigmoid and ops.tanh, backward too', () => {
    const values = [-1.5, -0.2, 0.3, 2];
    for (const kind of ['relu', 'sigmoid', 'tanh'] as const) {
      const x = Tensor.fromArray(values, undefined, dev());
      x.attachGrad();
      const y = autograd.record(() => x[kind]());
      y.backward();
      const xr = ref.arr([4], values);
      ref.assertClose(y.toArray(), ref.activation(kind, xr).data, { ...F32, name: `${kind} y` });
      ref.assertClose(x.grad!.toArray(), ref.activationBackward(kind, xr, ref.arr([4], [1, 1, 1, 1])).data, { ...F32, name: `${kind} dx` });
    }
  }],
];

// clip: bounds placed between the inputs (none within 0.05 of a bound, so no kink under the differences).
const lo = -0.5, hi = 0.7;

/** distinct values moved off the bounds by 0.1 where they come within 0.05 of one. */
function offBounds(shape: number[], rng: ref.Rng, bounds: number[]): ref.Arr {
  const x = distinct(shape, rng);
  x.data.forEach((v, i) => {
    for (const b of bounds) if (Math.abs(v - b) < 0.05) x.data[i] = b + (v < b ? -0.1 : 0.1);
  });
  return x;
}

function clipCase(title: string, min: number | null | undefined, max: number | null | undefined, shape: number[],
  gradcheck: boolean, call: (x: Tensor) => Tensor = (x) => ops.clip(x, min, max)): OpCase {
  const [a, b] = [min ?? -Infinity, max ?? Infinity];
  return {
    title, seed: 80 + shape.length, gradcheck,
    inputs: (rng) => [offBounds(shape, rng, [a, b].filter(Number.isFinite))],
    call,
    forward: (x) => map(x, (v) => Math.min(Math.max(v, a), b)),
    backward: (dy, x) => [ref.arr(x.shape, x.data.map((v, i) => (v >= a && v <= b ? dy.data[i] : 0)))],
  };
}

export const clip: OpEntry = {
  op: 'clip',
  native: ['clip', 'clipBackward'],
  cases: [
    clipCase(`clip(x, ${lo}, ${hi}) on (4,5,6)`, lo, hi, [4, 5, 6], false),
    clipCase(`clip(x, ${lo}, ${hi})`, lo, hi, [3, 7], true),
    clipCase('x.clip(null, 0.3): a maximum only, as a method', null, 0.3, [3, 7], true, (x) => x.clip(null, 0.3)),
    clipCase('clip(x, -1): a minimum only', -1, undefined, [3, 7], true),
    clipCase('clip(x, -Infinity, 0.5)', -Infinity, 0.5, [3, 7], true),
    clipCase('clip(x, 1, -1): min above max gives max everywhere, and no gradient', 1, -1, [3, 7], true),
  ],
  checks: [['NaN stays NaN', () => {
    assert.deepEqual([...ops.clip(Tensor.fromArray([NaN, -3, 3], undefined, dev()), -1, 1).toArray()].map(String), ['NaN', '-1', '1']);
  }]],
  errors: [
    ['no bound', () => ops.clip(Tensor.zeros([2], dev())),
      /^TypeError: clip: expected a number for min or max but received undefined \(undefined\)$/],
    ['a NaN bound', () => ops.clip(Tensor.zeros([2], dev()), NaN, 1),
      /^RangeError: clip: expected a number, null or undefined for min but received NaN \(number\)$/],
    ['a bound that is not a number', () => ops.clip(Tensor.zeros([2], dev()), 0, '1' as never),
      /^TypeError: clip: expected a number, null or undefined for max but received '1' \(string\)$/],
    ['x is not a tensor', () => ops.clip(3 as never, 0, 1), /^TypeError: clip: expected a Tensor for x but received 3 \(number\)$/],
    ['(native) a NaN bound', () => binding.clip(Tensor.zeros([2], dev()), Tensor.zeros([2], dev()), null, NaN),
      /^RangeError: clip: expected a number or null for max but received NaN/],
    ['(native) a backward whose dx has another shape',
      () => binding.clipBackward(Tensor.zeros([4], dev()), Tensor.zeros([4], dev()), Tensor.zeros([2, 2], dev()), 0, 1),
      /^RangeError: clipBackward: expected shape \(4\) for dx but received \(2,2\)$/],
  ],
};

/** One entry per kind, in the order of native/unary.h's NC_UNARY_OPS; the edge checks ride on the first. */
export const unary: OpEntry[] = KINDS.map(entry);
unary[0].checks = EDGES;
