// Devices: where a tensor lives and where its operations run.

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

/**
 * The CPU device.
 * @example `net.initialize(init.Xavier(), cpu())`
 */
export function cpu(): Device {
  return theCpu;
}

/**
 * A GPU device. The GPU backend is not built yet, so this throws.
 * @param index - the GPU's ordinal, default 0.
 * @throws Error always, until the CUDA backend lands; use {@link tryGpu} to fall back to the CPU.
 */
export function gpu(index = 0): Device {
  throw new Error(`gpu(${index}): this build of node-cudnn has no GPU backend yet; use cpu() or tryGpu()`);
}

/** A GPU when one works, else the CPU. Until the GPU backend lands, always the CPU. */
export function tryGpu(): Device {
  return theCpu;
}

/** Parses a device name as used on command lines: 'cpu', 'gpu', 'gpu:1', 'gpu(1)'. */
export function parseDevice(name: string): Device {
  const m = /^(cpu|gpu)(?:[:(](\d+)\)?)?$/.exec(name.trim());
  if (!m) throw new RangeError(`device: expected 'cpu', 'gpu' or 'gpu:<n>' but received '${name}'`);
  return m[1] === 'cpu' ? cpu() : gpu(Number(m[2] ?? 0));
}
