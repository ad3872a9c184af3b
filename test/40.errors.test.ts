// The messages of the argument checks, case by case: each names the operation and the bad value
// (41.fuzz.test.ts throws thousands of spoiled calls at every entry point).
import { strict as assert } from 'assert';
import { Tensor, nn, ops, Trainer, autograd, init } from '../lib';
import { binding } from '../lib/core/binding';

describe('argument checks', () => {
  const x = () => Tensor.zeros([2, 3, 8, 8]);
  const w = () => Tensor.zeros([4, 3, 3, 3]);
  const cases: [string, () => unknown, RegExp][] = [
    ['too few arguments', () => (binding.conv2dForward as unknown as () => void)(),
      /^TypeError: conv2dForward: expected 7 arguments but received 0$/],
    ['a non-tensor', () => binding.conv2dForward(1 as never, w(), null, x(), [1, 1], [0, 0], 'none'),
      /^TypeError: conv2dForward: expected a Tensor for x but received 1 \(number\)$/],
    ['stride 0', () => ops.conv2d(x(), w(), null, { stride: [0, 1] }),
      /^RangeError: conv2d: expected a positive integer for stride but received 0 \(number\)$/],
    ['negative padding', () => binding.conv2dForward(x(), w(), null, Tensor.zeros([2, 4, 6, 6]), [1, 1], [-1, 0], 'none'),
      /^RangeError: conv2dForward: expected a pair of integers >= 0 for padding but received -1 \(number\)$/],
    ['channel mismatch', () => ops.conv2d(Tensor.zeros([2, 2, 8, 8]), w(), null),
      /^RangeError: conv2d: weight \(4,3,3,3\) expects 3 input channels but x \(2,2,8,8\) has 2$/],
    ['a kernel larger than the input', () => ops.conv2d(Tensor.zeros([1, 3, 2, 2]), w(), null),
      /^RangeError: conv2d: window 3 does not fit input \(1,3,2,2\) with padding 0$/],
    ['a kernel larger than the padded input (native check)',
      () => binding.conv2dForward(Tensor.zeros([1, 1, 3, 3]), Tensor.zeros([1, 1, 5, 5]), null, Tensor.zeros([1, 1, 1, 1]), [1, 1], [0, 0], 'none'),
      /^RangeError: conv2dForward: kernel 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['a pooling window larger than the padded input (native check)',
      () => binding.pool2dForward('max', Tensor.zeros([1, 1, 3, 3]), Tensor.zeros([1, 1, 1, 1]), [5, 5], [1, 1], [0, 0], false),
      /^RangeError: pool2dForward: window 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['an output buffer too small', () => binding.conv2dForward(x(), w(), null, { data: Tensor.zeros([1]).data, shape: [2, 4, 6, 6] }, [1, 1], [0, 0], 'none'),
      /^RangeError: conv2dForward: y of shape \(2,4,6,6\) needs 1152 bytes but its buffer holds 4$/],
    ['an unknown activation', () => binding.denseForward(Tensor.zeros([1, 2]), Tensor.zeros([3, 2]), null, Tensor.zeros([1, 3]), 'gelu' as never),
      /^RangeError: denseForward: expected one of 'none', 'relu', 'sigmoid', 'tanh' for activation but received 'gelu' \(string\)$/],
    ['a label outside the classes', () => ops.softmaxCrossEntropy(Tensor.zeros([2, 10]), Tensor.fromArray([1, 10])),
      /^RangeError: softmaxCrossEntropy: labels\[1\] = 10.000000 is not a class index in \[0, 10\)$/],
    ['a disposed tensor', () => { const t = x(); t.dispose(); return ops.conv2d(t, w(), null); },
      /^Error: conv2d: x was disposed$/],
    ['pool padding above half the window', () => ops.pool2d('max', x(), [2, 2], [2, 2], [2, 2]),
      /^RangeError: pool2d: padding \(2,2\) must be at most half the window \(2,2\)$/],
    ['a huge allocation', () => binding.alloc('cpu', 2 ** 45),
      /^RangeError: alloc: expected an integer in \[1, 1099511627776\] for byteLength but received 35184372088832 \(number\)$/],
    ['an unknown device', () => binding.alloc('tpu:0', 4), /^RangeError: alloc: (unknown device 'tpu:0'|no backend for device 'tpu:0')/],
    ['mismatched fromArray', () => Tensor.fromArray([1, 2, 3], [2, 2]), /^RangeError: Tensor.fromArray: 3 values do not fill shape \(2,2\)$/],
    ['a bad Conv2D option', () => new nn.Conv2D(6, 5, { activation: 'softmax' as never }),
      /^RangeError: Conv2D: expected one of 'relu', 'sigmoid', 'tanh' for activation but received 'softmax' \(string\)$/],
    ['zero channels', () => new nn.Conv2D(0, 5), /^RangeError: Conv2D: expected a positive integer for channels but received 0 \(number\)$/],
    ['a Trainer without a learning rate', () => new Trainer(new Map(), 'sgd', {} as never),
      /^TypeError: Trainer: expected a number in \[0, Infinity\) for learningRate but received undefined \(undefined\)$/],
    ['backward without a tape', () => Tensor.zeros([2]).backward(), /^Error: backward: this tensor has no recorded history/],
    ['autograd.record of a non-function', () => autograd.record(3 as never), /^TypeError: autograd.record: expected a function/],
    ['Dense whose input size changed', () => {
      const d = new nn.Dense(3);
      d.initialize(init.Xavier());
      d.forward(Tensor.zeros([2, 4]));
      return d.forward(Tensor.zeros([2, 5]));
    }, /^RangeError: dense: weight \(3,4\) expects 4 input features but x \(2,5\) has 5$/],
    ['a parameter used before initialize', () => new nn.Dense(3, { inUnits: 2 }).forward(Tensor.zeros([1, 2])),
      /^Error: dense0.weight: not initialized; call net.initialize\(\) first$/],
  ];
  for (const [what, call, message] of cases) {
    it(what, () => assert.throws(call, (err: Error) => {
      assert.match(`${err.name}: ${err.message}`, message);
      return true;
    }));
  }

  it('dispose twice is harmless and memoryInfo counts live buffers', () => {
    const before = binding.memoryInfo('cpu').liveBuffers;
    const t = Tensor.zeros([100]);
    assert.equal(binding.memoryInfo('cpu').liveBuffers, before + 1);
    t.dispose();
    t.dispose();
    assert.equal(binding.memoryInfo('cpu').liveBuffers, before);
  });

  it('a Storage cannot be constructed from JavaScript', () => {
    const Ctor = Tensor.zeros([1]).data.constructor as new (...a: unknown[]) => unknown;
    assert.throws(() => new Ctor(), /Storage: not constructible from JavaScript/);
  });
});
