// Every op in the op table (test/ops/table.ts) against its float64 reference, forward and backward,
// on seeded random inputs, including strided, padded and non-square cases that LeNet does not use;
// then each op's own checks, and the native entry points beneath the ops that the ops do not show.
import { strict as assert } from 'assert';
import { Tensor, ops, TrainingMetrics } from '../lib';
import * as ref from './reference';
import { F32, dev, forEachDevice, forwardBackward, leaf, toArr, toTensor } from './helpers';
import { OpCase, table } from './ops/table';
import { binding } from './ops/case';

/** Runs one case on the current device: output shape and values, then each input's gradient. */
function checkCase(op: string, c: OpCase): void {
  const rng = new ref.Rng(c.seed);
  const inputs = c.inputs(rng);
  const yRef = c.forward(...inputs);
  const dy = ref.randomArr(yRef.shape, rng);
  const constant = new Set(c.constant ?? []);
  const xs = inputs.map((a, i) => (constant.has(i) || !c.backward ? toTensor(a) : leaf(a)));
  const tol = c.tol ?? F32;
  const y = c.backward ? forwardBackward(() => c.call(...xs), dy) : c.call(...xs);
  assert.deepEqual([...y.shape], [...yRef.shape], `${op}: output shape`);
  ref.assertClose(y.toArray(), yRef.data, { ...tol, name: `${op}: y`, shape: yRef.shape });
  if (!c.backward) return;
  const grads = c.backward(dy, ...inputs);
  const differentiable = inputs.map((_, i) => i).filter((i) => !constant.has(i));
  assert.equal(grads.length, differentiable.length, `${op}: one reference gradient per differentiable input`);
  differentiable.forEach((i, k) => {
    ref.assertClose(xs[i].grad!.toArray(), grads[k].data, { ...tol, name: `${op}: gradient of input ${i}`, shape: inputs[i].shape });
  });
}

forEachDevice('ops against the float64 reference', () => {
  for (const entry of table) {
    describe(entry.op, () => {
      for (const c of entry.cases) it(c.title, () => checkCase(entry.op, c));
      for (const [title, run] of entry.checks ?? []) it(title, run);
    });
  }

  describe('native entry points beneath the ops', () => {
    it('countCorrect and accumulateCorrect count correct rows, on the host or into a running total on the device', () => {
      const rng = new ref.Rng(12);
      const logits = ref.randomArr([50, 10], rng);
      const labels = Array.from({ length: 50 }, (_, i) => (i * 7) % 10);
      const [lt, yt] = [toTensor(logits), Tensor.fromArray(labels, undefined, dev())];
      for (const k of [1, 3, 10]) {
        const topK = ref.countCorrect(logits, labels, k);
        assert.equal(binding.countCorrect(lt, yt, k), topK, `top ${k}`);
        const sum = Tensor.full([1], 3, dev());
        binding.accumulateCorrect(lt, yt, sum, k);
        binding.accumulateCorrect(lt, yt, sum, k);
        assert.equal(sum.item(), 3 + 2 * topK, `top ${k}, accumulated`);
      }
      assert.equal(ref.countCorrect(logits, labels, 10), 50, 'top 10 of 10 classes: all');
      // Ties: a label tied with a smaller index loses its place to it, as the first arg-max does.
      const tied = Tensor.fromArray([1, 1, 0, 1, 1, 0], [2, 3], dev());
      const tiedLabels = Tensor.fromArray([1, 0], undefined, dev());
      assert.deepEqual([1, 2].map((k) => binding.countCorrect(tied, tiedLabels, k)), [1, 2]);
      const expected = ref.countCorrect(logits, labels);
      const metrics = new TrainingMetrics(dev());
      const l = ops.softmaxCrossEntropy(lt, yt);
      metrics.add(l, lt, yt);
      metrics.add(l, lt, yt);
      const read = metrics.read();
      assert.equal(read.examples, 100);
      assert.ok(Math.abs(read.acc - expected / 50) < 1e-6);
      assert.ok(Math.abs(read.loss - ref.mean(ref.softmaxCrossEntropy(logits, labels))) < 1e-5);
    });

    it('uniform and normal fills are seeded, in range and have the right moments', () => {
      const u = Tensor.empty([100000], dev());
      binding.fillUniform(u, -2, 3, 42);
      const uv = toArr(u).data;
      assert.ok(uv.every((v) => v >= -2 && v < 3));
      assert.ok(Math.abs(ref.mean(toArr(u)) - 0.5) < 0.03);
      const n = Tensor.empty([100000], dev());
      binding.fillNormal(n, 1, 2, 42);
      const nv = toArr(n);
      const m = ref.mean(nv);
      const sd = Math.sqrt(nv.data.reduce((a, v) => a + (v - m) ** 2, 0) / nv.data.length);
      assert.ok(Math.abs(m - 1) < 0.03 && Math.abs(sd - 2) < 0.03, `mean ${m} sd ${sd}`);
      const again = Tensor.empty([100000], dev());
      binding.fillNormal(again, 1, 2, 42);
      assert.deepEqual(again.toArray(), n.toArray());
    });

    it('an SGD step matches w - lr g', () => {
      const rng = new ref.Rng(6);
      const w = ref.randomArr([50], rng);
      const g = ref.randomArr([50], rng);
      const wt = toTensor(w);
      binding.optimizerUpdate('sgd', wt, toTensor(g), null, null, null, { lr: 0.37, rescale: 1 }, null);
      ref.assertClose(wt.toArray(), ref.sgdUpdate(w, g, 0.37).data, { ...F32, name: 'w' });
    });
  });
});
