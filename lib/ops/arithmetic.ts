// Element-wise arithmetic with NumPy broadcasting: add, subtract, multiply and divide, as functions and as
// Tensor methods. A number operand is a one-element tensor. The native `binary` computes any of
// them (its expressions live in native/arithmetic.h); each backward sums its gradient back to the
// operand's shape with the native `sumTo`.
import type { BinaryKind } from '../../binding';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { invalidArg } from '../core/check';
import { codedError, shapeError } from '../core/errors';

/** The shape that a and b broadcast to (NumPy's rule: right-aligned, each pair equal or one of them 1). */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const ndim = Math.max(a.length, b.length);
  return Array.from({ length: ndim }, (_, d) => {
    const ea = a[d - ndim + a.length] ?? 1, eb = b[d - ndim + b.length] ?? 1;
    if (ea !== eb && ea !== 1 && eb !== 1) throw shapeError(op, `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast`);
    return ea === 1 ? eb : ea;
  });
}

/** A Tensor operand as it is, a number as a one-element tensor on `like`'s device. */
function operand(op: string, name: string, v: Tensor | number, like: Tensor | number): Tensor {
  if (typeof v === 'number') return Tensor.fromArray([v], [1], like instanceof Tensor ? like.device : undefined);
  if (!(v instanceof Tensor)) throw invalidArg(op, name, 'a Tensor or a number', v);
  requireTensor(op, name, v);
  return v;
}

// Unrecorded helpers for the backward passes.
function compute(kind: BinaryKind, a: Tensor, b: Tensor): Tensor {
  const y = Tensor.empty(broadcastShape(kind, a.shape, b.shape), a.device);
  binding.binary(kind, a, b, y);
  return y;
}
/** g summed back to `shape`, always a new tensor (autograd disposes each gradient it is given). */
function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const y = Tensor.empty(shape, g.device);
  binding.sumTo(g, y);
  return y;
}
/** sumTo(x <kind> other, shape), freeing the intermediate. */
function sumOf(kind: BinaryKind, x: Tensor, other: Tensor, shape: readonly number[]): Tensor {
  const t = compute(kind, x, other);
  try {
    return sumTo(t, shape);
  } finally {
    t.dispose();
  }
}

/** The gradients of y = a <kind> b for dy; null for an input that needs none. */
const GRADIENTS: Record<BinaryKind, (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, need: [boolean, boolean]) => (Tensor | null)[]> = {
  add: (dy, a, b, _y, need) => [need[0] ? sumTo(dy, a.shape) : null, need[1] ? sumTo(dy, b.shape) : null],
  subtract: (dy, a, b, _y, need) => {
    const minusOne = Tensor.fromArray([-1], [1], dy.device);
    try {
      return [need[0] ? sumTo(dy, a.shape) : null, need[1] ? sumOf('multiply', dy, minusOne, b.shape) : null];
    } finally {
      minusOne.dispose();
    }
  },
  multiply: (dy, a, b, _y, need) => [need[0] ? sumOf('multiply', dy, b, a.shape) : null, need[1] ? sumOf('multiply', dy, a, b.shape) : null],
  // d(a/b)/da = 1/b; d(a/b)/db = −a/b² = −y/b
  divide: (dy, a, b, y, need) => {
    const da = need[0] ? sumOf('divide', dy, b, a.shape) : null;
    if (!need[1]) return [da, null];
    const yOverB = compute('divide', y, b);
    try {
      const db = sumOf('multiply', dy, yOverB, b.shape);
      const minusOne = Tensor.fromArray([-1], [1], dy.device);
      binding.binary('multiply', db, minusOne, db);
      minusOne.dispose();
      return [da, db];
    } finally {
      yOverB.dispose();
    }
  },
};

function binary(kind: BinaryKind, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const a = operand(kind, 'a', aIn, bIn);
  const b = operand(kind, 'b', bIn, aIn);
  if (!a.device.equals(b.device)) throw codedError('NC_DEVICE', `${kind}: a is on ${a.device} but b on ${b.device}`);
  const y = Tensor.empty(broadcastShape(kind, a.shape, b.shape), a.device);
  binding.binary(kind, a, b, y);
  const owned = [a, b].filter((t, i) => t !== [aIn, bIn][i]);  // the one-element tensors made here
  recordOp(kind, y, [a, b], (dy) => GRADIENTS[kind](dy, a, b, y, [requiresGrad(a), requiresGrad(b)]),
    () => owned.forEach((t) => t.dispose()));
  return y;
}

/** a + b, broadcast. */
export const add = (a: Tensor | number, b: Tensor | number): Tensor => binary('add', a, b);
/** a − b, broadcast. */
export const subtract = (a: Tensor | number, b: Tensor | number): Tensor => binary('subtract', a, b);
/** a · b element-wise, broadcast. */
export const multiply = (a: Tensor | number, b: Tensor | number): Tensor => binary('multiply', a, b);
/** a / b element-wise, broadcast. */
export const divide = (a: Tensor | number, b: Tensor | number): Tensor => binary('divide', a, b);

declare module '../core/tensor' {
  interface Tensor {
    /** this + other, broadcast (see ops.add). */
    add(other: Tensor | number): Tensor;
    /** this − other, broadcast (see ops.subtract). */
    subtract(other: Tensor | number): Tensor;
    /** this · other element-wise, broadcast (see ops.multiply). */
    multiply(other: Tensor | number): Tensor;
    /** this / other element-wise, broadcast (see ops.divide). */
    divide(other: Tensor | number): Tensor;
  }
}
// Methods as in sharp's topic files: each op file puts its own onto the prototype (names as
// NumPy's and Gluon's).
Object.assign(Tensor.prototype, {
  add(this: Tensor, other: Tensor | number) { return add(this, other); },
  subtract(this: Tensor, other: Tensor | number) { return subtract(this, other); },
  multiply(this: Tensor, other: Tensor | number) { return multiply(this, other); },
  divide(this: Tensor, other: Tensor | number) { return divide(this, other); },
});
