// Parameter: a named, trainable tensor whose shape may be known only at the first forward.
import { Device, cpu } from '../device';
import { Tensor, formatShape } from '../tensor';
import type { Initializer } from '../init';

/** A trainable tensor of a layer (`conv0.weight`), with its gradient. */
export class Parameter {
  /** Dimensions; 0 marks one inferred at the first forward (Gluon's deferred initialisation). */
  shape: number[];
  private value: Tensor | null = null;
  private pending: { init: Initializer; device: Device } | null = null;

  /**
   * @param name - the full name once the layer is in a network, e.g. `conv0.weight`.
   * @param shape - dimensions, 0 where unknown until the first forward.
   * @param defaultInit - used instead of the network's initializer (biases: zeros).
   */
  constructor(public name: string, shape: number[], readonly defaultInit: Initializer | null = null) {
    this.shape = [...shape];
  }

  /** True once the tensor exists. */
  get initialized(): boolean {
    return this.value !== null;
  }

  /** The device given at `initialize`. */
  get device(): Device {
    return this.value?.device ?? this.pending?.device ?? cpu();
  }

  /**
   * The parameter's tensor.
   * @throws Error before `initialize()` or before the first forward of a deferred shape.
   */
  data(): Tensor {
    if (this.value) return this.value;
    if (this.pending) {
      throw new Error(`${this.name}: shape ${formatShape(this.shape)} is not known yet; run one forward pass first`);
    }
    throw new Error(`${this.name}: not initialized; call net.initialize() first`);
  }

  /** The gradient written by `backward()`. */
  grad(): Tensor {
    return this.data().grad!;
  }

  /**
   * Creates the tensor on `device` and fills it with `init` (or this parameter's own default);
   * deferred until the shape is complete.
   */
  initialize(init: Initializer, device: Device, forceReinit = false): void {
    if (this.value && !forceReinit) return;
    this.value?.dispose();
    this.value = null;
    this.pending = { init: this.defaultInit ?? init, device };
    if (!this.shape.includes(0)) this.materialize();
  }

  /** Completes a deferred shape (called by layers at their first forward). */
  inferShape(shape: number[]): void {
    if (this.value) return;
    this.shape = [...shape];
    if (this.pending) this.materialize();
  }

  /** Replaces the values (same shape) from an array, e.g. to load weights. */
  setData(values: ArrayLike<number>): void {
    const t = Tensor.fromArray(values, this.data().shape, this.device);
    t.attachGrad();
    this.value!.dispose();
    this.value = t;
  }

  private materialize(): void {
    const { init, device } = this.pending!;
    const t = Tensor.empty(this.shape, device);
    init.fill(t);
    t.attachGrad();
    this.value = t;
    this.pending = null;
  }

  /** `Parameter conv0.weight (shape=(6,1,5,5))`. */
  toString(): string {
    return `Parameter ${this.name} (shape=${formatShape(this.shape)})`;
  }
}
