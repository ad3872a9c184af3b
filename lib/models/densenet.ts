// DenseNet (Huang et al. 2017) as in Dive into Deep Learning, section "Densely Connected Networks
// (DenseNet)": dense blocks, in which every convolution's output is concatenated to its input
// along the channels, and transition blocks that halve channels, height and width.
import { Tensor } from '../core/tensor';
import { positiveInt } from '../core/check';
import { concat } from '../ops/shape';
import { Block } from '../nn/block';
import { Sequential } from '../nn/sequential';
import { Conv2D } from '../nn/conv';
import { BatchNorm } from '../nn/batchnorm';
import { Activation } from '../nn/activation';
import { AvgPool2D, GlobalAvgPool2D, MaxPool2D } from '../nn/pool';
import { Flatten } from '../nn/flatten';
import { Dense } from '../nn/dense';
import { ModelOptions, numClassesOption, release } from './internal';

/** The book's `conv_block`: batch norm, ReLU, then a 3×3 convolution (padding 1) with `channels`. */
export function denseConvBlock(channels: number): Sequential {
  return new Sequential().add(new BatchNorm(), new Activation('relu'), new Conv2D(channels, 3, { padding: 1 }));
}

/**
 * The book's `DenseBlock`: `numConvs` convolution blocks of `growthRate` channels; each one's
 * input is the block's input concatenated (along the channels) with the outputs of all the ones
 * before it, and so is the block's output: C + numConvs·growthRate channels, same height and width.
 * Children, in Gluon's names: sequential0, sequential1, ...
 * @example new models.DenseBlock(2, 10)  // (4,3,8,8) → (4,23,8,8)
 */
export class DenseBlock extends Block {
  readonly convs: readonly Sequential[];

  constructor(numConvs: number, readonly growthRate: number) {
    super('denseblock');
    positiveInt('models.DenseBlock', 'numConvs', numConvs);
    positiveInt('models.DenseBlock', 'growthRate', growthRate);
    this.convs = Array.from({ length: numConvs }, () => denseConvBlock(growthRate));
    for (const blk of this.convs) this.registerChild(blk);
  }

  /** x (N, C, H, W) → (N, C + numConvs·growthRate, H, W). */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const blk of this.convs) {
      const out = blk.forward(y);
      const next = concat([y, out], 1);
      release(out);
      if (y !== x) release(y);
      y = next;
    }
    return y;
  }

  children(): Block[] {
    return [...this.convs];
  }

  /** `DenseBlock(4 convs, growth rate 32)`. */
  describe(): string {
    return `DenseBlock(${this.convs.length} convs, growth rate ${this.growthRate})`;
  }
}

/**
 * The book's `transition_block`: batch norm, ReLU, a 1×1 convolution with `channels`, and a 2×2
 * average pooling of stride 2, which halves height and width.
 */
export function transitionBlock(channels: number): Sequential {
  positiveInt('models.transitionBlock', 'channels', channels);
  return new Sequential().add(new BatchNorm(), new Activation('relu'), new Conv2D(channels, 1), new AvgPool2D(2, 2));
}

/** Options of {@link densenet}. */
export interface DenseNetOptions extends ModelOptions {
  /** Channels each convolution of a dense block adds; default 32, the book's. */
  growthRate?: number;
}

/**
 * DenseNet as in the book: ResNet's stem (a 7×7 convolution with 64 channels and stride 2, batch
 * norm, ReLU, a 3×3 max pooling of stride 2), four dense blocks of 4 convolutions (growth rate 32),
 * with a transition block halving the channels between two of them, then batch norm, ReLU, global
 * average pooling, Flatten and Dense(numClasses). With the book's settings the dense blocks end
 * with 192, 224, 240 and 248 channels. Height and width are divided by 32; the book trains at
 * 96×96 (any size from 32 works).
 * @example const net = models.densenet(); net.initialize(init.Xavier());
 * @throws TypeError/RangeError for an unknown option or a bad value.
 */
export function densenet(options: DenseNetOptions = {}): Sequential {
  const numClasses = numClassesOption('models.densenet', options, ['numClasses', 'growthRate']);
  const growthRate = options.growthRate === undefined ? 32 : positiveInt('models.densenet', 'growthRate', options.growthRate);
  const numConvsInDenseBlocks = [4, 4, 4, 4];
  const net = new Sequential().add(new Sequential().add(
    new Conv2D(64, 7, { strides: 2, padding: 3 }), new BatchNorm(), new Activation('relu'), new MaxPool2D(3, 2, 1)));
  let channels = 64;
  numConvsInDenseBlocks.forEach((numConvs, i) => {
    net.add(new DenseBlock(numConvs, growthRate));
    channels += numConvs * growthRate;
    // Between two dense blocks, a transition block halves the channels.
    if (i !== numConvsInDenseBlocks.length - 1) {
      channels = Math.floor(channels / 2);
      net.add(transitionBlock(channels));
    }
  });
  return net.add(new BatchNorm(), new Activation('relu'), new GlobalAvgPool2D(), new Flatten(), new Dense(numClasses));
}
