// Output size of a sliding window (convolution, pooling), checked before anything is allocated.
import { formatShape } from '../core/tensor';

/**
 * floor((size + 2·pad − kernel)/stride) + 1, or a RangeError naming `op` when the window does not
 * fit or an argument is not a valid integer.
 */
export function windowOutput(op: string, shape: readonly number[], size: number, kernel: number,
  stride: number, pad: number): number {
  for (const [name, v, min] of [['kernel', kernel, 1], ['stride', stride, 1], ['padding', pad, 0]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(`${op}: expected an integer >= ${min} for ${name} but received ${v}`);
    }
  }
  const out = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  if (out < 1) {
    throw new RangeError(`${op}: window ${kernel} does not fit input ${formatShape(shape)} with padding ${pad}`);
  }
  return out;
}
