// dropout: the mask from the native counter-based generator (native/random.h), rebuilt here in float64.
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry } from './case';

const M64 = (1n << 64n) - 1n;

// splitmix64's finaliser, as Mix64 in native/random.h.
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

/** UniformAt(seed, i) of native/random.h: 24 random bits, exact in float64 and float32. */
function uniformAt(seed: number, i: number): number {
  const bits = (mix64(BigInt(seed)) + BigInt(i) * 0x9e3779b97f4a7c15n) & M64;
  return Number(mix64(bits) >> 40n) / 16777216;
}

/** The inverted-dropout mask: 1/(1−p) where u ≥ p (p as the native float sees it), else 0. */
export function dropoutMask(shape: number[], p: number, seed: number): ref.Arr {
  const m = ref.arr(shape);
  for (let i = 0; i < m.data.length; i++) m.data[i] = uniformAt(seed, i) >= Math.fround(p) ? 1 / (1 - p) : 0;
  return m;
}

function dropoutCase(shape: number[], p: number, dropSeed: number, lo: number, hi: number, gradcheck = false): OpCase {
  const mask = () => dropoutMask(shape, p, dropSeed);
  return {
    title: `x ${shape} p ${p} seed ${dropSeed}${gradcheck ? ' (gradient-checked)' : ''}`,
    seed: gradcheck ? 21 : 4,
    gradcheck,
    inputs: (rng) => [ref.randomArr(shape, rng, lo, hi)],
    // Training mode also outside autograd.record, as the numerical gradient's forwards are.
    call: (x) => autograd.trainMode(() => ops.dropout(x, p, dropSeed)),
    forward: (x) => ref.dropout(x, mask()),
    backward: (dy) => [ref.dropoutBackward(dy, mask())],
  };
}

export const dropout: OpEntry = {
  op: 'dropout',
  native: ['dropoutForward', 'multiply'],
  cases: [dropoutCase([100, 100], 0.3, 1234, 0.5, 1.5), dropoutCase([4, 6], 0.4, 99, -1, 1, true)],
  checks: [
    // The cases check the mask bit for bit against dropoutMask; this checks the generator's statistics.
    ['zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
      const p = 0.3;
      const mask = autograd.record(() => ops.dropout(Tensor.ones([100, 100], dev()), p, 1234)).toArray();
      const zeros = mask.filter((m) => m === 0).length / mask.length;
      assert.ok(Math.abs(zeros - p) < 0.02, `dropped ${zeros}`);
      assert.ok(mask.every((m) => m === 0 || Math.abs(m - 1 / (1 - p)) < 1e-5));
    }],
    ['is the same mask for the same seed and another for another seed', () => {
      const x = Tensor.ones([1000], dev());
      const a = autograd.record(() => ops.dropout(x, 0.5, 1)).toArray();
      const b = autograd.record(() => ops.dropout(x, 0.5, 1)).toArray();
      const c = autograd.record(() => ops.dropout(x, 0.5, 2)).toArray();
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
    }],
    ['is the identity outside training mode', () => {
      const x = Tensor.ones([10], dev());
      assert.equal(ops.dropout(x, 0.5), x);
    }],
  ],
};
