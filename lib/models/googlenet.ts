// GoogLeNet (Szegedy et al. 2015) as in Dive into Deep Learning, section "Multi-Branch Networks
// (GoogLeNet)": Inception blocks, four paths side by side whose outputs are concatenated along the
// channels.
import { Tensor } from '../core/tensor';
import { pair, positiveInt } from '../core/check';
import { concat } from '../ops/shape';
import { Block } from '../nn/block';
import { Sequential } from '../nn/sequential';
import { Conv2D } from '../nn/conv';
import { GlobalAvgPool2D, MaxPool2D } from '../nn/pool';
import { Dense } from '../nn/dense';
import { ModelOptions, chain, numClassesOption, release } from './internal';

/**
 * The book's `Inception` block: four paths from the same input, each ending in ReLU, concatenated
 * along the channels (c1 + c2[1] + c3[1] + c4 outputs, same height and width):
 * 1. a 1×1 convolution with c1 channels;
 * 2. a 1×1 convolution with c2[0] channels, then a 3×3 one (padding 1) with c2[1];
 * 3. a 1×1 convolution with c3[0] channels, then a 5×5 one (padding 2) with c3[1];
 * 4. a 3×3 max pooling (stride 1, padding 1), then a 1×1 convolution with c4 channels.
 * Children, in Gluon's names: conv0 (path 1), conv1 and conv2 (path 2), conv3 and conv4 (path 3),
 * pool0 and conv5 (path 4).
 * @example new models.Inception(64, [96, 128], [16, 32], 32)  // (N,192,12,12) → (N,256,12,12)
 */
export class Inception extends Block {
  /** The four paths' layers, each run in order from the block's input. */
  readonly paths: readonly (readonly Block[])[];

  constructor(c1: number, c2: [number, number], c3: [number, number], c4: number) {
    super('inception');
    const op = 'models.Inception';
    positiveInt(op, 'c1', c1);
    const [c20, c21] = pair(op, 'c2', c2, positiveInt);
    const [c30, c31] = pair(op, 'c3', c3, positiveInt);
    positiveInt(op, 'c4', c4);
    const relu = 'relu' as const;
    this.paths = [
      [new Conv2D(c1, 1, { activation: relu })],
      [new Conv2D(c20, 1, { activation: relu }), new Conv2D(c21, 3, { padding: 1, activation: relu })],
      [new Conv2D(c30, 1, { activation: relu }), new Conv2D(c31, 5, { padding: 2, activation: relu })],
      [new MaxPool2D(3, 1, 1), new Conv2D(c4, 1, { activation: relu })],
    ];
    for (const layer of this.paths.flat()) this.registerChild(layer);
  }

  /** The four paths' outputs for x (N, C, H, W), concatenated along the channels. */
  forward(x: Tensor): Tensor {
    const outputs = this.paths.map((layers) => chain(x, layers));
    const y = concat(outputs, 1);
    for (const t of outputs) release(t);
    return y;
  }

  children(): Block[] {
    return this.paths.flat();
  }

  /** `Inception(192 -> 64+128+32+32)`. */
  describe(): string {
    const last = this.paths.map((layers) => layers[layers.length - 1] as Conv2D);
    const inC = (this.paths[0][0] as Conv2D).weight.shape[1] || 'None';
    return `Inception(${inC} -> ${last.map((c) => c.channels).join('+')})`;
  }
}

/**
 * GoogLeNet as in the book: five stages. (1) a 7×7 convolution with 64 channels (stride 2) and a
 * 3×3 max pooling of stride 2; (2) a 1×1 convolution with 64 channels, a 3×3 one with 192 and a
 * max pooling; (3) two Inception blocks (256 and 480 channels) and a max pooling; (4) five (512,
 * 512, 512, 528, 832) and a max pooling; (5) two (832, 1024) and global average pooling;
 * then Dense(numClasses) (5,977,530 parameters with 10 classes). All convolutions with ReLU. The stages divide height and width by 32;
 * the book trains at 96×96 (any size from 32 works).
 * @example const net = models.googlenet(); net.initialize(init.Xavier());
 * @throws TypeError/RangeError for an unknown option or a bad value.
 */
export function googlenet(options: ModelOptions = {}): Sequential {
  const numClasses = numClassesOption('models.googlenet', options, ['numClasses']);
  const b1 = new Sequential().add(
    new Conv2D(64, 7, { strides: 2, padding: 3, activation: 'relu' }), new MaxPool2D(3, 2, 1));
  const b2 = new Sequential().add(
    new Conv2D(64, 1, { activation: 'relu' }), new Conv2D(192, 3, { padding: 1, activation: 'relu' }),
    new MaxPool2D(3, 2, 1));
  const b3 = new Sequential().add(
    new Inception(64, [96, 128], [16, 32], 32), new Inception(128, [128, 192], [32, 96], 64),
    new MaxPool2D(3, 2, 1));
  const b4 = new Sequential().add(
    new Inception(192, [96, 208], [16, 48], 64), new Inception(160, [112, 224], [24, 64], 64),
    new Inception(128, [128, 256], [24, 64], 64), new Inception(112, [144, 288], [32, 64], 64),
    new Inception(256, [160, 320], [32, 128], 128), new MaxPool2D(3, 2, 1));
  // As the book's MXNet code, without PyTorch's Flatten after the pooling (Dense flattens): a
  // Sequential that ends in a view of its last result (Flatten) inside another Sequential has that
  // view freed by the outer one after backward has passed it, while the pooling before it still
  // reads the same storage (Sequential's release of views looks at its own children only).
  const b5 = new Sequential().add(
    new Inception(256, [160, 320], [32, 128], 128), new Inception(384, [192, 384], [48, 128], 128),
    new GlobalAvgPool2D());
  return new Sequential().add(b1, b2, b3, b4, b5, new Dense(numClasses));
}
