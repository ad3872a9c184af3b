// Identity layer.
import { Tensor, requireTensor } from '../core/tensor';
import { Block } from './block';

/**
 * Passes its input through unchanged, as PyTorch's `nn.Identity()` (Gluon's `nn.Identity()`): a
 * placeholder where a network's slot takes a layer (a skipped shortcut, a removed head).
 * @example `const head = pretrained ? new nn.Identity() : new nn.Dense(10)`
 */
export class Identity extends Block {
  constructor() {
    super('identity');
  }

  /** x itself (no copy, no op on the tape: its gradient is dy). */
  forward(x: Tensor): Tensor {
    requireTensor(this.name, 'x', x);
    return x;
  }

  /** `Identity`. */
  describe(): string {
    return 'Identity';
  }
}
