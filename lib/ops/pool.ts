// pool2d: max and average pooling. Max pooling on the tape keeps oneDNN's argmax workspace.
import type { PoolKind } from '../../binding';
import { binding } from '../core/binding';
import { isRecording, recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { slideWindow } from './window';
import { invalidArg, knownOptions, oneOf, pair, positiveInt } from '../core/check';
import { shapeError } from '../core/errors';

/** `value` when it is a boolean; otherwise throws naming `op` and `name`. */
export function flag(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArg(op, name, 'a boolean', value);
  return value;
}

/** Options of {@link pool2d}, PyTorch's ceil_mode and count_include_pad. */
export interface Pool2dOptions {
  /**
   * Round the output size up, so that a partial last window counts (its cells past the padding are
   * ignored); a last window that would start past the input and its left padding is dropped, as in
   * PyTorch. Default false.
   */
  ceilMode?: boolean;
  /** Average pooling: divide by the window's cells including zero padding (default true), else by its cells of x. */
  countIncludePad?: boolean;
}

/**
 * 2-d max or average pooling. Average pooling counts padded cells unless `countIncludePad` is false
 * (Gluon's and PyTorch's default).
 * @param kind - 'max' or 'avg'.
 * @param x - input (N, C, H, W).
 * @param window - [kh, kw].
 * @param stride - [sh, sw].
 * @param padding - [ph, pw], each at most half the window.
 * @param options - ceilMode, countIncludePad.
 * @returns y (N, C, OH, OW).
 * @throws RangeError when the window does not fit or the padding is above half the window; TypeError for
 *   an unknown option or a flag that is not a boolean.
 */
export function pool2d(kind: PoolKind, x: Tensor, window: [number, number], stride: [number, number],
  padding: [number, number] = [0, 0], options: Pool2dOptions = {}): Tensor {
  requireTensor('pool2d', 'x', x);
  oneOf('pool2d', 'kind', kind, ['max', 'avg']);
  const { ceilMode: ceilOption, countIncludePad: countOption } =
    knownOptions('pool2d', options, ['ceilMode', 'countIncludePad']);
  const ceilMode = flag('pool2d', 'ceilMode', ceilOption ?? false);
  const countIncludePad = flag('pool2d', 'countIncludePad', countOption ?? true);
  if (x.ndim !== 4) throw shapeError('pool2d', `expected a 4-d x (N,C,H,W) but received ${formatShape(x.shape)}`);
  const [n, c] = x.shape;
  const win = slideWindow('pool2d', x.shape, pair('pool2d', 'window', window, positiveInt), stride, padding, 'pooling',
    { ceilMode });
  const y = Tensor.empty([n, c, ...win.out], x.device);
  // The argmax workspace is needed only to back-propagate; inference skips it.
  const onTape = isRecording() && requiresGrad(x);
  const workspace = binding.pool2dForward(kind, x, y, win.kernel, win.stride, win.padding, onTape, ceilMode,
    countIncludePad);
  recordOp(`${kind}Pool2d`, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.pool2dBackward(kind, x, y, dy, dx, workspace, win.kernel, win.stride, win.padding, ceilMode,
      countIncludePad);
    return [dx];
  }, () => workspace?.dispose());
  return y;
}
