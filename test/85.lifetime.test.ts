// Lifetimes: dispose() twice is harmless; anything used after dispose() throws an error that names
// it, and a Trainer step or a save that meets a disposed parameter changes nothing.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tensor, Trainer, autograd, data, fit, init, loss, memoryInfo, nn, ops, optim, random, saveCheckpoint } from '../lib';
import { lenet } from './lenet';

const dirs: string[] = [];
const tmp = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'lifetime-')));
  return dirs[dirs.length - 1];
};
const X = () => Tensor.fromArray(Float32Array.from({ length: 4 * 784 }, (_, i) => (i % 13) / 13), [4, 1, 28, 28]);
const Y = () => Tensor.fromArray([1, 2, 3, 4]);

// An initialized LeNet with gradients from one batch, and a trainer with momentum state.
function trained(): { net: nn.Sequential; trainer: Trainer } {
  random.seed(5);
  const net = lenet();
  net.initialize(init.Xavier());
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1, momentum: 0.9 });
  const lossFn = new loss.SoftmaxCrossEntropyLoss();
  for (let i = 0; i < 2; i++) {
    autograd.record(() => lossFn.forward(net.forward(X()), Y())).backward();
    trainer.step(4);
  }
  return { net, trainer };
}

const values = (net: nn.Block) => [...net.collectParams()].map(([name, p]) => [name, p.data().toArray()] as const);

describe('lifetime: dispose', () => {
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('Tensor: dispose twice is harmless; ops, reads and layers then name it', () => {
    const t = Tensor.ones([2, 3]);
    t.dispose();
    t.dispose();
    assert.throws(() => t.toArray(), { message: 'toArray: the tensor (2,3) was disposed (its memory was freed with dispose())' });
    assert.throws(() => ops.relu(t), { message: 'relu: x was disposed' });
    const dense = new nn.Dense(2);
    dense.initialize();
    assert.throws(() => dense.forward(t), { message: 'dense0: x was disposed' });
  });

  it('Parameter: dispose twice is harmless and frees the memory; data() and grad() then name it', () => {
    const { net } = trained();
    const p = net.collectParams().get('dense1.weight')!;
    const before = memoryInfo('cpu').liveBuffers;
    p.dispose();
    assert.equal(memoryInfo('cpu').liveBuffers, before - 2, 'the values and the gradient are freed');
    p.dispose();
    assert.equal(p.disposed, true);
    const msg = 'dense1.weight: the parameter was disposed (its data was freed with dispose()); ' +
      're-create the network, or call net.initialize() again';
    assert.throws(() => p.data(), { message: msg });
    assert.throws(() => p.grad(), { message: msg });
  });

  it('a network: dispose twice is harmless; its forward names the parameter; initialize() revives it', () => {
    const { net } = trained();
    net.dispose();
    net.dispose();
    assert.ok([...net.collectParams().values()].every((p) => p.disposed));
    assert.throws(() => net.forward(X()), { message: /^conv0\.weight: the parameter was disposed/ });
    assert.throws(() => net.predict(X()), { message: /^conv0\.weight: the parameter was disposed/ });
    net.initialize(init.Xavier());
    assert.deepEqual(net.forward(X()).shape, [4, 10]);
  });

  it('Trainer.step with a disposed parameter throws before updating any parameter', () => {
    const { net, trainer } = trained();
    const before = values(net);
    net.collectParams().get('dense1.weight')!.dispose();
    assert.throws(() => trainer.step(4), {
      message: 'Trainer.step: parameter dense1.weight was disposed (its data was freed with dispose()); re-create the net and the Trainer',
    });
    // conv0 ... dense0 come before dense1: a partial update would have changed them.
    for (const [name, v] of before) {
      if (name !== 'dense1.weight') assert.deepEqual(net.collectParams().get(name)!.data().toArray(), v, name);
    }
  });

  it('Trainer.step with a disposed gradient or optimizer state throws before updating any parameter', () => {
    const { net, trainer } = trained();
    const before = values(net);
    // Only the gradient's storage: the parameter still points at it, so the optimizer would reach it last.
    net.collectParams().get('dense2.bias')!.grad().dispose();
    assert.throws(() => trainer.step(4), {
      message: 'Trainer.step: parameter dense2.bias was disposed (its gradient was freed with dispose()); re-create the net and the Trainer',
    });
    assert.deepEqual(values(net), before);

    const other = trained();
    const before2 = values(other.net);
    other.trainer.state().slots.get('dense2.weight.momentum_buffer')!.dispose();
    assert.throws(() => other.trainer.step(4), {
      message: 'Trainer.step: the optimizer state dense2.weight.momentum_buffer was disposed; re-create the Trainer',
    });
    assert.deepEqual(values(other.net), before2);
  });

  it('an Optimizer stepped directly with a disposed gradient throws before updating any parameter', () => {
    const { net } = trained();
    const before = values(net);
    net.collectParams().get('dense2.bias')!.grad().dispose();
    assert.throws(() => new optim.SGD({ learningRate: 0.1 }).step(net.collectParams(), { rescale: 0.25 }), {
      message: 'SGD.step: parameter dense2.bias was disposed (its gradient was freed with dispose())',
    });
    assert.deepEqual(values(net), before);
  });

  it('saveParameters and saveCheckpoint of a disposed parameter throw and write nothing', () => {
    const { net, trainer } = trained();
    const dir = tmp();
    const kept = path.join(dir, 'kept.safetensors');
    net.saveParameters(kept);
    const bytes = fs.readFileSync(kept);
    net.collectParams().get('conv1.bias')!.dispose();
    assert.throws(() => net.saveParameters(kept), {
      message: `saveParameters: cannot save ${kept}: parameter conv1.bias was disposed (its data was freed with dispose()); its values are gone`,
    });
    assert.deepEqual(fs.readFileSync(kept), bytes, 'the earlier file is untouched');
    const ckpt = path.join(dir, 'run.ckpt');
    assert.throws(() => saveCheckpoint(ckpt, net, trainer, { epoch: 1, batch: 0, loaderSeed: 1, partial: null, history: [] }), {
      message: `saveCheckpoint: cannot save ${ckpt}: parameter conv1.bias was disposed (its data was freed with dispose()); its values are gone`,
    });
    assert.deepEqual(fs.readdirSync(dir), ['kept.safetensors'], 'no checkpoint and no temporary file');
  });

  it('fit with a disposed network rejects at once, naming the parameter', async () => {
    const { net, trainer } = trained();
    net.dispose();
    const dataset = { images: new Uint8Array(8 * 784), labels: new Uint8Array(8), length: 8, height: 28, width: 28, channels: 1 };
    const loader = new data.DataLoader(dataset, { batchSize: 4 });
    await assert.rejects(fit(net, loader, loader, { epochs: 1, trainer, progress: false, log: () => {} }), {
      message: 'fit: parameter conv0.weight was disposed (its data was freed with dispose()); re-create the net and the Trainer',
    });
  });
});
