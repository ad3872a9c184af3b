import { strict as assert } from 'assert';
import * as fs from 'fs';
import { DataLoader, ImageDataset } from '../lib/data/dataloader';
import { FASHION_MNIST_SYSTEM_DIR, loadDataFashionMNIST, loadFashionMNIST } from '../lib/data/fashion-mnist';
import { Compose, ImageBatch, Resize, ToTensor, Transform } from '../lib/data/transforms';
import { Tensor } from '../lib/core/tensor';
import { cpu } from '../lib/core/device';

/**
 * `n` examples of C x H x W whose pixels all equal the example's index (so a batch tells which
 * examples it holds) and whose label is index % 10.
 */
function indexDataset(n: number, channels = 1, height = 2, width = 3): ImageDataset {
  const size = channels * height * width;
  const images = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) images.fill(i, i * size, (i + 1) * size);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10), length: n, height, width, channels };
}

/** Bytes back from a ToTensor'd batch. */
const identity: Transform = (b) => ({ data: Float32Array.from(b.data), shape: b.shape });

/** The example indices of one epoch, read back from the pixels (`scale` 255 undoes ToTensor). */
function epochOrder(loader: DataLoader, scale = 1): number[] {
  const order: number[] = [];
  for (const [X, y] of loader) {
    const size = X.size / X.shape[0];
    const x = X.toArray();
    const labels = y.toArray();
    for (let k = 0; k < X.shape[0]; k++) {
      const i = Math.round(x[k * size] * scale);
      // Every pixel of the example, and its label, belong to the same example.
      for (let j = 0; j < size; j++) assert.equal(Math.round(x[k * size + j] * scale), i);
      assert.equal(labels[k], i % 10);
      order.push(i);
    }
    X.dispose();
    y.dispose();
  }
  return order;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('data: DataLoader', () => {
  it('yields float32 (B, C, H, W) images in [0, 1] and (B) float labels, in order without shuffle', () => {
    const loader = new DataLoader(indexDataset(10, 2, 3, 4), { batchSize: 4 });
    assert.equal(loader.length, 3);
    assert.equal(loader.numExamples, 10);
    const batches = [...loader];
    assert.deepEqual(batches.map(([X]) => X.shape), [[4, 2, 3, 4], [4, 2, 3, 4], [2, 2, 3, 4]]);
    assert.deepEqual(batches.map(([, y]) => y.shape), [[4], [4], [2]]);
    const [X, y] = batches[0];
    assert.ok(X instanceof Tensor && y instanceof Tensor);
    assert.ok(X.device.equals(cpu()));
    const x = X.toArray();
    assert.ok(Math.abs(x[24] - 1 / 255) < 1e-7, 'second example is 1/255 after ToTensor');
    assert.deepEqual([...y.toArray()], [0, 1, 2, 3]);
    assert.deepEqual([...batches[2][1].toArray()], [8, 9]);
    for (const [a, b] of batches) { a.dispose(); b.dispose(); }
  });

  it("keeps the last partial batch by default and drops it with lastBatch: 'discard'", () => {
    const ds = indexDataset(10);
    for (const [batchSize, keep, discard] of [[4, 3, 2], [5, 2, 2], [10, 1, 1], [11, 1, 0], [1, 10, 10]]) {
      const kept = new DataLoader(ds, { batchSize });
      const dropped = new DataLoader(ds, { batchSize, lastBatch: 'discard' });
      assert.equal(kept.length, keep, `batchSize ${batchSize}`);
      assert.equal(dropped.length, discard, `batchSize ${batchSize}`);
      assert.equal([...kept].length, keep);
      assert.deepEqual(epochOrder(dropped, 255), range(discard * batchSize));
    }
    assert.equal(new DataLoader(indexDataset(0), { batchSize: 3 }).length, 0);
    assert.deepEqual([...new DataLoader(indexDataset(0), { batchSize: 3 })], []);
  });

  it('shuffles into a permutation, a new one each epoch, the same for the same seed', () => {
    const ds = indexDataset(100);
    const a = new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 42, transform: identity });
    const b = new DataLoader(ds, { batchSize: 7, shuffle: true, seed: 42 });
    const a1 = epochOrder(a);
    const a2 = epochOrder(a);
    assert.equal(a.epoch, 2);
    assert.deepEqual([...a1].sort((p, q) => p - q), range(100));
    assert.deepEqual([...a2].sort((p, q) => p - q), range(100));
    assert.notDeepEqual(a1, range(100));
    assert.notDeepEqual(a1, a2);
    // Same seed: same orders, epoch by epoch, whatever the batch size and transform.
    assert.deepEqual(epochOrder(b, 255), a1);
    assert.deepEqual(epochOrder(b, 255), a2);
    // Another seed: another order.
    assert.notDeepEqual(epochOrder(new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 43, transform: identity })), a1);
    // Large seeds are fine and differ in their high bits.
    const hi1 = epochOrder(new DataLoader(ds, { batchSize: 100, shuffle: true, seed: 2 ** 40, transform: identity }));
    const hi2 = epochOrder(new DataLoader(ds, { batchSize: 100, shuffle: true, seed: 2 ** 41, transform: identity }));
    assert.notDeepEqual(hi1, hi2);
  });

  it('fixes the order when the iteration starts; without a seed two loaders differ', () => {
    const ds = indexDataset(50);
    const loader = new DataLoader(ds, { batchSize: 50, shuffle: true, transform: identity });
    assert.ok(Number.isInteger(loader.seed));
    const it1 = loader[Symbol.iterator]();
    assert.equal(loader.epoch, 1);
    const first = epochOrder(new DataLoader(ds, { batchSize: 50, shuffle: true, seed: loader.seed, transform: identity }));
    const [X] = it1.next().value as [Tensor, Tensor];
    assert.deepEqual([...X.toArray()].filter((_, i) => i % 6 === 0), first);
    const other = new DataLoader(ds, { batchSize: 50, shuffle: true, transform: identity });
    assert.notEqual(other.seed, loader.seed);
  });

  it('applies the transform and checks what it returns', () => {
    const ds = indexDataset(5, 1, 4, 4);
    const loader = new DataLoader(ds, { batchSize: 2, transform: Compose([Resize([2, 3]), ToTensor()]) });
    const [[X]] = [...loader];
    assert.deepEqual(X.shape, [2, 1, 2, 3]);
    // A transform that leaves bytes gives floats 0..255.
    const raw = new DataLoader(ds, { batchSize: 5, transform: (b: ImageBatch) => b });
    assert.deepEqual([...[...raw][0][0].toArray()].filter((_, i) => i % 16 === 0), [0, 1, 2, 3, 4]);
    const bad = new DataLoader(ds, { batchSize: 2, transform: (b) => ({ data: b.data, shape: [1, 2, 4, 4] }) });
    assert.throws(() => [...new DataLoader(ds, { batchSize: 2, transform: () => undefined as never })],
      /the transform must return an ImageBatch of 2 images \(shape \[2, C, H, W\]\) but returned undefined/);
    assert.throws(() => [...bad], /DataLoader: the transform must return an ImageBatch of 2 images \(shape \[2, C, H, W\]\) but returned shape \[1, 2, 4, 4\]/);
  });

  it('refuses a dataset whose length changed after the loader was built, at the next epoch or batch', () => {
    const ds = indexDataset(10);
    const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 1 });
    assert.equal(epochOrder(loader, 255).length, 10);
    // Grown in place (length and arrays, consistently): the next epoch refuses it.
    const bigger = indexDataset(12);
    Object.assign(ds, { images: bigger.images, labels: bigger.labels, length: 12 });
    assert.throws(() => loader.iterate(0), (err: Error) => {
      assert.equal(err.message, 'DataLoader: the dataset changed after the DataLoader was built: its length was 10, ' +
        'now 12; its images.length was 60, now 72; its labels.length was 10, now 12. A loader reads the dataset it ' +
        'was given in place; build a new DataLoader for the new data.');
      return true;
    });
    // Shrunk during an epoch: the next batch refuses it instead of reading past the end.
    const ds2 = indexDataset(10);
    const loader2 = new DataLoader(ds2, { batchSize: 4 });
    const it = loader2[Symbol.iterator]();
    const first = it.next().value as [Tensor, Tensor];
    first.forEach((t) => t.dispose());
    ds2.length = 5;
    assert.throws(() => it.next(), /DataLoader: the dataset changed after the DataLoader was built: its length was 10, now 5\./);
  });

  it('validates its arguments with named errors', () => {
    const ds = indexDataset(4);
    assert.throws(() => new DataLoader(ds, { batchSize: 0 }),
      (e: Error) => e instanceof RangeError && e.message === 'DataLoader: expected a positive integer for batchSize but received 0 (number)');
    assert.throws(() => new DataLoader(ds, { batchSize: 1.5 }), RangeError);
    assert.throws(() => new DataLoader(ds, { batchSize: '2' as unknown as number }),
      (e: Error) => e instanceof TypeError && /batchSize but received '2' \(string\)/.test(e.message));
    assert.throws(() => new DataLoader(ds, undefined as never), /DataLoader: expected an object with batchSize for options/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, lastBatch: 'rollover' as never }),
      /DataLoader: expected one of 'keep', 'discard' for lastBatch but received 'rollover' \(string\)/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, shuffle: 1 as never }), /expected a boolean for shuffle/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, seed: 0.5 }), /expected a safe integer for seed but received 0.5/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, transform: 'resize' as never }), /expected a transform \(a function\) for transform/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, device: 'cpu' as never }), /expected a Device for device/);
    assert.throws(() => new DataLoader(null as never, { batchSize: 2 }), /DataLoader: expected an ImageDataset or an ArrayDataset for dataset but received null/);
    assert.throws(() => new DataLoader({ ...ds, length: 5 }, { batchSize: 2 }),
      /DataLoader: dataset.images has 24 bytes but 5 examples of 1x2x3 need 30/);
    assert.throws(() => new DataLoader({ ...ds, labels: new Uint8Array(3) }, { batchSize: 2 }),
      /dataset.labels has 3 entries but the dataset has 4 examples/);
    assert.throws(() => new DataLoader({ ...ds, height: 0 }, { batchSize: 2 }), /expected a positive integer for dataset.height/);
    assert.throws(() => new DataLoader({ ...ds, images: [] as never }, { batchSize: 2 }), /expected a Uint8Array for dataset.images/);
  });

  describe('loadDataFashionMNIST', () => {
    before(function () {
      if (!fs.existsSync(`${FASHION_MNIST_SYSTEM_DIR}/t10k-labels-idx1-ubyte.gz`)) this.skip();
    });

    it('returns a shuffled train loader and an ordered test loader, with limit and resize', async function () {
      this.timeout(30_000);
      const [train, test] = await loadDataFashionMNIST(32, { limit: 100, resize: 32, seed: 1, download: false });
      assert.equal(train.numExamples, 100);
      assert.equal(test.numExamples, 100);
      assert.equal(train.length, 4);
      assert.ok(train.shuffle && !test.shuffle);
      const [X, y] = test[Symbol.iterator]().next().value as [Tensor, Tensor];
      assert.deepEqual(X.shape, [32, 1, 32, 32]);
      const real = await loadFashionMNIST({ train: false, download: false });
      assert.deepEqual([...y.toArray()], [...real.labels.subarray(0, 32)]);
      const x = X.toArray();
      assert.ok(x.every((v) => v >= 0 && v <= 1));
      // The same seed gives the same training order.
      const [again] = await loadDataFashionMNIST(32, { limit: 100, resize: 32, seed: 1, download: false });
      const labels = (l: DataLoader) => [...l].flatMap(([, t]) => [...t.toArray()]);
      assert.deepEqual(labels(again), labels(train));
      assert.equal(labels(train).length, 100);
    });

    it('checks its arguments', async () => {
      await assert.rejects(loadDataFashionMNIST(0), /loadDataFashionMNIST: expected a positive integer for batchSize but received 0/);
      await assert.rejects(loadDataFashionMNIST(8, { resize: -1 }), /expected a positive integer for resize but received -1/);
      await assert.rejects(loadDataFashionMNIST(8, { limit: 0 }), /expected a positive integer for limit but received 0/);
    });
  });
});
