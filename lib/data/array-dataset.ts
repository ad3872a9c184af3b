// ArrayDataset: examples held in flat arrays — float features of any per-example shape, and class
// labels or float targets — as Gluon's `gluon.data.ArrayDataset`, for data that is not images.
import { codedError } from '../core/errors';
import { describeValue, invalidArg, knownOptions } from '../core/check';

/** Class indices (one per example) or float targets (any per-example shape). */
export type ArrayLabels = Int32Array | Uint8Array | number[] | Float32Array;

/** Options of {@link ArrayDataset}. */
export interface ArrayDatasetOptions {
  /** Shape of one example's features, e.g. [3] or [1, 28, 28]; default [features / examples]. */
  featureShape?: number[];
  /** Shape of one example's target (Float32Array labels only), e.g. [2]; default [] (one number). */
  labelShape?: number[];
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function checkShape(op: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw invalidArg(op, name, 'an array of positive integers', shape, Array.isArray(shape) ? RangeError : TypeError);
  }
  return [...shape];
}

/**
 * Examples as arrays: `features` (float32, example after example, each of `featureShape`) and
 * `labels`, either class indices (Int32Array, Uint8Array or number[] of non-negative integers:
 * classification) or float targets (Float32Array, each of `labelShape`: regression). The arrays are
 * read in place, never copied; a {@link DataLoader} batches them into tensors (N, ...featureShape)
 * and (N) or (N, ...labelShape).
 * @example
 * const ds = new ArrayDataset(new Float32Array([0, 1, 2, 3, 4, 5]), new Float32Array([1, 2, 3]), { featureShape: [2] });
 * const loader = new DataLoader(ds, { batchSize: 2, shuffle: true });
 * @throws TypeError or RangeError naming the argument: a label that is not a class index, sizes
 *   that do not divide into examples, a bad shape.
 */
export class ArrayDataset {
  /** The features, example after example. */
  readonly features: Float32Array;
  /** Class indices or float targets, example after example. */
  readonly labels: ArrayLabels;
  /** Number of examples. */
  readonly length: number;
  /** One example's features. */
  readonly featureShape: number[];
  /** One example's target: [] for a class index or a single number. */
  readonly labelShape: number[];
  /** 'class' for class indices (integer arrays), 'target' for float targets (Float32Array). */
  readonly labelKind: 'class' | 'target';

  constructor(features: Float32Array, labels: ArrayLabels, options: ArrayDatasetOptions = {}) {
    const op = 'ArrayDataset';
    if (!(features instanceof Float32Array)) throw invalidArg(op, 'features', 'a Float32Array', features);
    knownOptions(op, options, ['featureShape', 'labelShape']);
    const isTarget = labels instanceof Float32Array;
    if (!isTarget && !(labels instanceof Int32Array || labels instanceof Uint8Array || Array.isArray(labels))) {
      throw invalidArg(op, 'labels', 'an Int32Array, Uint8Array or number[] of class indices, or a Float32Array of targets', labels);
    }
    if (!isTarget && options.labelShape !== undefined && product(checkShape(op, 'labelShape', options.labelShape)) !== 1) {
      throw codedError('NC_ARGUMENT', `${op}: labelShape is for Float32Array targets; class labels are one index per example`, RangeError);
    }
    this.labelShape = options.labelShape === undefined ? [] : checkShape(op, 'labelShape', options.labelShape);
    const perLabel = product(this.labelShape);
    if (labels.length % perLabel !== 0) {
      throw codedError('NC_SHAPE', `${op}: labels has ${labels.length} values, not a whole number of targets of shape ` +
        `[${this.labelShape.join(', ')}]`, RangeError);
    }
    this.length = labels.length / perLabel;
    if (!isTarget) {
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 24) {
          throw codedError('NC_ARGUMENT', `${op}: labels[${i}] is ${describeValue(v)}, not a class index (a non-negative ` +
            'integer); use a Float32Array for float targets (regression)', typeof v === 'number' ? RangeError : TypeError);
        }
      }
    }
    if (options.featureShape !== undefined) {
      this.featureShape = checkShape(op, 'featureShape', options.featureShape);
    } else {
      if (this.length === 0 || features.length % this.length !== 0) {
        throw codedError('NC_SHAPE', `${op}: features has ${features.length} values, not a whole number per example for ` +
          `${this.length} examples; give featureShape`, RangeError);
      }
      this.featureShape = [features.length / this.length];
    }
    if (features.length !== this.length * product(this.featureShape)) {
      throw codedError('NC_SHAPE', `${op}: features has ${features.length} values but ${this.length} examples of ` +
        `[${this.featureShape.join(', ')}] need ${this.length * product(this.featureShape)}`, RangeError);
    }
    this.features = features;
    this.labels = labels;
    this.labelKind = isTarget ? 'target' : 'class';
  }
}
