// Arg-max hits against labels, as d2l's `accuracy`: counted on the device, not recorded.
import { Tensor, requireTensor } from '../core/tensor';
import { binding } from '../core/binding';

/**
 * Number of rows of `yHat` whose arg-max equals the label.
 * @param yHat - scores (N, C).
 * @param y - labels (N).
 */
export function countCorrect(yHat: Tensor, y: Tensor): number {
  requireTensor('countCorrect', 'yHat', yHat);
  requireTensor('countCorrect', 'y', y);
  return binding.countCorrect(yHat, y);
}

/** total[0] += the number of rows of `yHat` whose arg-max equals the label, without reading back. */
export function accumulateCorrect(yHat: Tensor, y: Tensor, total: Tensor): void {
  binding.accumulateCorrect(yHat, y, total);
}
