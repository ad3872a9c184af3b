// Flatten layer.
import { flatten } from '../ops/shape';
import { Tensor } from '../core/tensor';
import { Block } from './block';

/** (N, ...) → (N, rest), as Gluon's `nn.Flatten()`. */
export class Flatten extends Block {
  constructor() {
    super('flatten');
  }

  /** (N, ...) → (N, rest), a view of x. */
  forward(x: Tensor): Tensor {
    return flatten(x);
  }

  /** `Flatten`. */
  describe(): string {
    return 'Flatten';
  }
}
