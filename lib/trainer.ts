// Trainer: applies an optimizer to a set of parameters, as Gluon's `gluon.Trainer`.
import { binding } from './binding';
import type { Parameter } from './nn/parameter';
import type { ParameterDict } from './nn/block';
import { invalidArg, numberInRange, oneOf, positiveInt } from './check';
import type { Tensor } from './tensor';

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** Step size (positive). */
  learningRate: number;
}

/**
 * Updates parameters from their gradients.
 * @example
 * const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 });
 * // after l.backward():
 * trainer.step(batchSize);
 */
export class Trainer {
  readonly optimizer: 'sgd';
  learningRate: number;
  private readonly params: Parameter[];

  /**
   * @param params - from `net.collectParams()` (or an array of parameters).
   * @param optimizer - 'sgd' (more optimizers come later).
   * @param options - `learningRate`.
   * @throws TypeError/RangeError for an unknown optimizer or a bad learning rate.
   */
  constructor(params: ParameterDict | Parameter[], optimizer: 'sgd', options: TrainerOptions) {
    if (!(params instanceof Map) && !Array.isArray(params)) {
      throw invalidArg('Trainer', 'params', 'net.collectParams() or an array of Parameters', params);
    }
    this.params = [...(params instanceof Map ? params.values() : params)];
    this.optimizer = oneOf('Trainer', 'optimizer', optimizer, ['sgd']);
    if (typeof options !== 'object' || options === null) {
      throw invalidArg('Trainer', 'options', 'an object such as { learningRate: 0.1 }', options);
    }
    this.learningRate = numberInRange('Trainer', 'learningRate', options.learningRate, 0, Infinity);
  }

  /**
   * What a checkpoint keeps of the optimizer: its settings and per-parameter state tensors (none
   * for plain SGD; momentum and Adam keep theirs here), keyed `<parameter>.<slot>`.
   */
  state(): { optimizer: string; learningRate: number; slots: Map<string, Tensor> } {
    return { optimizer: this.optimizer, learningRate: this.learningRate, slots: new Map() };
  }

  /**
   * Restores what {@link Trainer.state} returned.
   * @throws Error when the saved optimizer is another one.
   */
  loadState(saved: { optimizer: string; learningRate: number }): void {
    if (saved.optimizer !== this.optimizer) {
      throw new Error(`Trainer.loadState: the checkpoint was made with '${saved.optimizer}', this trainer uses '${this.optimizer}'`);
    }
    this.learningRate = saved.learningRate;
  }

  /**
   * One optimizer step. Gradients are divided by `batchSize` (Gluon's rescaling), so a summed
   * per-example loss gives the mean gradient.
   * @param batchSize - examples in the batch that produced the gradients.
   * @throws Error when a parameter has no values yet (run a forward first).
   */
  step(batchSize: number): void {
    positiveInt('Trainer.step', 'batchSize', batchSize);
    const lr = this.learningRate / batchSize;
    for (const p of this.params) {
      const w = p.data();
      binding.sgdUpdate(w, w.grad!, lr);
    }
  }
}
