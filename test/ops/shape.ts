// Views and reductions: reshape, flatten, sum, mean.
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry } from './case';

/** A one-input case on U(−1, 1) values (these ops have no kinks). */
function oneInput(title: string, seed: number, shape: number[], call: (x: Tensor) => Tensor, f: (x: ref.Arr) => ref.Arr,
  b: (x: ref.Arr, dy: ref.Arr) => ref.Arr, gradcheck = false): OpCase {
  return { title, seed, gradcheck, inputs: (rng) => [ref.randomArr(shape, rng)], call, forward: f, backward: (dy, x) => [b(x, dy)] };
}

// A view's reference: the same values in another shape, and the gradient viewed back.
const view = (shape: number[]) => (x: ref.Arr) => ref.arr(shape, x.data);
const viewBack = (x: ref.Arr, dy: ref.Arr) => ref.arr(x.shape, dy.data);

export const reshape: OpEntry = {
  op: 'reshape',
  native: [],
  cases: [
    oneInput('(2,3,4,5) to (-1,20)', 8, [2, 3, 4, 5], (x) => ops.reshape(x, [-1, 20]), view([6, 20]), viewBack),
    oneInput('(2,3,2,2) to (3,-1,2)', 21, [2, 3, 2, 2], (x) => ops.reshape(x, [3, -1, 2]), view([3, 4, 2]), viewBack, true),
  ],
  errors: [
    ['sizes that do not match', () => ops.reshape(Tensor.zeros([2, 3, 4, 5], dev()), [7, -1]),
      /^RangeError: reshape: cannot reshape \(2,3,4,5\) to \(7,-1\)$/],
  ],
};

export const flatten: OpEntry = {
  op: 'flatten',
  native: [],
  cases: [
    oneInput('(2,3,4,5)', 8, [2, 3, 4, 5], (x) => ops.flatten(x), ref.flatten, ref.flattenBackward),
    oneInput('(2,3,2,2)', 21, [2, 3, 2, 2], (x) => ops.flatten(x), ref.flatten, ref.flattenBackward, true),
  ],
};

// A scalar reduction's reference as a one-element array, its backward from dy[0].
const scalar = (f: (x: ref.Arr) => number) => (x: ref.Arr) => ref.arr([1], [f(x)]);
const scalarBack = (b: (x: ref.Arr, dy: number) => ref.Arr) => (x: ref.Arr, dy: ref.Arr) => b(x, dy.data[0]);

export const sum: OpEntry = {
  op: 'sum',
  native: ['sum'],
  cases: [
    oneInput('(3,4,5)', 2, [3, 4, 5], (x) => ops.sum(x), scalar(ref.sum), scalarBack(ref.sumBackward)),
    oneInput('(2,5)', 21, [2, 5], (x) => ops.sum(x), scalar(ref.sum), scalarBack(ref.sumBackward), true),
  ],
};

export const mean: OpEntry = {
  op: 'mean',
  native: ['sum'],  // and axpby to scale by 1/n, which autograd's infrastructure also uses
  cases: [
    oneInput('(3,4,5)', 2, [3, 4, 5], (x) => ops.mean(x), scalar(ref.mean), scalarBack(ref.meanBackward)),
    oneInput('(2,5)', 21, [2, 5], (x) => ops.mean(x), scalar(ref.mean), scalarBack(ref.meanBackward), true),
  ],
};
