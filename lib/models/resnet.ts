// ResNet-18 (He et al. 2016) as in Dive into Deep Learning, section "Residual Networks (ResNet)":
// residual blocks f(x) + x, with batch normalization, in four stages after GoogLeNet's stem.
import { Tensor } from '../core/tensor';
import { knownOptions, positiveInt } from '../core/check';
import { add } from '../ops/arithmetic';
import { relu } from '../ops/activation';
import { Block } from '../nn/block';
import { Sequential } from '../nn/sequential';
import { Conv2D } from '../nn/conv';
import { BatchNorm } from '../nn/batchnorm';
import { Activation } from '../nn/activation';
import { GlobalAvgPool2D, MaxPool2D } from '../nn/pool';
import { Flatten } from '../nn/flatten';
import { Dense } from '../nn/dense';
import { ModelOptions, chain, numClassesOption, release } from './internal';

/** Options of {@link Residual}. */
export interface ResidualOptions {
  /** Pass the input through a 1×1 convolution before adding it (needed when shapes change); default false. */
  use1x1conv?: boolean;
  /** Stride of the first 3×3 convolution and of the 1×1 one; default 1. */
  strides?: number;
}

/**
 * The book's `Residual` block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), with 3×3
 * convolutions of `channels` outputs (padding 1, the first with `strides`) and as shortcut x itself
 * or, with `use1x1conv`, a 1×1 convolution of stride `strides` (which matches channels and size).
 * Children, in Gluon's names: conv0, batchnorm0, conv1, batchnorm1 and the shortcut's conv2.
 * @example new models.Residual(128, { use1x1conv: true, strides: 2 })  // (N,64,56,56) → (N,128,28,28)
 */
export class Residual extends Block {
  readonly conv1: Conv2D;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2D;
  readonly bn2: BatchNorm;
  readonly conv3: Conv2D | null;
  private readonly act = new Activation('relu');

  constructor(readonly channels: number, options: ResidualOptions = {}) {
    super('residual');
    const op = 'models.Residual';
    knownOptions(op, options, ['use1x1conv', 'strides']);
    positiveInt(op, 'channels', channels);
    const strides = options.strides === undefined ? 1 : positiveInt(op, 'strides', options.strides);
    this.conv1 = new Conv2D(channels, 3, { padding: 1, strides });
    this.bn1 = new BatchNorm();
    this.conv2 = new Conv2D(channels, 3, { padding: 1 });
    this.bn2 = new BatchNorm();
    this.conv3 = options.use1x1conv ? new Conv2D(channels, 1, { strides }) : null;
    for (const child of this.children()) this.registerChild(child);
  }

  /** The block's output for x (N, C, H, W). */
  forward(x: Tensor): Tensor {
    const y = chain(x, [this.conv1, this.bn1, this.act, this.conv2, this.bn2]);
    const shortcut = this.conv3 ? this.conv3.forward(x) : x;
    const sum = add(y, shortcut);
    release(y);
    if (shortcut !== x) release(shortcut);
    const out = relu(sum);
    release(sum);
    return out;
  }

  children(): Block[] {
    return [this.conv1, this.bn1, this.conv2, this.bn2, ...(this.conv3 ? [this.conv3] : [])];
  }

  /** `Residual(64 -> 128, strides=2, 1x1 conv)`. */
  describe(): string {
    const extra = this.conv3 ? `, strides=${this.conv1.strides[0]}, 1x1 conv` : '';
    return `Residual(${this.conv1.weight.shape[1] || 'None'} -> ${this.channels}${extra})`;
  }
}

/**
 * A ResNet stage, the book's `resnet_block`: `numResiduals` residual blocks of `channels`; the
 * first halves height and width with a 1×1 shortcut, except in the first stage (`firstBlock`),
 * which follows a max pooling.
 */
export function resnetBlock(channels: number, numResiduals: number, firstBlock = false): Sequential {
  positiveInt('models.resnetBlock', 'numResiduals', numResiduals);
  const blk = new Sequential();
  for (let i = 0; i < numResiduals; i++) {
    blk.add(i === 0 && !firstBlock ? new Residual(channels, { use1x1conv: true, strides: 2 }) : new Residual(channels));
  }
  return blk;
}

/**
 * ResNet-18 as in the book: a 7×7 convolution (64 channels, stride 2) with batch norm, ReLU and a
 * 3×3 max pooling of stride 2, then four stages of two residual blocks (64, 128, 256, 512
 * channels), global average pooling, Flatten and Dense(numClasses): 17 convolutions and a dense
 * layer, 11,178,378 trained parameters with 10 classes (and 7,808 running statistics).
 * Height and width are divided by 32; the book trains at 96×96 (any size from 32 works).
 * @example const net = models.resnet18(); net.initialize(init.Xavier());
 * @throws TypeError/RangeError for an unknown option or a bad value.
 */
export function resnet18(options: ModelOptions = {}): Sequential {
  const numClasses = numClassesOption('models.resnet18', options, ['numClasses']);
  const b1 = new Sequential().add(
    new Conv2D(64, 7, { strides: 2, padding: 3 }), new BatchNorm(), new Activation('relu'),
    new MaxPool2D(3, 2, 1));
  return new Sequential().add(
    b1,
    resnetBlock(64, 2, true), resnetBlock(128, 2), resnetBlock(256, 2), resnetBlock(512, 2),
    new GlobalAvgPool2D(), new Flatten(), new Dense(numClasses));
}
