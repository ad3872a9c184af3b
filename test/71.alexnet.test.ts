// AlexNet at 224 px on the CPU: the article's shapes, and a few training steps on real resized
// Fashion-MNIST images in which the loss falls.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Tensor, init, autograd, loss, Trainer, data, random, formatShape } from '../lib';
import { alexnet } from './alexnet';

describe('AlexNet', () => {
  it("prints the article's shapes for a 1x1x224x224 input and has 46,764,746 parameters", () => {
    const net = alexnet();
    net.initialize(init.Xavier());
    let X = Tensor.zeros([1, 1, 224, 224]);
    const shapes: string[] = [];
    for (const layer of net) {
      X = layer.forward(X);
      shapes.push(`${layer.name} ${formatShape(X.shape)}`);
    }
    assert.deepEqual(shapes, [
      'conv0 (1,96,54,54)', 'pool0 (1,96,26,26)', 'conv1 (1,256,26,26)', 'pool1 (1,256,12,12)',
      'conv2 (1,384,12,12)', 'conv3 (1,384,12,12)', 'conv4 (1,256,12,12)', 'pool2 (1,256,5,5)',
      'dense0 (1,4096)', 'dropout0 (1,4096)', 'dense1 (1,4096)', 'dropout1 (1,4096)', 'dense2 (1,10)']);
    const total = [...net.collectParams().values()].reduce((a, p) => a + p.data().size, 0);
    assert.equal(total, 46764746);
  });

  it('trains a few steps at 224 px on real images and the loss falls', async function () {
    if (!fs.existsSync('/usr/share/datasets/fashion-mnist') && !process.env.NODE_CUDNN_FASHION_MNIST) this.skip();
    this.timeout(120000);
    random.seed(2);
    const [trainIter] = await data.loadDataFashionMNIST(16, { resize: 224, limit: 16, seed: 2 });
    const [X, y] = trainIter[Symbol.iterator]().next().value as [Tensor, Tensor];
    assert.deepEqual(X.shape, [16, 1, 224, 224]);
    const net = alexnet();
    net.initialize(init.Xavier());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.05 });
    const lossFn = new loss.SoftmaxCrossEntropyLoss();
    const losses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const l = autograd.record(() => lossFn.forward(net.forward(X), y));
      l.backward();
      trainer.step(y.size);
      losses.push(l.toArray().reduce((a, b) => a + b, 0) / y.size);
      l.dispose();
    }
    const [first, last] = [losses[0], Math.min(...losses.slice(-3))];
    assert.ok(last < 0.8 * first, `losses ${losses.map((v) => v.toFixed(3)).join(' ')}`);
  });
});
