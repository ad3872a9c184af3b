// Top-k hits against labels, as d2l's `accuracy`: counted on the device, not recorded.
import { Tensor, requireTensor } from '../core/tensor';
import { binding } from '../core/binding';
import { positiveInt } from '../core/check';

/**
 * Number of rows of `yHat` whose label is among the `k` best scores (k = 1: the first arg-max
 * equals the label; for k > 1 a tie with the label's score counts against it from smaller indices).
 * @param yHat - scores (N, C).
 * @param y - labels (N).
 * @param k - default 1.
 */
export function countCorrect(yHat: Tensor, y: Tensor, k = 1): number {
  requireTensor('countCorrect', 'yHat', yHat);
  requireTensor('countCorrect', 'y', y);
  return binding.countCorrect(yHat, y, positiveInt('countCorrect', 'k', k));
}

/** total[0] += {@link countCorrect}(yHat, y, k), without reading back. */
export function accumulateCorrect(yHat: Tensor, y: Tensor, total: Tensor, k = 1): void {
  binding.accumulateCorrect(yHat, y, total, k);
}
