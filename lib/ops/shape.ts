// Shape ops: views over the same storage, with the gradient viewed back.
import { recordOp } from '../core/autograd';
import { Tensor, formatShape, requireTensor, shapeSize } from '../core/tensor';
import { codedError } from '../core/errors';

/**
 * The same data with another shape (one dimension may be −1 and is then inferred).
 * @throws RangeError when the sizes differ.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', 'x', x);
  const known = shape.filter((d) => d !== -1);
  const dims = shape.map((d) => (d === -1 ? x.size / Math.max(1, shapeSize(known)) : d));
  if (shape.filter((d) => d === -1).length > 1 || shapeSize(dims) !== x.size || !dims.every(Number.isInteger)) {
    throw codedError('NC_SHAPE', `reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`, RangeError);
  }
  const y = x.view(dims);
  recordOp('reshape', y, [x], (dy) => [dy.view(x.shape)]);
  return y;
}

/** (N, ...) → (N, product of the rest), as Gluon's Flatten. */
export function flatten(x: Tensor): Tensor {
  requireTensor('flatten', 'x', x);
  return reshape(x, [x.shape[0], -1]);
}
