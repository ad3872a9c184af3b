// where(condition, a, b): an element-wise select, the three broadcast together (NumPy's `where`).
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, requireTensor } from '../core/tensor';
import { codedError } from '../core/errors';
import { broadcastShape, operand, sumBack } from './broadcast';

/**
 * a where condition is non-zero, b elsewhere, element-wise; condition, a and b broadcast together (as
 * NumPy's `where`: NaN counts as true). a and b may be numbers. The gradient flows to a where the
 * condition holds and to b elsewhere (dy·cond and dy·(1 − cond) for a 0/1 mask), each summed back
 * to its operand's shape; the condition gets none.
 * @example ops.where(x.greater(0), x, 0)  // relu
 * @throws RangeError when the shapes do not broadcast; TypeError for an operand of the wrong type.
 */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  requireTensor('where', 'condition', condition);
  const ta = operand('where', 'a', a, condition), tb = operand('where', 'b', b, condition);
  for (const [name, t] of [['a', ta], ['b', tb]] as const) {
    if (!t.device.equals(condition.device)) {
      throw codedError('NC_DEVICE', `where: condition is on ${condition.device} but ${name} on ${t.device}`);
    }
  }
  const y = Tensor.empty(broadcastShape('where', condition.shape, ta.shape, tb.shape), condition.device);
  binding.where(condition, ta, tb, y);
  const owned = [ta, tb].filter((t, i) => t !== [a, b][i]);  // the one-element tensors made here
  recordOp('where', y, [ta, tb], (dy) => {
    const [da, db] = [ta, tb].map((t) => (requiresGrad(t) ? Tensor.empty(dy.shape, dy.device) : null));
    binding.whereBackward(condition, dy, da, db);
    return [sumBack(da, ta.shape), sumBack(db, tb.shape)];
  }, () => owned.forEach((t) => t.dispose()));
  return y;
}

declare module '../core/tensor' {
  interface Tensor {
    /** this where condition is non-zero, other elsewhere, broadcast (PyTorch's Tensor.where; see ops.where). */
    where(condition: Tensor, other: Tensor | number): Tensor;
  }
}
Object.assign(Tensor.prototype, {
  where(this: Tensor, condition: Tensor, other: Tensor | number) { return where(condition, this, other); },
});
