// Dense layer: flattens its input and infers the input size at the first forward.
import { dense } from '../ops/dense';
import { flatten } from '../ops/shape';
import { Tensor, requireTensor } from '../core/tensor';
import { knownOptions, positiveInt } from '../core/check';
import { Initializer, Zero } from './init';
import { Block } from './block';
import { Parameter } from './parameter';
import { ActivationName, activationOption } from './activation-option';

/** Options of {@link Dense}, named as Gluon's. */
export interface DenseOptions {
  /** Fused activation; default none. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Initializer of the weight, instead of the one given to `initialize` (Gluon's weight_initializer). */
  weightInitializer?: Initializer;
  /** Initializer of the bias; default zeros (Gluon's bias_initializer). */
  biasInitializer?: Initializer;
  /** Input features; default inferred at the first forward. */
  inUnits?: number;
}

/**
 * Fully connected layer, as Gluon's `nn.Dense(units, activation)`: y = act(flatten(x) wᵀ + b),
 * weight (units, inUnits).
 * @example `new nn.Dense(120, { activation: 'sigmoid' })`
 */
export class Dense extends Block {
  readonly units: number;
  readonly activation;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(units: number, options: DenseOptions = {}) {
    super('dense');
    knownOptions('Dense', options, ['activation', 'useBias', 'weightInitializer', 'biasInitializer', 'inUnits']);
    this.units = positiveInt('Dense', 'units', units);
    this.activation = activationOption('Dense', options.activation);
    const inUnits = options.inUnits === undefined ? 0 : positiveInt('Dense', 'inUnits', options.inUnits);
    this.weight = this.addParameter('weight', [units, inUnits], options.weightInitializer ?? null);
    this.bias = options.useBias === false ? null : this.addParameter('bias', [units], options.biasInitializer ?? Zero());
  }

  /** act(flatten(x) weightᵀ + bias); the input size is inferred at the first call. */
  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    const flat = x.ndim === 2 ? x : flatten(x);
    this.weight.inferShape([this.units, flat.shape[1]]);
    return dense(flat, this.weight.data(), this.bias?.data() ?? null, this.activation);
  }

  /** Gluon-style description: `Dense(256 -> 120, sigmoid)`. */
  describe(): string {
    const act = this.activation === 'none' ? 'linear' : this.activation;
    return `Dense(${this.weight.shape[1] || 'None'} -> ${this.units}, ${act})`;
  }
}
