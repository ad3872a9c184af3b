// Parameter: a named tensor of a layer, trainable or state (batch norm's running statistics), whose
// shape may be known only at the first forward.
import { Device, cpu } from '../core/device';
import { Tensor, formatShape } from '../core/tensor';
import type { Initializer } from './init';
import { codedError } from '../core/errors';
import { knownOptions } from '../core/check';

/** Options of {@link Parameter}. */
export interface ParameterOptions {
  /**
   * Default true. False makes the parameter state rather than a weight (Gluon's `grad_req='null'`):
   * it gets no gradient, the Trainer leaves it alone, and it is still saved and loaded with the
   * others (batch norm's `running_mean` and `running_var`).
   */
  trainable?: boolean;
}

/** A tensor of a layer (`conv0.weight`), with its gradient when trainable. */
export class Parameter {
  /** Dimensions; 0 marks one inferred at the first forward (Gluon's deferred initialisation). */
  shape: number[];
  private value: Tensor | null = null;
  private pending: { init: Initializer; device: Device } | null = null;
  /** False for state that is saved but not trained (see {@link ParameterOptions.trainable}). */
  readonly trainable: boolean;

  /**
   * @param name - the full name once the layer is in a network, e.g. `conv0.weight`.
   * @param shape - dimensions, 0 where unknown until the first forward.
   * @param defaultInit - used instead of the network's initializer (biases: zeros).
   * @param options.trainable - default true; false for state such as running statistics.
   */
  constructor(public name: string, shape: number[], readonly defaultInit: Initializer | null = null,
    options: ParameterOptions = {}) {
    knownOptions('Parameter', options, ['trainable']);
    this.shape = [...shape];
    this.trainable = options.trainable ?? true;
  }

  /** Gluon's name for {@link Parameter.trainable}: 'write' (gradients written) or 'null' (none). */
  get gradReq(): 'write' | 'null' {
    return this.trainable ? 'write' : 'null';
  }

  /** True once the tensor exists (also after {@link Parameter.dispose}, which frees its memory). */
  get initialized(): boolean {
    return this.value !== null;
  }

  /** True when `dispose()` freed the values or the gradient (of this parameter or its tensors). */
  get disposed(): boolean {
    return this.freed() !== null;
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
    if (this.value) {
      // A storage flag read: cheap enough for every forward, and it names the parameter.
      if (this.value.data.disposed) {
        throw codedError('NC_DISPOSED', `${this.name}: the parameter was disposed (its data was freed with dispose()); ` +
          're-create the network, or call net.initialize() again');
      }
      return this.value;
    }
    if (this.pending) {
      throw codedError('NC_STATE', `${this.name}: shape ${formatShape(this.shape)} is not known yet; run one forward pass first`);
    }
    throw codedError('NC_STATE', `${this.name}: not initialized; call net.initialize() first`);
  }

  /**
   * The gradient written by `backward()`.
   * @throws Error for a parameter that is not trainable (it has no gradient), or disposed.
   */
  grad(): Tensor {
    const t = this.data();
    if (!t.grad) throw codedError('NC_STATE', `${this.name}: not trainable (gradReq 'null'), so it has no gradient`);
    this.checkAlive('Parameter.grad');
    return t.grad;
  }

  /**
   * Throws unless the values and the gradient are still allocated: callers that touch several
   * parameters check them all first, so that a disposed one never leaves a half-done update.
   * @param op - names the caller in the message, e.g. 'Trainer.step'.
   * @param advice - what to do instead ('' for none).
   * @throws Error `Trainer.step: parameter dense0.weight was disposed (its data was freed with dispose()); ...`.
   */
  checkAlive(op: string, advice = 're-create the net and the Trainer'): void {
    const why = this.freed();
    if (why) throw codedError('NC_DISPOSED', `${op}: parameter ${this.name} was disposed (${why})${advice ? `; ${advice}` : ''}`);
  }

  /**
   * Frees the values and the gradient now rather than at garbage collection. Any later use throws
   * an error naming the parameter; `initialize()` gives it new values. Calling it again does nothing.
   */
  dispose(): void {
    this.value?.dispose();
    this.pending = null;
  }

  // What dispose() freed, or null.
  private freed(): string | null {
    if (!this.value) return null;
    if (this.value.data.disposed) return 'its data was freed with dispose()';
    if (this.value.grad?.data.disposed) return 'its gradient was freed with dispose()';
    return null;
  }

  /**
   * Creates the tensor on `device` and fills it with `init` (or this parameter's own default);
   * deferred until the shape is complete.
   */
  initialize(init: Initializer, device: Device, forceReinit = false): void {
    if (this.value && !this.disposed && !forceReinit) return;
    this.value?.dispose();
    this.value = null;
    this.pending = { init: this.defaultInit ?? init, device };
    if (!this.shape.includes(0)) this.materialize();
  }

  /** Completes a deferred shape (called by layers at their first forward). */
  inferShape(shape: number[]): void {
    if (this.value) return;  // a disposed value keeps its shape; data() then says it was disposed
    this.shape = [...shape];
    if (this.pending) this.materialize();
  }

  /** Replaces the values (same shape) from an array, e.g. to load weights. */
  setData(values: ArrayLike<number>): void {
    const t = Tensor.fromArray(values, this.data().shape, this.device);
    if (this.trainable) t.attachGrad();
    this.value!.dispose();
    this.value = t;
  }

  private materialize(): void {
    const { init, device } = this.pending!;
    const t = Tensor.empty(this.shape, device);
    init.fill(t);
    if (this.trainable) t.attachGrad();
    this.value = t;
    this.pending = null;
  }

  /** `Parameter conv0.weight (shape=(6,1,5,5))`. */
  toString(): string {
    return `Parameter ${this.name} (shape=${formatShape(this.shape)})`;
  }
}

/** Parameters by full name (`conv0.weight`), in network order. */
export type ParameterDict = Map<string, Parameter>;
