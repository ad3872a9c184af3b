// Tensor: a native float32 buffer + shape + device, and the autograd bookkeeping that goes with it.
import { codedError } from './errors';
import type { Storage } from '../../binding';
import { binding } from './binding';
import { Device, cpu } from './device';
import { invalidArg } from './check';

/**
 * One recorded operation: its inputs and how to turn dL/d(output) into dL/d(inputs). Declared here,
 * beside the `node` field that holds it, so that this file needs nothing from autograd.ts.
 */
export interface TapeNode {
  /** The operation's name, for error messages and debugging. */
  op: string;
  inputs: (Tensor | null)[];
  /** Returns one gradient per input (null where an input needs none). */
  backward: (dy: Tensor) => (Tensor | null)[];
  /** Frees what only the backward needed (pooling workspaces, dropout masks). */
  release?: () => void;
}

// The tape walk behind Tensor.backward(). autograd.ts imports this file, so rather than importing it
// back (a cycle) this file is handed the walk when autograd.ts loads. Only autograd.ts's recordOp
// gives a tensor a tape node, so the walk is registered whenever there is anything to walk.
let walkTape: ((head: Tensor, headGrad?: Tensor) => void) | undefined;

/** @internal Called once, by autograd.ts, with its backward walk. */
export function setTapeWalk(walk: (head: Tensor, headGrad?: Tensor) => void): void {
  walkTape = walk;
}

/** Number of elements of a shape. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Formats a shape the way Gluon prints it: `(1,6,24,24)`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}

function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw invalidArg(op, 'shape', 'an array of positive integers', shape);
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) throw invalidArg(op, 'shape', 'an array of positive integers', shape, RangeError);
  }
  return [...shape];
}

/** A number or nested arrays of numbers, as {@link Tensor.fromArray} takes them (`[[1, 2], [3, 4]]`). */
export type Nested = number | Nested[];

function inferShape(values: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

/**
 * An n-dimensional array of float32 on one device.
 *
 * Create with {@link Tensor.fromArray}, {@link Tensor.zeros}, ...; read back with {@link Tensor.toArray}
 * or {@link Tensor.item}; free at once with {@link Tensor.dispose} (the garbage collector frees what is
 * forgotten).
 */
export class Tensor {
  /** The native buffer. Shared by views made with `reshape`. */
  readonly data: Storage;
  /** Dimensions, outermost first. */
  readonly shape: number[];
  /** Where the data lives. */
  readonly device: Device;
  /** The gradient written by `backward()` once {@link Tensor.attachGrad} was called. */
  grad: Tensor | null = null;
  /** The tape entry that produced this tensor while recording (null for leaves). */
  node: TapeNode | null = null;
  /**
   * @internal Set by containers on the intermediate results that only the tape can reach: `backward`
   * frees them once no gradient needs them, so training memory does not wait for the GC.
   */
  releaseAfterBackward = false;

  /** @internal Use the static constructors. */
  constructor(data: Storage, shape: readonly number[], device: Device) {
    this.data = data;
    this.shape = [...shape];
    this.device = device;
  }

  /**
   * An uninitialised tensor.
   * @param shape - positive integer dimensions.
   * @param device - default `cpu()`.
   * @throws RangeError for a bad shape.
   */
  static empty(shape: readonly number[], device: Device = cpu()): Tensor {
    const dims = checkShape('Tensor.empty', shape);
    return new Tensor(binding.alloc(device.name, 4 * shapeSize(dims)), dims, device);
  }

  /** A tensor filled with `value`. */
  static full(shape: readonly number[], value: number, device: Device = cpu()): Tensor {
    const t = Tensor.empty(shape, device);
    binding.fillConstant(t, value);
    return t;
  }

  /** A tensor of zeros. */
  static zeros(shape: readonly number[], device: Device = cpu()): Tensor {
    return Tensor.full(shape, 0, device);
  }

  /** A tensor of ones. */
  static ones(shape: readonly number[], device: Device = cpu()): Tensor {
    return Tensor.full(shape, 1, device);
  }

  /**
   * A tensor from numbers: a (nested) array or a typed array.
   * @example `Tensor.fromArray([[1, 2], [3, 4]])` has shape [2, 2];
   *          `Tensor.fromArray(new Float32Array(784), [1, 1, 28, 28])`.
   * @param values - the elements, row-major.
   * @param shape - default: inferred from nesting (flat arrays give a 1-d tensor).
   * @param device - default `cpu()`.
   * @throws RangeError when the number of values does not match the shape.
   */
  static fromArray(values: Nested[] | ArrayLike<number>, shape?: readonly number[], device: Device = cpu()): Tensor {
    let flat: Float32Array;
    if (Array.isArray(values)) {
      const inferred = inferShape(values as Nested[]);
      flat = Float32Array.from((values as unknown[]).flat(Infinity as 1) as number[]);
      shape = shape ?? inferred;
    } else if (values && typeof (values as ArrayLike<number>).length === 'number') {
      flat = values instanceof Float32Array ? values : Float32Array.from(values);
      shape = shape ?? [flat.length];
    } else {
      throw invalidArg('Tensor.fromArray', 'values', 'an array or a typed array', values);
    }
    const dims = checkShape('Tensor.fromArray', shape);
    if (shapeSize(dims) !== flat.length) {
      throw codedError('NC_SHAPE', `Tensor.fromArray: ${flat.length} values do not fill shape ${formatShape(dims)}`, RangeError);
    }
    const t = Tensor.empty(dims, device);
    // The native upload checks the length again, at the copy: reading `device` may have run user
    // code (a getter) that detached flat's buffer since the check above.
    try {
      binding.upload(t.data, flat);
    } catch (err) {
      t.dispose();
      throw err;
    }
    return t;
  }

  /**
   * A float tensor from bytes, each multiplied by `scale` (e.g. 1/255 for images), converted by the
   * device that holds it.
   * @throws RangeError when the number of bytes does not match the shape.
   */
  static fromBytes(bytes: Uint8Array, shape: readonly number[], device: Device = cpu(), scale = 1): Tensor {
    if (!(bytes instanceof Uint8Array)) throw invalidArg('Tensor.fromBytes', 'bytes', 'a Uint8Array', bytes);
    const dims = checkShape('Tensor.fromBytes', shape);
    if (shapeSize(dims) !== bytes.length) {
      throw codedError('NC_SHAPE', `Tensor.fromBytes: ${bytes.length} bytes do not fill shape ${formatShape(dims)}`, RangeError);
    }
    const t = Tensor.empty(dims, device);
    try {
      binding.uploadBytes(t.data, bytes, scale);  // checked again natively, as in fromArray
    } catch (err) {
      t.dispose();
      throw err;
    }
    return t;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Copies the elements to a new Float32Array (row-major). */
  toArray(): Float32Array {
    if (this.data.disposed) {
      throw codedError('NC_DISPOSED', `toArray: the tensor ${formatShape(this.shape)} was disposed (its memory was freed with dispose())`);
    }
    const out = new Float32Array(this.size);
    binding.download(this.data, out);
    return out;
  }

  /**
   * The value of a one-element tensor.
   * @throws RangeError when the tensor has more than one element.
   */
  item(): number {
    if (this.size !== 1) throw codedError('NC_SHAPE', `item: expected a one-element tensor but shape is ${formatShape(this.shape)}`, RangeError);
    return this.toArray()[0];
  }

  /**
   * A view with another shape over the same storage (not recorded by autograd; use `ops.reshape`).
   * @throws RangeError when the sizes differ.
   */
  view(shape: readonly number[]): Tensor {
    const dims = checkShape('Tensor.view', shape);
    if (shapeSize(dims) !== this.size) {
      throw codedError('NC_SHAPE', `view: cannot view ${formatShape(this.shape)} as ${formatShape(dims)}`, RangeError);
    }
    return new Tensor(this.data, dims, this.device);
  }

  /**
   * Frees the native memory now (views of the same storage become unusable too); later uses throw
   * an error saying it was disposed. Calling it again does nothing.
   */
  dispose(): void {
    this.data.dispose();
    this.grad?.dispose();
    this.grad = null;
    this.node = null;
  }

  /** Allocates `grad` (zeros) so that `backward()` writes this tensor's gradient into it. */
  attachGrad(): void {
    if (!this.grad) this.grad = Tensor.zeros(this.shape, this.device);
  }

  /**
   * Back-propagates from this tensor through the recorded tape and writes the gradient of every
   * tensor that called {@link Tensor.attachGrad} into its `grad` (overwriting, as Gluon's
   * `grad_req='write'`).
   * @param headGrad - dL/d(this); default ones of this shape (so a per-example loss is summed).
   * @throws Error when this tensor was not computed inside `autograd.record`.
   */
  backward(headGrad?: Tensor): void {
    if (!walkTape) throw codedError('NC_STATE', 'backward: this tensor has no recorded history (autograd was never loaded)');
    walkTape(this, headGrad);
  }

  /** `Tensor(shape=(2,3), device=cpu(0))`. */
  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, device=${this.device})`;
  }
}

/** Throws unless `x` is a live Tensor; used by ops and layers to name bad arguments. */
export function requireTensor(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw invalidArg(op, name, 'a Tensor', x);
  if (x.data.disposed) throw codedError('NC_DISPOSED', `${op}: ${name} was disposed`);
  return x;
}
