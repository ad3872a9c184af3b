// Element-wise arithmetic with NumPy broadcasting: add, subtract, multiply, divide,
// maximum and minimum, as functions and as
// Tensor methods. A number operand is a one-element tensor. The native `binary` and `binaryBackward`
// compute any of them: each op and its derivatives are one line of native/arithmetic.h.
import type { BinaryKind } from '../../binding';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { invalidArg } from '../core/check';
import { codedError, shapeError } from '../core/errors';

/** The shape that a and b broadcast to (NumPy's rule: right-aligned, each pair equal or one of them 1). */
function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
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

/**
 * The gradients of y = a <kind> b for dy, each summed back to its operand's shape: the native
 * binaryBackward multiplies dy by the op's derivatives (native/arithmetic.h), sumTo reduces.
 */
function gradients(kind: BinaryKind, a: Tensor, b: Tensor, dy: Tensor): (Tensor | null)[] {
  const [da, db] = [a, b].map((t) => (requiresGrad(t) ? Tensor.empty(dy.shape, dy.device) : null));
  binding.binaryBackward(kind, a, b, dy, da, db);
  return [sumBack(da, a.shape), sumBack(db, b.shape)];
}

/** g summed back to `shape` (g itself when it has that shape already; otherwise g is freed). */
function sumBack(g: Tensor | null, shape: readonly number[]): Tensor | null {
  if (!g || (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i]))) return g;
  const summed = Tensor.empty(shape, g.device);
  binding.sumTo(g, summed);
  g.dispose();
  return summed;
}

function binary(kind: BinaryKind, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const a = operand(kind, 'a', aIn, bIn);
  const b = operand(kind, 'b', bIn, aIn);
  if (!a.device.equals(b.device)) throw codedError('NC_DEVICE', `${kind}: a is on ${a.device} but b on ${b.device}`);
  const y = Tensor.empty(broadcastShape(kind, a.shape, b.shape), a.device);
  binding.binary(kind, a, b, y);
  const owned = [a, b].filter((t, i) => t !== [aIn, bIn][i]);  // the one-element tensors made here
  recordOp(kind, y, [a, b], (dy) => gradients(kind, a, b, dy),
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
/** The larger of a and b element-wise, broadcast; NaN if either is (a tie splits the gradient evenly). */
export const maximum = (a: Tensor | number, b: Tensor | number): Tensor => binary('maximum', a, b);
/** The smaller of a and b element-wise, broadcast; NaN if either is (a tie splits the gradient evenly). */
export const minimum = (a: Tensor | number, b: Tensor | number): Tensor => binary('minimum', a, b);

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
    /** The larger of this and other element-wise, broadcast (see ops.maximum). */
    maximum(other: Tensor | number): Tensor;
    /** The smaller of this and other element-wise, broadcast (see ops.minimum). */
    minimum(other: Tensor | number): Tensor;
  }
}
// Methods as in sharp's topic files: each op file puts its own onto the prototype (names as
// NumPy's and Gluon's).
Object.assign(Tensor.prototype, {
  add(this: Tensor, other: Tensor | number) { return add(this, other); },
  subtract(this: Tensor, other: Tensor | number) { return subtract(this, other); },
  multiply(this: Tensor, other: Tensor | number) { return multiply(this, other); },
  divide(this: Tensor, other: Tensor | number) { return divide(this, other); },
  maximum(this: Tensor, other: Tensor | number) { return maximum(this, other); },
  minimum(this: Tensor, other: Tensor | number) { return minimum(this, other); },
});
