/**
 * Float64 references of the ops added after reference.ts: leaky relu, ELU, the exact GELU and batch
 * normalization (training and inference, forward and backward, running statistics). Same rules as
 * reference.ts: plain loops, written to be obviously correct; each backward is checked against
 * central finite differences in test/84.layers.test.ts.
 */
import { Arr, arr, clone } from './reference';

// ---------------------------------------------------------------------------------------------
// Activations

/**
 * erf(x) to ~1e-16: (2/√π)·e^{−x²}·Σ_{n≥0} 2ⁿ x^{2n+1} / (1·3·…·(2n+1)). Every term is positive, so
 * nothing cancels; past |x| = 6, erf is ±1 to double precision.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 0; term > 1e-17 * sum; n++) {
    term *= (2 * a * a) / (2 * n + 3);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

function map(x: Arr, f: (v: number) => number): Arr {
  const y = arr(x.shape);
  for (let i = 0; i < x.data.length; i++) y.data[i] = f(x.data[i]);
  return y;
}

function mapGrad(x: Arr, dy: Arr, f: (v: number) => number): Arr {
  if (x.data.length !== dy.data.length) throw new RangeError(`sizes differ (${x.data.length} vs ${dy.data.length})`);
  const dx = arr(x.shape);
  for (let i = 0; i < x.data.length; i++) dx.data[i] = dy.data[i] * f(x.data[i]);
  return dx;
}

/** x for x > 0, alpha·x otherwise. */
export function leakyRelu(x: Arr, alpha: number): Arr {
  return map(x, (v) => (v > 0 ? v : alpha * v));
}

/** dy·(1 for x > 0, alpha otherwise); the slope at 0 is alpha, as PyTorch and oneDNN. */
export function leakyReluBackward(x: Arr, dy: Arr, alpha: number): Arr {
  return mapGrad(x, dy, (v) => (v > 0 ? 1 : alpha));
}

/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export function elu(x: Arr, alpha: number): Arr {
  return map(x, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
}

/** dy·(1 for x > 0, alpha·eˣ otherwise). */
export function eluBackward(x: Arr, dy: Arr, alpha: number): Arr {
  return mapGrad(x, dy, (v) => (v > 0 ? 1 : alpha * Math.exp(v)));
}

/** x·Φ(x), the exact GELU. */
export function gelu(x: Arr): Arr {
  return map(x, (v) => v * normalCdf(v));
}

/** dy·(Φ(x) + x·φ(x)), φ the standard normal density. */
export function geluBackward(x: Arr, dy: Arr): Arr {
  return mapGrad(x, dy, (v) => normalCdf(v) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI));
}

// ---------------------------------------------------------------------------------------------
// Batch normalization over axis 1 of (N, C, ...): statistics per channel over N and the rest.

interface Layout {
  N: number;
  C: number;
  /** Elements per (n, c): H·W for images, 1 for (N, C). */
  S: number;
}

function layout(x: Arr): Layout {
  if (x.shape.length < 2) throw new RangeError(`batchNorm: expected x of rank >= 2 but received [${x.shape}]`);
  const [N, C] = x.shape;
  return { N, C, S: x.data.length / (N * C) };
}

/** Index of element s of (n, c). */
const at = (l: Layout, n: number, c: number, s: number): number => (n * l.C + c) * l.S + s;

/** Per-channel mean and biased variance of x. */
export function channelStats(x: Arr): { mean: Float64Array; variance: Float64Array; count: number } {
  const l = layout(x);
  const count = l.N * l.S;
  const mean = new Float64Array(l.C);
  const variance = new Float64Array(l.C);
  for (let c = 0; c < l.C; c++) {
    let s = 0;
    for (let n = 0; n < l.N; n++) for (let k = 0; k < l.S; k++) s += x.data[at(l, n, c, k)];
    mean[c] = s / count;
    let q = 0;
    for (let n = 0; n < l.N; n++) for (let k = 0; k < l.S; k++) q += (x.data[at(l, n, c, k)] - mean[c]) ** 2;
    variance[c] = q / count;
  }
  return { mean, variance, count };
}

/** y = gamma·(x − mean)/sqrt(var + eps) + beta with the given per-channel mean and variance. */
export function batchNormWith(x: Arr, gamma: Arr, beta: Arr, mean: ArrayLike<number>, variance: ArrayLike<number>,
  eps: number): Arr {
  const l = layout(x);
  const y = arr(x.shape);
  for (let c = 0; c < l.C; c++) {
    const invStd = 1 / Math.sqrt(variance[c] + eps);
    for (let n = 0; n < l.N; n++) {
      for (let k = 0; k < l.S; k++) {
        const i = at(l, n, c, k);
        y.data[i] = gamma.data[c] * (x.data[i] - mean[c]) * invStd + beta.data[c];
      }
    }
  }
  return y;
}

/**
 * Training forward: normalises with the batch statistics (biased variance) and returns the updated
 * running statistics, running = momentum·running + (1 − momentum)·batch (Gluon's momentum), the
 * variance unbiased (× M/(M−1)) for the running one. The inputs are not changed.
 */
export function batchNormTrain(x: Arr, gamma: Arr, beta: Arr, runningMean: Arr, runningVar: Arr, momentum: number,
  eps: number): { y: Arr; mean: Float64Array; invStd: Float64Array; runningMean: Arr; runningVar: Arr } {
  const { mean, variance, count } = channelStats(x);
  if (count < 2) throw new RangeError('batchNormTrain: needs more than one value per channel');
  const y = batchNormWith(x, gamma, beta, mean, variance, eps);
  const rm = clone(runningMean);
  const rv = clone(runningVar);
  const invStd = new Float64Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    invStd[c] = 1 / Math.sqrt(variance[c] + eps);
    rm.data[c] = momentum * runningMean.data[c] + (1 - momentum) * mean[c];
    rv.data[c] = momentum * runningVar.data[c] + (1 - momentum) * variance[c] * count / (count - 1);
  }
  return { y, mean, invStd, runningMean: rm, runningVar: rv };
}

/** Inference forward: normalises with the running statistics. */
export function batchNormInfer(x: Arr, gamma: Arr, beta: Arr, runningMean: Arr, runningVar: Arr, eps: number): Arr {
  return batchNormWith(x, gamma, beta, runningMean.data, runningVar.data, eps);
}

/**
 * Gradients of the training forward (the batch statistics depend on x), with M = N·S:
 * dx = invStd/M · (M·ĝ − Σĝ − x̂·Σ(ĝ·x̂)), ĝ = dy·gamma, x̂ = (x − mean)·invStd;
 * dgamma = Σ dy·x̂; dbeta = Σ dy.
 */
export function batchNormTrainBackward(x: Arr, gamma: Arr, dy: Arr, eps: number): { dx: Arr; dgamma: Arr; dbeta: Arr } {
  const l = layout(x);
  const { mean, variance, count: M } = channelStats(x);
  const dx = arr(x.shape);
  const dgamma = arr([l.C]);
  const dbeta = arr([l.C]);
  for (let c = 0; c < l.C; c++) {
    const invStd = 1 / Math.sqrt(variance[c] + eps);
    let sumG = 0;
    let sumGX = 0;
    for (let n = 0; n < l.N; n++) {
      for (let k = 0; k < l.S; k++) {
        const i = at(l, n, c, k);
        const xhat = (x.data[i] - mean[c]) * invStd;
        dgamma.data[c] += dy.data[i] * xhat;
        dbeta.data[c] += dy.data[i];
        sumG += dy.data[i] * gamma.data[c];
        sumGX += dy.data[i] * gamma.data[c] * xhat;
      }
    }
    for (let n = 0; n < l.N; n++) {
      for (let k = 0; k < l.S; k++) {
        const i = at(l, n, c, k);
        const xhat = (x.data[i] - mean[c]) * invStd;
        dx.data[i] = (invStd / M) * (M * dy.data[i] * gamma.data[c] - sumG - xhat * sumGX);
      }
    }
  }
  return { dx, dgamma, dbeta };
}

/** Gradients of the inference forward (fixed statistics): dx = dy·gamma·invStd, dgamma = Σ dy·x̂, dbeta = Σ dy. */
export function batchNormInferBackward(x: Arr, gamma: Arr, runningMean: Arr, runningVar: Arr, dy: Arr, eps: number):
  { dx: Arr; dgamma: Arr; dbeta: Arr } {
  const l = layout(x);
  const dx = arr(x.shape);
  const dgamma = arr([l.C]);
  const dbeta = arr([l.C]);
  for (let c = 0; c < l.C; c++) {
    const invStd = 1 / Math.sqrt(runningVar.data[c] + eps);
    for (let n = 0; n < l.N; n++) {
      for (let k = 0; k < l.S; k++) {
        const i = at(l, n, c, k);
        dx.data[i] = dy.data[i] * gamma.data[c] * invStd;
        dgamma.data[c] += dy.data[i] * (x.data[i] - runningMean.data[c]) * invStd;
        dbeta.data[c] += dy.data[i];
      }
    }
  }
  return { dx, dgamma, dbeta };
}
