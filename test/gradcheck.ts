// The numerical-gradient check shared by the gradient suites: central differences of the float32
// forward on the current device against autograd's backward.
import { strict as assert } from 'assert';
import { Tensor, autograd } from '../lib';
import * as ref from './reference';
import { dev, toTensor } from './helpers';

// float32 central differences: h balances truncation (h²) against rounding (eps/h).
const H = 1e-2;
const TOLERANCE = 2e-2;  // relative to the largest gradient component

/**
 * Checks d/dx Σ r·f(x) from autograd against central differences for each input in `inputs`.
 * `f` must be deterministic (dropout takes a fixed seed).
 */
export function gradcheck(name: string, f: (...xs: Tensor[]) => Tensor, inputs: ref.Arr[], seed = 1): void {
  const rng = new ref.Rng(seed);
  const leaves = inputs.map((a) => { const t = toTensor(a); t.attachGrad(); return t; });
  const y = autograd.record(() => f(...leaves));
  const r = ref.randomArr(y.shape, rng);
  y.backward(toTensor(r));
  const objective = (xs: Tensor[]): number => ref.dot(autograd.pause(() => f(...xs)).toArray(), r);

  inputs.forEach((input, k) => {
    const analytic = leaves[k].grad!.toArray();
    const numeric = new Float64Array(input.data.length);
    const probe = Float32Array.from(input.data);
    for (let i = 0; i < probe.length; i++) {
      const at = (v: number): number => {
        probe[i] = v;
        const xs = leaves.map((t, j) => (j === k ? Tensor.fromArray(probe, input.shape, dev()) : t));
        return objective(xs);
      };
      const x0 = input.data[i];
      numeric[i] = (at(x0 + H) - at(x0 - H)) / (2 * H);
      probe[i] = x0;
    }
    const err = ref.relativeError(analytic, numeric);
    assert.ok(err < TOLERANCE, `${name}: input ${k} gradient error ${err.toExponential(2)} ` +
      `(analytic ${Array.from(analytic.slice(0, 4)).map((v) => v.toFixed(4))} ` +
      `numeric ${Array.from(numeric.slice(0, 4)).map((v) => v.toFixed(4))})`);
  });
}

