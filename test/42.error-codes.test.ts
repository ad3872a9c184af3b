// Every error the addon throws carries a stable `code` (native/errors.h); its class and message stay
// as they were. One error per code that a machine without a GPU can reach, straight through the
// binding.
import { strict as assert } from 'assert';
import { Tensor } from '../lib';
import { binding } from '../lib/core/binding';

type Call = () => unknown;

describe('native error codes', () => {
  const disposed = () => {
    const t = Tensor.zeros([2]);
    const ref = { data: t.data, shape: [2] };
    t.dispose();
    return ref;
  };
  const cases: [string, Call, string, RegExp][] = [
    ['a wrong argument count', () => (binding.sum as unknown as Call)(),
      'NC_ARGUMENT', /^TypeError: sum: expected 2 arguments but received 0$/],
    ['a wrong argument type', () => binding.fillConstant(Tensor.zeros([2]), 'x' as never),
      'NC_ARGUMENT', /^TypeError: fillConstant: expected a finite number for value but received 'x' \(string\)$/],
    ['sizes that disagree', () => binding.axpby(Tensor.zeros([2]), Tensor.zeros([3]), 1, 1),
      'NC_SHAPE', /^RangeError: axpby: x has 2 elements \(2\) but y has 3 \(3\)$/],
    ['a buffer too small for its shape', () => binding.fillConstant({ data: Tensor.zeros([1]).data, shape: [4] }, 0),
      'NC_SHAPE', /^RangeError: fillConstant: y of shape \(4\) needs 16 bytes but its buffer holds 4$/],
    ['a window that does not fit',
      () => binding.pool2dForward('max', Tensor.zeros([1, 1, 3, 3]), Tensor.zeros([1, 1, 1, 1]), [5, 5], [1, 1], [0, 0], false, false, true),
      'NC_SHAPE', /^RangeError: pool2dForward: window 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['an unknown device', () => binding.alloc('tpu:0', 4),
      'NC_DEVICE', /^RangeError: alloc: (unknown device 'tpu:0'|no backend for device 'tpu:0')/],
    ['a disposed storage', () => binding.fillConstant(disposed(), 0),
      'NC_DISPOSED', /^TypeError: fillConstant: y was disposed$/],
    ['more host memory than there is', () => binding.alloc('cpu', 2 ** 40),
      'NC_OUT_OF_MEMORY', /^RangeError: alloc: out of host memory: cannot allocate 1099511627776 bytes on cpu /],
  ];
  for (const [what, call, code, message] of cases) {
    it(`${code}: ${what}`, () => assert.throws(call, (err: Error & { code?: unknown }) => {
      assert.match(`${err.name}: ${err.message}`, message);
      assert.equal(err.code, code);
      return true;
    }));
  }

  it('NC_ARGUMENT: a Storage constructed from JavaScript', () => {
    const Ctor = Tensor.zeros([1]).data.constructor as new (...a: unknown[]) => unknown;
    assert.throws(() => new Ctor(), (err: Error & { code?: unknown }) => {
      assert.ok(err instanceof TypeError);
      assert.equal(err.code, 'NC_ARGUMENT');
      return true;
    });
  });
});
