// Block: the unit networks are built from — forward, parameters, children, names (as Gluon's).
import { Device, cpu } from '../core/device';
import { Tensor, formatShape } from '../core/tensor';
import { pause } from '../core/autograd';
import { Initializer, Uniform } from './init';
import { Parameter, ParameterDict, ParameterOptions } from './parameter';
import { loadParameters, saveParameters } from './persistence';
import { codedError } from '../core/errors';
import { knownOptions } from '../core/check';

/** What {@link Block.summary} reports. */
export interface ModelSummary {
  rows: { name: string; type: string; outputShape: number[]; parameters: number }[];
  totalParameters: number;
  /** float32 bytes of the parameters. */
  parameterBytes: number;
  /** float32 bytes of every layer's output for the given input. */
  activationBytes: number;
  /** The table, ready to print. */
  text: string;
}

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

  /** Registers a parameter under `local` ('weight', 'bias'; `{ trainable: false }` for state). */
  protected addParameter(local: string, shape: number[], defaultInit: Initializer | null = null,
    options: ParameterOptions = {}): Parameter {
    const p = new Parameter(`${this.name}.${local}`, shape, defaultInit, options);
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
    knownOptions('initialize', options, ['forceReinit']);
    if (!(device instanceof Device)) {
      throw codedError('NC_ARGUMENT', `initialize: expected a Device (cpu(), tryGpu()) for device but received ${String(device)}`, TypeError);
    }
    for (const p of this.collectParams().values()) p.initialize(init, device, options.forceReinit ?? false);
  }

  /**
   * Frees every parameter's values and gradients now rather than at garbage collection (see
   * {@link Parameter.dispose}). Later uses (forward, `Trainer.step`, saving) throw an error naming a
   * parameter; `initialize()` gives the network new values. Calling it again does nothing.
   */
  dispose(): void {
    for (const p of this.collectParams().values()) p.dispose();
  }

  /**
   * The forward pass for inference: not recorded, in prediction mode (dropout off).
   * @example const scores = net.predict(X);
   */
  predict(x: Tensor): Tensor {
    return pause(() => this.forward(x));
  }

  /**
   * Saves every parameter to a safetensors file (names such as `conv0.weight`, float32, exact
   * shapes), readable by PyTorch's and Hugging Face's tools. Written atomically: a crash never
   * leaves a half-written file in place.
   * @throws Error naming a parameter that has no values yet, or the file.
   */
  saveParameters(file: string): void {
    saveParameters(this.collectParams(), file);
  }

  /**
   * Loads parameters saved by {@link Block.saveParameters} (or any safetensors file with the same
   * names and shapes). Every mismatch (missing, unexpected, shape, dtype) is reported by name, and
   * nothing is changed unless all match.
   * @throws Error listing the mismatches, or naming a truncated or corrupt file.
   */
  loadParameters(file: string): void {
    loadParameters(this.collectParams(), file);
  }

  /**
   * Gluon's and Keras's summary: runs one forward pass of zeros of `inputShape` (in prediction
   * mode, on the parameters' device) and lists each child's name, type, output shape and
   * parameter count, with totals and the memory the parameters and the activations take.
   * @param inputShape - e.g. [1, 1, 28, 28].
   * @returns the table (`text`) and its figures.
   * @throws Error before `initialize()`.
   * @example console.log(net.summary([1, 1, 28, 28]).text)
   */
  summary(inputShape: number[]): ModelSummary {
    const params = [...this.collectParams().values()];
    const device = params[0]?.device ?? cpu();
    const layers = this.children().length > 0 ? this.children() : [this];
    const rows: ModelSummary['rows'] = [];
    let activationBytes = 0;
    pause(() => {
      let x = Tensor.zeros(inputShape, device);
      for (const layer of layers) {
        const y = layer.forward(x);
        activationBytes += 4 * y.size;
        rows.push({
          name: layer.name, type: layer.constructor.name, outputShape: [...y.shape],
          parameters: [...layer.collectParams().values()].reduce((a, p) => a + p.data().size, 0),
        });
        if (x.data !== y.data) x.dispose();
        x = y;
      }
      x.dispose();
    });
    const totalParameters = rows.reduce((a, r) => a + r.parameters, 0);
    // State such as batch norm's running statistics counts in the rows and the memory, not as trainable.
    const frozen = params.filter((p) => !p.trainable).reduce((a, p) => a + p.data().size, 0);
    const widths = [12, 12, 20, 12];
    const line = (cells: string[]) => cells.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;
    const text = [
      line(['Layer', 'Type', 'Output shape', 'Parameters']),
      '-'.repeat(62),
      ...rows.map((r) => line([r.name, r.type, formatShape(r.outputShape), r.parameters.toLocaleString('en-US')])),
      '-'.repeat(62),
      `Trainable parameters: ${(totalParameters - frozen).toLocaleString('en-US')}`,
      ...(frozen > 0 ? [`Non-trainable parameters: ${frozen.toLocaleString('en-US')}`] : []),
      `Parameter memory: ${mb(4 * totalParameters)}; activations for input ${formatShape(inputShape)}: ${mb(activationBytes)}`,
    ].join('\n');
    return { rows, totalParameters, parameterBytes: 4 * totalParameters, activationBytes, text };
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
