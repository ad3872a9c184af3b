// metric.Accuracy: top-k counted on the device against the sorted-scores reference.
import { strict as assert } from 'assert';
import { Tensor, metric } from '../lib';
import * as ref from './reference';
import { dev, forEachDevice, toTensor } from './helpers';

forEachDevice('metric.Accuracy', () => {
  it('accumulates top-1 and top-k over batches and matches the reference', () => {
    const rng = new ref.Rng(5);
    const batches = [0, 1, 2].map(() => {
      const logits = ref.randomArr([40, 7], rng);
      const labels = Array.from({ length: 40 }, () => rng.int(7));
      return { logits, labels };
    });
    for (const topK of [1, 2, 5]) {
      const acc = new metric.Accuracy({ topK });
      let hits = 0;
      for (const { logits, labels } of batches) {
        acc.update(Tensor.fromArray(labels, undefined, dev()), toTensor(logits));
        hits += ref.countCorrect(logits, labels, topK);
      }
      const { name, value } = acc.get();
      assert.equal(name, topK === 1 ? 'accuracy' : `top_${topK}_accuracy`);
      assert.ok(Math.abs(value - hits / 120) < 1e-7, `top ${topK}: ${value} vs ${hits / 120}`);
      acc.reset();
      assert.ok(Number.isNaN(acc.get().value));
    }
  });

  it('names what is wrong: options, shapes, topK above the class count', () => {
    assert.throws(() => new metric.Accuracy({ topK: 0 }), /Accuracy: .*topK/);
    assert.throws(() => new metric.Accuracy({ top_k: 5 } as never), /Accuracy: unknown option 'top_k'/);
    const acc = new metric.Accuracy({ topK: 3 });
    const preds = Tensor.zeros([4, 2], dev());
    assert.throws(() => acc.update(Tensor.zeros([4], dev()), preds), { code: 'NC_SHAPE', message: /topK is 3 but preds \(4,2\) has 2 classes/ });
    assert.throws(() => acc.update(Tensor.zeros([3], dev()), Tensor.zeros([4, 5], dev())), { code: 'NC_SHAPE', message: /labels \(3\) and preds \(4,5\)/ });
  });
});
