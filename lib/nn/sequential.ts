// Sequential: children run in order, each on the previous one's output.
import { Tensor } from '../core/tensor';
import { isRecording } from '../core/autograd';
import { Block } from './block';
import { codedError } from '../core/errors';

/**
 * A container that chains blocks, as Gluon's `nn.Sequential`. Iterate over it to visit its layers.
 * @example
 * const net = new nn.Sequential();
 * net.add(new nn.Conv2D(6, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2));
 * for (const layer of net) console.log(layer.name);
 */
export class Sequential extends Block implements Iterable<Block> {
  private readonly layers: Block[] = [];

  constructor() {
    super('sequential');
  }

  /**
   * Appends blocks and names them Gluon's way: the n-th block of a kind in this container gets
   * `<prefix><n>` (`conv0`, `pool0`, `conv1`, ...). A block added twice (or already in another
   * network) is shared: it keeps its name and its parameters are trained once.
   * @throws TypeError when an argument is not a Block.
   */
  add(...blocks: Block[]): this {
    for (const block of blocks) {
      if (!(block instanceof Block)) {
        throw codedError('NC_ARGUMENT', `Sequential.add: expected a Block (nn.Conv2D, nn.Dense, ...) but received ${String(block)}`, TypeError);
      }
      this.registerChild(block);
      this.layers.push(block);
    }
    return this;
  }

  /**
   * Appends one block under an explicit name (instead of `<prefix><n>`), e.g. to match a
   * checkpoint's parameter names.
   * @throws Error when the container already has a child of that name.
   */
  addNamed(name: string, block: Block): this {
    if (!(block instanceof Block)) {
      throw codedError('NC_ARGUMENT', `Sequential.addNamed: expected a Block (nn.Conv2D, nn.Dense, ...) but received ${String(block)}`, TypeError);
    }
    this.registerChild(block, name);
    this.layers.push(block);
    return this;
  }

  /** The i-th child. */
  get(i: number): Block {
    return this.layers[i];
  }

  /** Number of children. */
  get length(): number {
    return this.layers.length;
  }

  /** The blocks in order (a copy). */
  children(): Block[] {
    return [...this.layers];
  }

  /** The children: each one's output is the next one's input. */
  stages(): Block[] {
    return [...this.layers];
  }

  /** Iterates over the layers in order: `for (const layer of net)`. */
  [Symbol.iterator](): Iterator<Block> {
    return this.layers[Symbol.iterator]();
  }

  /**
   * Runs the children in order. The intermediate results are the container's own: outside
   * recording each is freed as soon as the next layer has consumed it, and on the tape `backward`
   * frees them, so memory stays flat without waiting for the garbage collector.
   */
  forward(x: Tensor): Tensor {
    return runReleasing(x, this.layers);
  }

  /** `Sequential`. */
  describe(): string {
    return 'Sequential';
  }
}

/**
 * Frees an intermediate result that only the caller's forward made: at once outside recording, and on
 * the tape once `backward` no longer needs it. Never call it on the forward's input or on a view.
 */
export function releaseIntermediate(t: Tensor): void {
  if (isRecording()) t.releaseAfterBackward = true;
  else t.dispose();
}

/**
 * Runs `layers` in order from `x` (never freed), freeing each intermediate result once the next
 * layer has consumed it (see {@link releaseIntermediate}): `Sequential`'s forward, and blocks' paths.
 */
export function runReleasing(x: Tensor, layers: readonly Block[]): Tensor {
  const input = x;
  // The first of the consecutive results that share one storage: a layer may return its input or
  // a view of it (Flatten, Dropout in evaluation). On the tape that first tensor is the last of
  // them that `backward` reaches, so it is the one whose storage is released then (releasing a
  // later view would free what an earlier layer's backward still reads, e.g. pooling's output).
  let owner = x;
  for (const layer of layers) {
    const out = layer.forward(x);
    if (out.data !== x.data) {
      if (owner.data !== input.data) releaseIntermediate(owner);
      owner = out;
    }
    x = out;
  }
  return x;
}
