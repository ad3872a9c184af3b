// MaxPool2D, AvgPool2D, GlobalAvgPool2D and GlobalMaxPool2D layers.
import type { PoolKind } from '../../binding';
import { flag, pool2d } from '../ops/pool';
import { checkPadding } from '../ops/window';
import { Tensor, formatShape, requireTensor } from '../core/tensor';
import { knownOptions, nonNegativeInt, pair, positiveInt } from '../core/check';
import { Block } from './block';
import { shapeError } from '../core/errors';

/** Options of {@link MaxPool2D} (ceilMode) and {@link AvgPool2D} (both), Gluon's ceil_mode and count_include_pad. */
export interface Pool2DOptions {
  /** Round the output size up (PyTorch's rule for the last window); default false. */
  ceilMode?: boolean;
  /** AvgPool2D only: count zero padding in the divisor; default true. */
  countIncludePad?: boolean;
}

abstract class Pool2D extends Block {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(private readonly kind: PoolKind, layer: string, poolSize: number | [number, number],
    strides: number | [number, number] | undefined, padding: number | [number, number], options: Pool2DOptions) {
    super('pool');
    this.poolSize = pair(layer, 'poolSize', poolSize, positiveInt);
    this.strides = pair(layer, 'strides', strides ?? poolSize, positiveInt);
    this.padding = pair(layer, 'padding', padding, nonNegativeInt);
    checkPadding(layer, this.poolSize, this.padding, 'pooling');
    knownOptions(layer, options, kind === 'max' ? ['ceilMode'] : ['ceilMode', 'countIncludePad']);
    this.ceilMode = flag(layer, 'ceilMode', options.ceilMode ?? false);
    this.countIncludePad = flag(layer, 'countIncludePad', options.countIncludePad ?? true);
  }

  /** Pools x (N, C, H, W) window by window. */
  forward(x: Tensor): Tensor {
    return pool2d(this.kind, x, this.poolSize, this.strides, this.padding,
      { ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  /** Gluon-style description: `MaxPool2D(size=(2,2), stride=(2,2), padding=(0,0))`, options when not default. */
  describe(): string {
    const exclude = this.kind === 'avg' && !this.countIncludePad ? ', count_include_pad=False' : '';
    return `${this.kind === 'max' ? 'MaxPool2D' : 'AvgPool2D'}(size=${formatShape(this.poolSize)}, ` +
      `stride=${formatShape(this.strides)}, padding=${formatShape(this.padding)}` +
      `${this.ceilMode ? ', ceil_mode=True' : ''}${exclude})`;
  }
}

/**
 * Max pooling, as Gluon's `nn.MaxPool2D(pool_size=2, strides=None, padding=0, ceil_mode=False)`;
 * strides default to the pool size.
 * @example `new nn.MaxPool2D(3, 2, 0, { ceilMode: true })`
 */
export class MaxPool2D extends Pool2D {
  constructor(poolSize: number | [number, number] = 2, strides?: number | [number, number], padding: number | [number, number] = 0,
    options: Pool2DOptions = {}) {
    super('max', 'MaxPool2D', poolSize, strides, padding, options);
  }
}

/**
 * Average pooling, as Gluon's `nn.AvgPool2D(..., ceil_mode=False, count_include_pad=True)`: padded
 * cells count in the divisor unless `countIncludePad` is false.
 * @example `new nn.AvgPool2D(3, 1, 1, { countIncludePad: false })`
 */
export class AvgPool2D extends Pool2D {
  constructor(poolSize: number | [number, number] = 2, strides?: number | [number, number], padding: number | [number, number] = 0,
    options: Pool2DOptions = {}) {
    super('avg', 'AvgPool2D', poolSize, strides, padding, options);
  }
}

/** One statistic over each whole feature map: (N, C, H, W) → (N, C, 1, 1). */
abstract class GlobalPool2D extends Block {
  constructor(private readonly kind: PoolKind) {
    super('pool');
  }

  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    if (x.ndim !== 4) throw shapeError(this.name, `expected a 4-d x (N,C,H,W) but received ${formatShape(x.shape)}`);
    const window: [number, number] = [x.shape[2], x.shape[3]];
    return pool2d(this.kind, x, window, window, [0, 0]);
  }

  /** `GlobalAvgPool2D(size=(1,1))`: the output size. */
  describe(): string {
    return `${this.constructor.name}(size=(1,1))`;
  }
}

/**
 * Average over each whole feature map, as Gluon's `nn.GlobalAvgPool2D()`: (N, C, H, W) → (N, C, 1, 1)
 * (a pooling window of the input's size).
 * @example `net.add(new nn.Conv2D(10, 1), new nn.GlobalAvgPool2D(), new nn.Flatten())`
 */
export class GlobalAvgPool2D extends GlobalPool2D {
  constructor() {
    super('avg');
  }
}

/**
 * Maximum over each whole feature map, as Gluon's `nn.GlobalMaxPool2D()` (PyTorch's
 * `AdaptiveMaxPool2d(1)`): (N, C, H, W) → (N, C, 1, 1).
 * @example `net.add(new nn.Conv2D(10, 3), new nn.GlobalMaxPool2D(), new nn.Flatten())`
 */
export class GlobalMaxPool2D extends GlobalPool2D {
  /** Its gradient goes to the first maximum of each map. */
  constructor() {
    super('max');
  }
}
