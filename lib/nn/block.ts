// Block: the unit networks are built from — forward, parameters, children, names (as Gluon's).
import { Device, cpu } from '../core/device';
import { Tensor, formatShape } from '../core/tensor';
import { pause } from '../core/autograd';
import { Initializer, Uniform } from './init';
import { Parameter, ParameterDict, ParameterOptions } from './parameter';
import { LoadOptions, loadParameters, saveParameters } from './persistence';
import { codedError } from '../core/errors';
import { describeValue, invalidArg, knownOptions } from '../core/check';

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

/** A block of any input arity (children and containers hold such blocks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBlock = Block<any>;

/** A child or a parameter name: a non-empty string without dots (dots separate a path's parts). */
function checkLocalName(op: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw codedError('NC_ARGUMENT', `${op}: expected a name without dots (such as 'conv0' or 'stem') but received ${JSON.stringify(name)}`,
      typeof name === 'string' ? RangeError : TypeError);
  }
  return name;
}

/**
 * Base class of layers and containers. Subclasses define `forward` and register their parameters
 * with `addParameter`, and their child blocks by assigning them to fields (found at the first
 * `initialize()`/`collectParams()`, in field order) or with `registerChild`.
 *
 * Children are named as in Gluon: the n-th child of a kind gets `<prefix><n>` (`conv0`, `conv1`,
 * `dense0`), counted per parent, so the names, and the parameter names in checkpoints, are the same
 * on every run. A parameter's `name` is its full path from the root (`residual0.conv1.weight`),
 * which is also its key in `collectParams()`.
 *
 * `I` is the tuple of inputs `forward` takes: `[Tensor]` (the default) for one, `[Tensor, Tensor]`
 * for two. Only one-input blocks go into a `Sequential` or `fit`.
 * @example
 * class Residual extends nn.Block {
 *   conv0 = new nn.Conv2D(8, 3, { padding: 1 });
 *   bn0 = new nn.BatchNorm();
 *   constructor() { super('residual'); }
 *   forward(x: Tensor) { return ops.add(x, ops.relu(this.bn0.forward(this.conv0.forward(x)))); }
 *   describe() { return 'Residual'; }
 * }
 */
export abstract class Block<I extends Tensor[] = [Tensor]> {
  // The name (see the `name` accessor): set through setName, which keeps parameter names in step.
  private blockName: string;
  protected readonly params = new Map<string, Parameter>();
  // The block this one was first registered with (a block added again elsewhere is shared, and
  // keeps this name). Skipped by field discovery, which would otherwise take it for a child.
  private parentBlock: AnyBlock | null = null;
  // Children registered here, in order (a shared block may appear twice), and the names given here.
  private readonly childList: AnyBlock[] = [];
  private readonly childNames = new Map<string, AnyBlock>();

  /** @param prefix - the name stem: 'conv', 'pool', 'dense', ... */
  constructor(readonly prefix: string) {
    this.blockName = `${prefix}0`;
  }

  /**
   * Gluon's automatic name (`conv0`, `pool1`, `dense2`), unique among its parent's children and
   * assigned when it becomes a child; `<prefix>0` for a block that is no one's child. Assigning it
   * is `setName()`.
   */
  get name(): string {
    return this.blockName;
  }

  /** Renames the block: the same as `setName()`. */
  set name(name: string) {
    this.setName(name);
  }

  /** Computes the block's output from its inputs (one for most blocks). */
  abstract forward(...inputs: I): Tensor;

  /** The block this one is a child of (the first one it was registered with), or null. */
  get parent(): AnyBlock | null {
    return this.parentBlock;
  }

  /**
   * Child blocks, in order: those given to `registerChild`, then the blocks (and arrays of blocks)
   * held by fields of this object, in field order. Overriding is allowed: the blocks returned that
   * have no parent yet become children here, named automatically.
   */
  children(): AnyBlock[] {
    for (const [key, value] of Object.entries(this)) {
      if (key === 'parentBlock' || key === 'childList') continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v instanceof Block && !this.childList.includes(v)) this.registerChild(v);
      }
    }
    return [...this.childList];
  }

  /**
   * Makes `block` a child of this one and returns it: named `name` when given, otherwise
   * `<prefix><n>` with the first n not taken here. A block that already has a parent is shared
   * (same parameters, trained once) and keeps its name.
   * @example this.stem = this.registerChild(new nn.Conv2D(16, 3), 'stem');
   * @throws Error naming this block when the name is taken by another child, when `block` is this
   *   block or one of its ancestors, or when a shared block is given another name.
   */
  registerChild<B extends AnyBlock>(block: B, name?: string): B {
    const op = `${this.qualifiedName()}.registerChild`;
    if (!(block instanceof Block)) throw invalidArg(op, 'block', 'a Block (nn.Conv2D, nn.Dense, ...)', block);
    if (name !== undefined) checkLocalName(op, name);
    for (let b: AnyBlock | null = this; b; b = b.parentBlock) {
      if (b === block) throw codedError('NC_ARGUMENT', `${op}: ${block.name} cannot be a child of itself or of its own descendant`);
    }
    if (block.parentBlock) {
      if (name !== undefined && name !== block.name) {
        throw codedError('NC_ARGUMENT', `${op}: ${block.qualifiedName()} already has a parent and its name; ` +
          `a shared block keeps its name (${block.name}), so it cannot be named ${name} here`);
      }
      this.childList.push(block);
      return block;
    }
    if (name !== undefined && this.childNames.has(name)) {
      const other = this.childNames.get(name)!;
      throw codedError('NC_ARGUMENT', `${op}: ${this.qualifiedName()} already has a child named ${name} ` +
        `(${other.constructor.name}); child names must be unique, or their parameters would collide`);
    }
    let n = 0;
    while (name === undefined && this.childNames.has(`${block.prefix}${n}`)) n++;
    const chosen = name ?? `${block.prefix}${n}`;
    block.parentBlock = this;
    block.blockName = chosen;
    this.childList.push(block);
    this.childNames.set(chosen, block);
    this.refreshNames();  // this block's own parameters lose the root's prefix once it has children
    return block;
  }

  /** Registers a parameter under `local` ('weight', 'bias'; `{ trainable: false }` for state). */
  protected addParameter(local: string, shape: number[], defaultInit: Initializer | null = null,
    options: ParameterOptions = {}): Parameter {
    checkLocalName(`${this.qualifiedName()}.addParameter`, local);
    if (this.params.has(local)) {
      throw codedError('NC_ARGUMENT', `${this.qualifiedName()}.addParameter: ${this.describe()} already has a parameter named ${local}`);
    }
    const p = new Parameter(`${this.paramPrefix()}${local}`, shape, defaultInit, options);
    this.params.set(local, p);
    return p;
  }

  /**
   * Renames the block (and so its parameters and its descendants').
   * @throws Error when its parent already has another child of that name.
   */
  setName(name: string): void {
    const parent = this.parentBlock;
    checkLocalName(`${parent ? parent.qualifiedName() : this.name}.setName`, name);
    if (parent && parent.childNames.get(this.name) === this && name !== this.name) {
      if (parent.childNames.has(name)) {
        throw codedError('NC_ARGUMENT', `${parent.qualifiedName()}.setName: ${parent.qualifiedName()} already has a child named ${name}`);
      }
      parent.childNames.delete(this.name);
      parent.childNames.set(name, this);
    }
    this.blockName = name;
    this.refreshNames();
  }

  /**
   * The path that prefixes this block's parameter names: the names from below the root down to
   * this block, each followed by a dot. The root adds its own name only when it is a single layer
   * (`conv0.weight`), not when it is a container (`conv0.weight` in a Sequential, as in Gluon).
   */
  private paramPrefix(): string {
    const parent = this.parentBlock;
    if (parent) return `${parent.parentBlock ? parent.paramPrefix() : ''}${this.name}.`;
    return this.childList.length > 0 ? '' : `${this.name}.`;
  }

  /** The block's path for messages: `residual0.conv1`, or its name at the root. */
  qualifiedName(): string {
    return this.paramPrefix().slice(0, -1) || this.name;
  }

  // Parameter names follow the tree: recomputed below this block whenever a name in its path changes.
  private refreshNames(): void {
    const prefix = this.paramPrefix();
    for (const [local, p] of this.params) p.name = `${prefix}${local}`;
    for (const child of this.childList) if (child.parentBlock === this) child.refreshNames();
  }

  // children(), with the blocks of an overriding children() that have no parent made children here.
  private resolvedChildren(): AnyBlock[] {
    const kids = this.children();
    for (const kid of kids) {
      if (!(kid instanceof Block)) {
        throw codedError('NC_ARGUMENT', `${this.qualifiedName()}.children: expected Blocks but one is ${describeValue(kid)}`, TypeError);
      }
      if (!kid.parentBlock) this.registerChild(kid);
      else if (!this.childList.includes(kid)) this.registerChild(kid);  // shared: checks for cycles
    }
    return kids;
  }

  /**
   * Every parameter of this block and its descendants, keyed by its full name (`Parameter.name`).
   * A shared block's parameters appear once.
   * @example `new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 })`
   * @throws Error when two different parameters have the same name.
   */
  collectParams(): ParameterDict {
    const out: ParameterDict = new Map();
    const walk = (block: AnyBlock): void => {
      for (const p of block.params.values()) {
        const seen = out.get(p.name);
        if (seen === p) continue;
        if (seen) {
          throw codedError('NC_STATE', `collectParams: two parameters of ${this.qualifiedName()} are named ${p.name}; ` +
            'give the blocks distinct names (registerChild(block, name)) so that neither is dropped');
        }
        out.set(p.name, p);
      }
      for (const child of block.resolvedChildren()) walk(child);
    };
    walk(this);
    return out;
  }

  /**
   * @internal The blocks whose outputs feed each other in order, for going through a network layer
   * by layer (summary, fit's search for the layer that made a NaN): a Sequential's children, and
   * [this] for any other block, whose forward combines its children its own way.
   */
  stages(): AnyBlock[] {
    return [this];
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
  predict(...inputs: I): Tensor {
    return pause(() => this.forward(...inputs));
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
   * Loads parameters saved by `saveParameters()` (or any safetensors file with the same
   * names and shapes). Every mismatch (missing, unexpected, shape, dtype) is reported by name, and
   * nothing is changed unless all match.
   * @param options - Gluon's `allow_missing` and `ignore_extra`: `{ allowMissing, ignoreExtra }` (both
   *   false by default); `ignoreExtra` reads the weights of a checkpoint, skipping its optimizer state.
   * @throws Error listing the mismatches, or naming a truncated or corrupt file.
   */
  loadParameters(file: string, options: LoadOptions = {}): void {
    loadParameters(this.collectParams(), file, options);
  }

  /**
   * Gluon's and Keras's summary: runs one forward pass of zeros of `inputShape` (in prediction
   * mode, on the parameters' device) and lists each child's name, type, output shape and
   * parameter count, with totals and the memory the parameters and the activations take. A
   * Sequential lists its children; any other block (a custom one with several children) is one row.
   * @param inputShape - e.g. [1, 1, 28, 28].
   * @returns the table (`text`) and its figures.
   * @throws Error before `initialize()`.
   * @example console.log(net.summary([1, 1, 28, 28]).text)
   */
  summary(inputShape: number[]): ModelSummary {
    const params = [...this.collectParams().values()];
    const device = params[0]?.device ?? cpu();
    const layers = this.stages();
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
    const kids = this.resolvedChildren();
    if (kids.length === 0) return this.describe();
    const lines = kids.map((k, i) => `  (${i}): ${k.toString().split('\n').join('\n  ')}`);
    return `${this.describe()}(\n${lines.join('\n')}\n)`;
  }
}
