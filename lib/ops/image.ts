// Batched image resampling and colour changes for the data transforms, where the batch lives; not
// recorded (augmentation comes before the network).
import { Tensor } from '../core/tensor';
import { binding } from '../core/binding';

/**
 * Resamples every image of x (N, C, H, W) into (N, C, outH, outW) through per-image affine maps from
 * output to input pixel coordinates (`matrices`: 6 numbers per image).
 * @param clampEdges - clamp coordinates into the image (resizing) instead of sampling 0 outside.
 */
export function affineSample(x: Tensor, outH: number, outW: number, matrices: Float32Array, clampEdges: boolean): Tensor {
  const [n, c] = x.shape;
  const m = Tensor.fromArray(matrices, [n, 6], x.device);
  const y = Tensor.empty([n, c, outH, outW], x.device);
  binding.affineSample(x, y, m, clampEdges);
  m.dispose();
  return y;
}

/** Scales each image's brightness (its mean) and contrast (its spread about the mean) by its factors (N each). */
export function colorJitter(x: Tensor, brightness: Float32Array, contrast: Float32Array): Tensor {
  const n = x.shape[0];
  const [bt, ct] = [Tensor.fromArray(brightness, [n], x.device), Tensor.fromArray(contrast, [n], x.device)];
  const y = Tensor.empty(x.shape, x.device);
  binding.colorJitter(x, y, bt, ct);
  bt.dispose();
  ct.dispose();
  return y;
}
