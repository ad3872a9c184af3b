// where(condition, a, b): equal shapes, all three broadcast, number operands, and a condition with
// values other than 0 and 1. The float64 reference selects as NumPy does and sums each gradient back
// to its operand's shape; the condition is a constant input (no gradient).
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { broadcastShape, forEachIndex, indexIn } from './arithmetic';
import { OpCase, OpEntry, binding } from './case';

type Shape = readonly number[];

function forward(c: ref.Arr, a: ref.Arr, b: ref.Arr): ref.Arr {
  const y = ref.arr(broadcastShape(c.shape, broadcastShape(a.shape, b.shape)));
  forEachIndex(y.shape, (i, at) => {
    y.data[i] = c.data[indexIn(c.shape, at)] !== 0 ? a.data[indexIn(a.shape, at)] : b.data[indexIn(b.shape, at)];
  });
  return y;
}

function backward(dy: ref.Arr, c: ref.Arr, a: Shape, b: Shape): [ref.Arr, ref.Arr] {
  const da = ref.arr(a), db = ref.arr(b);
  forEachIndex(dy.shape, (i, at) => {
    if (c.data[indexIn(c.shape, at)] !== 0) da.data[indexIn(a, at)] += dy.data[i];
    else db.data[indexIn(b, at)] += dy.data[i];
  });
  return [da, db];
}

/** A 0/1 mask (or, with `other`, also −2.5 and 0.5 among the ones: any non-zero value selects a). */
function mask(shape: number[], rng: ref.Rng, other = false): ref.Arr {
  return ref.arr(shape, Array.from({ length: ref.sizeOf(shape) }, () => {
    const u = rng.uniform();
    return u < 0.5 ? 0 : other && u < 0.65 ? -2.5 : other && u < 0.8 ? 0.5 : 1;
  }));
}

function tensorCase(c: number[], a: number[], b: number[], gradcheck: boolean, other = false): OpCase {
  return {
    title: `where((${c}), (${a}), (${b}))${other ? ', a condition with values besides 0 and 1' : ''}`,
    seed: 90 + c.length * 7 + a.length * 3 + b.length,
    gradcheck,
    constant: [0],
    inputs: (rng) => [mask(c, rng, other), ref.randomArr(a, rng), ref.randomArr(b, rng)],
    call: (cond, x, y) => ops.where(cond, x, y),
    forward,
    backward: (dy, cond, x, y) => backward(dy, cond, x.shape, y.shape),
  };
}

// A number operand on either side (the method x.where(condition, other) when it is the other).
const scalar = ref.arr([1], [0.25]);
const numberCases: OpCase[] = [
  { title: 'x.where(condition, 0.25): a number as b, as a method', seed: 95, gradcheck: true, constant: [0],
    inputs: (rng) => [mask([3, 4], rng), ref.randomArr([3, 4], rng)], call: (cond, x) => x.where(cond, 0.25),
    forward: (cond, x) => forward(cond, x, scalar), backward: (dy, cond, x) => [backward(dy, cond, x.shape, [1])[0]] },
  { title: 'where(condition, 0.25, (4)): a number as a, broadcast', seed: 96, gradcheck: true, constant: [0],
    inputs: (rng) => [mask([3, 4], rng), ref.randomArr([4], rng)], call: (cond, y) => ops.where(cond, 0.25, y),
    forward: (cond, y) => forward(cond, scalar, y), backward: (dy, cond, y) => [backward(dy, cond, [1], y.shape)[1]] },
];

export const where: OpEntry = {
  op: 'where',
  native: ['where', 'whereBackward', 'sumTo'],  // the backward: dy split by the condition, summed back to each operand's shape
  cases: [
    tensorCase([5, 300], [5, 300], [5, 300], false),
    tensorCase([4, 6], [4, 6], [4, 6], true),
    tensorCase([4, 6], [4, 6], [4, 6], true, true),
    tensorCase([3, 1, 5], [2, 1], [5], true),      // all three broadcast
    tensorCase([6], [4, 1], [4, 6], true),         // a row as the condition
    ...numberCases,
  ],
  checks: [
    ['NaN in the condition counts as true; the condition gets no gradient', () => {
      const cond = Tensor.fromArray([NaN, 0, 1], undefined, dev());
      cond.attachGrad();
      const a = Tensor.fromArray([1, 2, 3], undefined, dev());
      a.attachGrad();
      const y = autograd.record(() => ops.where(cond, a, -1));
      assert.deepEqual([...y.toArray()], [1, -1, 3]);
      y.backward();
      assert.deepEqual([...a.grad!.toArray()], [1, 0, 1]);
      assert.deepEqual([...cond.grad!.toArray()], [0, 0, 0]);  // attached, never written
    }],
  ],
  errors: [
    ['shapes that do not broadcast', () => ops.where(Tensor.zeros([2, 3], dev()), Tensor.zeros([4], dev()), 1),
      /^RangeError: where: shapes \(2,3\), \(4\) and \(1\) do not broadcast$/],
    ['a condition that is not a tensor', () => ops.where(1 as never, 1, 2),
      /^TypeError: where: expected a Tensor for condition but received 1 \(number\)$/],
    ['an operand that is neither a tensor nor a number', () => ops.where(Tensor.zeros([2], dev()), '1' as never, 2),
      /^TypeError: where: expected a Tensor or a number for a but received '1' \(string\)$/],
    ['(native) an output of the wrong shape',
      () => binding.where(Tensor.zeros([2, 1], dev()), Tensor.zeros([3], dev()), Tensor.zeros([1], dev()), Tensor.zeros([3, 2], dev())),
      /^RangeError: where: expected shape \(2,3\) for y but received \(3,2\)$/],
    ['(native) a condition that does not broadcast to dy',
      () => binding.whereBackward(Tensor.zeros([4], dev()), Tensor.zeros([2, 3], dev()), Tensor.zeros([2, 3], dev()), null),
      /^RangeError: whereBackward: shapes \(4\), \(2,3\) and \(2,3\) do not broadcast$/],
  ],
};
