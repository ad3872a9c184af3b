// A long training run stays flat in memory: 2,000 LeNet steps, live native buffers and bytes
// sampled after a warm-up and at the end, and the process's resident memory.
import { strict as assert } from 'assert';
import { Tensor, Trainer, autograd, init, loss, memoryInfo, random } from '../lib';
import { lenet } from './lenet';

describe('memory over a long training run (CPU)', () => {
  // Open finding (issue 8's note): the process's resident memory grows by about 0.85 MB per step
  // for the first ~1,500 steps and then levels off (at 1.2–1.8 GB), although no native buffer or
  // JS object leaks — suspected heap fragmentation under the addon's mallopt settings. The RSS
  // bound waits for that to be understood and fixed.
  it('RSS stays within 40 MB over 1,800 LeNet steps (pending: RSS growth under investigation)');

  it('2,000 LeNet steps: live native buffers and bytes exactly flat', function () {
    this.timeout(300000);
    random.seed(4);
    const net = lenet();
    net.initialize(init.Xavier());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    const lossFn = new loss.SoftmaxCrossEntropyLoss();
    const X = Tensor.zeros([32, 1, 28, 28]);
    init.Uniform(1).fill(X);
    const y = Tensor.fromArray(Array.from({ length: 32 }, (_, i) => i % 10));
    const step = () => {
      const yHat = autograd.record(() => net.forward(X));
      const l = autograd.record(() => lossFn.forward(yHat, y));
      l.backward();
      trainer.step(32);
      yHat.dispose();
      l.dispose();
    };
    // The garbage collector runs when it likes; where the test can ask for it (node --expose-gc),
    // it collects before each sample so that the figures are the live memory.
    const collect = () => (globalThis as { gc?: () => void }).gc?.();
    for (let i = 0; i < 200; i++) step();
    collect();
    const before = { ...memoryInfo('cpu'), rss: process.memoryUsage().rss };
    for (let i = 0; i < 1800; i++) step();
    collect();
    const after = { ...memoryInfo('cpu'), rss: process.memoryUsage().rss };
    const growth = (after.rss - before.rss) / 2 ** 20;
    console.log(`      live buffers ${before.liveBuffers} → ${after.liveBuffers}, live bytes ${before.liveBytes} → ` +
      `${after.liveBytes}, RSS +${growth.toFixed(1)} MB over 1,800 steps`);
    assert.equal(after.liveBuffers, before.liveBuffers);
    assert.equal(after.liveBytes, before.liveBytes);
  });
});
