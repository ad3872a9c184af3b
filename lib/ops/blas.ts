// Level-1 BLAS on whole tensors, in place and not recorded: running sums kept on the device (read
// back rarely) and scaling.
import type { Tensor } from '../core/tensor';
import { binding } from '../core/binding';

/** y = a·x + b·y (y may be x). */
export function axpby(x: Tensor, y: Tensor, a: number, b: number): void {
  binding.axpby(x, y, a, b);
}

/** y[0] = Σ x, without reading back to the host. */
export function sumInto(x: Tensor, y: Tensor): void {
  binding.sum(x, y);
}

/** y[0] = Σ x² (+ y[0] when `accumulate`), summed in double, without reading back to the host. */
export function sumSquares(x: Tensor, y: Tensor, accumulate: boolean): void {
  binding.sumSquares(x, y, accumulate);
}
