// Fills of an existing tensor, in place and not recorded: initializers and reset sums.
import type { Tensor } from '../core/tensor';
import { binding } from '../core/binding';

/** y = value everywhere. */
export function fillConstant(y: Tensor, value: number): void {
  binding.fillConstant(y, value);
}

/** y ~ U(low, high), from `seed` (the same seed gives the same numbers on one backend). */
export function fillUniform(y: Tensor, low: number, high: number, seed: number): void {
  binding.fillUniform(y, low, high, seed);
}

/** y ~ N(mean, std²), from `seed`. */
export function fillNormal(y: Tensor, mean: number, std: number, seed: number): void {
  binding.fillNormal(y, mean, std, seed);
}
