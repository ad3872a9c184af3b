// dense: y = act(x wᵀ + b), with and without a bias, each fused activation.
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

const activations = ['none', 'relu', 'sigmoid', 'tanh'] as const;

function denseCase(n: number, k: number, m: number, bias: boolean, act: typeof activations[number], gradcheck = false): OpCase {
  return {
    title: `(${n},${k}) -> ${m} bias ${bias} ${act}${gradcheck ? ' (distinct x)' : ''}`,
    seed: gradcheck ? 21 : 5,
    gradcheck,
    inputs: (rng) => {
      const x = gradcheck ? distinct([n, k], rng) : ref.randomArr([n, k], rng);
      const w = ref.randomArr([m, k], rng);
      return bias ? [x, w, ref.randomArr([m], rng)] : [x, w];
    },
    call: (x, w, b) => ops.dense(x, w, b ?? null, act),
    forward: (x, w, b) => ref.activation(act, ref.dense(x, w, b ?? null)),
    backward: (dy, x, w, b) => {
      const g = ref.denseBackward(x, w, ref.activationBackward(act, ref.dense(x, w, b ?? null), dy));
      return b ? [g.dx, g.dw, g.db] : [g.dx, g.dw];
    },
  };
}

export const dense: OpEntry = {
  op: 'dense',
  // The fused activation's backward runs apart, before denseBackward.
  native: ['denseForward', 'denseBackward', 'activationBackward'],
  cases: [
    ...([[5, 7, 3, true], [1, 256, 120, true], [8, 3, 9, false]] as const).flatMap(([n, k, m, bias]) =>
      activations.map((act) => denseCase(n, k, m, bias, act))),
    ...activations.map((act) => denseCase(3, 6, 4, true, act, true)),
  ],
  errors: [
    ['an unknown activation',
      () => binding.denseForward(Tensor.zeros([1, 2], dev()), Tensor.zeros([3, 2], dev()), null, Tensor.zeros([1, 3], dev()), 'gelu' as never),
      /^RangeError: denseForward: expected one of 'none', 'relu', 'sigmoid', 'tanh' for activation but received 'gelu' \(string\)$/],
  ],
};
