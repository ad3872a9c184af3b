// Every native op against the float64 reference, forward and backward, on seeded random inputs,
// including strided, padded and non-square cases that LeNet does not use.
import { strict as assert } from 'assert';
import { Tensor, ops } from '../lib';
import * as ref from './reference';
import { F32, dev, forEachDevice, forwardBackward, leaf, toArr, toTensor } from './helpers';

type Pair = [number, number];
const activations = ['none', 'relu', 'sigmoid', 'tanh'] as const;

forEachDevice('ops against the float64 reference', () => {
  describe('conv2d', () => {
    // The CPU backend has three paths: a direct kernel for a narrow receptive field (C·KH·KW ≤ 32),
    // oneDNN in channels-last for few channels, oneDNN in its blocked layouts otherwise.
    const cases: { x: number[]; w: number[]; stride: Pair; pad: Pair; bias: boolean }[] = [
      { x: [2, 1, 8, 8], w: [3, 1, 5, 5], stride: [1, 1], pad: [0, 0], bias: true },     // narrow
      { x: [2, 3, 9, 7], w: [4, 3, 3, 2], stride: [2, 1], pad: [1, 1], bias: true },     // narrow, strided
      { x: [1, 2, 10, 10], w: [5, 2, 3, 3], stride: [3, 3], pad: [2, 1], bias: false },  // narrow
      { x: [3, 4, 6, 6], w: [2, 4, 1, 1], stride: [2, 2], pad: [0, 0], bias: true },     // narrow, 1x1
      { x: [2, 1, 12, 12], w: [11, 1, 5, 5], stride: [1, 1], pad: [2, 2], bias: true },  // narrow, 8+3 channels
      { x: [1, 1, 30, 37], w: [3, 1, 3, 3], stride: [1, 1], pad: [0, 1], bias: true },   // narrow, 3 vectors a row
      { x: [2, 8, 9, 9], w: [10, 8, 3, 3], stride: [2, 2], pad: [1, 1], bias: true },    // oneDNN channels-last
      { x: [2, 16, 7, 7], w: [17, 16, 3, 3], stride: [1, 1], pad: [1, 1], bias: true },  // oneDNN blocked
      { x: [1, 20, 7, 6], w: [24, 20, 3, 2], stride: [1, 2], pad: [1, 0], bias: false }, // oneDNN blocked
    ];
    for (const c of cases) {
      for (const act of activations) {
        it(`x ${c.x} w ${c.w} stride ${c.stride} pad ${c.pad} bias ${c.bias} ${act}`, () => {
          const rng = new ref.Rng(7);
          const x = ref.randomArr(c.x, rng);
          const w = ref.randomArr(c.w, rng);
          const b = c.bias ? ref.randomArr([c.w[0]], rng) : null;
          const z = ref.conv2d(x, w, b, c.stride, c.pad);
          const yRef = ref.activation(act, z);
          const dy = ref.randomArr(yRef.shape, rng);

          const [xt, wt, bt] = [leaf(x), leaf(w), b && leaf(b)];
          const y = forwardBackward(() => ops.conv2d(xt, wt, bt, { stride: c.stride, padding: c.pad, activation: act }), dy);
          ref.assertClose(y.toArray(), yRef.data, { ...F32, name: 'y', shape: yRef.shape });

          const dz = ref.activationBackward(act, z, dy);
          const g = ref.conv2dBackward(x, w, dz, c.stride, c.pad);
          ref.assertClose(xt.grad!.toArray(), g.dx.data, { ...F32, name: 'dx', shape: x.shape });
          ref.assertClose(wt.grad!.toArray(), g.dw.data, { ...F32, name: 'dw', shape: w.shape });
          if (bt) ref.assertClose(bt.grad!.toArray(), g.db.data, { ...F32, name: 'db' });
        });
      }
    }
  });

  describe('pool2d', () => {
    const cases: { x: number[]; window: Pair; stride: Pair; pad: Pair }[] = [
      { x: [2, 3, 8, 8], window: [2, 2], stride: [2, 2], pad: [0, 0] },
      { x: [2, 2, 9, 9], window: [3, 3], stride: [2, 2], pad: [0, 0] },  // overlapping, AlexNet's
      { x: [1, 3, 7, 6], window: [3, 2], stride: [1, 2], pad: [1, 1] },
      { x: [2, 2, 5, 5], window: [2, 2], stride: [2, 2], pad: [1, 1] },
      { x: [1, 17, 6, 6], window: [3, 3], stride: [3, 3], pad: [0, 0] },
    ];
    for (const kind of ['max', 'avg'] as const) {
      for (const c of cases) {
        it(`${kind} x ${c.x} window ${c.window} stride ${c.stride} pad ${c.pad}`, () => {
          const rng = new ref.Rng(11);
          // Distinct values so the max is unique in every window.
          const x = ref.randomArr(c.x, rng, -1, 1);
          const yRef = ref.pool2d(kind, x, c.window, c.stride, c.pad);
          const dy = ref.randomArr(yRef.shape, rng);
          const xt = leaf(x);
          const y = forwardBackward(() => ops.pool2d(kind, xt, c.window, c.stride, c.pad), dy);
          ref.assertClose(y.toArray(), yRef.data, { ...F32, name: 'y', shape: yRef.shape });
          const dx = ref.pool2dBackward(kind, x, dy, c.window, c.stride, c.pad);
          ref.assertClose(xt.grad!.toArray(), dx.data, { ...F32, name: 'dx', shape: x.shape });
        });
      }
    }
  });

  describe('activations', () => {
    for (const act of ['relu', 'sigmoid', 'tanh'] as const) {
      it(act, () => {
        const rng = new ref.Rng(3);
        const x = ref.randomArr([4, 5, 6], rng, -4, 4);
        const yRef = ref.activation(act, x);
        const dy = ref.randomArr(x.shape, rng);
        const xt = leaf(x);
        const y = forwardBackward(() => ops.activation(act, xt), dy);
        ref.assertClose(y.toArray(), yRef.data, { ...F32, name: 'y' });
        ref.assertClose(xt.grad!.toArray(), ref.activationBackward(act, x, dy).data, { ...F32, name: 'dx' });
      });
    }
  });

  describe('dense', () => {
    for (const [n, k, m, bias] of [[5, 7, 3, true], [1, 256, 120, true], [8, 3, 9, false]] as const) {
      for (const act of activations) {
        it(`(${n},${k}) -> ${m} bias ${bias} ${act}`, () => {
          const rng = new ref.Rng(5);
          const x = ref.randomArr([n, k], rng);
          const w = ref.randomArr([m, k], rng);
          const b = bias ? ref.randomArr([m], rng) : null;
          const z = ref.dense(x, w, b);
          const dy = ref.randomArr(z.shape, rng);
          const [xt, wt, bt] = [leaf(x), leaf(w), b && leaf(b)];
          const y = forwardBackward(() => ops.dense(xt, wt, bt, act), dy);
          ref.assertClose(y.toArray(), ref.activation(act, z).data, { ...F32, name: 'y' });
          const g = ref.denseBackward(x, w, ref.activationBackward(act, z, dy));
          ref.assertClose(xt.grad!.toArray(), g.dx.data, { ...F32, name: 'dx' });
          ref.assertClose(wt.grad!.toArray(), g.dw.data, { ...F32, name: 'dw' });
          if (bt) ref.assertClose(bt.grad!.toArray(), g.db.data, { ...F32, name: 'db' });
        });
      }
    }
  });

  describe('softmaxCrossEntropy', () => {
    it('matches the reference, forward and backward', () => {
      const rng = new ref.Rng(9);
      const logits = ref.randomArr([6, 10], rng, -5, 5);
      const labels = [0, 3, 9, 1, 1, 7];
      const dloss = ref.randomArr([6], rng);
      const lt = leaf(logits);
      const l = forwardBackward(() => ops.softmaxCrossEntropy(lt, Tensor.fromArray(labels, undefined, dev())), dloss);
      ref.assertClose(l.toArray(), ref.softmaxCrossEntropy(logits, labels).data, { ...F32, name: 'loss' });
      ref.assertClose(lt.grad!.toArray(), ref.softmaxCrossEntropyBackward(logits, labels, dloss).data, { ...F32, name: 'dlogits' });
    });

    it('stays finite for huge logits', () => {
      const l = ops.softmaxCrossEntropy(Tensor.fromArray([[1000, 0, -1000], [-1e30, 1e30, 0]], undefined, dev()), Tensor.fromArray([1, 1], undefined, dev()));
      const v = l.toArray();
      assert.ok(Math.abs(v[0] - 1000) < 1e-3, `loss ${v[0]}`);
      assert.equal(v[1], 0);
    });

    it('counts correct rows, on the host or into a running total on the device', async () => {
      const { binding } = await import('../lib/core/binding');
      const { TrainingMetrics } = await import('../lib');
      const rng = new ref.Rng(12);
      const logits = ref.randomArr([50, 10], rng);
      const labels = Array.from({ length: 50 }, (_, i) => (i * 7) % 10);
      const [lt, yt] = [toTensor(logits), Tensor.fromArray(labels, undefined, dev())];
      const expected = ref.countCorrect(logits, labels);
      assert.equal(binding.countCorrect(lt, yt), expected);
      const total = Tensor.full([1], 3, dev());
      binding.accumulateCorrect(lt, yt, total);
      binding.accumulateCorrect(lt, yt, total);
      assert.equal(total.item(), 3 + 2 * expected);
      const metrics = new TrainingMetrics(dev());
      const l = ops.softmaxCrossEntropy(lt, yt);
      metrics.add(l, lt, yt);
      metrics.add(l, lt, yt);
      const read = metrics.read();
      assert.equal(read.examples, 100);
      assert.ok(Math.abs(read.acc - expected / 50) < 1e-6);
      assert.ok(Math.abs(read.loss - ref.mean(ref.softmaxCrossEntropy(logits, labels))) < 1e-5);
    });

    it('gives ln C for equal logits', () => {
      const l = ops.softmaxCrossEntropy(Tensor.zeros([2, 10], dev()), Tensor.fromArray([3, 4], undefined, dev()));
      ref.assertClose(l.toArray(), [Math.log(10), Math.log(10)], { ...F32, name: 'loss' });
    });
  });

  describe('dropout', () => {
    it('zeroes about p of the elements, scales the rest by 1/(1-p), and back-propagates through the mask', () => {
      const rng = new ref.Rng(4);
      const x = ref.randomArr([100, 100], rng, 0.5, 1.5);
      const dy = ref.randomArr(x.shape, rng);
      const xt = leaf(x);
      const p = 0.3;
      const y = forwardBackward(() => ops.dropout(xt, p, 1234), dy);
      const yv = y.toArray();
      const mask = ref.arr(x.shape, yv.map((v, i) => v / x.data[i]));
      const zeros = mask.data.filter((m) => m === 0).length / mask.data.length;
      assert.ok(Math.abs(zeros - p) < 0.02, `dropped ${zeros}`);
      assert.ok(mask.data.every((m) => m === 0 || Math.abs(m - 1 / (1 - p)) < 1e-5));
      ref.assertClose(xt.grad!.toArray(), ref.dropoutBackward(dy, mask).data, { ...F32, name: 'dx' });
    });

    it('is the same mask for the same seed and another for another seed', async () => {
      const { autograd } = await import('../lib');
      const x = Tensor.ones([1000], dev());
      const a = autograd.record(() => ops.dropout(x, 0.5, 1)).toArray();
      const b = autograd.record(() => ops.dropout(x, 0.5, 1)).toArray();
      const c = autograd.record(() => ops.dropout(x, 0.5, 2)).toArray();
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
    });

    it('is the identity outside training mode', () => {
      const x = Tensor.ones([10], dev());
      assert.equal(ops.dropout(x, 0.5), x);
    });
  });

  describe('reductions and shapes', () => {
    it('sum and mean, forward and backward', () => {
      const rng = new ref.Rng(2);
      const x = ref.randomArr([3, 4, 5], rng);
      for (const [op, f, b] of [[ops.sum, ref.sum, ref.sumBackward], [ops.mean, ref.mean, ref.meanBackward]] as const) {
        const xt = leaf(x);
        const y = forwardBackward(() => op(xt), ref.arr([1], [2.5]));
        ref.assertClose(y.toArray(), [f(x)], { ...F32, name: 'y' });
        ref.assertClose(xt.grad!.toArray(), b(x, 2.5).data, { ...F32, name: 'dx' });
      }
    });

    it('flatten and reshape keep the data and route the gradient back', () => {
      const rng = new ref.Rng(8);
      const x = ref.randomArr([2, 3, 4, 5], rng);
      const dy = ref.randomArr([2, 60], rng);
      const xt = leaf(x);
      const y = forwardBackward(() => ops.flatten(xt), dy);
      assert.deepEqual(y.shape, [2, 60]);
      ref.assertClose(y.toArray(), ref.flatten(x).data, { ...F32, name: 'y' });
      ref.assertClose(xt.grad!.toArray(), ref.flattenBackward(x, dy).data, { ...F32, name: 'dx' });
      assert.deepEqual(ops.reshape(xt, [-1, 20]).shape, [6, 20]);
      assert.throws(() => ops.reshape(xt, [7, -1]), /reshape: cannot reshape \(2,3,4,5\) to \(7,-1\)/);
    });
  });

  describe('fills', () => {
    it('uniform and normal are seeded, in range and have the right moments', async () => {
      const { binding } = await import('../lib/core/binding');
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
  });

  it('an SGD step matches w - lr g', async () => {
    const { binding } = await import('../lib/core/binding');
    const rng = new ref.Rng(6);
    const w = ref.randomArr([50], rng);
    const g = ref.randomArr([50], rng);
    const wt = toTensor(w);
    binding.optimizerUpdate('sgd', wt, toTensor(g), null, null, null, { lr: 0.37, rescale: 1 }, null);
    ref.assertClose(wt.toArray(), ref.sgdUpdate(w, g, 0.37).data, { ...F32, name: 'w' });
  });
});
