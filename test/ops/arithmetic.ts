// Broadcast arithmetic: add, subtract, multiply, divide, maximum, minimum and power, on equal shapes,
// broadcast shapes and a number operand; the comparisons (masks, no gradient) on the same shapes. The float64 reference broadcasts as NumPy does and sums gradients back to each
// operand's shape.
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../../lib';
import * as ref from '../reference';
import { F32, dev } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

type Kind = 'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'power' | Comparison;
type Comparison = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';
type Shape = readonly number[];

// The value and the partial derivatives of each kind at (a, b).
type Rule = { f: (a: number, b: number) => number; da: (a: number, b: number) => number; db: (a: number, b: number) => number };
const RULES: Record<Kind, Rule> = {
  add: { f: (a, b) => a + b, da: () => 1, db: () => 1 },
  subtract: { f: (a, b) => a - b, da: () => 1, db: () => -1 },
  multiply: { f: (a, b) => a * b, da: (_a, b) => b, db: (a) => a },
  divide: { f: (a, b) => a / b, da: (_a, b) => 1 / b, db: (a, b) => -a / (b * b) },
  maximum: { f: Math.max, da: (a, b) => (a > b ? 1 : a === b ? 0.5 : 0), db: (a, b) => (b > a ? 1 : a === b ? 0.5 : 0) },
  minimum: { f: Math.min, da: (a, b) => (a < b ? 1 : a === b ? 0.5 : 0), db: (a, b) => (b < a ? 1 : a === b ? 0.5 : 0) },
  // PyTorch's derivatives: 0 where b = 0, and ∂/∂b = 0 at a = 0 with b ≥ 0 (see native/arithmetic.h)
  power: { f: (a, b) => a ** b, da: (a, b) => (b === 0 ? 0 : b * a ** (b - 1)),
    db: (a, b) => (a === 0 && b >= 0 ? 0 : a ** b * Math.log(a)) },
  equal: comparison((a, b) => a === b), notEqual: comparison((a, b) => a !== b),
  greater: comparison((a, b) => a > b), greaterEqual: comparison((a, b) => a >= b),
  less: comparison((a, b) => a < b), lessEqual: comparison((a, b) => a <= b),
};

/** A comparison's rule: 1 where `holds`, else 0, and no derivatives. */
function comparison(holds: (a: number, b: number) => boolean): Rule {
  return { f: (a, b) => (holds(a, b) ? 1 : 0), da: () => 0, db: () => 0 };
}

export function broadcastShape(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, d) => Math.max(a[d - n + a.length] ?? 1, b[d - n + b.length] ?? 1));
}

/** The flat index into an operand of `shape` for output coordinates `at` (right-aligned, extent-1 axes fixed at 0). */
export function indexIn(shape: Shape, at: number[]): number {
  let index = 0;
  for (let d = 0; d < shape.length; d++) index = index * shape[d] + (shape[d] === 1 ? 0 : at[d + at.length - shape.length]);
  return index;
}

/** Calls f(i, coordinates) for each element of `shape` in row-major order. */
export function forEachIndex(shape: Shape, f: (i: number, at: number[]) => void): void {
  const at = shape.map(() => 0);
  for (let i = 0; i < ref.sizeOf(shape); i++) {
    f(i, at);
    for (let d = shape.length - 1; d >= 0 && ++at[d] === shape[d]; d--) at[d] = 0;
  }
}

function forward(kind: Kind, a: ref.Arr, b: ref.Arr): ref.Arr {
  const y = ref.arr(broadcastShape(a.shape, b.shape));
  forEachIndex(y.shape, (i, at) => { y.data[i] = RULES[kind].f(a.data[indexIn(a.shape, at)], b.data[indexIn(b.shape, at)]); });
  return y;
}

function backward(kind: Kind, dy: ref.Arr, a: ref.Arr, b: ref.Arr): [ref.Arr, ref.Arr] {
  const da = ref.arr(a.shape), db = ref.arr(b.shape);
  forEachIndex(dy.shape, (i, at) => {
    const ia = indexIn(a.shape, at), ib = indexIn(b.shape, at);
    da.data[ia] += dy.data[i] * RULES[kind].da(a.data[ia], b.data[ib]);
    db.data[ib] += dy.data[i] * RULES[kind].db(a.data[ia], b.data[ib]);
  });
  return [da, db];
}

// a for power stays in [0.5, 2] (a^b for any b, and ln a, are smooth there).
const operandA = (kind: Kind, shape: number[], rng: ref.Rng): ref.Arr =>
  (kind === 'power' ? ref.randomArr(shape, rng, 0.5, 2) : ref.randomArr(shape, rng));

// b for divide stays in ±[0.5, 1.5], away from 0.
const operandB = (kind: Kind, shape: number[], rng: ref.Rng): ref.Arr => {
  const b = ref.randomArr(shape, rng, 0.5, 1.5);
  if (kind === 'divide') b.data.forEach((v, i) => { if (rng.uniform() < 0.5) b.data[i] = -v; });
  return kind === 'divide' ? b : ref.randomArr(shape, rng);
};

function tensorCase(kind: Kind, a: number[], b: number[], gradcheck: boolean): OpCase {
  return {
    title: `(${a}) ${kind} (${b})`,
    seed: 3 + a.length * 7 + b.length,
    gradcheck,
    inputs: (rng) => [operandA(kind, a, rng), operandB(kind, b, rng)],
    call: (x, y) => ops[kind](x, y),
    forward: (x, y) => forward(kind, x, y),
    backward: (dy, x, y) => backward(kind, dy, x, y),
  };
}

// A number operand on either side (as a method when it is on the right).
function numberCases(kind: Kind): OpCase[] {
  const number = 0.75;
  const scalar = ref.arr([1], [number]);
  return [
    { title: `(3,4) ${kind} ${number}, as a method`, seed: 11, gradcheck: true,
      inputs: (rng) => [operandA(kind, [3, 4], rng)], call: (x) => x[kind](number),
      forward: (x) => forward(kind, x, scalar), backward: (dy, x) => [backward(kind, dy, x, scalar)[0]] },
    { title: `${number} ${kind} (3,4)`, seed: 12, gradcheck: true,
      inputs: (rng) => [operandB(kind, [3, 4], rng)], call: (x) => ops[kind](number, x),
      forward: (x) => forward(kind, scalar, x), backward: (dy, x) => [backward(kind, dy, scalar, x)[1]] },
  ];
}

function entry(kind: Kind): OpEntry {
  return {
    op: kind,
    native: ['binary', 'binaryBackward', 'sumTo'],  // the backward: dy times the derivatives, summed back to each operand's shape
    cases: [
      tensorCase(kind, [5, 300], [5, 300], false),
      tensorCase(kind, [4, 6], [4, 6], true),
      tensorCase(kind, [4, 6], [6], true),       // a row
      tensorCase(kind, [3, 1, 5], [2, 1], true), // both broadcast
      tensorCase(kind, [1], [2, 3], true),       // a one-element tensor
      ...numberCases(kind),
    ],
    checks: kind === 'maximum' || kind === 'minimum' ? [['NaN on either side wins', () => {
      const y = ops[kind](Tensor.fromArray([NaN, 1, 2], undefined, dev()), Tensor.fromArray([0, NaN, 3], undefined, dev()));
      assert.deepEqual([...y.toArray()].map(String), ['NaN', 'NaN', kind === 'maximum' ? '3' : '2']);
    }]] : undefined,
    errors: [
      [`${kind}: shapes that do not broadcast`, () => ops[kind](Tensor.zeros([2, 3], dev()), Tensor.zeros([4], dev())),
        new RegExp(`^RangeError: ${kind}: shapes \\(2,3\\) and \\(4\\) do not broadcast$`)],
      [`${kind}: an operand that is neither a tensor nor a number`, () => ops[kind](Tensor.zeros([2], dev()), '1' as never),
        new RegExp(`^TypeError: ${kind}: expected a Tensor or a number for b but received '1' \\(string\\)$`)],
      [`${kind} (native): an output of the wrong shape`,
        () => binding.binary(kind, Tensor.zeros([2, 3], dev()), Tensor.zeros([3], dev()), Tensor.zeros([3, 2], dev())),
        /^RangeError: binary: expected shape \(2,3\) for y but received \(3,2\)$/],
      [`${kind} (native): an unknown kind`,
        () => binding.binary('modulo' as never, Tensor.zeros([2], dev()), Tensor.zeros([2], dev()), Tensor.zeros([2], dev())),
        /^RangeError: binary: expected one of 'add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power', 'equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual' for kind but received 'modulo' \(string\)$/],
    ],
  };
}

// power: an integer exponent given as a number, at negative x too (x², x³, 1/x: b·a^(b−1) is exact there).
function integerPowerCase(p: number): OpCase {
  const scalar = ref.arr([1], [p]);
  return {
    title: `(3,4) power ${p} at negative and positive x, as a method`, seed: 40 + p, gradcheck: true,
    inputs: (rng) => [p > 0 ? distinct([3, 4], rng) : awayFromZero([3, 4], rng)], call: (x) => x.power(p),
    forward: (x) => forward('power', x, scalar), backward: (dy, x) => [backward('power', dy, x, scalar)[0]],
  };
}

/** Values in ±[0.5, 2]: a negative power's pole at 0 stays far from central differences. */
function awayFromZero(shape: number[], rng: ref.Rng): ref.Arr {
  const x = ref.randomArr(shape, rng, 0.5, 2);
  x.data.forEach((v, i) => { if (rng.uniform() < 0.5) x.data[i] = -v; });
  return x;
}

/** power: the arithmetic entry, plus integer exponents at negative x and its derivatives' edges. */
function powerEntry(): OpEntry {
  const e = entry('power');
  e.cases.push(integerPowerCase(2), integerPowerCase(3), integerPowerCase(-1));
  e.checks = [['derivatives at a ≤ 0: PyTorch\'s (∂/∂a is 0 where b = 0; ∂/∂b is 0 at a = 0 with b ≥ 0, NaN for a < 0)', () => {
    const a = Tensor.fromArray([-2, 0, 0, 3], undefined, dev()), b = Tensor.fromArray([2, 2, 0, 0.5], undefined, dev());
    a.attachGrad();
    b.attachGrad();
    const y = autograd.record(() => ops.power(a, b));
    y.backward();
    ref.assertClose(y.toArray(), [4, 0, 1, Math.sqrt(3)], { ...F32, name: 'y' });
    ref.assertClose(a.grad!.toArray(), [-4, 0, 0, 0.5 / Math.sqrt(3)], { ...F32, name: 'da' });
    const db = [...b.grad!.toArray()];
    assert.ok(Number.isNaN(db[0]), `db[0] ${db[0]}`);
    ref.assertClose(db.slice(1), [0, 0, Math.sqrt(3) * Math.log(3)], { ...F32, name: 'db' });
  }]];
  return e;
}

/** A comparison: forward only (a mask has no gradient), with ties, broadcasting and number operands. */
function comparisonEntry(kind: Comparison): OpEntry {
  // Small integers, so that ties (and so equal, greaterEqual, lessEqual) occur often.
  const ints = (shape: number[], rng: ref.Rng) => ref.arr(shape, Array.from({ length: ref.sizeOf(shape) }, () => Math.floor(rng.uniform(-2, 2))));
  const pair = (a: number[], b: number[]): OpCase => ({
    title: `(${a}) ${kind} (${b})`, seed: 50 + a.length * 7 + b.length,
    inputs: (rng) => [ints(a, rng), ints(b, rng)], call: (x, y) => ops[kind](x, y), forward: (x, y) => forward(kind, x, y),
  });
  const one = ref.arr([1], [1]);
  return {
    op: kind,
    native: ['binary'],
    cases: [
      pair([5, 300], [5, 300]), pair([4, 6], [6]), pair([3, 1, 5], [2, 1]), pair([1], [2, 3]),
      { title: `(3,4) ${kind} 1, as a method`, seed: 61, inputs: (rng) => [ints([3, 4], rng)], call: (x) => x[kind](1),
        forward: (x) => forward(kind, x, one) },
      { title: `1 ${kind} (3,4)`, seed: 62, inputs: (rng) => [ints([3, 4], rng)], call: (x) => ops[kind](1, x),
        forward: (x) => forward(kind, one, x) },
    ],
    checks: [
      ['a mask: nothing is recorded, so nothing flows back through it', () => {
        const x = Tensor.fromArray([1, -2, 3], undefined, dev());
        x.attachGrad();
        const y = autograd.record(() => ops[kind](x, 0));
        assert.throws(() => y.backward(), /no recorded history/);
      }],
      ['NaN compares false, except notEqual', () => {
        const y = ops[kind](Tensor.fromArray([NaN, NaN, 1], undefined, dev()), Tensor.fromArray([NaN, 1, NaN], undefined, dev()));
        assert.deepEqual([...y.toArray()], kind === 'notEqual' ? [1, 1, 1] : [0, 0, 0]);
      }],
    ],
    errors: [
      [`${kind}: shapes that do not broadcast`, () => ops[kind](Tensor.zeros([2, 3], dev()), Tensor.zeros([4], dev())),
        new RegExp(`^RangeError: ${kind}: shapes \\(2,3\\) and \\(4\\) do not broadcast$`)],
      [`${kind}: an operand that is neither a tensor nor a number`, () => ops[kind](null as never, Tensor.zeros([2], dev())),
        new RegExp(`^TypeError: ${kind}: expected a Tensor or a number for a but received null$`)],
    ],
  };
}

/** One entry per kind, in the order of native/arithmetic.h's NC_BINARY_OPS. */
export const arithmetic: OpEntry[] = [
  ...(['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum'] as const).map(entry),
  powerEntry(),
  ...(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const).map(comparisonEntry),
];
