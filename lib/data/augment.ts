// Random augmentations (Gluon's transforms.RandomFlipLeftRight, RandomResizedCrop, RandomBrightness,
// RandomContrast, plus a small rotation), run on the device that holds the batch. Each is a
// Transform whose host form runs the same code on the CPU backend, so they compose with Resize and
// ToTensor in Compose either way. Randomness comes from the `random` the DataLoader passes (seeded
// per epoch and batch), so the same seed gives the same batches.
import { cpu } from '../core/device';
import { Tensor } from '../core/tensor';
import { invalidArg, knownOptions, numberInRange, positiveInt } from '../core/check';
import { affineSample, colorJitter } from '../ops/image';
import { DeviceTransform, ImageBatch, Transform } from './transforms';

/** A Transform from its device form; the host form runs it on the CPU backend. */
function augmentation(onDevice: DeviceTransform, seedFromBatch = 0x9e3779b9): Transform {
  const host: Transform = (batch: ImageBatch) => {
    const x = batch.data instanceof Uint8Array
      ? Tensor.fromBytes(batch.data, batch.shape, cpu())
      : Tensor.fromArray(batch.data, batch.shape, cpu());
    // Host calls carry no generator: a fixed one keeps them reproducible.
    let state = seedFromBatch;
    const y = onDevice(x, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296));
    const out: ImageBatch = { data: y.toArray(), shape: y.shape as ImageBatch['shape'] };
    x.dispose();
    if (y !== x) y.dispose();
    return out;
  };
  host.onDevice = onDevice;
  return host;
}

/** Maps each image's output pixel (u, v) to its source (x, y): 6 numbers per image. */
type AffineFor = (image: number, random: () => number) => [number, number, number, number, number, number];

function perImageAffine(x: Tensor, outH: number, outW: number, clampEdges: boolean, random: () => number,
  affineFor: AffineFor): Tensor {
  const n = x.shape[0];
  const m = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) m.set(affineFor(i, random), i * 6);
  return affineSample(x, outH, outW, m, clampEdges);
}

/**
 * Flips each image left to right with probability `p`, as Gluon's `RandomFlipLeftRight`.
 * @param p - the probability of a flip, in [0, 1]; default 0.5.
 * @returns the transform (it also runs on the device holding the batch).
 * @throws TypeError when `p` is not a number, RangeError when it is outside [0, 1].
 * @example
 * const trans = Compose([RandomFlipLeftRight(), ToTensor()]);
 */
export function RandomFlipLeftRight(p = 0.5): Transform {
  numberInRange('RandomFlipLeftRight', 'p', p, 0, 1, true);
  return augmentation((x, random) => {
    const [, , h, w] = x.shape;
    return perImageAffine(x, h, w, true, random, () => (random() < p ? [-1, 0, w - 1, 0, 1, 0] : [1, 0, 0, 0, 1, 0]));
  });
}

/** Options of {@link RandomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's; default [0.08, 1]. */
  scale?: [number, number];
  /** Range of the crop's width/height; default [3/4, 4/3]. */
  ratio?: [number, number];
}

/**
 * The crop box [x0, y0, width, height] that RandomResizedCrop takes from an h×w image: area and
 * aspect drawn as torchvision does (10 tries, then the largest centred box of an allowed aspect);
 * always inside the image.
 */
export function randomCropBox(h: number, w: number, random: () => number,
  scale: [number, number] = [0.08, 1], ratio: [number, number] = [3 / 4, 4 / 3]): [number, number, number, number] {
  const area = h * w;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * random());
    const logRatio = Math.log(ratio[0]) + (Math.log(ratio[1]) - Math.log(ratio[0])) * random();
    const aspect = Math.exp(logRatio);
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
      return [Math.floor(random() * (w - cw + 1)), Math.floor(random() * (h - ch + 1)), cw, ch];
    }
  }
  const aspect = Math.min(Math.max(w / h, ratio[0]), ratio[1]);
  const cw = aspect * h <= w ? Math.round(aspect * h) : w;
  const ch = aspect * h <= w ? h : Math.round(w / aspect);
  return [Math.floor((w - cw) / 2), Math.floor((h - ch) / 2), cw, ch];
}

/**
 * Crops a random area and aspect of each image and resizes it to `size` (bilinear), as Gluon's
 * `RandomResizedCrop`: the area is drawn from `scale` times the image's and the width/height from
 * `ratio` (log-uniform), as torchvision does; the crop always lies inside the image.
 * @param size - the output side, or `[height, width]`.
 * @param options - `scale` (default [0.08, 1]) and `ratio` (default [3/4, 4/3]).
 * @returns the transform (it also runs on the device holding the batch).
 * @throws TypeError or RangeError when `size` is not a positive integer (or pair of them), or a
 *   range is empty or out of bounds.
 * @example
 * // Mild crops of a 28x28 batch, back to 28x28 (what loadDataFashionMNIST's augment does).
 * const trans = Compose([RandomResizedCrop(28, { scale: [0.9, 1] }), RandomFlipLeftRight(), ToTensor()]);
 */
export function RandomResizedCrop(size: number | [number, number], options: RandomResizedCropOptions = {}): Transform {
  knownOptions('RandomResizedCrop', options, ['scale', 'ratio']);
  const [outH, outW] = Array.isArray(size)
    ? [positiveInt('RandomResizedCrop', 'size', size[0]), positiveInt('RandomResizedCrop', 'size', size[1])]
    : [positiveInt('RandomResizedCrop', 'size', size), positiveInt('RandomResizedCrop', 'size', size)];
  const scale = options.scale ?? [0.08, 1];
  const ratio = options.ratio ?? [3 / 4, 4 / 3];
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) {
    throw invalidArg('RandomResizedCrop', 'scale', 'a range [lo, hi] with 0 < lo <= hi <= 1', scale, RangeError);
  }
  if (!(ratio[0] > 0 && ratio[0] <= ratio[1])) {
    throw invalidArg('RandomResizedCrop', 'ratio', 'a range [lo, hi] with 0 < lo <= hi', ratio, RangeError);
  }
  return augmentation((x, random) => {
    const [, , h, w] = x.shape;
    return perImageAffine(x, outH, outW, true, random, () => {
      const [x0, y0, cw, ch] = randomCropBox(h, w, random, scale, ratio);
      const sx = cw / outW;
      const sy = ch / outH;
      return [sx, 0, x0 + 0.5 * sx - 0.5, 0, sy, y0 + 0.5 * sy - 0.5];
    });
  });
}

/**
 * Rotates each image by an angle drawn from [−degrees, degrees] about its centre; corners brought
 * in from outside are 0 (black).
 * @param degrees - the largest angle, in [0, 180].
 * @returns the transform (it also runs on the device holding the batch).
 * @throws TypeError when `degrees` is not a number, RangeError when it is outside [0, 180].
 * @example
 * const trans = Compose([RandomRotation(10), ToTensor()]);
 */
export function RandomRotation(degrees: number): Transform {
  numberInRange('RandomRotation', 'degrees', degrees, 0, 180, true);
  return augmentation((x, random) => {
    const [, , h, w] = x.shape;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    return perImageAffine(x, h, w, false, random, () => {
      const angle = ((2 * random() - 1) * degrees * Math.PI) / 180;
      const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
      // source = R(−angle)·(out − centre) + centre
      return [cos, sin, cx - cos * cx - sin * cy, -sin, cos, cy + sin * cx - cos * cy];
    });
  });
}

/** Options of {@link RandomColorJitter}. */
export interface ColorJitterOptions {
  /** Brightness factor drawn from [1 − b, 1 + b]; default 0. */
  brightness?: number;
  /** Contrast factor drawn from [1 − c, 1 + c]; default 0. */
  contrast?: number;
}

/**
 * Scales each image's brightness (its mean) and contrast (its spread about the mean) by random
 * factors, as Gluon's `RandomBrightness` and `RandomContrast` together.
 * @param options - `brightness` and `contrast`, each in [0, 1]; default 0 (no change).
 * @returns the transform (it also runs on the device holding the batch).
 * @throws TypeError or RangeError for an unknown option or a value outside [0, 1].
 * @example
 * const trans = Compose([ToTensor(), RandomColorJitter({ brightness: 0.2, contrast: 0.2 })]);
 */
export function RandomColorJitter(options: ColorJitterOptions): Transform {
  options = knownOptions('RandomColorJitter', options, ['brightness', 'contrast']);
  const b = numberInRange('RandomColorJitter', 'brightness', options.brightness ?? 0, 0, 1, true);
  const c = numberInRange('RandomColorJitter', 'contrast', options.contrast ?? 0, 0, 1, true);
  return augmentation((x, random) => {
    const n = x.shape[0];
    const brightness = new Float32Array(n);
    const contrast = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      brightness[i] = 1 + b * (2 * random() - 1);
      contrast[i] = 1 + c * (2 * random() - 1);
    }
    return colorJitter(x, brightness, contrast);
  });
}

/**
 * Scales each image's brightness by a factor drawn from [1 − brightness, 1 + brightness], as
 * Gluon's `RandomBrightness`; {@link RandomColorJitter} with only `brightness`.
 * @param brightness - in [0, 1].
 * @returns the transform.
 * @throws TypeError when `brightness` is not a number, RangeError when it is outside [0, 1].
 */
export const RandomBrightness = (brightness: number): Transform => RandomColorJitter({ brightness });
/**
 * Scales each image's contrast (its spread about its mean) by a factor drawn from
 * [1 − contrast, 1 + contrast], as Gluon's `RandomContrast`; {@link RandomColorJitter} with only `contrast`.
 * @param contrast - in [0, 1].
 * @returns the transform.
 * @throws TypeError when `contrast` is not a number, RangeError when it is outside [0, 1].
 */
export const RandomContrast = (contrast: number): Transform => RandomColorJitter({ contrast });
