// NumPy broadcasting for the element-wise ops (arithmetic.ts, where.ts): the output shape, number
// operands as one-element tensors, and the sum of a broadcast gradient back to its operand's shape.
import { binding } from '../core/binding';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { invalidArg } from '../core/check';
import { shapeError } from '../core/errors';

/** The shape that `shapes` broadcast to (NumPy's rule: right-aligned, each extent equal or 1). */
export function broadcastShape(op: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: ndim }, (_, d) => {
    const extents = shapes.map((s) => s[d - ndim + s.length] ?? 1);
    const out = Math.max(...extents);
    if (extents.some((e) => e !== out && e !== 1)) {
      const listed = shapes.map(formatShape);
      throw shapeError(op, `shapes ${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]} do not broadcast`);
    }
    return out;
  });
}

/** A Tensor operand as it is, a number as a one-element tensor on `like`'s device. */
export function operand(op: string, name: string, v: Tensor | number, like: Tensor | number): Tensor {
  if (typeof v === 'number') return Tensor.fromArray([v], [1], like instanceof Tensor ? like.device : undefined);
  if (!(v instanceof Tensor)) throw invalidArg(op, name, 'a Tensor or a number', v);
  requireTensor(op, name, v);
  return v;
}

/** g summed back to `shape` (g itself when it has that shape already; otherwise g is freed). */
export function sumBack(g: Tensor | null, shape: readonly number[]): Tensor | null {
  if (!g || (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i]))) return g;
  const summed = Tensor.empty(shape, g.device);
  binding.sumTo(g, summed);
  g.dispose();
  return summed;
}
