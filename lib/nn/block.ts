// Block: the unit networks are built from — forward, parameters, children, names (as Gluon's).
import { Device, cpu } from '../device';
import { Tensor } from '../tensor';
import { Initializer, Uniform } from '../init';
import { Parameter } from './parameter';

/** Parameters by full name (`conv0.weight`), in network order. */
export type ParameterDict = Map<string, Parameter>;

/**
 * Base class of layers and containers. Subclasses define `forward` and register their parameters
 * with `addParameter`.
 */
export abstract class Block {
  /** Gluon's automatic name (`conv0`, `pool1`, `dense2`), assigned when added to a container. */
  name: string;
  protected readonly params = new Map<string, Parameter>();

  /** @param prefix - the name stem: 'conv', 'pool', 'dense', ... */
  constructor(readonly prefix: string) {
    this.name = `${prefix}0`;
  }

  /** Computes the block's output. */
  abstract forward(x: Tensor): Tensor;

  /** Child blocks, in order (none for a plain layer). */
  children(): Block[] {
    return [];
  }

  /** Registers a parameter under `local` ('weight', 'bias'). */
  protected addParameter(local: string, shape: number[], defaultInit: Initializer | null = null): Parameter {
    const p = new Parameter(`${this.name}.${local}`, shape, defaultInit);
    this.params.set(local, p);
    return p;
  }

  /** Renames the block and its parameters (containers call this on `add`). */
  setName(name: string): void {
    this.name = name;
    for (const [local, p] of this.params) p.name = `${name}.${local}`;
  }

  /**
   * Every parameter of this block and its children, keyed by full name.
   * @example `new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 })`
   */
  collectParams(): ParameterDict {
    const out: ParameterDict = new Map();
    const walk = (block: Block, path: string): void => {
      for (const [local, p] of block.params) out.set(`${path}${local}`, p);
      for (const child of block.children()) walk(child, `${path}${child.name}.`);
    };
    walk(this, this.children().length > 0 ? '' : `${this.name}.`);
    return out;
  }

  /**
   * Initializes every parameter (weights with `init`, biases with zeros) on `device`. Shapes that
   * depend on the input are completed at the first forward, as in Gluon.
   * @param init - default `init.Uniform(0.07)`, Gluon's default.
   * @param device - default `cpu()`.
   * @param options.forceReinit - re-initialize parameters that already have values.
   */
  initialize(init: Initializer = Uniform(), device: Device = cpu(), options: { forceReinit?: boolean } = {}): void {
    if (!(device instanceof Device)) {
      throw new TypeError(`initialize: expected a Device (cpu(), tryGpu()) for device but received ${String(device)}`);
    }
    for (const p of this.collectParams().values()) p.initialize(init, device, options.forceReinit ?? false);
  }

  /** A one-line description, e.g. `Conv2D(6, kernel_size=(5,5), stride=(1,1), Activation(sigmoid))`. */
  abstract describe(): string;

  /** The architecture, one child per line for containers. */
  toString(): string {
    const kids = this.children();
    if (kids.length === 0) return this.describe();
    const lines = kids.map((k, i) => `  (${i}): ${k.toString().split('\n').join('\n  ')}`);
    return `${this.describe()}(\n${lines.join('\n')}\n)`;
  }
}
