// Dropout layer.
import { dropRate, dropout } from '../ops/dropout';
import { Tensor } from '../core/tensor';
import { Block } from './block';

/**
 * Dropout, as Gluon's `nn.Dropout(rate)`: active in training (inside `autograd.record`), the
 * identity in evaluation.
 */
export class Dropout extends Block {
  readonly rate: number;

  /** @param rate - drop probability in [0, 1). */
  constructor(rate: number) {
    super('dropout');
    this.rate = dropRate('Dropout', 'rate', rate);
  }

  /** Inverted dropout in training mode; `x` itself in prediction mode. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.rate);
  }

  /** `Dropout(p = 0.5)`. */
  describe(): string {
    return `Dropout(p = ${this.rate})`;
  }
}
