// The shape of the op table (table.ts): one entry per function in `ops`, with its reference cases,
// its error cases and the native entry points it reaches. The suites 20.ops, 30.gradcheck,
// 40.errors and 16.op-table read it; adding an op means adding one entry.
import type { Tensor } from '../../lib';
import * as ref from '../reference';

/** One sample of an op: seeded float64 inputs, the library call, and the float64 truth. */
export interface OpCase {
  title: string;
  /** Seeds the generator that builds the inputs and then the head gradient dy. */
  seed: number;
  /** float64 inputs; the suites make float32 tensors of them on the device under test. */
  inputs: (rng: ref.Rng) => ref.Arr[];
  /** Indices of inputs that get no gradient (labels, running statistics). */
  constant?: number[];
  /** The library call, on tensors made from `inputs` (in order). */
  call: (...xs: Tensor[]) => Tensor;
  /** The float64 reference forward. */
  forward: (...xs: ref.Arr[]) => ref.Arr;
  /** The float64 gradients of Σ dy·forward, one per input not in `constant`, in order. */
  backward?: (dy: ref.Arr, ...xs: ref.Arr[]) => ref.Arr[];
  /** Tolerances against the reference; default F32 (helpers.ts). */
  tol?: { atol: number; rtol: number };
  /**
   * Whether 30.gradcheck checks this case's backward by central differences (default false: big
   * inputs make it slow). Such cases need inputs away from kinks (see `distinct`).
   */
  gradcheck?: boolean;
}

/** A call that must throw, and the message it must throw (matched against `${name}: ${message}`). */
export type ErrorCase = [title: string, call: () => unknown, message: RegExp];

export interface OpEntry {
  /** The function's name in `ops`. */
  op: string;
  /** The binding exports its forward and backward call (16.op-table checks this by spying). */
  native: string[];
  cases: OpCase[];
  errors?: ErrorCase[];
  /** Behaviour that a reference comparison cannot state (statistics, state, extremes); run per device. */
  checks?: [title: string, run: () => void | Promise<void>][];
}

// The native addon, for error cases that call an entry point directly (one import of lib internals).
export { binding } from '../../lib/core/binding';

/**
 * Values pairwise at least 4/n apart, in about [−2.05, 2.05], and none within 0.05 of 0: no ties in a
 * max-pool window, no input at a relu, leaky relu or elu kink, so central differences (h = 1e-2) see
 * a smooth function. (The sign decides the ±0.05 shift, so that shifted neighbours never meet.)
 */
export function distinct(shape: number[], rng: ref.Rng): ref.Arr {
  const n = ref.sizeOf(shape);
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => rng.uniform() - 0.5);
  return ref.arr(shape, perm.map((v) => (v - n / 2) * (4 / n) + (v >= n / 2 ? 0.05 : -0.05)));
}
