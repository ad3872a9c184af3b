// Devices: where a tensor lives and where its operations run.
import type { BackendInfo, ConvolutionAlgorithm } from '../../binding';
import { binding } from './binding';
import { codedError } from './errors';

/** A compute device. Compare devices with `equals`, not `===`. */
export class Device {
  /**
   * @param kind - 'cpu' or 'gpu'.
   * @param index - the GPU's ordinal (0 for the CPU).
   */
  constructor(readonly kind: 'cpu' | 'gpu', readonly index = 0) {}

  /** The name the native addon uses: 'cpu' or 'gpu:<index>'. */
  get name(): string {
    return this.kind === 'cpu' ? 'cpu' : `gpu:${this.index}`;
  }

  /** True when both denote the same device. */
  equals(other: Device): boolean {
    return this.kind === other.kind && this.index === other.index;
  }

  /** Gluon's spelling: `cpu(0)`, `gpu(0)`. */
  toString(): string {
    return `${this.kind}(${this.index})`;
  }
}

const theCpu = new Device('cpu');
const theGpu = new Device('gpu', 0);

/**
 * The CPU device.
 * @example `net.initialize(init.Xavier(), cpu())`
 */
export function cpu(): Device {
  return theCpu;
}

/**
 * A GPU device.
 * @param index - the GPU's ordinal; this build drives GPU 0 only. Default 0.
 * @throws Error naming the reason (no CUDA in this build, no driver, no device, cuDNN or cuBLAS
 *   not found — see `backendInfo().cuda.reason`) when the GPU cannot be used.
 * @example `net.initialize(init.Xavier(), gpu())`
 */
export function gpu(index = 0): Device {
  if (!Number.isInteger(index) || index < 0) {
    throw codedError('NC_ARGUMENT', `gpu: expected a non-negative integer for index but received ${index}`, RangeError);
  }
  const { cuda } = binding.backendInfo();
  if (!cuda.available) throw codedError('NC_DEVICE', `gpu(${index}): the GPU cannot be used: ${cuda.reason}`);
  if (index !== 0) throw codedError('NC_DEVICE', `gpu(${index}): this build drives gpu(0) only (${cuda.deviceCount} present)`, RangeError);
  return theGpu;
}

/**
 * A GPU when one works, else the CPU (as d2l's `try_gpu`). Setting the environment variable
 * NODE_CUDNN_DEVICE=cpu forces the CPU.
 */
export function tryGpu(): Device {
  if (process.env.NODE_CUDNN_DEVICE === 'cpu') return theCpu;
  return binding.backendInfo().cuda.available ? theGpu : theCpu;
}

/**
 * GPU numerics for convolutions and matrix products: 'tf32' lets them use TF32 tensor cores (the
 * default, as in PyTorch), 'fp32' keeps full float32 (what the gradient tests use).
 */
export function setGpuPrecision(precision: 'tf32' | 'fp32'): void {
  binding.setGpuPrecision(precision);
}

/**
 * Deterministic mode for the GPU, like `torch.backends.cudnn.deterministic`: when on, convolutions
 * use only algorithms that cuDNN marks deterministic, chosen by cuDNN's heuristics rather than by
 * timing (timings vary between runs), and max pooling uses CUDNN_POOLING_MAX_DETERMINISTIC (cuDNN's
 * plain max-pooling backward adds with atomics, which matters for overlapping windows such as
 * AlexNet's 3x3, stride 2). Then two runs with the same seed on the same machine give the same bits.
 * The rest of the GPU backend is deterministic already: cuDNN lists no other routine we use (bias
 * gradient, batch norm, activations, pooling other than max) among its non-deterministic ones;
 * cuBLAS GEMMs are bitwise reproducible on one stream, one GPU model and one library version (we
 * use one stream and never enable cuBLAS's atomics mode); our own kernels sum in a fixed order
 * (their only atomics add integer counts). Bits may still differ between GPU models or library
 * versions. The CPU backend gives the same bits from run to run (with the same number of threads)
 * in either mode.
 * Convolutions may be slower in this mode. Callable with or without a GPU.
 * @returns the previous setting (off by default).
 * @example `const was = setDeterministic(true); ... setDeterministic(was);`
 */
export function setDeterministic(on: boolean): boolean {
  return binding.setDeterministic(on);
}

/**
 * The cuDNN algorithm chosen for each direction of each convolution problem run so far on the GPU
 * (the 256 most recently used problems), with its math type, workspace and measured time; empty
 * on the CPU or without a GPU. For checking what the GPU does, e.g. that no tensor-op math runs
 * with `setGpuPrecision('fp32')`.
 */
export function convolutionAlgorithms(): ConvolutionAlgorithm[] {
  return binding.convolutionAlgorithms();
}

/** What the native backends are and why a GPU is or is not used. */
export const backendInfo = (): BackendInfo => binding.backendInfo();

/** Parses a device name as used on command lines: 'cpu', 'gpu', 'gpu:1', 'gpu(1)'. */
export function parseDevice(name: string): Device {
  const m = /^(cpu|gpu)(?:[:(](\d+)\)?)?$/.exec(name.trim());
  if (!m) throw codedError('NC_ARGUMENT', `device: expected 'cpu', 'gpu' or 'gpu:<n>' but received '${name}'`, RangeError);
  return m[1] === 'cpu' ? cpu() : gpu(Number(m[2] ?? 0));
}
