// softmaxCrossEntropy: per-row loss of logits against class labels.
import { strict as assert } from 'assert';
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { F32, dev } from '../helpers';
import { OpCase, OpEntry } from './case';

/** Logits in [lo, hi] and fixed labels (a constant input: no gradient). */
function xentCase(title: string, seed: number, n: number, classes: number, labels: number[], lo: number, hi: number,
  gradcheck = false): OpCase {
  return {
    title, seed, gradcheck,
    inputs: (rng) => [ref.randomArr([n, classes], rng, lo, hi), ref.arr([n], labels)],
    constant: [1],
    call: (logits, l) => ops.softmaxCrossEntropy(logits, l),
    forward: (logits, l) => ref.softmaxCrossEntropy(logits, l),
    backward: (dy, logits, l) => [ref.softmaxCrossEntropyBackward(logits, l, dy)],
  };
}

export const softmaxCrossEntropy: OpEntry = {
  op: 'softmaxCrossEntropy',
  native: ['softmaxCrossEntropy', 'softmaxCrossEntropyBackward'],
  cases: [
    xentCase('(6,10) logits in [-5, 5]', 9, 6, 10, [0, 3, 9, 1, 1, 7], -5, 5),
    xentCase('(3,5) logits in [-1, 1]', 21, 3, 5, [2, 0, 4], -1, 1, true),
  ],
  errors: [
    // On CPU tensors in every suite: the GPU checks labels on the device and reports a bad one at a later read.
    ['a label outside the classes', () => ops.softmaxCrossEntropy(Tensor.zeros([2, 10]), Tensor.fromArray([1, 10])),
      /^RangeError: softmaxCrossEntropy: labels\[1\] = 10.000000 is not a class index in \[0, 10\)$/],
  ],
  checks: [
    ['stays finite for huge logits', () => {
      const l = ops.softmaxCrossEntropy(Tensor.fromArray([[1000, 0, -1000], [-1e30, 1e30, 0]], undefined, dev()),
        Tensor.fromArray([1, 1], undefined, dev()));
      const v = l.toArray();
      assert.ok(Math.abs(v[0] - 1000) < 1e-3, `loss ${v[0]}`);
      assert.equal(v[1], 0);
    }],
    ['gives ln C for equal logits', () => {
      const l = ops.softmaxCrossEntropy(Tensor.zeros([2, 10], dev()), Tensor.fromArray([3, 4], undefined, dev()));
      ref.assertClose(l.toArray(), [Math.log(10), Math.log(10)], { ...F32, name: 'loss' });
    }],
  ],
};
