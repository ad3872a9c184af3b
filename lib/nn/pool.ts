// MaxPool2D, AvgPool2D and GlobalAvgPool2D layers.
import type { PoolKind } from '../../binding';
import { pool2d } from '../ops/pool';
import { checkPadding } from '../ops/window';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { nonNegativeInt, pair, positiveInt } from '../core/check';
import { Block } from './block';
import { shapeError } from '../core/errors';

abstract class Pool2D extends Block {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];

  constructor(private readonly kind: PoolKind, layer: string, poolSize: number | [number, number],
    strides: number | [number, number] | undefined, padding: number | [number, number]) {
    super('pool');
    this.poolSize = pair(layer, 'poolSize', poolSize, positiveInt);
    this.strides = pair(layer, 'strides', strides ?? poolSize, positiveInt);
    this.padding = pair(layer, 'padding', padding, nonNegativeInt);
    checkPadding(layer, this.poolSize, this.padding, 'pooling');
  }

  /** Pools x (N, C, H, W) window by window. */
  forward(x: Tensor): Tensor {
    return pool2d(this.kind, x, this.poolSize, this.strides, this.padding);
  }

  /** Gluon-style description: `MaxPool2D(size=(2,2), stride=(2,2), padding=(0,0))`. */
  describe(): string {
    return `${this.kind === 'max' ? 'MaxPool2D' : 'AvgPool2D'}(size=${formatShape(this.poolSize)}, ` +
      `stride=${formatShape(this.strides)}, padding=${formatShape(this.padding)})`;
  }
}

/**
 * Max pooling, as Gluon's `nn.MaxPool2D(pool_size=2, strides=None, padding=0)`; strides default to
 * the pool size.
 * @example `new nn.MaxPool2D(2, 2)`
 */
export class MaxPool2D extends Pool2D {
  constructor(poolSize: number | [number, number] = 2, strides?: number | [number, number], padding: number | [number, number] = 0) {
    super('max', 'MaxPool2D', poolSize, strides, padding);
  }
}

/**
 * Average pooling (padded cells counted), as Gluon's `nn.AvgPool2D`.
 * @example `new nn.AvgPool2D(2, 2)`
 */
export class AvgPool2D extends Pool2D {
  constructor(poolSize: number | [number, number] = 2, strides?: number | [number, number], padding: number | [number, number] = 0) {
    super('avg', 'AvgPool2D', poolSize, strides, padding);
  }
}

/**
 * Average over each whole feature map, as Gluon's `nn.GlobalAvgPool2D()`: (N, C, H, W) → (N, C, 1, 1)
 * (a pooling window of the input's size).
 * @example `net.add(new nn.Conv2D(10, 1), new nn.GlobalAvgPool2D(), new nn.Flatten())`
 */
export class GlobalAvgPool2D extends Block {
  constructor() {
    super('pool');
  }

  /** The mean of each channel of each example, shape (N, C, 1, 1). */
  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    if (x.ndim !== 4) throw shapeError(this.name, `expected a 4-d x (N,C,H,W) but received ${formatShape(x.shape)}`);
    const window: [number, number] = [x.shape[2], x.shape[3]];
    return pool2d('avg', x, window, window, [0, 0]);
  }

  /** `GlobalAvgPool2D(size=(1,1))`: the output size. */
  describe(): string {
    return 'GlobalAvgPool2D(size=(1,1))';
  }
}
