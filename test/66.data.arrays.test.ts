// Data beyond image bytes: ArrayDataset (float features of any per-example shape; class indices or
// float targets) batched by the DataLoader on every device, and fit() on a regression.
import { strict as assert } from 'assert';
import { Tensor, Trainer, data, fit, init, nn, ops, random } from '../lib';
import { ProgressBar } from '../lib/train/progress';
import { TrainingMetrics } from '../lib/train/metrics';
import { dev, forEachDevice, tempDir } from './helpers';
import * as path from 'path';

const { ArrayDataset, DataLoader } = data;

/** 0.5·(ŷ − y)² per example, for outputs (N) or (N, 1) and targets (N): a regression loss from ops. */
const halfSquared = {
  forward(yHat: Tensor, y: Tensor): Tensor {
    const d = ops.subtract(ops.reshape(yHat, [yHat.shape[0]]), y);
    return ops.multiply(ops.multiply(d, d), 0.5);
  },
};

/** `n` examples of shape `shape` whose values all equal the example's index. */
function indexFeatures(n: number, shape: number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * size);
  for (let i = 0; i < n; i++) x.fill(i, i * size, (i + 1) * size);
  return x;
}

describe('ArrayDataset', () => {
  it('takes class labels as Int32Array, Uint8Array or number[], and float targets of any shape', () => {
    const x = indexFeatures(4, [2, 3]);
    for (const labels of [Int32Array.from([0, 1, 2, 1]), Uint8Array.from([0, 1, 2, 1]), [0, 1, 2, 1]]) {
      const ds = new ArrayDataset(x, labels, { featureShape: [2, 3] });
      assert.equal(ds.length, 4);
      assert.equal(ds.labelKind, 'class');
      assert.deepEqual(ds.labelShape, []);
    }
    const inferred = new ArrayDataset(x, new Float32Array(4));
    assert.deepEqual(inferred.featureShape, [6]);
    assert.equal(inferred.labelKind, 'target');
    const pairs = new ArrayDataset(x, new Float32Array(8), { featureShape: [6], labelShape: [2] });
    assert.equal(pairs.length, 4);
  });

  it('refuses what does not fit, naming the argument', () => {
    const x = indexFeatures(4, [3]);
    const fails = (f: () => unknown, code: string, re: RegExp) => assert.throws(f, (e: Error & { code?: string }) => {
      assert.equal(e.code, code);
      assert.match(e.message, re);
      return true;
    });
    fails(() => new ArrayDataset(x, [0, 1.5, 2, 1]), 'NC_ARGUMENT', /ArrayDataset: labels\[1\] is 1\.5 \(number\), not a class index .*Float32Array for float targets/);
    fails(() => new ArrayDataset(x, Int32Array.from([0, -1, 2, 1])), 'NC_ARGUMENT', /labels\[1\] is -1/);
    fails(() => new ArrayDataset(x, [0, 1, 2, 1, 0]), 'NC_SHAPE', /features has 12 values, not a whole number per example for 5 examples/);
    fails(() => new ArrayDataset(x, [0, 1, 2, 1], { featureShape: [2] }), 'NC_SHAPE', /4 examples of \[2\] need 8/);
    fails(() => new ArrayDataset(x, new Float32Array(7), { labelShape: [2] }), 'NC_SHAPE', /labels has 7 values/);
    fails(() => new ArrayDataset(x, [0, 1, 2, 1], { labelShape: [2] }), 'NC_ARGUMENT', /labelShape is for Float32Array targets/);
    fails(() => new ArrayDataset(x, [0, 1, 2, 1], { featureShape: [0] }), 'NC_ARGUMENT', /featureShape/);
    fails(() => new ArrayDataset([1, 2] as unknown as Float32Array, [0, 1]), 'NC_ARGUMENT', /features/);
    fails(() => new ArrayDataset(x, [0, 1, 2, 1], { shape: [3] } as never), 'NC_ARGUMENT', /shape/);
    fails(() => new DataLoader(new ArrayDataset(x, [0, 1, 2, 1]), { batchSize: 2, transform: (b) => b }), 'NC_ARGUMENT', /transform applies to image datasets/);
  });
});

forEachDevice('DataLoader over an ArrayDataset', () => {
  it('batches features (N, ...featureShape) and class labels (N), shuffled, every example once', () => {
    const n = 10;
    const ds = new ArrayDataset(indexFeatures(n, [2, 3]), Int32Array.from({ length: n }, (_, i) => i % 3), { featureShape: [2, 3] });
    const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 1, device: dev() });
    const seen: number[] = [];
    for (const [X, y] of loader) {
      assert.ok(X.device.equals(dev()) && y.device.equals(dev()));
      assert.deepEqual(X.shape.slice(1), [2, 3]);
      assert.deepEqual(y.shape, [X.shape[0]]);
      const x = X.toArray();
      const labels = y.toArray();
      for (let k = 0; k < X.shape[0]; k++) {
        const i = x[k * 6];
        assert.ok(x.slice(k * 6, (k + 1) * 6).every((v) => v === i));
        assert.equal(labels[k], i % 3);
        seen.push(i);
      }
      X.dispose();
      y.dispose();
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    assert.notDeepEqual(seen, Array.from({ length: n }, (_, i) => i));
  });

  it('batches float targets (N, ...labelShape) with their examples', () => {
    const n = 5;
    const targets = Float32Array.from({ length: 2 * n }, (_, j) => Math.floor(j / 2) + (j % 2) / 10);
    const ds = new ArrayDataset(indexFeatures(n, [3]), targets, { labelShape: [2] });
    const loader = new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 5, device: dev(), lastBatch: 'discard' });
    assert.equal(loader.length, 2);
    for (const [X, y] of loader) {
      assert.deepEqual(y.shape, [2, 2]);
      const x = X.toArray();
      const t = y.toArray();
      for (let k = 0; k < 2; k++) assert.deepEqual([t[2 * k], t[2 * k + 1]], [x[3 * k], Math.fround(x[3 * k] + 0.1)]);
      X.dispose();
      y.dispose();
    }
  });

  it('notices labels that grew after the loader was built', () => {
    const labels = [0, 1, 0, 1];
    const loader = new DataLoader(new ArrayDataset(indexFeatures(4, [1]), labels), { batchSize: 2, device: dev() });
    labels.push(0);
    assert.throws(() => loader[Symbol.iterator](), /its labels\.length was 4, now 5/);
  });

  it('fit trains a regression: the loss goes down, and no accuracy is shown or computed', async function () {
    this.timeout(60000);
    random.seed(11);
    // y = 2·x0 − 3·x1 + 0.5 + small noise.
    const n = 256;
    let state = 12345;
    const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1;  // an LCG in [-1, 1)
    const x = Float32Array.from({ length: 2 * n }, uniform);
    const y = Float32Array.from({ length: n }, (_, i) => 2 * x[2 * i] - 3 * x[2 * i + 1] + 0.5 + 0.01 * Math.cos(i));
    const train = new DataLoader(new ArrayDataset(x.subarray(0, 2 * 192), y.subarray(0, 192)), { batchSize: 32, shuffle: true, seed: 2, device: dev() });
    const test = new DataLoader(new ArrayDataset(x.subarray(2 * 192), y.subarray(192)), { batchSize: 32, device: dev() });
    const net = new nn.Sequential();
    net.add(new nn.Dense(1));
    net.initialize(init.Normal(0.01), dev());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 });
    const lines: string[] = [];
    const { history } = await fit(net, train, test, {
      epochs: 5, trainer, loss: halfSquared, progress: false, log: (l) => lines.push(l),
      checkpoint: path.join(tempDir('regression-'), 'r.ckpt'),
    });
    const losses = history.records.map((r) => r.trainLoss);
    assert.ok(losses[4] < 0.1 * losses[0], `losses ${losses.join(' ')}`);
    assert.ok(history.records.every((r) => Number.isNaN(r.trainAcc) && r.testAcc === undefined));
    const epochLines = lines.filter((l) => l.startsWith('epoch '));
    assert.equal(epochLines.length, 5);
    assert.ok(epochLines.every((l) => /loss [0-9.e-]+, test loss [0-9.e-]+, time/.test(l) && !/acc/.test(l)), epochLines.join('\n'));
    const [w] = [...net.collectParams().values()].map((p) => p.data().toArray());
    assert.ok(Math.abs(w[0] - 2) < 0.2 && Math.abs(w[1] + 3) < 0.2, `weights ${w}`);
  });

  it('fit on class labels from an ArrayDataset still counts accuracy', async function () {
    this.timeout(60000);
    random.seed(12);
    const n = 128;
    const x = Float32Array.from({ length: 2 * n }, (_, j) => Math.sin(0.91 * j));
    const labels = Int32Array.from({ length: n }, (_, i) => (x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0));
    const ds = new ArrayDataset(x, labels);
    const train = new DataLoader(ds, { batchSize: 32, shuffle: true, seed: 3, device: dev() });
    const test = new DataLoader(ds, { batchSize: 64, device: dev() });
    const net = new nn.Sequential();
    net.add(new nn.Dense(2));
    net.initialize(init.Xavier(), dev());
    const lines: string[] = [];
    const { history } = await fit(net, train, test, {
      epochs: 5, trainer: new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 }), progress: false, log: (l) => lines.push(l),
    });
    assert.ok(history.records.at(-1)!.testAcc! > 0.85, lines.join('\n'));
    assert.match(lines[0], /train acc .*test acc/);
  });
});

describe('metrics without accuracy', () => {
  it('TrainingMetrics counts examples by the first dimension and gives acc NaN; the bar shows the loss only', () => {
    const m = new TrainingMetrics(dev(), { accuracy: false });
    m.add(Tensor.fromArray([1, 3]), Tensor.zeros([2, 3]), Tensor.zeros([2, 3]));
    const r = m.read();
    assert.deepEqual([r.loss, r.examples], [2, 2]);
    assert.ok(Number.isNaN(r.acc));
    m.dispose();
    let out = '';
    const stream = { isTTY: true, write(text: string) { out += text; } };
    const bar = new ProgressBar({ label: 'epoch 1/1', total: 10, stream, accuracy: false });
    bar.update(10, { loss: 0.5, acc: NaN });
    bar.stop();
    assert.match(out, /loss 0\.500/);
    assert.doesNotMatch(out, /acc/);
  });
});
