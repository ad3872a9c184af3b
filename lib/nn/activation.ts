// Activation layers: nn.Activation(kind) and Gluon's nn.LeakyReLU, nn.ELU and nn.GELU.
import type { ActivationKind } from '../../binding';
import { activation, defaultAlpha, finiteAlpha } from '../ops/activation';
import { Tensor } from '../core/tensor';
import { knownOptions, oneOf } from '../core/check';
import { Block } from './block';

/** What {@link Activation} accepts. */
export type ActivationLayerKind = Exclude<ActivationKind, 'none'>;
const KINDS: readonly ActivationLayerKind[] = ['relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu'];

/**
 * An activation as a layer, as Gluon's `nn.Activation('relu')`; named after its kind (`relu0`),
 * as in Gluon.
 * @param activation - 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu' or 'gelu' (exact, with erf).
 * @param options.alpha - leaky_relu's negative slope (default 0.01) or elu's alpha (default 1).
 * @example `net.add(new nn.Conv2D(16, 3), new nn.BatchNorm(), new nn.Activation('relu'))`
 */
export class Activation extends Block {
  readonly activation: ActivationLayerKind;
  /** leaky_relu's slope or elu's alpha (0 for the kinds without one). */
  readonly alpha: number;

  constructor(activation: ActivationLayerKind, options: { alpha?: number } = {}, prefix?: string) {
    const kind = oneOf('Activation', 'activation', activation, KINDS);
    super(prefix ?? kind);
    knownOptions(this.constructor.name, options, ['alpha']);
    this.activation = kind;
    this.alpha = finiteAlpha(this.constructor.name, options.alpha ?? defaultAlpha(kind));
  }

  /** act(x), elementwise, any shape. */
  forward(x: Tensor): Tensor {
    return activation(this.activation, x, this.alpha);
  }

  /** `Activation(relu)`. */
  describe(): string {
    const extra = this.activation === 'leaky_relu' || this.activation === 'elu' ? `, alpha=${this.alpha}` : '';
    return `Activation(${this.activation}${extra})`;
  }
}

/**
 * Leaky ReLU, as Gluon's `nn.LeakyReLU(alpha)`: x for x > 0, alpha·x otherwise.
 * @param alpha - the negative slope; default 0.01 (PyTorch's).
 */
export class LeakyReLU extends Activation {
  constructor(alpha = defaultAlpha('leaky_relu')) {
    super('leaky_relu', { alpha }, 'leakyrelu');
  }

  /** `LeakyReLU(0.01)`. */
  describe(): string {
    return `LeakyReLU(${this.alpha})`;
  }
}

/**
 * ELU, as Gluon's `nn.ELU(alpha)`: x for x > 0, alpha·(eˣ − 1) otherwise.
 * @param alpha - default 1.
 */
export class ELU extends Activation {
  constructor(alpha = defaultAlpha('elu')) {
    super('elu', { alpha }, 'elu');
  }

  /** `ELU(alpha=1)`. */
  describe(): string {
    return `ELU(alpha=${this.alpha})`;
  }
}

/** The exact GELU x·Φ(x) (with erf), as Gluon's `nn.GELU()` and PyTorch's default. */
export class GELU extends Activation {
  constructor() {
    super('gelu', {}, 'gelu');
  }

  /** `GELU()`. */
  describe(): string {
    return 'GELU()';
  }
}
