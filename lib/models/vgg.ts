// VGG-11 (Simonyan & Zisserman 2014) as in Dive into Deep Learning, section "Networks Using Blocks
// (VGG)": blocks of 3×3 convolutions and a 2×2 max pooling, then AlexNet's dense layers.
import { numberInRange, positiveInt } from '../core/check';
import { Sequential } from '../nn/sequential';
import { Conv2D } from '../nn/conv';
import { MaxPool2D } from '../nn/pool';
import { Dense } from '../nn/dense';
import { Dropout } from '../nn/dropout';
import { ModelOptions, numClassesOption } from './internal';

/** VGG-11's blocks: (number of convolutions, output channels), the book's `conv_arch`. */
export const VGG11_ARCH: readonly (readonly [number, number])[] = [[1, 64], [1, 128], [2, 256], [2, 512], [2, 512]];

/**
 * One VGG block, the book's `vgg_block`: `numConvs` 3×3 convolutions (padding 1, ReLU) with
 * `channels` outputs, then a 2×2 max pooling of stride 2, which halves height and width.
 */
export function vggBlock(numConvs: number, channels: number): Sequential {
  positiveInt('models.vggBlock', 'numConvs', numConvs);
  positiveInt('models.vggBlock', 'channels', channels);
  const blk = new Sequential();
  for (let i = 0; i < numConvs; i++) blk.add(new Conv2D(channels, 3, { padding: 1, activation: 'relu' }));
  return blk.add(new MaxPool2D(2, 2));
}

/** Options of {@link vgg11}. */
export interface VggOptions extends ModelOptions {
  /**
   * Divides every block's channels, as the book's `small_conv_arch`; default 4, the book's
   * Fashion-MNIST network (16, 32, 64, 128, 128 channels); 1 is the original VGG-11.
   */
  ratio?: number;
}

/**
 * VGG-11 as the book trains it on Fashion-MNIST: five VGG blocks (with `ratio` 4, 16, 32, 64, 128
 * and 128 channels; 8 convolutions), then Dense(4096, ReLU), Dropout(0.5), Dense(4096, ReLU),
 * Dropout(0.5), Dense(numClasses). Five poolings divide height and width by 32: the book feeds
 * 224×224 images (7×7 after the blocks, 43.5M parameters with `ratio` 4); any size from 32 works
 * (the first dense layer's input size is inferred at the first forward).
 * @example const net = models.vgg11(); net.initialize(init.Xavier());
 * @throws TypeError/RangeError for an unknown option or a bad value.
 */
export function vgg11(options: VggOptions = {}): Sequential {
  const numClasses = numClassesOption('models.vgg11', options, ['numClasses', 'ratio']);
  // At most 64, so that the first block keeps a channel.
  const ratio = options.ratio === undefined ? 4
    : numberInRange('models.vgg11', 'ratio', positiveInt('models.vgg11', 'ratio', options.ratio), 1, 64, true);
  const arch = VGG11_ARCH.map(([convs, channels]) => [convs, Math.floor(channels / ratio)]);
  const net = new Sequential();
  for (const [convs, channels] of arch) net.add(vggBlock(convs, channels));
  return net.add(
    new Dense(4096, { activation: 'relu' }), new Dropout(0.5),
    new Dense(4096, { activation: 'relu' }), new Dropout(0.5),
    new Dense(numClasses));
}
