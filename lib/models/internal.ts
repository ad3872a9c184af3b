// What the model files share: the release of intermediate results inside a block's forward, and
// the models' options check.
import { Tensor } from '../core/tensor';
import { isRecording } from '../core/autograd';
import { knownOptions, positiveInt } from '../core/check';
import type { Block } from '../nn/block';

/**
 * Frees an intermediate result that only this forward made, as `Sequential` does with its own: at
 * once outside recording, and on the tape when `backward` no longer needs it. Never call it on the
 * block's input or on a view of another tensor.
 */
export function release(t: Tensor): void {
  if (isRecording()) t.releaseAfterBackward = true;
  else t.dispose();
}

/**
 * Runs `layers` in order from `x`, releasing each intermediate result (never `x`). For layers that
 * return new tensors (convolution, batch norm, activation, pooling), not views of their input.
 */
export function chain(x: Tensor, layers: readonly Block[]): Tensor {
  let y = x;
  for (const layer of layers) {
    const out = layer.forward(y);
    if (y !== x) release(y);
    y = out;
  }
  return y;
}

/** The options every model takes. */
export interface ModelOptions {
  /** Outputs of the last layer; default 10 (Fashion-MNIST's classes). */
  numClasses?: number;
}

/** Checks a model's options (only `accepted` keys) and returns the number of classes. */
export function numClassesOption<T extends ModelOptions>(op: string, options: T | undefined,
  accepted: readonly (keyof T & string)[]): number {
  const checked = knownOptions(op, options, accepted);
  return checked.numClasses === undefined ? 10 : positiveInt(op, 'numClasses', checked.numClasses);
}
