// The `activation` option shared by Conv2D and Dense.
import type { Activation } from '../../binding';
import { oneOf } from '../core/check';

/** Activations a layer can fuse into its forward. */
export type ActivationName = Exclude<Activation, 'none'>;

/** Validates a layer's `activation` option ('none' when absent). */
export function activationOption(layer: string, value: unknown): Activation {
  if (value === undefined || value === null) return 'none';
  return oneOf(layer, 'activation', value, ['relu', 'sigmoid', 'tanh']);
}
