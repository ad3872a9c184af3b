// Losses, as Gluon's `gluon.loss`: called per batch, they return one loss per example (the mean over
// each example's elements), or with `reduction` their mean or sum over the batch.
import { softmaxCrossEntropy } from '../ops/loss';
import { abs, log, exp, neg, square } from '../ops/unary';
import { add, greater, multiply, subtract } from '../ops/arithmetic';
import { where } from '../ops/where';
import { mean, sum } from '../ops/reduce';
import { reshape } from '../ops/shape';
import { relu } from '../ops/activation';
import { invalidArg, knownOptions, oneOf } from '../core/check';
import { shapeError } from '../core/errors';
import { Tensor, formatShape, requireTensor } from '../core/tensor';

/** What a loss returns: per example (N), or their mean or sum as a one-element tensor. */
export type Reduction = 'none' | 'mean' | 'sum';
/** Options every loss takes. */
export interface LossOptions {
  /** Default 'none': one loss per example, what `fit` and `Trainer.step(batchSize)` expect. */
  reduction?: Reduction;
}
const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/**
 * Softmax followed by cross-entropy, fused for numerical stability, as Gluon's
 * `loss.SoftmaxCrossEntropyLoss()` with sparse labels.
 * @example
 * const lossFn = new loss.SoftmaxCrossEntropyLoss();
 * const l = autograd.record(() => lossFn.forward(net.forward(X), y));
 * l.backward();
 */
export class SoftmaxCrossEntropyLoss {
  private readonly reduction: Reduction;

  constructor(options: LossOptions = {}) {
    this.reduction = reductionOf('SoftmaxCrossEntropyLoss', options, []);
  }

  /**
   * @param yHat - logits (N, C).
   * @param y - labels (N), class indices as numbers.
   * @returns per-example losses (N), or their mean or sum (1).
   * @throws RangeError when shapes disagree or a label is outside [0, C).
   */
  forward(yHat: Tensor, y: Tensor): Tensor {
    return reduce(softmaxCrossEntropy(yHat, y), this.reduction);
  }
}

/** Element-wise losses between a prediction and a target of the same size. */
abstract class PointwiseLoss {
  protected readonly reduction: Reduction;

  constructor(protected readonly name: string, options: object, own: readonly string[]) {
    this.reduction = reductionOf(name, options, own);
  }

  /**
   * @param pred - predictions (N, ...).
   * @param label - targets with as many elements as pred (viewed in pred's shape, as Gluon does).
   * @returns per-example losses (N): the mean over each example's elements; or their mean or sum (1).
   */
  forward(pred: Tensor, label: Tensor): Tensor {
    requireTensor(this.name, 'pred', pred);
    requireTensor(this.name, 'label', label);
    if (label.size !== pred.size) {
      throw shapeError(this.name, `label ${formatShape(label.shape)} does not match pred ${formatShape(pred.shape)}`);
    }
    const target = label.shape.length === pred.shape.length && label.shape.every((d, i) => d === pred.shape[i])
      ? label : reshape(label, pred.shape);
    const perElement = this.elementwise(pred, target);
    const perExample = pred.shape.length > 1 ? mean(reshape(perElement, [pred.shape[0], -1]), 1) : perElement;
    return reduce(perExample, this.reduction);
  }

  protected abstract elementwise(pred: Tensor, label: Tensor): Tensor;
}

/** ½(pred − label)², as Gluon's `L2Loss`. */
export class L2Loss extends PointwiseLoss {
  constructor(options: LossOptions = {}) {
    super('L2Loss', options, []);
  }

  protected elementwise(pred: Tensor, label: Tensor): Tensor {
    return multiply(square(subtract(pred, label)), 0.5);
  }
}

/** |pred − label|, as Gluon's `L1Loss`. */
export class L1Loss extends PointwiseLoss {
  constructor(options: LossOptions = {}) {
    super('L1Loss', options, []);
  }

  protected elementwise(pred: Tensor, label: Tensor): Tensor {
    return abs(subtract(pred, label));
  }
}

/** Options of {@link HuberLoss}. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  rho?: number;
}

/**
 * Gluon's `HuberLoss`: ½d²/ρ where |d| ≤ ρ, |d| − ½ρ beyond (d = pred − label); with ρ = 1 it is
 * PyTorch's `HuberLoss` and `SmoothL1Loss`.
 */
export class HuberLoss extends PointwiseLoss {
  readonly rho: number;

  constructor(options: HuberLossOptions = {}) {
    super('HuberLoss', options, ['rho']);
    const rho = options.rho ?? 1;
    if (typeof rho !== 'number' || !(rho > 0 && rho < Infinity)) throw invalidArg('HuberLoss', 'rho', 'a positive number', rho);
    this.rho = rho;
  }

  protected elementwise(pred: Tensor, label: Tensor): Tensor {
    const d = abs(subtract(pred, label));
    return where(greater(d, this.rho), subtract(d, 0.5 * this.rho), multiply(square(d), 0.5 / this.rho));
  }
}

/** Options of {@link SigmoidBinaryCrossEntropyLoss}. */
export interface SigmoidBinaryCrossEntropyOptions extends LossOptions {
  /** pred holds probabilities already (default false: logits, with the sigmoid fused in). */
  fromSigmoid?: boolean;
}

/**
 * Binary cross-entropy, as Gluon's `SigmoidBinaryCrossEntropyLoss`: from logits x (stable form
 * relu(x) − x·y + log(1 + e^−|x|)), or from probabilities p with `fromSigmoid`
 * (−y·log(p + 1e-12) − (1 − y)·log(1 − p + 1e-12)). Labels are in [0, 1].
 */
export class SigmoidBinaryCrossEntropyLoss extends PointwiseLoss {
  readonly fromSigmoid: boolean;

  constructor(options: SigmoidBinaryCrossEntropyOptions = {}) {
    super('SigmoidBinaryCrossEntropyLoss', options, ['fromSigmoid']);
    const fromSigmoid = options.fromSigmoid ?? false;
    if (typeof fromSigmoid !== 'boolean') {
      throw invalidArg('SigmoidBinaryCrossEntropyLoss', 'fromSigmoid', 'a boolean', fromSigmoid);
    }
    this.fromSigmoid = fromSigmoid;
  }

  protected elementwise(pred: Tensor, label: Tensor): Tensor {
    if (this.fromSigmoid) {
      const eps = 1e-12;
      const hit = multiply(label, log(add(pred, eps)));
      const miss = multiply(subtract(1, label), log(add(subtract(1, pred), eps)));
      return neg(add(hit, miss));
    }
    const softplusOfMinusAbs = log(add(exp(neg(abs(pred))), 1));
    return add(subtract(relu(pred), multiply(pred, label)), softplusOfMinusAbs);
  }
}

function reductionOf(op: string, options: object, own: readonly string[]): Reduction {
  const checked = knownOptions(op, options as Record<string, unknown>, ['reduction', ...own]);
  return oneOf(op, 'reduction', (checked as LossOptions).reduction ?? 'none', REDUCTIONS);
}

function reduce(perExample: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return perExample;
  return reduction === 'mean' ? mean(perExample) : sum(perExample);
}
