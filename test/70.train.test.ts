// End to end: the article's LeNet learns a real Fashion-MNIST subset.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { init, autograd, loss, Trainer, data, random, evaluateAccuracy, countCorrect } from '../lib';
import { lenet } from './lenet';

describe('training', () => {
  before(function () {
    if (!fs.existsSync('/usr/share/datasets/fashion-mnist') && !process.env.NODE_CUDNN_FASHION_MNIST) this.skip();
  });

  it('LeNet on 20,000 Fashion-MNIST images for 10 epochs: loss well below ln 10, accuracy well above chance', async function () {
    this.timeout(120000);
    random.seed(1);
    const [trainIter, testIter] = await data.loadDataFashionMNIST(256, { limit: 20000, seed: 1 });
    const net = lenet();
    net.initialize(init.Xavier());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 });
    const lossFn = new loss.SoftmaxCrossEntropyLoss();
    let lastEpoch = { loss: 0, acc: 0 };
    // The sigmoid LeNet sits on a plateau near ln 10 for its first ~300 steps, as in the book.
    for (let epoch = 0; epoch < 10; epoch++) {
      let [lossSum, correct, seen] = [0, 0, 0];
      for (const [X, y] of trainIter) {
        const yHat = autograd.record(() => net.forward(X));
        const l = autograd.record(() => lossFn.forward(yHat, y));
        l.backward();
        trainer.step(y.size);
        lossSum += l.toArray().reduce((a, b) => a + b, 0);
        correct += countCorrect(yHat, y);
        seen += y.size;
      }
      lastEpoch = { loss: lossSum / seen, acc: correct / seen };
    }
    const testAcc = evaluateAccuracy(net, testIter);
    assert.ok(lastEpoch.loss < 0.5 * Math.log(10), `final epoch loss ${lastEpoch.loss}`);
    assert.ok(lastEpoch.acc > 0.5, `final epoch train accuracy ${lastEpoch.acc}`);
    assert.ok(testAcc > 0.5, `test accuracy ${testAcc}`);
  });
});
