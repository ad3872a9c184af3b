// Views: reshape, flatten (the reductions sum and mean are in reduce.ts).
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
