// Fills of an existing tensor, in place and not recorded: initializers and reset sums.
import type { Tensor } from '../core/tensor';
import { binding } from '../core/binding';
import { invalidArg } from '../core/check';

// The addon leaves these rules (low ≤ high, std ≥ 0) to us. Only the initializers fill, and their own
// checks (scale, sigma, magnitude, slope ≥ 0) keep to them; these guards catch a new caller that would not.

/** y = value everywhere. */
export function fillConstant(y: Tensor, value: number): void {
  binding.fillConstant(y, value);
}

/** y ~ U(low, high), from `seed` (the same seed gives the same numbers on one backend). */
export function fillUniform(y: Tensor, low: number, high: number, seed: number): void {
  if (!(low <= high)) throw invalidArg('fillUniform', 'high', `a number ≥ low (${low})`, high, RangeError);
  binding.fillUniform(y, low, high, seed);
}

/** y ~ N(mean, std²), from `seed`. */
export function fillNormal(y: Tensor, mean: number, std: number, seed: number): void {
  if (!(std >= 0)) throw invalidArg('fillNormal', 'std', 'a number ≥ 0', std, RangeError);
  binding.fillNormal(y, mean, std, seed);
}
