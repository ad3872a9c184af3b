// Conv2D layer.
import { conv2d } from '../ops/conv';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { knownOptions, nonNegativeInt, pair, positiveInt } from '../core/check';
import { checkPadding } from '../ops/window';
import { Initializer, Zero } from './init';
import { Block } from './block';
import { Parameter } from './parameter';
import { ActivationName, activationOption } from './activation-option';
import { codedError } from '../core/errors';

/** Options of {@link Conv2D}, named as Gluon's. */
export interface Conv2DOptions {
  /** Stride, a number or [sh, sw]; default 1. */
  strides?: number | [number, number];
  /** Zero padding per side, a number or [ph, pw]; default 0. */
  padding?: number | [number, number];
  /** Fused activation; default none. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Initializer of the weight, instead of the one given to `initialize` (Gluon's weight_initializer). */
  weightInitializer?: Initializer;
  /** Initializer of the bias; default zeros (Gluon's bias_initializer). */
  biasInitializer?: Initializer;
  /** Input channels; default inferred at the first forward. */
  inChannels?: number;
  /** Spacing of the kernel's taps, a number or [dh, dw]; default 1. */
  dilation?: number | [number, number];
  /** Channel groups (depthwise: groups = inChannels = channels); must divide both channel counts; default 1. */
  groups?: number;
}

/**
 * 2-d convolution layer, as Gluon's `nn.Conv2D(channels, kernel_size, strides, padding, activation)`.
 * Weight (channels, inChannels/groups, kh, kw), bias (channels).
 * @example `new nn.Conv2D(6, 5, { activation: 'sigmoid' })`
 * @throws TypeError/RangeError for invalid options.
 */
export class Conv2D extends Block {
  readonly channels: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly activation;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  /**
   * @param channels - output channels (positive integer).
   * @param kernelSize - a number or [kh, kw].
   * @param options - strides, padding, dilation, groups, activation, useBias, inChannels.
   */
  constructor(channels: number, kernelSize: number | [number, number], options: Conv2DOptions = {}) {
    super('conv');
    knownOptions('Conv2D', options, ['strides', 'padding', 'activation', 'useBias', 'weightInitializer',
      'biasInitializer', 'inChannels', 'dilation', 'groups']);
    this.channels = positiveInt('Conv2D', 'channels', channels);
    this.kernelSize = pair('Conv2D', 'kernelSize', kernelSize, positiveInt);
    this.strides = pair('Conv2D', 'strides', options.strides ?? 1, positiveInt);
    this.padding = pair('Conv2D', 'padding', options.padding ?? 0, nonNegativeInt);
    this.dilation = pair('Conv2D', 'dilation', options.dilation ?? 1, positiveInt);
    this.groups = positiveInt('Conv2D', 'groups', options.groups ?? 1);
    checkPadding('Conv2D', [0, 1].map((i) => (this.kernelSize[i] - 1) * this.dilation[i] + 1) as [number, number],
      this.padding, 'convolution');
    this.activation = activationOption('Conv2D', options.activation);
    const inChannels = options.inChannels === undefined ? 0 : positiveInt('Conv2D', 'inChannels', options.inChannels);
    this.checkGroups(inChannels);
    this.weight = this.addParameter('weight', [channels, inChannels / this.groups, ...this.kernelSize],
      options.weightInitializer ?? null);
    this.bias = options.useBias === false ? null : this.addParameter('bias', [channels], options.biasInitializer ?? Zero());
  }

  /** act(x ⋆ weight + bias) for x (N, C, H, W); C is inferred at the first call. */
  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    if (x.ndim !== 4) {
      throw codedError('NC_SHAPE', `${this.name}: expected input (N,C,H,W) but received shape ${formatShape(x.shape)}`, RangeError);
    }
    this.checkGroups(x.shape[1]);
    this.weight.inferShape([this.channels, x.shape[1] / this.groups, ...this.kernelSize]);
    return conv2d(x, this.weight.data(), this.bias?.data() ?? null, {
      stride: this.strides, padding: this.padding, activation: this.activation, dilation: this.dilation,
      groups: this.groups,
    });
  }

  // groups must divide the output channels and the input channels (0: not known yet).
  private checkGroups(inChannels: number): void {
    if (this.channels % this.groups !== 0 || inChannels % this.groups !== 0) {
      throw codedError('NC_SHAPE', `${this.name}: groups ${this.groups} must divide both the input channels ` +
        `(${inChannels || 'not yet known'}) and the output channels (${this.channels})`, RangeError);
    }
  }

  /** Gluon-style description: `Conv2D(1 -> 6, kernel_size=(5,5), ...)`. */
  describe(): string {
    const inC = this.weight.shape[1] * this.groups || 'None';
    const act = this.activation === 'none' ? '' : `, Activation(${this.activation})`;
    return `Conv2D(${inC} -> ${this.channels}, kernel_size=${formatShape(this.kernelSize)}, ` +
      `stride=${formatShape(this.strides)}, padding=${formatShape(this.padding)}` +
      `${this.dilation[0] !== 1 || this.dilation[1] !== 1 ? `, dilation=${formatShape(this.dilation)}` : ''}` +
      `${this.groups !== 1 ? `, groups=${this.groups}` : ''}${act})`;
  }
}
