// Element-wise arithmetic with NumPy broadcasting: add, subtract, multiply, divide,
// maximum, minimum and power, and the comparisons, as functions and as
// Tensor methods. A number operand is a one-element tensor. The native `binary` and `binaryBackward`
// compute any of them: each op and its derivatives are one line of native/arithmetic.h.
import type { BinaryKind, ComparisonKind } from '../../binding';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor } from '../core/tensor';
import { codedError } from '../core/errors';
import { broadcastShape, operand, sumBack } from './broadcast';

/**
 * The gradients of y = a <kind> b for dy, each summed back to its operand's shape: the native
 * binaryBackward multiplies dy by the op's derivatives (native/arithmetic.h), sumTo reduces.
 */
function gradients(kind: BinaryKind, a: Tensor, b: Tensor, dy: Tensor): (Tensor | null)[] {
  const [da, db] = [a, b].map((t) => (requiresGrad(t) ? Tensor.empty(dy.shape, dy.device) : null));
  binding.binaryBackward(kind, a, b, dy, da, db);
  return [sumBack(da, a.shape), sumBack(db, b.shape)];
}

const COMPARISONS: readonly ComparisonKind[] = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'];

function binary(kind: BinaryKind, aIn: Tensor | number, bIn: Tensor | number): Tensor {
  const a = operand(kind, 'a', aIn, bIn);
  const b = operand(kind, 'b', bIn, aIn);
  if (!a.device.equals(b.device)) throw codedError('NC_DEVICE', `${kind}: a is on ${a.device} but b on ${b.device}`);
  const y = Tensor.empty(broadcastShape(kind, a.shape, b.shape), a.device);
  binding.binary(kind, a, b, y);
  const owned = [a, b].filter((t, i) => t !== [aIn, bIn][i]);  // the one-element tensors made here
  if (COMPARISONS.includes(kind as ComparisonKind)) {  // a mask: no gradient, nothing on the tape
    owned.forEach((t) => t.dispose());
    return y;
  }
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

// power and the comparisons (NumPy's names).
/**
 * a to the power b element-wise, broadcast (NumPy's `power`): NaN where a < 0 and b is not an integer.
 * The gradient with respect to a is b·a^(b−1) (right for a < 0 with an integer b, as power(x, 2)); that
 * with respect to b, a^b·ln a, is 0 at a = 0 with b ≥ 0 and NaN for a < 0 (PyTorch's choices). A
 * number exponent gets no gradient.
 * @example ops.power(x, 2)  // x², also x.power(2)
 */
export const power = (a: Tensor | number, b: Tensor | number): Tensor => binary('power', a, b);
/** 1 where a = b, 0 elsewhere, broadcast (NaN equals nothing). A mask: no gradient flows through it. */
export const equal = (a: Tensor | number, b: Tensor | number): Tensor => binary('equal', a, b);
/** 1 where a ≠ b, 0 elsewhere, broadcast (NaN differs from everything). No gradient. */
export const notEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('notEqual', a, b);
/** 1 where a > b, 0 elsewhere, broadcast. No gradient. */
export const greater = (a: Tensor | number, b: Tensor | number): Tensor => binary('greater', a, b);
/** 1 where a ≥ b, 0 elsewhere, broadcast. No gradient. */
export const greaterEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('greaterEqual', a, b);
/** 1 where a < b, 0 elsewhere, broadcast. No gradient. */
export const less = (a: Tensor | number, b: Tensor | number): Tensor => binary('less', a, b);
/** 1 where a ≤ b, 0 elsewhere, broadcast. No gradient. */
export const lessEqual = (a: Tensor | number, b: Tensor | number): Tensor => binary('lessEqual', a, b);

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
    /** this to the power other element-wise, broadcast (see ops.power). */
    power(other: Tensor | number): Tensor;
    /** 1 where this = other, else 0, broadcast (see ops.equal). */
    equal(other: Tensor | number): Tensor;
    /** 1 where this ≠ other, else 0, broadcast (see ops.notEqual). */
    notEqual(other: Tensor | number): Tensor;
    /** 1 where this > other, else 0, broadcast (see ops.greater). */
    greater(other: Tensor | number): Tensor;
    /** 1 where this ≥ other, else 0, broadcast (see ops.greaterEqual). */
    greaterEqual(other: Tensor | number): Tensor;
    /** 1 where this < other, else 0, broadcast (see ops.less). */
    less(other: Tensor | number): Tensor;
    /** 1 where this ≤ other, else 0, broadcast (see ops.lessEqual). */
    lessEqual(other: Tensor | number): Tensor;
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
  power(this: Tensor, other: Tensor | number) { return power(this, other); },
  equal(this: Tensor, other: Tensor | number) { return equal(this, other); },
  notEqual(this: Tensor, other: Tensor | number) { return notEqual(this, other); },
  greater(this: Tensor, other: Tensor | number) { return greater(this, other); },
  greaterEqual(this: Tensor, other: Tensor | number) { return greaterEqual(this, other); },
  less(this: Tensor, other: Tensor | number) { return less(this, other); },
  lessEqual(this: Tensor, other: Tensor | number) { return lessEqual(this, other); },
});
