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

/** How a window slides beyond kernel, stride and padding. */
export interface WindowMode {
  /** Convolution: kernel taps `dilation` cells apart, spanning (k − 1)·d + 1 cells; default [1, 1]. */
  dilation?: [number, number];
  /** Pooling: round the output size up (PyTorch's ceil_mode); default false. */
  ceilMode?: boolean;
}

/**
 * The output size along one axis, as PyTorch computes it: floor((size + 2·pad − span)/stride) + 1, or
 * in ceil mode rounded up, less the last window when it would start past the input and its left
 * padding (so every window holds a cell of x).
 */
export function windowOutput(size: number, span: number, stride: number, pad: number, ceilMode = false): number {
  const room = size + 2 * pad - span;
  if (!ceilMode || room < 0) return Math.floor(room / stride) + 1;
  let out = Math.ceil(room / stride) + 1;
  if ((out - 1) * stride >= size + pad) out -= 1;
  return out;
}

/**
 * The output (OH, OW) of sliding `kernel` over x (N, C, H, W) with `stride` and `padding` (each a
 * number or a pair), by {@link windowOutput}, with the dilation or ceil mode of `mode`.
 * Padding follows {@link checkPadding} (against the dilated span for a convolution). Throws naming
 * `op` and the argument.
 */
export function slideWindow(op: string, shape: readonly number[], kernel: readonly [number, number],
  stride: unknown, padding: unknown, rule: 'convolution' | 'pooling', mode: WindowMode = {}): Window & { out: [number, number] } {
  const w: Window = {
    kernel: [kernel[0], kernel[1]],
    stride: pair(op, 'stride', stride, positiveInt),
    padding: pair(op, 'padding', padding, nonNegativeInt),
  };
  const [dh, dw] = mode.dilation ?? [1, 1];
  const span: [number, number] = [(w.kernel[0] - 1) * dh + 1, (w.kernel[1] - 1) * dw + 1];
  checkPadding(op, span, w.padding, rule);
  const out: [number, number] = [0, 1].map((i) => {
    const o = windowOutput(shape[2 + i], span[i], w.stride[i], w.padding[i], mode.ceilMode ?? false);
    if (shape[2 + i] + 2 * w.padding[i] < span[i] || o < 1) {
      const what = span[i] === w.kernel[i] ? `window ${w.kernel[i]}` : `dilated kernel ${w.kernel[i]} (span ${span[i]})`;
      throw shapeError(op, `${what} does not fit input ${formatShape(shape)} with padding ${w.padding[i]}`);
    }
    return o;
  }) as [number, number];
  return { ...w, out };
}
