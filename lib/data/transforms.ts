// Batch transforms. Every transform is made by a factory function (`Resize(224)`, no `new`) and is
// itself a plain function from host batch to host batch, so transforms compose as functions. Most
// also carry `onDevice`, the same transform on a batch tensor where it lives (native code on the
// CPU, kernels on a GPU): the DataLoader then uploads the raw bytes and transforms them there.
import { invalidArg, positiveInt } from '../core/check';
import { Tensor } from '../core/tensor';
import { affineSample } from '../ops/image';
import { axpby } from '../ops/blas';
import { codedError } from '../core/errors';

/** A batch of images on the host, NCHW, row-major. */
export interface ImageBatch {
  /** N*C*H*W elements: bytes 0..255 as stored, or float32 (after {@link ToTensor}). */
  data: Uint8Array | Float32Array;
  /** [N, C, H, W]. */
  shape: [number, number, number, number];
}

/**
 * The on-device form of a transform: from a batch tensor (N, C, H, W) to a new one, drawing any
 * randomness from `random` (uniform in [0, 1), seeded by the DataLoader).
 */
export type DeviceTransform = (x: Tensor, random: () => number) => Tensor;

/** A batch transform: returns a new batch (or the same one when there is nothing to do). */
export interface Transform {
  (batch: ImageBatch): ImageBatch;
  /** The same transform on a tensor, where it lives; absent for host-only transforms. */
  onDevice?: DeviceTransform;
}

/** Checks that `batch` is an ImageBatch whose data fills its shape; returns the shape. */
function checkBatch(op: string, batch: ImageBatch): [number, number, number, number] {
  if (!batch || typeof batch !== 'object') throw invalidArg(op, 'batch', 'an ImageBatch', batch);
  const { data, shape } = batch;
  if (!(data instanceof Uint8Array || data instanceof Float32Array)) {
    throw invalidArg(op, 'batch.data', 'a Uint8Array or a Float32Array', data);
  }
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidArg(op, 'batch.shape', 'four non-negative integers [N, C, H, W]', shape, RangeError);
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (data.length !== size) {
    throw codedError('NC_SHAPE', `${op}: batch.data has ${data.length} elements but shape [${shape.join(', ')}] needs ${size}`, RangeError);
  }
  return shape;
}

/**
 * Converts bytes 0..255 to float32 in [0, 1] (divides by 255), as Gluon's `transforms.ToTensor`
 * (the layout is already NCHW here). A float32 batch is returned unchanged.
 * @returns the transform.
 * @throws (from the transform) TypeError or RangeError when the batch's data does not fill its shape.
 * @example
 * const toTensor = ToTensor();
 * toTensor({ data: Uint8Array.of(0, 255), shape: [1, 1, 1, 2] }).data;  // Float32Array [0, 1]
 */
export function ToTensor(): Transform {
  const toTensor: Transform = (batch) => {
    const shape = checkBatch('ToTensor', batch);
    if (batch.data instanceof Float32Array) return batch;
    const src = batch.data;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
    return { data: out, shape: [...shape] };
  };
  // On a device the batch arrives as floats 0..255; scaling is one pass where it lives.
  toTensor.onDevice = (x) => {
    const y = Tensor.empty(x.shape, x.device);
    axpby(x, y, 1 / 255, 0);
    return y;
  };
  return toTensor;
}

/** For one axis: the two source indices and their weights, per output index. */
interface AxisWeights {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/**
 * PyTorch's linear interpolation with align_corners=False (half-pixel centres): output index d
 * samples source coordinate max((d + 0.5) * in/out - 0.5, 0); the upper neighbour is clamped to the
 * last index. The weights are PyTorch's bit for bit: the scale in/out is rounded to float32, the
 * source coordinate is computed from it in float64, and the weights are rounded to float32 (float64
 * weights would differ from PyTorch's by up to 3e-4 on pixel values 0..255).
 */
function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = Math.fround(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    if (inSize === outSize) {
      i0[d] = i1[d] = d;
      w0[d] = 1;
      continue;
    }
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
    const lo = Math.min(Math.trunc(src), inSize - 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = Math.min(Math.max(src - lo, 0), 1);
    w0[d] = 1 - w1[d];
  }
  return { i0, i1, w0, w1 };
}

/**
 * Resizes every image with bilinear interpolation, matching PyTorch's
 * `F.interpolate(x, size, mode='bilinear', align_corners=False)` (no antialiasing): pixel centres
 * are aligned, and samples beyond the edge take the edge pixel. A uint8 batch gives a uint8 batch
 * (rounded to nearest), a float32 batch a float32 batch. Resizing to the input's size copies it.
 *
 * Unlike Gluon, whose tuple is (width, height), a pair here is `[height, width]`.
 * @param size - the output size: a number for square `size`×`size` images, or `[height, width]`.
 * @returns the transform.
 * @throws TypeError or RangeError when `size` is not a positive integer or a pair of them; the
 *   transform throws when its batch's data does not fill its shape.
 * @example
 * // d2l's load_data_fashion_mnist(batch_size, resize=224): resize the bytes, then scale to [0, 1].
 * const trans = Compose([Resize(224), ToTensor()]);
 */
export function Resize(size: number | [number, number]): Transform {
  let outH: number;
  let outW: number;
  if (Array.isArray(size)) {
    if (size.length !== 2) throw invalidArg('Resize', 'size', 'a positive integer or [height, width]', size, RangeError);
    outH = positiveInt('Resize', 'size', size[0]);
    outW = positiveInt('Resize', 'size', size[1]);
  } else {
    outH = outW = positiveInt('Resize', 'size', size);
  }
  const resize: Transform = (batch) => {
    const [n, c, h, w] = checkBatch('Resize', batch);
    const src = batch.data;
    const out = src instanceof Uint8Array ? new Uint8Array(n * c * outH * outW) : new Float32Array(n * c * outH * outW);
    if (h === outH && w === outW) {
      out.set(src);
      return { data: out, shape: [n, c, outH, outW] };
    }
    if (h === 0 || w === 0) throw codedError('NC_SHAPE', `Resize: cannot resize empty images of size ${h}x${w}`, RangeError);
    const ys = axisWeights(h, outH);
    const xs = axisWeights(w, outW);
    const round = out instanceof Uint8Array;
    const f = Math.fround;
    // PyTorch's float32 evaluation order, with the fused multiply-adds its AVX2 build uses
    // (this reproduces its float32 results exactly): along x within each input row, then along y.
    // The x pass depends only on the input row, so it is done once per row into `rows`.
    const rows = new Float32Array(h * outW);
    for (let plane = 0; plane < n * c; plane++) {
      const inBase = plane * h * w;
      for (let iy = 0; iy < h; iy++) {
        const r = inBase + iy * w;
        const t = iy * outW;
        for (let ox = 0; ox < outW; ox++) {
          rows[t + ox] = f(xs.w0[ox] * src[r + xs.i0[ox]] + f(xs.w1[ox] * src[r + xs.i1[ox]]));
        }
      }
      const outBase = plane * outH * outW;
      for (let oy = 0; oy < outH; oy++) {
        const t0 = ys.i0[oy] * outW;
        const t1 = ys.i1[oy] * outW;
        const wy0 = ys.w0[oy];
        const wy1 = ys.w1[oy];
        const o = outBase + oy * outW;
        for (let ox = 0; ox < outW; ox++) {
          const v = f(wy0 * rows[t0 + ox] + f(wy1 * rows[t1 + ox]));
          // Uint8Array assignment truncates, so round first; v is already within [0, 255].
          out[o + ox] = round ? Math.round(v) : v;
        }
      }
    }
    return { data: out, shape: [n, c, outH, outW] };
  };
  // On a device: the same pixel-centre mapping, source = (out + 0.5)·in/out − 0.5, clamped at 0.
  resize.onDevice = (x) => {
    const [n, , h, w] = x.shape;
    const sx = w / outW;
    const sy = h / outH;
    const m = new Float32Array(n * 6);
    for (let i = 0; i < n; i++) m.set([sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5], i * 6);
    return affineSample(x, outH, outW, m, true);
  };
  return resize;
}

/**
 * Chains transforms, applied first to last.
 * @param transforms - the transforms, e.g. `[Resize(224), ToTensor()]`; an empty list is the identity.
 * @returns the composed transform.
 * @throws TypeError when `transforms` is not an array of functions.
 * @example
 * const trans = Compose([Resize(32), ToTensor()]);
 * const loader = new DataLoader(train, { batchSize: 256, transform: trans });
 */
export function Compose(transforms: Transform[]): Transform {
  if (!Array.isArray(transforms)) throw invalidArg('Compose', 'transforms', 'an array of transforms', transforms);
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw invalidArg('Compose', `transforms[${i}]`, 'a transform (a function)', t);
  });
  const list = [...transforms];
  const composed: Transform = (batch) => list.reduce((b, t) => t(b), batch);
  // On a device only when every part can run there; each intermediate tensor is freed when used.
  if (list.every((t) => t.onDevice)) {
    composed.onDevice = (x, random) => list.reduce((input, t) => {
      const out = t.onDevice!(input, random);
      if (input !== x && out !== input) input.dispose();
      return out;
    }, x);
  }
  return composed;
}
