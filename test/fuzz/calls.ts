// Valid calls to every native entry point, built at random from small shapes. The fuzzer mutates
// these, so that most mutated calls get past the first checks and reach the deeper ones.
import type { Storage, TensorRef } from '../../binding';
import { binding } from '../../lib/core/binding';

/** A seeded generator (mulberry32) and the tensors made for one call, disposed after it. */
export class CallContext {
  readonly storages: Storage[] = [];
  private state: number;

  constructor(seed: number, readonly device: string) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)];
  }

  storage(bytes: number): Storage {
    const s = binding.alloc(this.device, bytes);
    this.storages.push(s);
    return s;
  }

  /** A tensor of `shape` filled from U(low, high). */
  tensor(shape: number[], low = -1, high = 1): TensorRef {
    const t = { data: this.storage(4 * shape.reduce((a, b) => a * b, 1)), shape };
    binding.fillUniform(t, low, high, this.int(0, 1e6));
    return t;
  }

  /** A 1-d tensor of class indices in [0, classes). */
  labels(n: number, classes: number): TensorRef {
    const t = { data: this.storage(4 * n), shape: [n] };
    binding.upload(t.data, Float32Array.from({ length: n }, () => this.int(0, classes - 1)));
    return t;
  }

  disposeAll(): void {
    for (const s of this.storages.splice(0)) s.dispose();
  }
}

type Builder = (c: CallContext) => unknown[];

const activations = ['none', 'relu', 'sigmoid', 'tanh'] as const;
const kinds = ['none', 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu'] as const;

// A window (kernel or pooling) that fits an input of h×w with the padding chosen.
function windowOver(c: CallContext, h: number, w: number, maxPad: (k: number) => number) {
  const kh = c.int(1, Math.min(h, 4)), kw = c.int(1, Math.min(w, 4));
  const pad: [number, number] = [c.int(0, maxPad(kh)), c.int(0, maxPad(kw))];
  const stride: [number, number] = [c.int(1, 3), c.int(1, 3)];
  const oh = Math.floor((h + 2 * pad[0] - kh) / stride[0]) + 1, ow = Math.floor((w + 2 * pad[1] - kw) / stride[1]) + 1;
  return { window: [kh, kw] as [number, number], pad, stride, oh, ow };
}

function image(c: CallContext) {
  return { n: c.int(1, 3), ch: c.int(1, 4), h: c.int(1, 9), w: c.int(1, 9) };
}

function conv(c: CallContext) {
  const { n, ch, h, w } = image(c);
  // groups dividing the input channels, and as many output channels per group as 1..2
  const groups = c.pick([1, 2, 3, 4].filter((g) => ch % g === 0));
  const o = groups * c.int(1, 2);
  const win = windowOver(c, h, w, (k) => k - 1);
  // dilation 2 where the dilated kernel still fits the padded input
  const dilate = (size: number, k: number, pad: number) => ((k - 1) * 2 + 1 <= size + 2 * pad && c.next() < 0.4 ? 2 : 1);
  const dilation: [number, number] = [dilate(h, win.window[0], win.pad[0]), dilate(w, win.window[1], win.pad[1])];
  const span = [0, 1].map((i) => (win.window[i] - 1) * dilation[i] + 1);
  const oh = Math.floor((h + 2 * win.pad[0] - span[0]) / win.stride[0]) + 1;
  const ow = Math.floor((w + 2 * win.pad[1] - span[1]) / win.stride[1]) + 1;
  const act = c.pick(activations);
  return {
    x: c.tensor([n, ch, h, w]), w: c.tensor([o, ch / groups, win.window[0], win.window[1]]),
    b: c.next() < 0.5 ? c.tensor([o]) : null, y: c.tensor([n, o, oh, ow]), ...win, oh, ow, act, n, o, dilation, groups,
  };
}

function pool(c: CallContext) {
  const { n, ch, h, w } = image(c);
  const win = windowOver(c, h, w, (k) => Math.floor(k / 2));
  // ceil mode's output size, PyTorch's rule (lib/ops/window.ts windowOutput)
  const ceilMode = c.next() < 0.4, countIncludePad = c.next() < 0.5;
  const size = (s: number, k: number, st: number, p: number) => {
    let out = Math.ceil((s + 2 * p - k) / st) + 1;
    if ((out - 1) * st >= s + p) out -= 1;
    return out;
  };
  const oh = ceilMode ? size(h, win.window[0], win.stride[0], win.pad[0]) : win.oh;
  const ow = ceilMode ? size(w, win.window[1], win.stride[1], win.pad[1]) : win.ow;
  return {
    kind: c.pick(['max', 'avg'] as const), x: c.tensor([n, ch, h, w]), y: c.tensor([n, ch, oh, ow]), ...win, oh, ow,
    ceilMode, countIncludePad,
  };
}

function batchNorm(c: CallContext) {
  const { n, ch, h, w } = image(c);
  const shape = c.next() < 0.3 ? [n + 1, ch] : [n + 1, ch, h, w];  // at least two values per channel
  const perChannel = () => c.tensor([ch]);
  return { shape, x: c.tensor(shape), gamma: perChannel(), beta: perChannel(), mean: perChannel(), invStd: c.tensor([ch], 0.5, 2) };
}

function dense(c: CallContext) {
  const n = c.int(1, 6), k = c.int(1, 9), m = c.int(1, 7);
  return { x: c.tensor([n, k]), w: c.tensor([m, k]), b: c.next() < 0.5 ? c.tensor([m]) : null, y: c.tensor([n, m]), n, k, m };
}

function logits(c: CallContext) {
  const n = c.int(1, 8), classes = c.int(1, 12);
  return { logits: c.tensor([n, classes], -5, 5), labels: c.labels(n, classes), n, classes };
}

function sameShape(c: CallContext, count: number): TensorRef[] {
  const shape = Array.from({ length: c.int(1, 4) }, () => c.int(1, 6));
  return Array.from({ length: count }, () => c.tensor(shape));
}

function optimizer(c: CallContext): unknown[] {
  const rule = c.pick(['sgd', 'adam', 'rmsprop', 'adagrad'] as const);
  const [w, grad] = sameShape(c, 2);
  const state = () => c.tensor(w.shape as number[], 0, 1);
  const hyper: Record<string, number | boolean> = { lr: 0.1, rescale: 1 / c.int(1, 64) };
  if (c.next() < 0.3) hyper.weightDecay = 1e-4;
  if (c.next() < 0.2) hyper.clipValue = 0.5;
  const clipNorm = c.next() < 0.2;
  if (clipNorm) hyper.maxNorm = 1;
  const states: (TensorRef | null)[] = [null, null, null];
  if (rule === 'sgd') {
    hyper.momentum = c.pick([0, 0.9]);
    if (hyper.momentum) states[0] = state();
    hyper.firstStep = c.next() < 0.5;
    hyper.nesterov = hyper.momentum !== 0 && c.next() < 0.5;
  } else if (rule === 'adam') {
    Object.assign(hyper, { beta1: 0.9, beta2: 0.999, step: c.int(1, 100), epsilon: 1e-8, amsgrad: c.next() < 0.5 });
    states[0] = state();
    states[1] = state();
    if (hyper.amsgrad) states[2] = state();
  } else if (rule === 'rmsprop') {
    Object.assign(hyper, { alpha: 0.99, epsilon: 1e-8, momentum: c.pick([0, 0.9]), centered: c.next() < 0.5 });
    states[0] = state();
    if (hyper.momentum) states[1] = state();
    if (hyper.centered) states[2] = state();
  } else {
    hyper.epsilon = 1e-10;
    states[0] = state();
  }
  const normSq = clipNorm ? c.tensor([1], 0, 4) : null;
  return [rule, w, grad, ...states, hyper, normSq];
}

/** One builder per native entry point; the fuzzer checks that this list covers the binding. */
export const builders: Record<string, Builder> = {
  backendInfo: () => [],
  memoryInfo: (c) => [c.device],
  tensorLayout: (c) => [c.tensor([2, 16, 3, 3])],
  emptyCache: (c) => [c.device, c.pick([0, 1, 20000])],
  setGpuPrecision: (c) => [c.pick(['tf32', 'fp32'])],
  setDeterministic: (c) => [c.next() < 0.5],
  convolutionAlgorithms: () => [],
  alloc: (c) => [c.device, c.int(1, 4096)],
  upload: (c) => {
    const k = c.int(1, 64);
    return [c.storage(4 * k), new Float32Array(k)];
  },
  uploadBytes: (c) => {
    const k = c.int(1, 64);
    return [c.storage(4 * k), new Uint8Array(k), 1 / 255];
  },
  download: (c) => {
    const k = c.int(1, 64);
    return [c.storage(4 * k), new Float32Array(k)];
  },
  fillConstant: (c) => [sameShape(c, 1)[0], c.next()],
  fillUniform: (c) => [sameShape(c, 1)[0], -1, 1, c.int(0, 1e6)],
  fillNormal: (c) => [sameShape(c, 1)[0], 0, 1, c.int(0, 1e6)],
  axpby: (c) => [...sameShape(c, 2), c.next(), c.next()],
  multiply: (c) => sameShape(c, 3),
  sum: (c) => [sameShape(c, 1)[0], c.tensor([1])],
  binary: (c) => {
    // a broadcast pair: b takes a's trailing dimensions with some set to 1
    const a = [c.int(1, 4), c.int(1, 5), c.int(1, 6)];
    const b = a.slice(c.int(0, 2)).map((d) => (c.next() < 0.5 ? 1 : d));
    return [c.pick(['add', 'subtract', 'multiply', 'divide']), c.tensor(a), c.tensor(b), c.tensor(a)];
  },
  binaryBackward: (c) => {
    const a = [c.int(1, 4), c.int(1, 5), c.int(1, 6)];
    const b = a.slice(c.int(0, 2)).map((d) => (c.next() < 0.5 ? 1 : d));
    return [c.pick(['add', 'subtract', 'multiply', 'divide']), c.tensor(a), c.tensor(b), c.tensor(a),
      c.next() < 0.8 ? c.tensor(a) : null, c.next() < 0.8 ? c.tensor(a) : null];
  },
  sumTo: (c) => {
    const x = [c.int(1, 4), c.int(1, 5), c.int(1, 6)];
    return [c.tensor(x), c.tensor(x.slice(c.int(0, 2)).map((d) => (c.next() < 0.5 ? 1 : d)))];
  },
  sumSquares: (c) => [sameShape(c, 1)[0], c.tensor([1]), c.next() < 0.5],
  conv2dForward: (c) => {
    const k = conv(c);
    return [k.x, k.w, k.b, k.y, k.stride, k.pad, k.act, k.dilation, k.groups];
  },
  conv2dBackward: (c) => {
    const k = conv(c);
    const dx = c.next() < 0.7 ? c.tensor(k.x.shape as number[]) : null;
    const db = c.next() < 0.5 ? c.tensor([k.o]) : null;
    return [k.x, k.w, k.act === 'none' && c.next() < 0.5 ? null : k.y, c.tensor(k.y.shape as number[]), dx,
      c.tensor(k.w.shape as number[]), db, k.stride, k.pad, k.act, k.dilation, k.groups];
  },
  pool2dForward: (c) => {
    const p = pool(c);
    return [p.kind, p.x, p.y, p.window, p.stride, p.pad, c.next() < 0.5, p.ceilMode, p.countIncludePad];
  },
  pool2dBackward: (c) => {
    const p = pool(c);
    const workspace = binding.pool2dForward(p.kind, p.x, p.y, p.window, p.stride, p.pad, true, p.ceilMode, p.countIncludePad);
    if (workspace) c.storages.push(workspace);
    return [p.kind, p.x, p.y, c.tensor(p.y.shape as number[]), c.tensor(p.x.shape as number[]), workspace,
      p.window, p.stride, p.pad, p.ceilMode, p.countIncludePad];
  },
  activationForward: (c) => [c.pick(kinds), ...sameShape(c, 2), c.next()],
  activationBackward: (c) => [c.pick(kinds), ...sameShape(c, 4), c.next()],
  batchNormForward: (c) => {
    const b = batchNorm(c);
    const training = c.next() < 0.5;
    const runningVar = c.tensor([b.gamma.shape[0]], 0.5, 2);
    const save = training || c.next() < 0.5;
    return [b.x, b.gamma, b.beta, c.tensor([b.gamma.shape[0]]), runningVar, c.tensor(b.shape),
      save ? b.mean : null, save ? b.invStd : null, training, 0.9, 1e-5];
  },
  batchNormBackward: (c) => {
    const b = batchNorm(c);
    return [b.x, b.gamma, c.tensor(b.shape), b.mean, b.invStd, c.tensor(b.shape), c.tensor(b.gamma.shape as number[]),
      c.tensor(b.gamma.shape as number[]), c.next() < 0.5, 1e-5];
  },
  denseForward: (c) => {
    const d = dense(c);
    return [d.x, d.w, d.b, d.y, c.pick(activations)];
  },
  denseBackward: (c) => {
    const d = dense(c);
    return [d.x, d.w, c.tensor([d.n, d.m]), c.next() < 0.7 ? c.tensor([d.n, d.k]) : null, c.tensor([d.m, d.k]),
      c.next() < 0.5 ? c.tensor([d.m]) : null];
  },
  softmaxCrossEntropy: (c) => {
    const l = logits(c);
    return [l.logits, l.labels, c.tensor([l.n])];
  },
  softmaxCrossEntropyBackward: (c) => {
    const l = logits(c);
    return [l.logits, l.labels, c.tensor([l.n]), c.tensor([l.n, l.classes])];
  },
  countCorrect: (c) => {
    const l = logits(c);
    return [l.logits, l.labels, c.pick([1, 2, 5])];
  },
  accumulateCorrect: (c) => {
    const l = logits(c);
    return [l.logits, l.labels, c.tensor([1]), c.pick([1, 3])];
  },
  dropoutForward: (c) => [...sameShape(c, 3), c.pick([0, 0.1, 0.5, 0.9]), c.int(0, 1e6)],
  optimizerUpdate: optimizer,
  affineSample: (c) => {
    const { n, ch, h, w } = image(c);
    return [c.tensor([n, ch, h, w]), c.tensor([n, ch, c.int(1, 9), c.int(1, 9)]), c.tensor([n, 6], -2, 2), c.next() < 0.5];
  },
  colorJitter: (c) => {
    const { n, ch, h, w } = image(c);
    return [c.tensor([n, ch, h, w]), c.tensor([n, ch, h, w]), c.tensor([n], 0, 2), c.tensor([n], 0, 2)];
  },
  // Unary ops, clip and where
  unary: (c) => [c.pick(unaryKinds), ...sameShape(c, 2)],
  unaryBackward: (c) => [c.pick(unaryKinds), ...sameShape(c, 4)],
  clip: (c) => [...sameShape(c, 2), clipBound(c), clipBound(c)],
  clipBackward: (c) => [...sameShape(c, 3), clipBound(c), clipBound(c)],
  where: (c) => {
    // a has the output's shape; condition and b take its trailing dimensions with some set to 1
    const out = [c.int(1, 4), c.int(1, 5), c.int(1, 6)];
    const some = () => out.slice(c.int(0, 2)).map((d) => (c.next() < 0.5 ? 1 : d));
    return [c.tensor(some()), c.tensor(out), c.tensor(some()), c.tensor(out)];
  },
  whereBackward: (c) => {
    const out = [c.int(1, 4), c.int(1, 5), c.int(1, 6)];
    return [c.tensor(out.slice(c.int(0, 2)).map((d) => (c.next() < 0.5 ? 1 : d))), c.tensor(out),
      c.next() < 0.8 ? c.tensor(out) : null, c.next() < 0.8 ? c.tensor(out) : null];
  },
  matmul: (c) => {
    // batch axes that broadcast (some set to 1, b of lower rank at times), each operand maybe transposed
    const batch = [c.int(1, 3), c.int(1, 4)];
    const [bA, bB] = [batch, batch.slice(c.int(0, 2))].map((s) => s.map((d) => (c.next() < 0.3 ? 1 : d)));
    const [m, k, n] = [c.int(1, 7), c.int(1, 9), c.int(1, 7)];
    const [tA, tB] = [c.next() < 0.5, c.next() < 0.5];
    const y = batch.map((d, i) => (bA[i] === 1 && (bB[i - batch.length + bB.length] ?? 1) === 1 ? 1 : d));
    return [c.tensor([...bA, ...(tA ? [k, m] : [m, k])]), c.tensor([...bB, ...(tB ? [n, k] : [k, n])]),
      c.tensor([...y, m, n]), tA, tB];
  },
  // reductions and softmax along axes
  reduce: (c) => {
    const r = axisRun(c);
    const kind = c.pick(['sum', 'mean', 'max', 'min', 'argmax', 'argmin'] as const);
    const indices = (kind === 'max' || kind === 'min') && c.next() < 0.5 ? c.tensor(r.reduced) : null;
    return [kind, r.x, c.tensor(r.reduced), indices, r.start, r.end];
  },
  reduceBackward: (c) => {
    const r = axisRun(c);
    const kind = c.pick(['sum', 'mean', 'max', 'min'] as const);
    const indices = kind === 'max' || kind === 'min' ? positions(c, r.reduced, r.extent) : null;
    return [kind, c.tensor(r.reduced), indices, r.x, r.start, r.end];
  },
  softmaxForward: (c) => {
    const [x, y] = sameShape(c, 2);
    return [x, y, c.int(0, x.shape.length - 1), c.next() < 0.5];
  },
  softmaxBackward: (c) => {
    const [y, dy, dx] = sameShape(c, 3);
    return [y, dy, dx, c.int(0, y.shape.length - 1), c.next() < 0.5];
  },
  // A transpose of a random box, sometimes read backwards along its first axis.
  copyStrided: (c) => {
    const shape = Array.from({ length: c.int(1, 4) }, () => c.int(1, 6));
    const contiguous = (s: number[]) => s.map((_, d) => s.slice(d + 1).reduce((a, b) => a * b, 1));
    const perm = shape.map((_, d) => d).sort(() => c.next() - 0.5);
    const box = perm.map((a) => shape[a]), srcStrides = perm.map((a) => contiguous(shape)[a]);
    let srcOffset = 0;
    if (c.next() < 0.3) {
      srcOffset = (box[0] - 1) * srcStrides[0];
      srcStrides[0] = -srcStrides[0];
    }
    return [c.tensor(shape), c.tensor(box), box, srcStrides, srcOffset, contiguous(box), 0];
  },
};

const unaryKinds = ['neg', 'abs', 'square', 'sqrt', 'exp', 'log', 'reciprocal', 'sign'] as const;
/** A bound of clip: a number, an infinity or none. */
const clipBound = (c: CallContext): number | null => c.pick([null, -Infinity, Infinity, c.next() * 4 - 2]);

/** A tensor, a run [start, end) of its axes, the run's extent and the reduced shape (kept dimensions). */
function axisRun(c: CallContext) {
  const x = sameShape(c, 1)[0], shape = x.shape as number[];
  const start = c.int(0, shape.length - 1), end = c.int(start + 1, shape.length);
  const extent = shape.slice(start, end).reduce((a, b) => a * b, 1);
  return { x, start, end, extent, reduced: shape.map((d, a) => (a >= start && a < end ? 1 : d)) };
}

/** Positions in [0, extent) as floats, as the forward's indices of max and min. */
function positions(c: CallContext, shape: number[], extent: number): TensorRef {
  const t = { data: c.storage(4 * shape.reduce((a, b) => a * b, 1)), shape };
  binding.upload(t.data, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => c.int(0, extent - 1)));
  return t;
}
