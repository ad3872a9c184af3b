// A long training run stays flat in memory: 2,000 LeNet steps, live native buffers and bytes
// sampled after a warm-up and at the end, and the process's resident memory every 100 steps (and,
// on a GPU, CUDA's pool).
import { strict as assert } from 'assert';
import { Tensor, Trainer, autograd, init, loss, memoryInfo, random } from '../lib';
import { lenet } from './lenet';
import { dev, forEachDevice } from './helpers';

forEachDevice('memory over a long training run', () => {
  // Resident memory once climbed by ~0.85 MB a step here, with no buffer or JS object leaking.
  // Two causes: Node runs Node-API finalizers (those of the tensors' native wrappers) only when the
  // event loop turns, so a loop that never yields piles them up; and glibc's heap fragmented
  // around them under the step's mix of sizes. CPU tensors now come from a cache of freed blocks
  // (native/cpu/host_memory.cc) and oneDNN's scratchpads from one buffer of ours; training loops
  // let the event loop turn now and then, as fit() does.
  const rssBoundMB = 16;

  it(`2,000 LeNet steps: live native buffers and bytes exactly flat, RSS within ${rssBoundMB} MB after warm-up`, async function () {
    this.timeout(300000);
    random.seed(4);
    const net = lenet();
    net.initialize(init.Xavier(), dev());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    const lossFn = new loss.SoftmaxCrossEntropyLoss();
    const X = Tensor.zeros([32, 1, 28, 28], dev());
    init.Uniform(1).fill(X);
    const y = Tensor.fromArray(Array.from({ length: 32 }, (_, i) => i % 10), undefined, dev());
    const step = () => {
      const yHat = autograd.record(() => net.forward(X));
      const l = autograd.record(() => lossFn.forward(yHat, y));
      l.backward();
      trainer.step(32);
      yHat.dispose();
      l.dispose();
    };
    // The garbage collector runs when it likes; where the test can ask for it (node --expose-gc, as
    // .mocharc.json sets), it collects before each sample so that the figures are the live memory.
    const collect = () => (globalThis as { gc?: () => void }).gc?.();
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    // Collected wrappers are finalized when the event loop turns: collect, turn, collect again.
    const sample = async () => {
      collect();
      await tick();
      collect();
      return { ...memoryInfo(dev()), rss: process.memoryUsage().rss };
    };
    for (let i = 0; i < 200; i++) {
      step();
      if (i % 20 === 19) await tick();
    }
    const before = await sample();
    let highest = before.rss;
    for (let i = 0; i < 1800; i++) {
      step();
      if (i % 20 === 19) await tick();
      if (i % 100 === 99) highest = Math.max(highest, (await sample()).rss);
    }
    const after = await sample();
    const MB = 2 ** 20;
    const growth = (highest - before.rss) / MB;
    console.log(`      live buffers ${before.liveBuffers} → ${after.liveBuffers}, live bytes ${before.liveBytes} → ` +
      `${after.liveBytes}, cached ${((after.cachedBytes ?? 0) / MB).toFixed(1)} MB; RSS ${(before.rss / MB).toFixed(0)} MB ` +
      `after warm-up, highest +${growth.toFixed(1)} MB over 1,800 steps (bound ${rssBoundMB} MB)` +
      (dev().kind === 'gpu' ? `; CUDA pool ${before.poolReservedBytes} → ${after.poolReservedBytes} bytes` : ''));
    assert.equal(after.liveBuffers, before.liveBuffers);
    assert.equal(after.liveBytes, before.liveBytes);
    assert.ok(growth < rssBoundMB, `RSS grew ${growth.toFixed(1)} MB over 1,800 steps; bound ${rssBoundMB} MB`);
    if (dev().kind === 'gpu') {
      assert.ok(after.poolReservedBytes! <= before.poolReservedBytes! + (8 << 20),
        `CUDA pool ${before.poolReservedBytes} → ${after.poolReservedBytes} bytes`);
    }
  });
});

describe('out of host memory', () => {
  it('a tensor larger than the machine can give: an error naming the bytes asked for and available, then work goes on', () => {
    const before = memoryInfo('cpu').liveBuffers;
    // Just under alloc's 1 TiB ceiling: more than any machine this runs on can give.
    assert.throws(() => Tensor.empty([2 ** 38 - 16]),
      /^RangeError: alloc: out of host memory: cannot allocate 1099511627712 bytes on cpu \(\d+ bytes available: MemAvailable \+ SwapFree \+ cached\)$/);
    assert.equal(memoryInfo('cpu').liveBuffers, before);
    assert.deepEqual(Array.from(Tensor.ones([3]).toArray()), [1, 1, 1]);
  });
});
