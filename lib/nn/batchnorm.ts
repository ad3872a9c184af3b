// BatchNorm layer: learned per-channel scale and shift, plus running statistics kept as state.
import { batchNorm, batchNormRates } from '../ops/batchnorm';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { knownOptions, positiveInt } from '../core/check';
import { Initializer, One, Zero } from './init';
import { Block } from './block';
import { Parameter } from './parameter';
import { codedError } from '../core/errors';

/** Options of {@link BatchNorm}, named as Gluon's. */
export interface BatchNormOptions {
  /**
   * Gluon's momentum: running = momentum·running + (1 − momentum)·batch, at every training forward.
   * Default 0.9 (the same as PyTorch's `momentum=0.1`, which weights the batch instead).
   */
  momentum?: number;
  /** Added to the variance before the square root; default 1e-5. */
  epsilon?: number;
  /** Channels (axis 1); default inferred at the first forward. */
  inChannels?: number;
  /** Default ones. */
  gammaInitializer?: Initializer;
  /** Default zeros. */
  betaInitializer?: Initializer;
  /** Default zeros. */
  runningMeanInitializer?: Initializer;
  /** Default ones. */
  runningVarianceInitializer?: Initializer;
}

/**
 * Batch normalization over axis 1, as Gluon's `nn.BatchNorm()`: for images (N, C, H, W) per channel
 * over N, H and W, for a dense layer's output (N, C) per feature over N.
 *
 * In training mode (inside `autograd.record`) it normalises with the batch's mean and (biased)
 * variance and updates the running statistics; in prediction mode (`predict`, outside `record`) it
 * normalises with the running statistics. Parameters: `gamma` (ones) and `beta` (zeros), trained;
 * `running_mean` (zeros) and `running_var` (ones), not trainable: the Trainer leaves them alone, but
 * they are saved and loaded with the others (`batchnorm0.running_mean`). The running variance is
 * the unbiased one (× M/(M−1)), as PyTorch and cuDNN keep it.
 * @example `net.add(new nn.Conv2D(16, 3, { padding: 1 }), new nn.BatchNorm(), new nn.Activation('relu'))`
 */
export class BatchNorm extends Block {
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly runningMean: Parameter;
  readonly runningVar: Parameter;

  constructor(options: BatchNormOptions = {}) {
    super('batchnorm');
    knownOptions('BatchNorm', options, ['momentum', 'epsilon', 'inChannels', 'gammaInitializer', 'betaInitializer',
      'runningMeanInitializer', 'runningVarianceInitializer']);
    ({ momentum: this.momentum, epsilon: this.epsilon } = batchNormRates('BatchNorm', options));
    const c = options.inChannels === undefined ? 0 : positiveInt('BatchNorm', 'inChannels', options.inChannels);
    this.gamma = this.addParameter('gamma', [c], options.gammaInitializer ?? One());
    this.beta = this.addParameter('beta', [c], options.betaInitializer ?? Zero());
    this.runningMean = this.addParameter('running_mean', [c], options.runningMeanInitializer ?? Zero(), { trainable: false });
    this.runningVar = this.addParameter('running_var', [c], options.runningVarianceInitializer ?? One(), { trainable: false });
  }

  /** Normalises x (N, C, H, W) or (N, C); C is inferred at the first call. */
  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    if (x.ndim !== 2 && x.ndim !== 4) {
      throw codedError('NC_SHAPE', `${this.name}: expected x of shape (N,C,H,W) or (N,C) but received ${formatShape(x.shape)}`, RangeError);
    }
    const c = x.shape[1];
    const params = [this.gamma, this.beta, this.runningMean, this.runningVar];
    for (const p of params) p.inferShape([c]);
    if (this.gamma.shape[0] !== c) {
      throw codedError('NC_SHAPE', `${this.name}: has ${this.gamma.shape[0]} channels but x ${formatShape(x.shape)} has ${c}`, RangeError);
    }
    return batchNorm(x, this.gamma.data(), this.beta.data(), this.runningMean.data(), this.runningVar.data(),
      { momentum: this.momentum, epsilon: this.epsilon });
  }

  /** Gluon-style description: `BatchNorm(axis=1, eps=1e-05, momentum=0.9, in_channels=16)`. */
  describe(): string {
    const eps = this.epsilon < 1e-3 ? this.epsilon.toExponential().replace(/e-(\d)$/, 'e-0$1') : String(this.epsilon);
    return `BatchNorm(axis=1, eps=${eps}, momentum=${this.momentum}, in_channels=${this.gamma.shape[0] || 'None'})`;
  }
}
