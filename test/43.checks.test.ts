// One home per check: user arguments are checked in TypeScript, in one message format that names the
// user-facing op or layer, with a stable error code; unknown option keys throw instead of being
// silently ignored (a misspelt `dilation` once returned an undilated result).
import { strict as assert } from 'assert';
import { Tensor, nn, ops, isNodeCudnnError } from '../lib';

function throwsWith(call: () => unknown, code: string, message: RegExp): void {
  assert.throws(call, (err: Error) => {
    assert.ok(isNodeCudnnError(err), `no error code on ${err}`);
    assert.equal((err as Error & { code: string }).code, code);
    assert.match(`${err.name}: ${err.message}`, message);
    return true;
  });
}

describe('argument checks: one home, one format, codes', () => {
  const x = () => Tensor.zeros([1, 2, 13, 13]);
  const w = () => Tensor.zeros([3, 2, 3, 3]);

  it('an unknown option key throws, naming the accepted ones', () => {
    throwsWith(() => ops.conv2d(x(), w(), null, { dilation: [2, 2] } as never), 'NC_ARGUMENT',
      /^TypeError: conv2d: unknown option 'dilation'; the options are 'stride', 'padding', 'activation'$/);
    throwsWith(() => new nn.Conv2D(2, 3, { dilation: 2 } as never), 'NC_ARGUMENT', /^TypeError: Conv2D: unknown option 'dilation'/);
    throwsWith(() => new nn.Dense(2, { units: 3 } as never), 'NC_ARGUMENT', /^TypeError: Dense: unknown option 'units'/);
    throwsWith(() => new nn.BatchNorm({ eps: 1e-3 } as never), 'NC_ARGUMENT', /^TypeError: BatchNorm: unknown option 'eps'/);
    throwsWith(() => new nn.Activation('elu', { slope: 2 } as never), 'NC_ARGUMENT', /^TypeError: Activation: unknown option 'slope'/);
    const c = Tensor.zeros([2]);
    throwsWith(() => ops.batchNorm(Tensor.zeros([3, 2]), c, c, c, c, { mom: 0.1 } as never), 'NC_ARGUMENT',
      /^TypeError: batchNorm: unknown option 'mom'/);
  });

  it('a window rule is reported by the op the user called, with the same wording for op and layer', () => {
    throwsWith(() => ops.conv2d(x(), w(), null, { padding: 3 }), 'NC_SHAPE',
      /^RangeError: conv2d: padding \(3,3\) must be smaller than the kernel \(3,3\)$/);
    throwsWith(() => new nn.Conv2D(2, 3, { padding: 3 }), 'NC_SHAPE',
      /^RangeError: Conv2D: padding \(3,3\) must be smaller than the kernel \(3,3\)$/);
    throwsWith(() => new nn.MaxPool2D(2, 2, 2), 'NC_SHAPE', /^RangeError: MaxPool2D: padding \(2,2\) must be at most half the window \(2,2\)$/);
    throwsWith(() => ops.conv2d(x(), w(), null, { stride: 0 }), 'NC_ARGUMENT',
      /^RangeError: conv2d: expected a positive integer for stride but received 0 \(number\)$/);
  });

  it('shape disagreements carry NC_SHAPE, type mistakes NC_ARGUMENT, disposed tensors NC_DISPOSED', () => {
    throwsWith(() => ops.dense(Tensor.zeros([2, 5]), Tensor.zeros([3, 4]), null), 'NC_SHAPE', /^RangeError: dense: weight \(3,4\) expects 4/);
    throwsWith(() => ops.conv2d(x(), w(), Tensor.zeros([4])), 'NC_SHAPE', /^RangeError: conv2d: expected shape \(3\) for bias but received \(4\)$/);
    throwsWith(() => ops.softmaxCrossEntropy(Tensor.zeros([2, 3]), Tensor.zeros([3])), 'NC_SHAPE',
      /^RangeError: softmaxCrossEntropy: expected shape \(2\) for labels but received \(3\)$/);
    throwsWith(() => ops.activation('swish' as never, x()), 'NC_ARGUMENT', /^RangeError: activation: expected one of 'none', 'relu'/);
    const gone = x();
    gone.dispose();
    throwsWith(() => ops.relu(gone), 'NC_DISPOSED', /^Error: relu: x was disposed$/);
  });
});
