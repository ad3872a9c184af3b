// The binding fuzzer in its short form (test/fuzz/run.ts runs it long): thousands of spoiled calls
// to every entry point, in child processes so that a crash is counted rather than fatal, then the
// exact cases the fuzzer found worth pinning down. (16.op-table checks that the fuzzer has a
// valid-call builder for every entry point.)
import { strict as assert } from 'assert';
import { Tensor, ops } from '../lib';
import { binding } from '../lib/core/binding';
import { fuzzSupervised } from './fuzz/run';
import { dev, forEachDevice } from './helpers';

forEachDevice('binding fuzzer', () => {
  it('20,000 spoiled calls: only exceptions naming the op, no crash or hang, still correct after', function () {
    this.timeout(600000);
    const device = dev().name;
    const counts = fuzzSupervised({ calls: 20000, seconds: 300, seed: 1, chunk: 5000, device });
    console.log(`      ${counts.calls} calls: ${counts.exceptions} exceptions, ${counts.returned} returned, ` +
      `${counts.badOutcomes.length} bad outcomes, ${counts.crashes.length} crashes, ${counts.hangs.length} hangs`);
    assert.deepEqual([...counts.crashes, ...counts.hangs, ...counts.badOutcomes], []);
    assert.equal(counts.calls, 20000);
    assert.ok(counts.exceptions > 6000 && counts.returned > 6000, 'both outcomes are exercised');
  });

  // A getter that runs while the addon reads its arguments must not free what the call will use.
  const reading = (t: Tensor, onShape: () => void) => ({
    data: t.data,
    get shape() {
      onShape();
      return t.shape;
    },
  });

  it('refuses to dispose a tensor that a call is reading, and the call still completes', () => {
    const x = Tensor.fromArray([[1, 2]], undefined, dev()), w = Tensor.fromArray([[3, 4]], undefined, dev());
    const y = Tensor.zeros([1, 1], dev());
    let refusal = '';
    const wSpy = reading(w, () => {
      try {
        x.dispose();
      } catch (err) {
        refusal = (err as Error).message;
      }
    });
    binding.denseForward(x, wSpy, null, y, 'none');
    assert.equal(refusal, 'dispose: this tensor is in use by denseForward, which is reading its arguments; dispose it after that call returns');
    assert.deepEqual(Array.from(y.toArray()), [11]);
    x.dispose();
    assert.ok(x.data.disposed);
  });

  it('a getter that re-enters the addon, or throws, leaves it working', () => {
    const x = Tensor.fromArray([1, -2, 3], undefined, dev()), y = Tensor.zeros([3], dev());
    const inner = Tensor.zeros([3], dev());
    binding.activationForward('relu', reading(x, () => binding.activationForward('relu', x, inner, 0)), y, 0);
    assert.deepEqual(Array.from(y.toArray()), [1, 0, 3]);
    assert.throws(() => binding.activationForward('relu', reading(x, () => { throw new Error('from a getter'); }), y, 0),
      /^Error: from a getter$/);
    assert.deepEqual(Array.from(ops.relu(x).toArray()), [1, 0, 3]);
  });

  // On x86 the old undefined cast happened to land inside the plane, so this bites in the sanitizer
  // run (npm run test:sanitize, with float-cast-overflow), where it failed before the fix.
  it('non-finite sampling matrices give zeros or edge values, never a read outside the image', () => {
    const x = Tensor.ones([1, 1, 4, 4], dev()), y = Tensor.zeros([1, 1, 3, 3], dev());
    for (const m of [NaN, Infinity, -Infinity, 3e38]) {
      for (const clamp of [true, false]) {
        binding.affineSample(x, y, Tensor.fromArray([[m, 0, 0, 0, m, 0]], undefined, dev()), clamp);
        for (const v of y.toArray()) assert.ok(v === 0 || v === 1 || Number.isNaN(v), `matrix ${m}: ${v}`);
      }
    }
  });
});
