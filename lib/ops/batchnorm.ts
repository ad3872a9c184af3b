// batchNorm: per-channel normalization with batch statistics in training, running ones otherwise.
import { binding } from '../core/binding';
import { isRecording, isTraining, recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { invalidArg, knownOptions, numberInRange } from '../core/check';
import { shapeError } from '../core/errors';

/** Options of {@link batchNorm}. */
export interface BatchNormOpOptions {
  /**
   * Weight of the old running statistics in their update, Gluon's definition:
   * running = momentum·running + (1 − momentum)·batch. Default 0.9 (PyTorch's momentum 0.1).
   */
  momentum?: number;
  /** Added to the variance before the square root; default 1e-5. */
  epsilon?: number;
  /** Use (and update) the batch statistics; default: training mode (inside `autograd.record`). */
  training?: boolean;
}

/**
 * momentum (default 0.9, in [0, 1]) and epsilon (default 1e-5, positive and finite), checked in this
 * one place for the op and the layer; throws naming `op`.
 */
export function batchNormRates(op: string, options: { momentum?: number; epsilon?: number }): { momentum: number; epsilon: number } {
  const momentum = numberInRange(op, 'momentum', options.momentum ?? 0.9, 0, 1, true);
  const epsilon = options.epsilon ?? 1e-5;
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw invalidArg(op, 'epsilon', 'a positive number', epsilon, typeof epsilon === 'number' ? RangeError : TypeError);
  }
  return { momentum, epsilon };
}

/**
 * Batch normalization over axis 1: y = gamma·(x − mean)/sqrt(var + epsilon) + beta per channel, the
 * statistics taken over N, H and W.
 *
 * In training, mean and var are the batch's (var biased) and the running statistics are updated
 * in place: runningMean = momentum·runningMean + (1 − momentum)·mean, and the same for runningVar
 * with the unbiased batch variance (× M/(M−1), M = N·H·W), as PyTorch and cuDNN keep it. Otherwise
 * runningMean and runningVar normalise and are not changed.
 *
 * @param x - (N, C, H, W), or (N, C) for a dense layer's output.
 * @param gamma - scale (C). @param beta - shift (C).
 * @param runningMean - (C). @param runningVar - (C).
 * @returns y, of x's shape.
 * @throws RangeError for other ranks, mismatched shapes, or training with one value per channel.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor,
  options: BatchNormOpOptions = {}): Tensor {
  for (const [name, t] of [['x', x], ['gamma', gamma], ['beta', beta], ['runningMean', runningMean],
    ['runningVar', runningVar]] as const) requireTensor('batchNorm', name, t);
  if (x.ndim !== 2 && x.ndim !== 4) {
    throw shapeError('batchNorm', `expected x of shape (N,C,H,W) or (N,C) but received ${formatShape(x.shape)}`);
  }
  const c = x.shape[1];
  for (const [name, t] of [['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t.ndim !== 1 || t.shape[0] !== c) {
      throw shapeError('batchNorm', `expected shape (${c}) for ${name} but received ${formatShape(t.shape)}`);
    }
  }
  knownOptions('batchNorm', options, ['momentum', 'epsilon', 'training']);
  const { momentum, epsilon } = batchNormRates('batchNorm', options);
  const training = options.training ?? isTraining();
  if (training && x.size === c) {
    throw shapeError('batchNorm', `training needs more than one value per channel, but x ${formatShape(x.shape)} has ${x.size / c}`);
  }
  const y = Tensor.empty(x.shape, x.device);
  // The statistics that normalised, for the backward: always in training (the native op writes them),
  // otherwise only when this call is recorded.
  const keep = training || (isRecording() && [x, gamma, beta].some(requiresGrad));
  const saveMean = keep ? Tensor.empty([c], x.device) : null;
  const saveInvStd = keep ? Tensor.empty([c], x.device) : null;
  try {
    binding.batchNormForward(x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd, training, momentum, epsilon);
  } catch (err) {
    for (const t of [y, saveMean, saveInvStd]) t?.dispose();
    throw err;
  }
  recordOp('batchNorm', y, [x, gamma, beta], (dy) => {
    const dx = Tensor.empty(x.shape, x.device);
    const dgamma = Tensor.empty([c], x.device);
    const dbeta = Tensor.empty([c], x.device);
    binding.batchNormBackward(x, gamma, dy, saveMean!, saveInvStd!, dx, dgamma, dbeta, training, epsilon);
    return [dx, dgamma, dbeta];
  }, () => {
    saveMean?.dispose();
    saveInvStd?.dispose();
  });
  return y;
}
