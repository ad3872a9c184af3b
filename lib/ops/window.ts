// Sliding windows (convolution, pooling): the one place their arguments are checked and their
// output size is computed, before anything is allocated. Native code keeps only a guard that the
// output buffer matches (native/shapes.h's WindowOutput).
import { formatShape } from '../core/tensor';
import { nonNegativeInt, pair, positiveInt } from '../core/check';
import { shapeError } from '../core/errors';

/** A window's kernel, stride and zero padding per side, each [along H, along W]. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
}

/**
 * Padding must stay below the kernel for a convolution, and at most half the window for pooling
 * (so that no window lies wholly in the padding), as in PyTorch. Layers check it at construction.
 */
export function checkPadding(op: string, kernel: readonly [number, number], padding: readonly [number, number],
  rule: 'convolution' | 'pooling'): void {
  const [ph, pw] = padding, [kh, kw] = kernel;
  if (rule === 'convolution' ? ph >= kh || pw >= kw : 2 * ph > kh || 2 * pw > kw) {
    const bound = rule === 'convolution' ? 'must be smaller than the kernel' : 'must be at most half the window';
    throw shapeError(op, `padding (${ph},${pw}) ${bound} (${kh},${kw})`);
  }
}

/**
 * The output (OH, OW) of sliding `kernel` over x (N, C, H, W) with `stride` and `padding` (each a
 * number or a pair), floor((size + 2·pad − kernel)/stride) + 1 as PyTorch and Gluon compute it.
 * Padding follows {@link checkPadding}. Throws naming `op` and the argument.
 */
export function slideWindow(op: string, shape: readonly number[], kernel: readonly [number, number],
  stride: unknown, padding: unknown, rule: 'convolution' | 'pooling'): Window & { out: [number, number] } {
  const w: Window = {
    kernel: [kernel[0], kernel[1]],
    stride: pair(op, 'stride', stride, positiveInt),
    padding: pair(op, 'padding', padding, nonNegativeInt),
  };
  checkPadding(op, w.kernel, w.padding, rule);
  const out: [number, number] = [0, 1].map((i) => {
    const o = Math.floor((shape[2 + i] + 2 * w.padding[i] - w.kernel[i]) / w.stride[i]) + 1;
    if (o < 1) {
      throw shapeError(op, `window ${w.kernel[i]} does not fit input ${formatShape(shape)} with padding ${w.padding[i]}`);
    }
    return o;
  }) as [number, number];
  return { ...w, out };
}
