/**
 * Float64 reference implementations of every op of the library, forward and backward.
 *
 * These are the truth that the native float32 ops are compared against, so they are written to be
 * obviously correct rather than fast: plain loops over row-major Float64Arrays, one output element
 * at a time, with the index arithmetic spelled out. Their backward passes are themselves checked
 * against central finite differences in test/10.reference.test.ts.
 */
import { AssertionError } from 'assert';

/** A dense row-major float64 array. */
export interface Arr {
  data: Float64Array;
  shape: number[];
}

export type PoolKind = 'max' | 'avg';
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh' | 'none';
/** Class indices given as a plain list or as an {@link Arr} of shape (N). */
export type Labels = ArrayLike<number> | Arr;

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A new array of `shape`, zero-filled, or holding a copy of `data` (whose length must match). */
export function arr(shape: readonly number[], data?: ArrayLike<number>): Arr {
  const n = sizeOf(shape);
  if (data !== undefined && data.length !== n) {
    throw new RangeError(`arr: shape [${shape}] needs ${n} values but received ${data.length}`);
  }
  return { data: data === undefined ? new Float64Array(n) : Float64Array.from(data), shape: [...shape] };
}

/** A copy of `x` (data and shape). */
export function clone(x: Arr): Arr {
  return arr(x.shape, x.data);
}

/**
 * Seeded generator (mulberry32): the same seed gives the same sequence on every machine, so a
 * failing test can be rerun exactly. 32 bits per draw is plenty for test data.
 */
export class Rng {
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextU32() / 4294967296);
  }

  /** Normal(mean, std²) by Box-Muller. */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // in (0, 1], so the log is finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/** An array of `shape` with elements uniform in [lo, hi). */
export function randomArr(shape: readonly number[], rng: Rng, lo = -1, hi = 1): Arr {
  const x = arr(shape);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform(lo, hi);
  return x;
}

function values(v: Labels): ArrayLike<number> {
  return 'data' in v ? v.data : v;
}

function expectRank(op: string, name: string, x: Arr, rank: number): void {
  if (x.shape.length !== rank) {
    throw new RangeError(`${op}: expected ${name} of rank ${rank} but received shape [${x.shape}]`);
  }
}

function expectSameSize(op: string, a: Arr, b: Arr | ArrayLike<number>, what: string): void {
  const n = 'data' in b ? b.data.length : b.length;
  if (a.data.length !== n) throw new RangeError(`${op}: ${what} sizes differ (${a.data.length} vs ${n})`);
}

// ---------------------------------------------------------------------------------------------
// Convolution

/** Output size of a convolution or pooling along one axis (floor mode, as cuDNN and PyTorch). */
export function outSize(inSize: number, kernel: number, stride: number, pad: number): number {
  const o = Math.floor((inSize + 2 * pad - kernel) / stride) + 1;
  if (o < 1) throw new RangeError(`outSize: window ${kernel} does not fit size ${inSize} with pad ${pad}`);
  return o;
}

/**
 * 2-D convolution as cross-correlation (the kernel is not flipped) with zero padding:
 * y[n,o,i,j] = b[o] + Σ_{c,p,q} x[n,c, i*sh - ph + p, j*sw - pw + q] * w[o,c,p,q].
 * @param x (N,C,H,W)
 * @param w (O,C,KH,KW)
 * @param b (O) or null
 * @returns y (N,O,OH,OW) with OH = floor((H + 2ph - KH)/sh) + 1
 */
export function conv2d(x: Arr, w: Arr, b: Arr | null, stride: [number, number], pad: [number, number]): Arr {
  expectRank('conv2d', 'x', x, 4);
  expectRank('conv2d', 'w', w, 4);
  const [N, C, H, W] = x.shape;
  const [O, C2, KH, KW] = w.shape;
  if (C !== C2) throw new RangeError(`conv2d: x has ${C} channels but w expects ${C2}`);
  if (b && b.data.length !== O) throw new RangeError(`conv2d: b has ${b.data.length} values, expected ${O}`);
  const [sh, sw] = stride;
  const [ph, pw] = pad;
  const OH = outSize(H, KH, sh, ph);
  const OW = outSize(W, KW, sw, pw);
  const y = arr([N, O, OH, OW]);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let acc = b ? b.data[o] : 0;
          for (let c = 0; c < C; c++) {
            for (let p = 0; p < KH; p++) {
              const h = i * sh - ph + p;
              if (h < 0 || h >= H) continue; // zero padding contributes nothing
              for (let q = 0; q < KW; q++) {
                const v = j * sw - pw + q;
                if (v < 0 || v >= W) continue;
                acc += x.data[((n * C + c) * H + h) * W + v] * w.data[((o * C + c) * KH + p) * KW + q];
              }
            }
          }
          y.data[((n * O + o) * OH + i) * OW + j] = acc;
        }
      }
    }
  }
  return y;
}

/**
 * Gradients of {@link conv2d}: the same loop as the forward, each product x*w sending dy back to
 * both factors.
 * @param x (N,C,H,W)
 * @param w (O,C,KH,KW)
 * @param dy (N,O,OH,OW)
 * @returns dx (N,C,H,W), dw (O,C,KH,KW), db (O)
 */
export function conv2dBackward(x: Arr, w: Arr, dy: Arr, stride: [number, number], pad: [number, number]):
  { dx: Arr; dw: Arr; db: Arr } {
  const [N, C, H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const [sh, sw] = stride;
  const [ph, pw] = pad;
  const OH = outSize(H, KH, sh, ph);
  const OW = outSize(W, KW, sw, pw);
  expectRank('conv2dBackward', 'dy', dy, 4);
  if (dy.shape.join() !== [N, O, OH, OW].join()) {
    throw new RangeError(`conv2dBackward: expected dy of shape [${[N, O, OH, OW]}] but received [${dy.shape}]`);
  }
  const dx = arr(x.shape);
  const dw = arr(w.shape);
  const db = arr([O]);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const g = dy.data[((n * O + o) * OH + i) * OW + j];
          db.data[o] += g;
          for (let c = 0; c < C; c++) {
            for (let p = 0; p < KH; p++) {
              const h = i * sh - ph + p;
              if (h < 0 || h >= H) continue;
              for (let q = 0; q < KW; q++) {
                const v = j * sw - pw + q;
                if (v < 0 || v >= W) continue;
                const xi = ((n * C + c) * H + h) * W + v;
                const wi = ((o * C + c) * KH + p) * KW + q;
                dx.data[xi] += g * w.data[wi];
                dw.data[wi] += g * x.data[xi];
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}

// ---------------------------------------------------------------------------------------------
// Pooling

/**
 * 2-D pooling. 'max' treats padding as -Infinity (it never wins); 'avg' divides by kh*kw always,
 * counting padded cells as zeros (PyTorch's count_include_pad=True, Gluon's default).
 * @param x (N,C,H,W)
 * @returns y (N,C,OH,OW) with OH = floor((H + 2ph - kh)/sh) + 1
 */
export function pool2d(kind: PoolKind, x: Arr, window: [number, number], stride: [number, number],
  pad: [number, number]): Arr {
  expectRank('pool2d', 'x', x, 4);
  const [N, C, H, W] = x.shape;
  const [kh, kw] = window;
  const [sh, sw] = stride;
  const [ph, pw] = pad;
  const OH = outSize(H, kh, sh, ph);
  const OW = outSize(W, kw, sw, pw);
  const y = arr([N, C, OH, OW]);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let acc = kind === 'max' ? -Infinity : 0;
          for (let p = 0; p < kh; p++) {
            const h = i * sh - ph + p;
            if (h < 0 || h >= H) continue;
            for (let q = 0; q < kw; q++) {
              const v = j * sw - pw + q;
              if (v < 0 || v >= W) continue;
              const xv = x.data[((n * C + c) * H + h) * W + v];
              acc = kind === 'max' ? Math.max(acc, xv) : acc + xv;
            }
          }
          y.data[((n * C + c) * OH + i) * OW + j] = kind === 'max' ? acc : acc / (kh * kw);
        }
      }
    }
  }
  return y;
}

/**
 * Gradient of {@link pool2d}. 'max' sends each dy to the first maximal element of its window in
 * row-major scan order (ties go to the earliest); 'avg' spreads dy/(kh*kw) over the real cells.
 * Overlapping windows accumulate.
 * @param x (N,C,H,W), the forward's input
 * @param dy (N,C,OH,OW)
 * @returns dx (N,C,H,W)
 */
export function pool2dBackward(kind: PoolKind, x: Arr, dy: Arr, window: [number, number],
  stride: [number, number], pad: [number, number]): Arr {
  const [N, C, H, W] = x.shape;
  const [kh, kw] = window;
  const [sh, sw] = stride;
  const [ph, pw] = pad;
  const OH = outSize(H, kh, sh, ph);
  const OW = outSize(W, kw, sw, pw);
  if (dy.shape.join() !== [N, C, OH, OW].join()) {
    throw new RangeError(`pool2dBackward: expected dy of shape [${[N, C, OH, OW]}] but received [${dy.shape}]`);
  }
  const dx = arr(x.shape);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          const g = dy.data[((n * C + c) * OH + i) * OW + j];
          let best = -Infinity;
          let bestIndex = -1;
          for (let p = 0; p < kh; p++) {
            const h = i * sh - ph + p;
            if (h < 0 || h >= H) continue;
            for (let q = 0; q < kw; q++) {
              const v = j * sw - pw + q;
              if (v < 0 || v >= W) continue;
              const xi = ((n * C + c) * H + h) * W + v;
              if (kind === 'avg') {
                dx.data[xi] += g / (kh * kw);
              } else if (bestIndex < 0 || x.data[xi] > best) { // strict '>': the first maximum wins
                best = x.data[xi];
                bestIndex = xi;
              }
            }
          }
          if (kind === 'max' && bestIndex >= 0) dx.data[bestIndex] += g;
        }
      }
    }
  }
  return dx;
}

// ---------------------------------------------------------------------------------------------
// Activations

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v)); // exp(-v) = Infinity for v << 0 still gives the right 0
}

/** Elementwise activation; any shape. */
export function activation(kind: ActivationKind, x: Arr): Arr {
  const y = arr(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    y.data[i] = kind === 'relu' ? (v > 0 ? v : 0)
      : kind === 'sigmoid' ? sigmoid(v)
        : kind === 'tanh' ? Math.tanh(v)
          : v;
  }
  return y;
}

/** dx = dy * act'(x), from the forward's input x; relu'(0) = 0. */
export function activationBackward(kind: ActivationKind, x: Arr, dy: Arr): Arr {
  expectSameSize('activationBackward', x, dy, 'x and dy');
  const dx = arr(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    let d: number;
    if (kind === 'relu') d = v > 0 ? 1 : 0;
    else if (kind === 'sigmoid') { const s = sigmoid(v); d = s * (1 - s); }
    else if (kind === 'tanh') { const t = Math.tanh(v); d = 1 - t * t; }
    else d = 1;
    dx.data[i] = dy.data[i] * d;
  }
  return dx;
}

/**
 * dx = dy * act'(x) computed from the forward's output y = act(x), as the native backward does
 * (relu: y > 0; sigmoid: y(1-y); tanh: 1-y²).
 */
export function activationBackwardFromOutput(kind: ActivationKind, y: Arr, dy: Arr): Arr {
  expectSameSize('activationBackwardFromOutput', y, dy, 'y and dy');
  const dx = arr(y.shape);
  for (let i = 0; i < y.data.length; i++) {
    const v = y.data[i];
    const d = kind === 'relu' ? (v > 0 ? 1 : 0)
      : kind === 'sigmoid' ? v * (1 - v)
        : kind === 'tanh' ? 1 - v * v
          : 1;
    dx.data[i] = dy.data[i] * d;
  }
  return dx;
}

// ---------------------------------------------------------------------------------------------
// Dense

/**
 * Fully connected layer y = x wᵀ + b.
 * @param x (N,K); a higher-rank (N,...) input is read as (N, rest), like Gluon's flatten=True
 * @param w (M,K)
 * @param b (M) or null
 * @returns y (N,M)
 */
export function dense(x: Arr, w: Arr, b: Arr | null): Arr {
  expectRank('dense', 'w', w, 2);
  const N = x.shape[0];
  const [M, K] = w.shape;
  if (x.data.length !== N * K) throw new RangeError(`dense: x of shape [${x.shape}] does not have ${K} features`);
  if (b && b.data.length !== M) throw new RangeError(`dense: b has ${b.data.length} values, expected ${M}`);
  const y = arr([N, M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let acc = b ? b.data[m] : 0;
      for (let k = 0; k < K; k++) acc += x.data[n * K + k] * w.data[m * K + k];
      y.data[n * M + m] = acc;
    }
  }
  return y;
}

/**
 * Gradients of {@link dense}: dx = dy w, dw = dyᵀ x, db = Σ_n dy.
 * @param x (N,K) (or (N,...); dx then has x's shape)
 * @param w (M,K)
 * @param dy (N,M)
 */
export function denseBackward(x: Arr, w: Arr, dy: Arr): { dx: Arr; dw: Arr; db: Arr } {
  const N = x.shape[0];
  const [M, K] = w.shape;
  if (dy.shape.join() !== [N, M].join()) {
    throw new RangeError(`denseBackward: expected dy of shape [${[N, M]}] but received [${dy.shape}]`);
  }
  const dx = arr(x.shape);
  const dw = arr(w.shape);
  const db = arr([M]);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const g = dy.data[n * M + m];
      db.data[m] += g;
      for (let k = 0; k < K; k++) {
        dx.data[n * K + k] += g * w.data[m * K + k];
        dw.data[m * K + k] += g * x.data[n * K + k];
      }
    }
  }
  return { dx, dw, db };
}

// ---------------------------------------------------------------------------------------------
// Loss

function checkLabel(op: string, label: number, C: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= C) {
    throw new RangeError(`${op}: label ${label} is not a class index in [0, ${C})`);
  }
  return label;
}

/** Softmax of one row logits[n, :], with the row maximum subtracted so exp never overflows. */
function softmaxRow(logits: Arr, n: number, C: number): { p: Float64Array; logSumExp: number } {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, logits.data[n * C + c]);
  const p = new Float64Array(C);
  let total = 0;
  for (let c = 0; c < C; c++) {
    p[c] = Math.exp(logits.data[n * C + c] - max);
    total += p[c];
  }
  for (let c = 0; c < C; c++) p[c] /= total;
  return { p, logSumExp: max + Math.log(total) };
}

/**
 * Per-sample softmax cross-entropy, loss[n] = logΣ_c exp(z[n,c]) - z[n,label[n]], computed with the
 * maximum subtracted (finite even for logits of 1000).
 * @param logits (N,C)
 * @param labels (N) class indices
 * @returns loss (N)
 */
export function softmaxCrossEntropy(logits: Arr, labels: Labels): Arr {
  expectRank('softmaxCrossEntropy', 'logits', logits, 2);
  const [N, C] = logits.shape;
  const lab = values(labels);
  if (lab.length !== N) throw new RangeError(`softmaxCrossEntropy: ${N} rows but ${lab.length} labels`);
  const loss = arr([N]);
  for (let n = 0; n < N; n++) {
    const l = checkLabel('softmaxCrossEntropy', lab[n], C);
    loss.data[n] = softmaxRow(logits, n, C).logSumExp - logits.data[n * C + l];
  }
  return loss;
}

/**
 * Gradient of {@link softmaxCrossEntropy}: dlogits[n,c] = dloss[n] * (softmax(z[n])[c] - [c = label[n]]).
 * @param logits (N,C)
 * @param labels (N)
 * @param dloss (N)
 * @returns dlogits (N,C)
 */
export function softmaxCrossEntropyBackward(logits: Arr, labels: Labels, dloss: Labels): Arr {
  const [N, C] = logits.shape;
  const lab = values(labels);
  const g = values(dloss);
  if (lab.length !== N || g.length !== N) {
    throw new RangeError(`softmaxCrossEntropyBackward: ${N} rows but ${lab.length} labels and ${g.length} dloss`);
  }
  const dlogits = arr(logits.shape);
  for (let n = 0; n < N; n++) {
    const l = checkLabel('softmaxCrossEntropyBackward', lab[n], C);
    const { p } = softmaxRow(logits, n, C);
    for (let c = 0; c < C; c++) dlogits.data[n * C + c] = g[n] * (p[c] - (c === l ? 1 : 0));
  }
  return dlogits;
}

/**
 * Number of rows of logits (N,C) whose label is among the k best: the rows sorted by score (ties:
 * smaller index first), the label within the first k places.
 */
export function countCorrect(logits: Arr, labels: Labels, k = 1): number {
  const [N, C] = logits.shape;
  const lab = values(labels);
  let correct = 0;
  for (let n = 0; n < N; n++) {
    const order = Array.from({ length: C }, (_, c) => c)
      .sort((a, b) => logits.data[n * C + b] - logits.data[n * C + a] || a - b);
    if (order.slice(0, k).includes(lab[n])) correct++;
  }
  return correct;
}

// ---------------------------------------------------------------------------------------------
// Elementwise, reductions, reshapes

/** Dropout with a given mask (values 0 or 1/(1-p)): y = x * mask. */
export function dropout(x: Arr, mask: Arr): Arr {
  return multiply(x, mask);
}

/** Gradient of {@link dropout}: dx = dy * mask. */
export function dropoutBackward(dy: Arr, mask: Arr): Arr {
  return multiply(dy, mask);
}

/** Elementwise product; sizes must match, the result has a's shape. */
export function multiply(a: Arr, b: Arr): Arr {
  expectSameSize('multiply', a, b, 'operand');
  const y = arr(a.shape);
  for (let i = 0; i < a.data.length; i++) y.data[i] = a.data[i] * b.data[i];
  return y;
}

/** a*x + b*y elementwise (the native axpby's result). */
export function axpby(x: Arr, y: Arr, a: number, b: number): Arr {
  expectSameSize('axpby', x, y, 'operand');
  const out = arr(y.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = a * x.data[i] + b * y.data[i];
  return out;
}

/** One SGD step: w - lr * g. */
export function sgdUpdate(w: Arr, g: Arr, lr: number): Arr {
  return axpby(g, w, -lr, 1);
}

/** Sum of all elements. */
export function sum(x: Arr): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += x.data[i];
  return s;
}

/** Mean of all elements. */
export function mean(x: Arr): number {
  return sum(x) / x.data.length;
}

/** Gradient of {@link sum} for an upstream scalar gradient dy: every element gets dy. */
export function sumBackward(x: Arr, dy = 1): Arr {
  const dx = arr(x.shape);
  dx.data.fill(dy);
  return dx;
}

/** Gradient of {@link mean}: every element gets dy / size. */
export function meanBackward(x: Arr, dy = 1): Arr {
  const dx = arr(x.shape);
  dx.data.fill(dy / x.data.length);
  return dx;
}

/** (N, ...) -> (N, rest); the data is unchanged because the layout is row-major. */
export function flatten(x: Arr): Arr {
  const N = x.shape[0];
  return arr([N, x.data.length / N], x.data);
}

/** Gradient of {@link flatten}: dy reshaped back to x's shape. */
export function flattenBackward(x: Arr, dy: Arr): Arr {
  expectSameSize('flattenBackward', x, dy, 'x and dy');
  return arr(x.shape, dy.data);
}

// ---------------------------------------------------------------------------------------------
// Gradient checking and comparison

/** Σ a[i]·b[i]; with a random b this is the projection loss L = Σ y·r used by gradient checks. */
export function dot(a: Arr | ArrayLike<number>, b: Arr | ArrayLike<number>): number {
  const u = 'data' in a ? a.data : a;
  const v = 'data' in b ? b.data : b;
  if (u.length !== v.length) throw new RangeError(`dot: sizes differ (${u.length} vs ${v.length})`);
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

/**
 * Central finite differences of a scalar function: g[i] = (f(x + h e_i) - f(x - h e_i)) / 2h.
 * `x` is left unchanged (each coordinate is perturbed in a private copy and restored).
 */
export function numericalGradient(f: (x: Arr) => number, x: Arr, h = 1e-6): Float64Array {
  const xp = clone(x);
  const g = new Float64Array(x.data.length);
  for (let i = 0; i < g.length; i++) {
    const v = xp.data[i];
    xp.data[i] = v + h;
    const up = f(xp);
    xp.data[i] = v - h;
    const down = f(xp);
    xp.data[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Scale-free error between two gradients: max|a - e| / max(max|a|, max|e|), 0 when both are zero.
 * Normalising by the largest magnitude, not per element, keeps near-zero entries from dominating.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new RangeError(`relativeError: sizes differ (${actual.length} vs ${expected.length})`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(actual[i]), Math.abs(expected[i]));
  }
  return diff === 0 ? 0 : diff / scale;
}

/** Result of {@link gradCheck}. */
export interface GradCheck {
  /** {@link relativeError} of analytic against numeric. */
  error: number;
  analytic: Float64Array;
  numeric: Float64Array;
}

/**
 * Checks a backward against finite differences through the projection loss L(x) = Σ forward(x)·r,
 * with r random normal so that every output element contributes to the gradient. The analytic
 * gradient of L is backward(r).
 * @param forward the op as a function of the one input being checked (others held fixed)
 * @param backward the claimed gradient with respect to that input, given dy
 * @param x the point at which to check
 */
export function gradCheck(forward: (x: Arr) => Arr, backward: (dy: Arr) => Arr, x: Arr, rng: Rng,
  h = 1e-6): GradCheck {
  const y = forward(x);
  const r = arr(y.shape);
  for (let i = 0; i < r.data.length; i++) r.data[i] = rng.normal();
  const numeric = numericalGradient((xx) => dot(forward(xx), r), x, h);
  const analytic = backward(r).data;
  return { error: relativeError(analytic, numeric), analytic, numeric };
}

/** Options of {@link assertClose}. */
export interface CloseOptions {
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, scaled by |expected| (default 1e-4). */
  rtol?: number;
  /** What is compared; leads the failure message. */
  name?: string;
  /** If given, the worst index is also shown as a multi-index into this shape. */
  shape?: readonly number[];
}

function multiIndex(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${idx.join(',')}]`;
}

/**
 * Asserts |actual[i] - expected[i]| <= atol + rtol*|expected[i]| for every i (numpy's allclose; NaN
 * never passes). On failure throws an AssertionError naming `name`, the number of bad elements, the
 * worst index with both values there, and the first few mismatching pairs.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const { atol = 1e-5, rtol = 1e-4, name = 'values', shape } = opts;
  if (actual.length !== expected.length) {
    throw new AssertionError({ message: `${name}: length ${actual.length} differs from expected ${expected.length}` });
  }
  let bad = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  const firstBad: string[] = [];
  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(7) : String(v));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const tol = atol + rtol * Math.abs(e);
    const diff = Math.abs(a - e);
    if (diff <= tol || (a === e)) continue; // a === e admits equal infinities
    bad++;
    // How far past its tolerance this element is; NaN or Infinity is the worst possible.
    const excess = Number.isFinite(diff) ? diff - tol : Infinity;
    if (worst < 0 || excess > worstExcess) {
      worst = i;
      worstExcess = excess;
    }
    if (firstBad.length < 5) firstBad.push(`[${i}] ${fmt(a)} vs ${fmt(e)}`);
  }
  if (bad === 0) return;
  const at = shape ? ` ${multiIndex(worst, shape)}` : '';
  throw new AssertionError({
    message: `${name}: ${bad} of ${actual.length} elements differ beyond atol=${atol}, rtol=${rtol}; ` +
      `worst at index ${worst}${at}: actual ${fmt(actual[worst])}, expected ${fmt(expected[worst])} ` +
      `(|diff| ${fmt(Math.abs(actual[worst] - expected[worst]))}); first mismatches (actual vs expected): ` +
      firstBad.join(', '),
  });
}
