// pool2d: max and average pooling. Max pooling on the tape keeps oneDNN's argmax workspace.
import type { PoolKind } from '../../binding';
import { binding } from '../core/binding';
import { isRecording, recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { slideWindow } from './window';
import { oneOf, pair, positiveInt } from '../core/check';
import { shapeError } from '../core/errors';

/**
 * 2-d max or average pooling. Average pooling counts padded cells (Gluon's and PyTorch's default).
 * @param kind - 'max' or 'avg'.
 * @param x - input (N, C, H, W).
 * @param window - [kh, kw].
 * @param stride - [sh, sw].
 * @param padding - [ph, pw], each at most half the window.
 * @returns y (N, C, OH, OW).
 * @throws RangeError when the window does not fit or the padding is above half the window.
 */
export function pool2d(kind: PoolKind, x: Tensor, window: [number, number], stride: [number, number],
  padding: [number, number] = [0, 0]): Tensor {
  requireTensor('pool2d', 'x', x);
  oneOf('pool2d', 'kind', kind, ['max', 'avg']);
  if (x.ndim !== 4) throw shapeError('pool2d', `expected a 4-d x (N,C,H,W) but received ${formatShape(x.shape)}`);
  const [n, c] = x.shape;
  const win = slideWindow('pool2d', x.shape, pair('pool2d', 'window', window, positiveInt), stride, padding, 'pooling');
  const y = Tensor.empty([n, c, ...win.out], x.device);
  // The argmax workspace is needed only to back-propagate; inference skips it.
  const onTape = isRecording() && requiresGrad(x);
  const workspace = binding.pool2dForward(kind, x, y, win.kernel, win.stride, win.padding, onTape);
  recordOp(`${kind}Pool2d`, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.pool2dBackward(kind, x, y, dy, dx, workspace, win.kernel, win.stride, win.padding);
    return [dx];
  }, () => workspace?.dispose());
  return y;
}
