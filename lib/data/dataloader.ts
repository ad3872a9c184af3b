// Mini-batches of an in-memory image dataset as tensors, like Gluon's DataLoader.
import { randomInt } from 'crypto';
import { Tensor } from '../core/tensor';
import { Device, cpu } from '../core/device';
import { describeValue, invalidArg, knownOptions, oneOf, positiveInt } from '../core/check';
import { ImageBatch, ToTensor, Transform } from './transforms';
import { codedError } from '../core/errors';
import { ArrayDataset } from './array-dataset';

/** An in-memory dataset of images, as returned by `loadFashionMNIST`. */
export interface ImageDataset {
  /** length*channels*height*width bytes, example after example, each CHW. */
  images: Uint8Array;
  /** One class index per example. */
  labels: Uint8Array;
  /** Number of examples. */
  length: number;
  height: number;
  width: number;
  channels: number;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Examples per batch (a positive integer). */
  batchSize: number;
  /** Visit the examples in a new random order each epoch; default false. */
  shuffle?: boolean;
  /** Seed of the shuffle order; default a random seed. */
  seed?: number;
  /** Applied to each batch of bytes; default {@link ToTensor} (floats in [0, 1]). */
  transform?: Transform;
  /** Where the batches' tensors are created; default `cpu()`. */
  device?: Device;
  /** 'keep' (default) yields the last, smaller batch; 'discard' drops it. */
  lastBatch?: 'keep' | 'discard';
}

/** murmur3's finaliser: a bijective 32-bit mix, used to derive one epoch's seed. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** mulberry32: a small, fast PRNG with 32-bit state; returns floats in [0, 1). */
function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The permutation of 0..n-1 for one (seed, epoch): Fisher-Yates driven by mulberry32. */
function permutation(n: number, seed: number, epoch: number): Uint32Array {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const rand = mulberry32(fmix32(fmix32(lo ^ fmix32(hi + 0x9e3779b9)) ^ fmix32(epoch + 0x7f4a7c15)));
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

function checkDataset(dataset: ImageDataset | ArrayDataset): void {
  const op = 'DataLoader';
  if (dataset instanceof ArrayDataset) return;  // checked when it was built
  if (!dataset || typeof dataset !== 'object') throw invalidArg(op, 'dataset', 'an ImageDataset or an ArrayDataset', dataset);
  for (const key of ['height', 'width', 'channels'] as const) positiveInt(op, `dataset.${key}`, dataset[key]);
  const { length } = dataset;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
    throw invalidArg(op, 'dataset.length', 'a non-negative integer', length, typeof length === 'number' ? RangeError : TypeError);
  }
  if (!(dataset.images instanceof Uint8Array)) throw invalidArg(op, 'dataset.images', 'a Uint8Array', dataset.images);
  if (!(dataset.labels instanceof Uint8Array)) throw invalidArg(op, 'dataset.labels', 'a Uint8Array', dataset.labels);
  const size = length * dataset.channels * dataset.height * dataset.width;
  if (dataset.images.length !== size) {
    throw codedError('NC_SHAPE', `DataLoader: dataset.images has ${dataset.images.length} bytes but ${length} examples of ` +
      `${dataset.channels}x${dataset.height}x${dataset.width} need ${size}`, RangeError);
  }
  if (dataset.labels.length !== length) {
    throw codedError('NC_SHAPE', `DataLoader: dataset.labels has ${dataset.labels.length} entries but the dataset has ${length} examples`, RangeError);
  }
}

/**
 * Iterates over an {@link ImageDataset} or an {@link ArrayDataset} in mini-batches, like Gluon's
 * `gluon.data.DataLoader`. Each step yields `[X, y]`. For images: X a float32 tensor (B, C, H, W)
 * made by the transform (default {@link ToTensor}: bytes scaled to [0, 1]), y a tensor (B) of class
 * indices as float32. For an ArrayDataset: X (B, ...featureShape) as stored (no transform), y (B)
 * of class indices as float32, or (B, ...labelShape) of float targets.
 *
 * With `shuffle`, every pass over the loader (every `for...of`) visits the examples in a new order,
 * derived from `seed` and the epoch number: two loaders with the same seed give the same sequence
 * of orders. The orders do not depend on the batch size.
 * @example
 * const train = new DataLoader(await loadFashionMNIST({ train: true }), { batchSize: 256, shuffle: true, seed: 0 });
 * for (const [X, y] of train) { ... }
 */
export class DataLoader implements Iterable<[Tensor, Tensor]> {
  /** The examples. */
  readonly dataset: ImageDataset | ArrayDataset;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Whether each epoch visits the examples in a new random order. */
  readonly shuffle: boolean;
  /** Seed of the shuffle orders and augmentations (drawn at random when not given). */
  seed: number;
  /** Applied to each batch of bytes before it becomes a tensor. */
  readonly transform: Transform;
  private readonly nativeToTensor: boolean;
  /** Where the tensors are created. */
  readonly device: Device;
  /** What happens to the last, smaller batch. */
  readonly lastBatch: 'keep' | 'discard';
  private epochs = 0;
  /**
   * The dataset's shape when the loader was built. The loader's length, orders and batch bounds come
   * from it, so a dataset that grows or shrinks later would read the wrong examples, or past the
   * end: each epoch and each batch checks it first (see {@link checkUnchanged}).
   */
  private readonly built: { length: number; images: number; labels: number; example: string };
  /**
   * Timing of the current (or last) epoch: batches handed out, seconds spent preparing batches
   * (the caller waits for data then), seconds since the epoch began.
   */
  stats = { batches: 0, waitSeconds: 0, seconds: 0 };

  /**
   * @param dataset - the examples; its arrays are read, never copied or changed.
   * @param options - `batchSize` (required), `shuffle` (default false), `seed` (default random),
   *   `transform` (default `ToTensor()`), `device` (default `cpu()`), `lastBatch` (default 'keep').
   * @throws TypeError or RangeError naming the option or dataset field that is wrong, e.g.
   *   `DataLoader: expected a positive integer for batchSize but received 0 (number)`.
   */
  constructor(dataset: ImageDataset | ArrayDataset, options: DataLoaderOptions) {
    const op = 'DataLoader';
    checkDataset(dataset);
    if (!options || typeof options !== 'object') throw invalidArg(op, 'options', 'an object with batchSize', options);
    knownOptions(op, options, ['batchSize', 'shuffle', 'seed', 'transform', 'device', 'lastBatch']);
    this.dataset = dataset;
    this.built = describeData(dataset);
    this.batchSize = positiveInt(op, 'batchSize', options.batchSize);
    if (options.shuffle !== undefined && typeof options.shuffle !== 'boolean') {
      throw invalidArg(op, 'shuffle', 'a boolean', options.shuffle);
    }
    this.shuffle = options.shuffle ?? false;
    if (options.seed !== undefined) {
      if (typeof options.seed !== 'number') throw invalidArg(op, 'seed', 'a safe integer', options.seed);
      if (!Number.isSafeInteger(options.seed)) throw invalidArg(op, 'seed', 'a safe integer', options.seed, RangeError);
    }
    this.seed = options.seed ?? randomInt(0, 2 ** 32);
    if (options.transform !== undefined && typeof options.transform !== 'function') {
      throw invalidArg(op, 'transform', 'a transform (a function)', options.transform);
    }
    if (options.transform !== undefined && dataset instanceof ArrayDataset) {
      throw codedError('NC_ARGUMENT', 'DataLoader: transform applies to image datasets (bytes); an ArrayDataset\'s ' +
        'features are floats already and are batched as they are', TypeError);
    }
    this.transform = options.transform ?? ToTensor();
    this.nativeToTensor = options.transform === undefined;
    if (options.device !== undefined && !(options.device instanceof Device)) {
      throw invalidArg(op, 'device', 'a Device', options.device);
    }
    this.device = options.device ?? cpu();
    this.lastBatch = options.lastBatch === undefined ? 'keep' : oneOf(op, 'lastBatch', options.lastBatch, ['keep', 'discard']);
  }

  /** Number of examples in the dataset. */
  get numExamples(): number {
    return this.dataset.length;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.lastBatch === 'keep' ? Math.ceil(n) : Math.floor(n);
  }

  /** Number of epochs started so far (passes begun over the loader). */
  get epoch(): number {
    return this.epochs;
  }

  /** Starts an epoch: fixes its order now, then yields its batches lazily. */
  [Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    return this.iterate(0);
  }

  /**
   * Starts an epoch at batch `from` (to resume an interrupted one): the order is the epoch's as
   * always, so the batches are the ones an uninterrupted epoch would have given from there.
   * @throws RangeError when `from` is not a batch index.
   */
  iterate(from: number): Iterator<[Tensor, Tensor]> & Iterable<[Tensor, Tensor]> {
    if (!Number.isInteger(from) || from < 0 || from > this.length) {
      throw invalidArg('DataLoader.iterate', 'from', `a batch index in [0, ${this.length}]`, from, RangeError);
    }
    this.checkUnchanged();
    const epoch = this.epochs++;
    const order = this.shuffle ? permutation(this.dataset.length, this.seed, epoch) : null;
    return this.batches(order, from, fmix32((this.seed ^ Math.imul(epoch, 0x9e3779b9)) >>> 0));
  }

  /** Replaces the seed (resuming a run that was shuffled with another). */
  setSeed(seed: number): void {
    if (!Number.isSafeInteger(seed)) throw invalidArg('DataLoader.setSeed', 'seed', 'a safe integer', seed, RangeError);
    this.seed = seed;
  }

  /** Sets the number of epochs begun, so that the next one is epoch `n` (resuming training). */
  setEpoch(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw invalidArg('DataLoader.setEpoch', 'n', 'a non-negative integer', n, RangeError);
    this.epochs = n;
  }

  private *batches(order: Uint32Array | null, from: number, epochSeed: number): Generator<[Tensor, Tensor]> {
    const started = process.hrtime.bigint();
    let waiting = 0n;
    this.stats = { batches: 0, waitSeconds: 0, seconds: 0 };
    // One batch of look-ahead: batch b+1 is gathered, uploaded and transformed before batch b is
    // handed over, so on a GPU its preparation overlaps the step the caller queues for batch b.
    let next = from < this.length ? this.prepare(order, from, epochSeed) : null;
    waiting += process.hrtime.bigint() - started;
    try {
      for (let b = from; b < this.length; b++) {
        // Before each batch: the loop bound and the order assume the dataset as it was built.
        this.checkUnchanged();
        const current = next!;
        const t = process.hrtime.bigint();
        next = b + 1 < this.length ? this.prepare(order, b + 1, epochSeed) : null;
        waiting += process.hrtime.bigint() - t;
        this.stats = {
          batches: b + 1 - from,
          waitSeconds: Number(waiting) / 1e9,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        };
        yield current;
      }
    } finally {
      // A loop left early would otherwise strand the batch prepared ahead.
      next?.forEach((t) => t.dispose());
      this.stats.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    }
  }

  /**
   * Throws when the dataset's length, array sizes or example shape differ from when the loader was
   * built (examples added or removed, arrays replaced or their buffers detached).
   */
  private checkUnchanged(): void {
    const now = describeData(this.dataset);
    const was = this.built;
    const changed = (['length', 'images', 'labels', 'example'] as const).filter((k) => now[k] !== was[k]);
    if (changed.length === 0) return;
    const what: Record<typeof changed[number], string> = {
      length: 'length', labels: 'labels.length',
      ...(this.dataset instanceof ArrayDataset ? { images: 'features.length', example: 'example shape' }
        : { images: 'images.length', example: 'example shape (CxHxW)' }),
    };
    throw codedError('NC_STATE', 'DataLoader: the dataset changed after the DataLoader was built: ' +
      `${changed.map((k) => `its ${what[k]} was ${was[k]}, now ${String(now[k])}`).join('; ')}. ` +
      'A loader reads the dataset it was given in place; build a new DataLoader for the new data.');
  }

  /** Batch b of an epoch: its images through the transform, and its labels, as tensors. */
  private prepare(order: Uint32Array | null, b: number, epochSeed: number): [Tensor, Tensor] {
    if (this.dataset instanceof ArrayDataset) return this.prepareArrays(this.dataset, order, b);
    const { images, labels, channels, height, width } = this.dataset;
    const example = channels * height * width;
    const start = b * this.batchSize;
    const size = Math.min(this.batchSize, this.dataset.length - start);
    const bytes = new Uint8Array(size * example);
    const y = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const i = order ? order[start + k] : start + k;
      bytes.set(images.subarray(i * example, (i + 1) * example), k * example);
      y[k] = labels[i];
    }
    const shape: ImageBatch['shape'] = [size, channels, height, width];
    let X: Tensor;
    if (this.nativeToTensor) {
      X = Tensor.fromBytes(bytes, shape, this.device, 1 / 255);  // the default ToTensor, during upload
    } else if (this.transform.onDevice) {
      // Raw bytes go up as floats 0..255 and are transformed where the batch lives.
      const raw = Tensor.fromBytes(bytes, shape, this.device);
      X = this.transform.onDevice(raw, mulberry32((epochSeed + Math.imul(b, 0x85ebca6b)) >>> 0));
      if (X !== raw) raw.dispose();
    } else {
      X = this.toTensor(this.transform({ data: bytes, shape }), size);
    }
    return [X, Tensor.fromArray(y, [size], this.device)];
  }

  /** Batch b of an ArrayDataset: its features and labels gathered, as tensors. */
  private prepareArrays(d: ArrayDataset, order: Uint32Array | null, b: number): [Tensor, Tensor] {
    const start = b * this.batchSize;
    const size = Math.min(this.batchSize, d.length - start);
    const xSize = d.features.length / d.length;
    const ySize = d.labels.length / d.length;
    const x = new Float32Array(size * xSize);
    const y = new Float32Array(size * ySize);
    for (let k = 0; k < size; k++) {
      const i = order ? order[start + k] : start + k;
      x.set(d.features.subarray(i * xSize, (i + 1) * xSize), k * xSize);
      for (let j = 0; j < ySize; j++) y[k * ySize + j] = d.labels[i * ySize + j];
    }
    return [Tensor.fromArray(x, [size, ...d.featureShape], this.device), Tensor.fromArray(y, [size, ...d.labelShape], this.device)];
  }

  private toTensor(batch: ImageBatch, size: number): Tensor {
    const shape = batch?.shape;
    const data = batch?.data;
    if (!Array.isArray(shape) || shape.length !== 4 || shape[0] !== size ||
        !(data instanceof Float32Array || data instanceof Uint8Array)) {
      const got = Array.isArray(shape) ? `shape [${shape.join(', ')}]` : describeValue(batch);
      throw codedError('NC_ARGUMENT', `DataLoader: the transform must return an ImageBatch of ${size} images (shape [${size}, C, H, W]) ` +
        `but returned ${got}`, TypeError);
    }
    // A transform without ToTensor leaves bytes: they become floats 0..255, unscaled.
    return data instanceof Uint8Array ? Tensor.fromBytes(data, shape, this.device) : Tensor.fromArray(data, shape, this.device);
  }
}

/** What a loader checks has not changed since it was built: sizes and the example's shape. */
function describeData(d: ImageDataset | ArrayDataset): { length: number; images: number; labels: number; example: string } {
  if (d instanceof ArrayDataset) {
    return { length: d.length, images: d.features.length, labels: d.labels.length, example: d.featureShape.join('x') };
  }
  return { length: d.length, images: d.images?.length, labels: d.labels?.length, example: `${d.channels}x${d.height}x${d.width}` };
}
