// The fused optimizer update: one native pass per parameter (see binding.d.ts for the rules).
import type { OptimizerHyper } from '../../binding';
import type { Tensor } from '../core/tensor';
import { binding } from '../core/binding';

/** The update rules the addon implements. */
export type UpdateRule = 'sgd' | 'adam' | 'rmsprop' | 'adagrad';

/**
 * Updates `w` and its state tensors in place from `grad`; states a rule does not use are null.
 * `normSq` (Σ grad² over every parameter) is read on the device when `hyper.maxNorm` > 0, else null.
 */
export function optimizerUpdate(rule: UpdateRule, w: Tensor, grad: Tensor, state1: Tensor | null,
  state2: Tensor | null, state3: Tensor | null, hyper: OptimizerHyper, normSq: Tensor | null): void {
  binding.optimizerUpdate(rule, w, grad, state1, state2, state3, hyper, normSq);
}
