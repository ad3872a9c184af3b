/**
 * The typed contract of the native addon: the only thing `lib/` knows of `native/`.
 *
 * Conventions:
 * - Every array argument is a {@link TensorRef}: an object with a `data` {@link Storage} and a `shape`
 *   (the library's `Tensor` is one). Data is float32, dense, row-major (NCHW for images, OIHW for
 *   convolution weights, (out, in) for dense weights).
 * - Outputs are allocated by the caller and passed in; the addon checks that every buffer is large
 *   enough for the shapes, that shapes agree with each other, and that all tensors share one device.
 * - Bad arguments throw a `TypeError` (wrong type or count) or a `RangeError` (bad value or shape)
 *   whose message starts with the operation's name.
 */

/** A block of native memory on one device. Freed by `dispose()` or, if forgotten, by the GC. */
export interface Storage {
  /** 'cpu' or 'gpu:0'. */
  readonly device: string;
  readonly byteLength: number;
  readonly disposed: boolean;
  dispose(): void;
}

/** Anything with a storage and a shape; `Tensor` satisfies it. */
export interface TensorRef {
  readonly data: Storage;
  readonly shape: readonly number[];
}

/** The activations fused into a convolution or dense layer (`activation` option); 'none' for none. */
export type Activation = 'none' | 'relu' | 'sigmoid' | 'tanh';
/**
 * What activationForward/Backward compute: the fusable {@link Activation}s, plus leaky relu (negative
 * slope alpha), ELU (alpha) and the exact GELU x·Φ(x), whose backward needs the input x.
 */
export type ActivationKind = Activation | 'leaky_relu' | 'elu' | 'gelu';
/** Max or average pooling. */
export type PoolKind = 'max' | 'avg';
/** The element-wise binary ops of `binary` (native/arithmetic.h's NC_BINARY_OPS). */
export type BinaryKind = 'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'power' | ComparisonKind;
/** The comparisons among the {@link BinaryKind}s: 1 where true, 0 where not, with zero derivatives. */
export type ComparisonKind = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';
/** The element-wise unary ops of `unary` (native/unary.h's NC_UNARY_OPS). */
export type UnaryKind = 'neg' | 'abs' | 'square' | 'sqrt' | 'exp' | 'log' | 'reciprocal' | 'sign';

/** What {@link memoryInfo} reports for one device: its live tensors and their bytes. */
export interface MemoryInfo {
  /** The device, e.g. 'cpu' or 'gpu(0)'. */
  device: string;
  /** Tensors (and workspaces) alive on the device. */
  liveBuffers: number;
  liveBytes: number;
  peakBytes: number;
  /**
   * CPU only: freed blocks kept for reuse by the next tensors of the same size (live + cached never
   * exceeds the peak of live bytes).
   */
  cachedBytes?: number;
  /** GPU only: the device's free and total memory, and what CUDA's pool holds. */
  deviceFreeBytes?: number;
  deviceTotalBytes?: number;
  poolReservedBytes?: number;
}

/**
 * What {@link backendInfo} reports: the addon's version, the CPU engine and its threads, and whether
 * CUDA can be used (and if not, why).
 */
export interface BackendInfo {
  /** The addon's version. */
  version: string;
  /** The CPU backend: its engine (oneDNN and its version) and the number of threads it uses. */
  cpu: { engine: string; threads: number };
  cuda: {
    /** Whether the CUDA backend was compiled into this addon. */
    compiled: boolean;
    /** Whether a GPU can be used now. */
    available: boolean;
    /** Why not, when not available: the missing driver, device or library (with the folders tried). */
    reason: string;
    /** Something that may fail later although loading succeeded (e.g. cuDNN built for another CUDA major). */
    warning?: string;
    precision?: 'tf32' | 'fp32';
    /** The CUDA runtime compiled in, as MAJOR*1000 + MINOR*10 (12040 = 12.4). */
    runtimeVersion?: number;
    /** The CUDA version the installed driver supports (same encoding); 0 without a driver. */
    driverVersion?: number;
    /** The driver's own version, e.g. '550.54.15', when /proc/driver/nvidia/version says. */
    driverRelease?: string;
    /**
     * The oldest driver this build runs on: any driver for CUDA `cudaVersion` or newer (CUDA's
     * minor-version compatibility), i.e. driver `release` or newer; { 12000, '525.60.13' } for CUDA 12.
     */
    minimumDriver?: { cudaVersion: number; release: string };
    deviceCount?: number;
    device?: { name: string; memoryBytes: number; computeCapability: string };
    cudnn?: { version: string; path: string };
    cublas?: { version: string; path: string };
    /** libnvrtc, which cuDNN's runtime-compiled engines need, when one was found (e.g. version '12.4'). */
    nvrtc?: { version: string; path: string };
  };
}

/** What cuDNN chose for one direction of one convolution problem (see `convolutionAlgorithms`). */
export interface ConvolutionAlgorithm {
  /** 'n,c,h,w->o,kh,kw s<sh>,<sw> p<ph>,<pw>'. */
  shape: string;
  direction: 'forward' | 'backwardData' | 'backwardFilter';
  /** The enumerator's name, e.g. 'CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM'. */
  algo: string;
  /** The math type the chosen search result carried, e.g. 'CUDNN_FMA_MATH'. */
  mathType: string;
  /** The math type read back from that direction's convolution descriptor (what the algorithm runs with). */
  descriptorMathType: string;
  workspaceBytes: number;
  /** Whether cuDNN marks the algorithm deterministic. */
  deterministic: boolean;
  /** What cudnnFind*Ex measured; null when chosen by cuDNN's heuristics (deterministic mode). */
  timeMs: number | null;
  /** The settings the choice was made under. */
  precision: 'tf32' | 'fp32';
  deterministicMode: boolean;
}

export interface Binding {
  backendInfo(): BackendInfo;
  /** GPU convolutions and GEMMs: 'tf32' allows TF32 tensor cores (the default, as PyTorch), 'fp32' forbids them. */
  setGpuPrecision(precision: 'tf32' | 'fp32'): void;
  /**
   * GPU deterministic mode (as `torch.backends.cudnn.deterministic`): convolution algorithms and max
   * pooling chosen so that runs give the same bits. Returns the previous setting. Callable
   * everywhere; the CPU backend is deterministic already.
   */
  setDeterministic(on: boolean): boolean;
  /** The cuDNN algorithms chosen so far, per convolution problem and direction; empty without a GPU. */
  convolutionAlgorithms(): ConvolutionAlgorithm[];
  memoryInfo(device: string): MemoryInfo;
  /**
   * The layout `t`'s bytes are in: 'plain' (row-major), or on the CPU the oneDNN layout a convolution,
   * batch normalization or pooling left it in for the next such op ('nChw16c', ...). Every other read
   * sees plain data; this is for tests and profiling.
   */
  tensorLayout(t: TensorRef): 'plain' | 'nChw16c' | 'nChw8c' | 'nhwc' | 'blocked';
  /**
   * Gives cached memory that no tensor uses back to the system: on the CPU the cached blocks freed at
   * least `idleMs` ago (all of them for 0), on a GPU everything CUDA's pool keeps (`idleMs` unused).
   */
  emptyCache(device: string, idleMs: number): void;

  /** Allocates `byteLength` bytes (uninitialised) on `device`. */
  alloc(device: string, byteLength: number): Storage;
  /** Copies `src` into `dst` from its first element. */
  upload(dst: Storage, src: Float32Array): void;
  /** Converts bytes to floats (value × scale) into `dst` from its first element. */
  uploadBytes(dst: Storage, src: Uint8Array, scale: number): void;
  /** Copies the first `dst.length` floats of `src` into `dst`. */
  download(src: Storage, dst: Float32Array): void;

  /** Fills `y` with a constant. */
  fillConstant(y: TensorRef, value: number): void;
  /** Fills `y` with U(low, high) from the counter-based generator keyed by `seed`. */
  fillUniform(y: TensorRef, low: number, high: number, seed: number): void;
  /** Fills `y` with N(mean, std²) from the counter-based generator keyed by `seed`. */
  fillNormal(y: TensorRef, mean: number, std: number, seed: number): void;

  /** y = a*x + b*y elementwise (shapes equal in size). */
  axpby(x: TensorRef, y: TensorRef, a: number, b: number): void;
  /** y = x1 * x2 elementwise. */
  multiply(x1: TensorRef, x2: TensorRef, y: TensorRef): void;
  /** Sum of all elements, written into the one-element `y`. */
  sum(x: TensorRef, y: TensorRef): void;
  /** y = a <kind> b element-wise, with NumPy broadcasting: y has the broadcast shape of a and b. */
  binary(kind: BinaryKind, a: TensorRef, b: TensorRef, y: TensorRef): void;
  /**
   * The backward of `binary` before summing: da = dy·∂y/∂a and db = dy·∂y/∂b, each of dy's (the broadcast)
   * shape, or null when not wanted.
   */
  binaryBackward(kind: BinaryKind, a: TensorRef, b: TensorRef, dy: TensorRef, da: TensorRef | null, db: TensorRef | null): void;
  /** y = x summed over the dimensions along which y's shape broadcasts to x's (a broadcast's backward). */
  sumTo(x: TensorRef, y: TensorRef): void;

  /**
   * y = act(conv(x, w) + b); x (N,C,H,W), w (O,C/groups,KH,KW), b (O) or null, y (N,O,OH,OW); kernel taps
   * `dilation` cells apart; groups divides C and O.
   */
  conv2dForward(x: TensorRef, w: TensorRef, b: TensorRef | null, y: TensorRef,
    stride: readonly [number, number], pad: readonly [number, number], activation: Activation,
    dilation: readonly [number, number], groups: number): void;
  /**
   * The whole backward of conv2dForward: dz = dy·act'(y) (y is the forward's output, needed unless
   * activation is 'none'), then dx = conv_transpose(dz, w) when dx is not null, dw and db (when not
   * null) from x and dz.
   */
  conv2dBackward(x: TensorRef, w: TensorRef, y: TensorRef | null, dy: TensorRef, dx: TensorRef | null,
    dw: TensorRef, db: TensorRef | null, stride: readonly [number, number], pad: readonly [number, number],
    activation: Activation, dilation: readonly [number, number], groups: number): void;

  /**
   * Pooling forward; on the CPU, 'max' with `training` true returns the workspace that the backward
   * needs (null otherwise; on a GPU only in ceil mode when the last window reaches past the padding).
   * ceilMode: the output size rounds up (PyTorch's rule). 'avg' counts padded cells in the divisor
   * when countIncludePad (Gluon's and PyTorch's default), else only cells of x.
   */
  pool2dForward(kind: PoolKind, x: TensorRef, y: TensorRef, window: readonly [number, number],
    stride: readonly [number, number], pad: readonly [number, number], training: boolean,
    ceilMode: boolean, countIncludePad: boolean): Storage | null;
  /**
   * Pooling backward. x and y are the forward's input and output (the GPU backend works from them);
   * workspace is what the forward returned (the CPU backend's max pooling needs it).
   */
  pool2dBackward(kind: PoolKind, x: TensorRef, y: TensorRef, dy: TensorRef, dx: TensorRef, workspace: Storage | null,
    window: readonly [number, number], stride: readonly [number, number], pad: readonly [number, number],
    ceilMode: boolean, countIncludePad: boolean): void;

  /** y = act(x). */
  activationForward(kind: ActivationKind, x: TensorRef, y: TensorRef, alpha: number): void;
  /**
   * dx = dy * act'(x): relu, sigmoid and tanh work from the forward's output y, leaky_relu, elu and
   * gelu from its input x; the one not needed may be null. `alpha` as in the forward (ignored by the
   * kinds without one).
   */
  activationBackward(kind: ActivationKind, x: TensorRef | null, y: TensorRef | null, dy: TensorRef, dx: TensorRef,
    alpha: number): void;

  /**
   * Batch normalization per channel (axis 1) of x (N,C,H,W), or (N,C) taken as (N,C,1,1), into y:
   * y = gamma·(x − mean)/sqrt(var + epsilon) + beta; gamma, beta and the other per-channel tensors are (C).
   * - `training`: mean and var are the batch's (biased var, over N·H·W > 1 values), written to
   *   saveMean and saveInvStd = 1/sqrt(var + epsilon) (both required); the running statistics are
   *   updated in place, running = momentum·running + (1 − momentum)·batch (Gluon's momentum), with the
   *   unbiased batch variance (× M/(M−1)) for runningVar, as cuDNN and PyTorch.
   * - otherwise: runningMean and runningVar normalise and are left unchanged; saveMean and saveInvStd
   *   may be null, or receive runningMean and 1/sqrt(runningVar + epsilon) for a later backward.
   */
  batchNormForward(x: TensorRef, gamma: TensorRef, beta: TensorRef, runningMean: TensorRef, runningVar: TensorRef,
    y: TensorRef, saveMean: TensorRef | null, saveInvStd: TensorRef | null, training: boolean, momentum: number,
    epsilon: number): void;
  /**
   * The backward of batchNormForward, from what its forward saved: dx, dgamma and dbeta (all
   * overwritten). `training` as in that forward: true differentiates through the batch statistics,
   * false treats them as constants (dx = dy·gamma·invStd). `epsilon` as in the forward.
   */
  batchNormBackward(x: TensorRef, gamma: TensorRef, dy: TensorRef, saveMean: TensorRef, saveInvStd: TensorRef,
    dx: TensorRef, dgamma: TensorRef, dbeta: TensorRef, training: boolean, epsilon: number): void;

  /** y = act(x wᵀ + b); x (N,K), w (M,K), b (M) or null, y (N,M). */
  denseForward(x: TensorRef, w: TensorRef, b: TensorRef | null, y: TensorRef, activation: Activation): void;
  /** dx = dy w (dx may be null), dw = dyᵀ x, db = Σ dy (db may be null). */
  denseBackward(x: TensorRef, w: TensorRef, dy: TensorRef, dx: TensorRef | null, dw: TensorRef,
    db: TensorRef | null): void;

  /** loss[n] = -log softmax(logits[n])[label[n]]; labels hold class indices as floats. */
  softmaxCrossEntropy(logits: TensorRef, labels: TensorRef, loss: TensorRef): void;
  /** dlogits[n] = dloss[n] * (softmax(logits[n]) - onehot(label[n])). */
  softmaxCrossEntropyBackward(logits: TensorRef, labels: TensorRef, dloss: TensorRef, dlogits: TensorRef): void;
  /**
   * Number of rows whose label is among the k best scores (k = 1: the first arg-max equals it; k > 1:
   * fewer than k scores beat it, ties beating it from smaller indices, a NaN score never counting).
   */
  countCorrect(logits: TensorRef, labels: TensorRef, k: number): number;
  /** total[0] += countCorrect(logits, labels, k), without reading back to the host. */
  accumulateCorrect(logits: TensorRef, labels: TensorRef, total: TensorRef, k: number): void;

  /** mask = (u >= p) / (1 - p) with u from the generator keyed by `seed`; y = x * mask. */
  dropoutForward(x: TensorRef, y: TensorRef, mask: TensorRef, p: number, seed: number): void;

  /**
   * y[n,c,v,u] = bilinear sample of x[n,c] at (m0·u + m1·v + m2, m3·u + m4·v + m5), m = matrices[n]
   * (N,6). clampEdges: coordinates clamp into the image (resizing, as PyTorch's align_corners=False);
   * otherwise samples outside are 0.
   */
  affineSample(x: TensorRef, y: TensorRef, matrices: TensorRef, clampEdges: boolean): void;
  /** y[n] = (x[n] − mean(x[n]))·contrast[n] + mean(x[n])·brightness[n], per image. */
  colorJitter(x: TensorRef, y: TensorRef, brightness: TensorRef, contrast: TensorRef): void;


  /**
   * One fused optimizer update of `w` in place (PyTorch's rules), from g = rescale·grad, scaled by
   * min(1, maxNorm / (|rescale|·sqrt(normSq) + 1e-6)) when `hyper.maxNorm` > 0, clamped to
   * ±clipValue when `hyper.clipValue` > 0, plus weightDecay·w (L2) unless decoupled (then w is first
   * multiplied by 1 − lr·weightDecay, as AdamW). The states, updated in place, are:
   * - 'sgd': state1 = momentum buffer (when momentum ≠ 0; `firstStep` sets it to g);
   * - 'adam': state1 = first moment, state2 = second moment, state3 = max second moment (amsgrad);
   * - 'rmsprop': state1 = square average, state2 = momentum buffer (momentum > 0), state3 = gradient
   *   average (centered);
   * - 'adagrad': state1 = sum of squared gradients.
   * States a rule does not use must be null. `normSq` (one element, Σ grad² over every parameter,
   * see sumSquares) is read on the device, so clipping never waits for it; null unless maxNorm > 0.
   */
  optimizerUpdate(rule: 'sgd' | 'adam' | 'rmsprop' | 'adagrad', w: TensorRef, grad: TensorRef,
    state1: TensorRef | null, state2: TensorRef | null, state3: TensorRef | null, hyper: OptimizerHyper,
    normSq: TensorRef | null): void;
  /** y[0] = Σ x² (+ y[0] when `accumulate`), summed in double, without reading back to the host. */
  sumSquares(x: TensorRef, y: TensorRef, accumulate: boolean): void;

  /** y = kind(x) element-wise; y of x's shape. */
  unary(kind: UnaryKind, x: TensorRef, y: TensorRef): void;
  /** dx = dy·kind'(x), from the forward's input x and output y; all four of one shape. */
  unaryBackward(kind: UnaryKind, x: TensorRef, y: TensorRef, dy: TensorRef, dx: TensorRef): void;
  /** y = min(max(x, min), max) element-wise; a null bound is none (±Infinity allowed, NaN not). */
  clip(x: TensorRef, y: TensorRef, min: number | null, max: number | null): void;
  /** dx = dy where min ≤ x ≤ max, 0 elsewhere (a null bound is none). */
  clipBackward(x: TensorRef, dy: TensorRef, dx: TensorRef, min: number | null, max: number | null): void;
  /** y = condition ≠ 0 ? a : b element-wise, the three broadcast together: y has their broadcast shape. */
  where(condition: TensorRef, a: TensorRef, b: TensorRef, y: TensorRef): void;
  /**
   * The backward of `where` before summing: da = dy where condition ≠ 0 and 0 elsewhere, db the rest,
   * each of dy's (the broadcast) shape, or null when not wanted; condition broadcasts to dy's shape.
   */
  whereBackward(condition: TensorRef, dy: TensorRef, da: TensorRef | null, db: TensorRef | null): void;
  /**
   * y (batch..., M, N) = op(a) (M,K) · op(b) (K,N) for each product of the batch: a (..., M, K), or
   * (..., K, M) with transposeA; b (..., K, N), or (..., N, K) with transposeB; both at least 2-d, their
   * batch dimensions (all but the last two) broadcast as NumPy's, y of the broadcast batch shape.
   */
  matmul(a: TensorRef, b: TensorRef, y: TensorRef, transposeA: boolean, transposeB: boolean): void;
  /**
   * y = x reduced over its axes [start, end), x seen as (outer, r, inner) with r their product; y
   * holds outer·inner values in any shape. 'max'/'min' also write the picked position along the
   * run (row-major, as a float; the first extremum, NaN counting as one) into `indices` when given;
   * 'argmax'/'argmin' write only that position, into y. `indices` must be null for the other kinds;
   * max and min take at most 2^24 positions.
   */
  reduce(kind: ReduceKind | 'argmax' | 'argmin', x: TensorRef, y: TensorRef, indices: TensorRef | null, start: number,
    end: number): void;
  /**
   * dx (x's shape) of a reduce over [start, end) from dy (outer·inner values): 'sum' spreads dy along
   * the run, 'mean' spreads dy/r, 'max'/'min' put dy at the forward's `indices` (required; null for
   * the others) and 0 elsewhere.
   */
  reduceBackward(kind: ReduceKind, dy: TensorRef, indices: TensorRef | null, dx: TensorRef, start: number,
    end: number): void;
  /** y = softmax(x) along `axis` (log-softmax with `log`), the maximum subtracted first; y of x's shape. */
  softmaxForward(x: TensorRef, y: TensorRef, axis: number, log: boolean): void;
  /** dx from the forward's output y and dy: y·(dy − Σ dy·y), or dy − exp(y)·Σ dy with `log`. */
  softmaxBackward(y: TensorRef, dy: TensorRef, dx: TensorRef, axis: number, log: boolean): void;
  /**
   * The strided copy behind every shape op: for each position `at` of a box of `shape` (1 to 8
   * positive extents), dst[dstOffset + Σ at[d]·dstStrides[d]] = src[srcOffset + Σ at[d]·srcStrides[d]],
   * offsets and strides counted in elements of the tensors' own (row-major) shapes. Strides may be
   * negative, and 0 on the src side (a broadcast). Throws a RangeError (NC_SHAPE) when some address
   * lies outside src or dst, or when two positions would write one dst element; src and dst must be
   * different buffers.
   */
  copyStrided(src: TensorRef, dst: TensorRef, shape: readonly number[], srcStrides: readonly number[], srcOffset: number,
    dstStrides: readonly number[], dstOffset: number): void;
}

/** What `reduce` computes along the reduced axes (and `reduceBackward` differentiates). */
export type ReduceKind = 'sum' | 'mean' | 'max' | 'min';

/** The hyperparameters of {@link Binding.optimizerUpdate}; absent optional fields are 0 or false. */
export interface OptimizerHyper {
  /** Step size (AdaGrad: already decayed; Adam: before bias correction). */
  lr: number;
  /** Gradient multiplier, e.g. 1/batchSize. */
  rescale: number;
  clipValue?: number;
  maxNorm?: number;
  weightDecay?: number;
  /** Decay w by 1 − lr·weightDecay before the update (AdamW) instead of adding weightDecay·w to g. */
  decoupledWeightDecay?: boolean;
  /** SGD and RMSProp. */
  momentum?: number;
  /** SGD. */
  dampening?: number;
  nesterov?: boolean;
  /** SGD: the momentum buffer is new and starts as the gradient. */
  firstStep?: boolean;
  /** Adam (required there). */
  beta1?: number;
  beta2?: number;
  /** 1-based step count, for Adam's bias corrections (required there). */
  step?: number;
  amsgrad?: boolean;
  /** Adam, RMSProp and AdaGrad (required there). */
  epsilon?: number;
  /** RMSProp (required there). */
  alpha?: number;
  centered?: boolean;
}
