// Bridges between the float64 reference (reference.ts) and the library's float32 tensors.
import { Tensor, autograd } from '../lib';
import * as ref from './reference';

/** A float32 tensor holding a reference array. */
export function toTensor(a: ref.Arr): Tensor {
  return Tensor.fromArray(Float32Array.from(a.data), a.shape);
}

/** A reference array holding a tensor's values. */
export function toArr(t: Tensor): ref.Arr {
  return ref.arr(t.shape, t.toArray());
}

/** Tensors with attached gradients, for autograd tests. */
export function leaf(a: ref.Arr): Tensor {
  const t = toTensor(a);
  t.attachGrad();
  return t;
}

/**
 * Runs `f` on the tape and back-propagates the head gradient `dy`; the gradients land in the
 * inputs' `grad`.
 */
export function forwardBackward(f: () => Tensor, dy: ref.Arr): Tensor {
  const y = autograd.record(f);
  y.backward(toTensor(dy));
  return y;
}

/** Float32 tolerances for comparing native results with the float64 reference. */
export const F32 = { atol: 1e-5, rtol: 1e-4 };
