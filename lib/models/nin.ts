// Network in Network (Lin, Chen & Yan 2013) as in Dive into Deep Learning, section "Network in
// Network (NiN)": AlexNet's convolutions, each followed by two 1×1 convolutions (a dense layer per
// pixel), and global average pooling instead of dense layers.
import { nonNegativeInt, positiveInt } from '../core/check';
import { Sequential } from '../nn/sequential';
import { Conv2D } from '../nn/conv';
import { GlobalAvgPool2D, MaxPool2D } from '../nn/pool';
import { Dropout } from '../nn/dropout';
import { Flatten } from '../nn/flatten';
import { ModelOptions, numClassesOption } from './internal';

/**
 * One NiN block, the book's `nin_block`: a `kernelSize` convolution, then two 1×1 convolutions,
 * all with `channels` outputs and ReLU.
 */
export function ninBlock(channels: number, kernelSize: number, strides: number, padding: number): Sequential {
  const op = 'models.ninBlock';
  positiveInt(op, 'channels', channels);
  positiveInt(op, 'kernelSize', kernelSize);
  positiveInt(op, 'strides', strides);
  nonNegativeInt(op, 'padding', padding);
  return new Sequential().add(
    new Conv2D(channels, kernelSize, { strides, padding, activation: 'relu' }),
    new Conv2D(channels, 1, { activation: 'relu' }),
    new Conv2D(channels, 1, { activation: 'relu' }));
}

/**
 * NiN as in the book: NiN blocks of 96 (11×11, stride 4), 256 (5×5) and 384 (3×3) channels, each
 * followed by a 3×3 max pooling of stride 2, Dropout(0.5), a last NiN block with one channel per
 * class, global average pooling and Flatten: no dense layer (1,992,166 parameters). The book feeds
 * 224×224 images; any size from 67 works.
 * @example const net = models.nin(); net.initialize(init.Xavier());
 * @throws TypeError/RangeError for an unknown option or a bad value.
 */
export function nin(options: ModelOptions = {}): Sequential {
  const numClasses = numClassesOption('models.nin', options, ['numClasses']);
  return new Sequential().add(
    ninBlock(96, 11, 4, 0), new MaxPool2D(3, 2),
    ninBlock(256, 5, 1, 2), new MaxPool2D(3, 2),
    ninBlock(384, 3, 1, 1), new MaxPool2D(3, 2),
    new Dropout(0.5),
    ninBlock(numClasses, 3, 1, 1),
    new GlobalAvgPool2D(),
    new Flatten());
}
