// Dropout: active only in training mode (inside autograd.record), the identity otherwise.
import { binding } from '../core/binding';
import { isTraining, recordOp } from '../core/autograd';
import { nextSeed } from '../core/random';
import { Tensor, requireTensor } from '../core/tensor';
import { numberInRange } from '../core/check';

/** The drop probability: a number in [0, 1), checked here for the op and the layer. */
export const dropRate = (op: string, name: string, p: unknown): number => numberInRange(op, name, p, 0, 1);

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1−p) (inverted dropout), so
 * evaluation needs no rescaling.
 * @param x - any shape.
 * @param p - drop probability in [0, 1).
 * @param seed - default: drawn from the global generator (`random.seed`).
 * @returns a new tensor in training mode; `x` itself in prediction mode or when p is 0.
 */
export function dropout(x: Tensor, p: number, seed: number = nextSeed()): Tensor {
  requireTensor('dropout', 'x', x);
  dropRate('dropout', 'p', p);
  if (!isTraining() || p === 0) return x;
  const y = Tensor.empty(x.shape, x.device);
  const mask = Tensor.empty(x.shape, x.device);
  binding.dropoutForward(x, y, mask, p, seed);
  recordOp('dropout', y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.multiply(dy, mask, dx);
    return [dx];
  }, () => mask.dispose());
  return y;
}
