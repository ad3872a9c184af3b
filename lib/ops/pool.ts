// pool2d: max and average pooling. Max pooling on the tape keeps oneDNN's argmax workspace.
import type { PoolKind } from '../../binding';
import { binding } from '../core/binding';
import { isRecording, recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { windowOutput } from './window';

/**
 * 2-d max or average pooling. Average pooling counts padded cells (Gluon's and PyTorch's default).
 * @param kind - 'max' or 'avg'.
 * @param x - input (N, C, H, W).
 * @param window - [kh, kw].
 * @param stride - [sh, sw].
 * @param padding - [ph, pw], each at most half the window.
 * @returns y (N, C, OH, OW).
 * @throws RangeError when the window does not fit.
 */
export function pool2d(kind: PoolKind, x: Tensor, window: [number, number], stride: [number, number],
  padding: [number, number] = [0, 0]): Tensor {
  requireTensor('pool2d', 'x', x);
  if (x.ndim !== 4) throw new RangeError(`pool2d: expected a 4-d x (N,C,H,W) but received ${formatShape(x.shape)}`);
  const [n, c, h, w] = x.shape;
  const oh = windowOutput('pool2d', x.shape, h, window[0], stride[0], padding[0]);
  const ow = windowOutput('pool2d', x.shape, w, window[1], stride[1], padding[1]);
  const y = Tensor.empty([n, c, oh, ow], x.device);
  // The argmax workspace is needed only to back-propagate; inference skips it.
  const onTape = isRecording() && requiresGrad(x);
  const workspace = binding.pool2dForward(kind, x, y, window, stride, padding, onTape);
  recordOp(`${kind}Pool2d`, y, [x], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    binding.pool2dBackward(kind, x, y, dy, dx, workspace, window, stride, padding);
    return [dx];
  }, () => workspace?.dispose());
  return y;
}
