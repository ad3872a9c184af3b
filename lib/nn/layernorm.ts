// LayerNorm layer, built from existing ops: batchNorm with the samples as its channels normalises
// each sample over its features (the same mean, biased variance, epsilon and gradients), then the
// per-feature gamma and beta are applied by broadcasting.
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { knownOptions, positiveInt } from '../core/check';
import { codedError } from '../core/errors';
import { batchNorm, batchNormRates } from '../ops/batchnorm';
import { reshape } from '../ops/shape';
import { add, multiply } from '../ops/arithmetic';
import { Initializer, One, Zero } from './init';
import { Block } from './block';
import { Parameter } from './parameter';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance before the square root; default 1e-5. */
  epsilon?: number;
  /** Initializer of gamma; default ones. */
  gammaInitializer?: Initializer;
  /** Initializer of beta; default zeros. */
  betaInitializer?: Initializer;
}

/**
 * Layer normalization over the trailing dimensions `normalizedShape`, as PyTorch's
 * `nn.LayerNorm(normalized_shape, eps=1e-5)`: y = (x − mean)/sqrt(var + eps)·gamma + beta, mean and
 * (biased) variance over those dimensions of each sample, gamma and beta of shape normalizedShape.
 * Training and inference compute the same.
 * @example `new nn.LayerNorm([16])` for x (N, 16); `new nn.LayerNorm([C, H, W])` for images.
 */
export class LayerNorm extends Block {
  readonly normalizedShape: number[];
  readonly epsilon: number;
  readonly gamma: Parameter;
  readonly beta: Parameter;

  /** @param normalizedShape - a positive integer or the trailing dimensions of x. */
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super('layernorm');
    knownOptions('LayerNorm', options, ['epsilon', 'gammaInitializer', 'betaInitializer']);
    const dims = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (!Array.isArray(normalizedShape) && typeof normalizedShape !== 'number' || dims.length === 0) {
      throw codedError('NC_ARGUMENT', `LayerNorm: expected a positive integer or a non-empty array for normalizedShape`, TypeError);
    }
    this.normalizedShape = dims.map((d) => positiveInt('LayerNorm', 'normalizedShape', d));
    this.epsilon = batchNormRates('LayerNorm', { epsilon: options.epsilon }).epsilon;
    this.gamma = this.addParameter('gamma', this.normalizedShape, options.gammaInitializer ?? One());
    this.beta = this.addParameter('beta', this.normalizedShape, options.betaInitializer ?? Zero());
  }

  /** Normalises each sample of x (..., ...normalizedShape). */
  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    const k = this.normalizedShape.length;
    if (x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== this.normalizedShape[i])) {
      throw codedError('NC_SHAPE', `${this.name}: expected x ending in ${formatShape(this.normalizedShape)} but received ` +
        `${formatShape(x.shape)}`, RangeError);
    }
    const features = this.normalizedShape.reduce((a, b) => a * b, 1);
    const samples = x.size / features;
    // Samples as batchNorm's channels, the features as its H: statistics per sample over its features.
    const ones = Tensor.ones([samples], x.device), zeros = Tensor.zeros([samples], x.device);
    const normalized = batchNorm(reshape(x, [1, samples, features, 1]), ones, zeros, Tensor.zeros([samples], x.device),
      Tensor.ones([samples], x.device), { epsilon: this.epsilon, training: true });
    return add(multiply(reshape(normalized, x.shape), this.gamma.data()), this.beta.data());
  }

  /** `LayerNorm((16,), eps=1e-05)`, as PyTorch prints it. */
  describe(): string {
    const eps = this.epsilon < 1e-3 ? this.epsilon.toExponential().replace(/e-(\d)$/, 'e-0$1') : String(this.epsilon);
    return `LayerNorm(${formatShape(this.normalizedShape)}, eps=${eps})`;
  }
}
