// The messages of the argument checks, case by case: each names the operation and the bad value
// (41.fuzz.test.ts throws thousands of spoiled calls at every entry point). The ops' cases are in
// the op table (test/ops/table.ts); the rest (buffers, tensors, layers, Trainer, autograd) are here.
import { strict as assert } from 'assert';
import { Tensor, nn, Trainer, autograd, init } from '../lib';
import { forEachDevice } from './helpers';
import { binding } from './ops/case';
import { table } from './ops/table';

function expectThrows(call: () => unknown, message: RegExp): void {
  assert.throws(call, (err: Error) => {
    assert.match(`${err.name}: ${err.message}`, message);
    return true;
  });
}

forEachDevice('argument checks of the ops', () => {
  for (const entry of table) {
    if (!entry.errors?.length) continue;
    describe(entry.op, () => {
      for (const [what, call, message] of entry.errors!) it(what, () => expectThrows(call, message));
    });
  }
});

describe('argument checks', () => {
  const cases: [string, () => unknown, RegExp][] = [
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
  for (const [what, call, message] of cases) it(what, () => expectThrows(call, message));

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
