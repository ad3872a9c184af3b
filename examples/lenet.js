#!/usr/bin/env node
// LeNet on Fashion-MNIST, as in Dive into Deep Learning (section "Convolutional Neural Networks
// (LeNet)"), in JavaScript.
//
// Expected after 10 epochs: loss ≈ 0.47, train acc ≈ 0.82, test acc ≈ 0.82 (the book's MXNet run:
// 0.473 / 0.823 / 0.827), at a few seconds per epoch on a 2-core CPU.
//
// Run:   node examples/lenet.js [--epochs 10] [--batch-size 256] [--lr 0.9] [--device cpu|gpu]
//                               [--limit N] [--seed S]
// Data:  Fashion-MNIST is found in $NODE_CUDNN_FASHION_MNIST, the cache folder, or
//        /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist); else downloaded.
'use strict';
const { parseArgs } = require('node:util');
const {
  nn, init, autograd, loss, Trainer, data, random, tryGpu, parseDevice, evaluateAccuracy, TrainingMetrics,
  ProgressBar, Tensor, formatShape,
} = require('..');

const { values: flags } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '256' },
    lr: { type: 'string', default: '0.9' },
    device: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
  },
});
const numEpochs = Number(flags.epochs);
const batchSize = Number(flags['batch-size']);
const lr = Number(flags.lr);
const limit = flags.limit === undefined ? undefined : Number(flags.limit);

async function main() {
  const device = flags.device ? parseDevice(flags.device) : tryGpu();
  if (flags.seed !== undefined) random.seed(Number(flags.seed));

  // The model: the article's LeNet, layer for layer.
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(6, 5, { activation: 'sigmoid' }),
    new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }),
    new nn.MaxPool2D(2, 2),
    // Dense flattens (batch, channels, height, width) into (batch, channels * height * width).
    new nn.Dense(120, { activation: 'sigmoid' }),
    new nn.Dense(84, { activation: 'sigmoid' }),
    new nn.Dense(10),
  );

  // Each layer's output shape for one 28×28 image, as the article prints them.
  net.initialize(init.Xavier(), device);
  let X = Tensor.zeros([1, 1, 28, 28], device);
  for (const layer of net) {
    X = layer.forward(X);
    console.log(`${layer.name} output shape:\t${formatShape(X.shape)}`);
  }

  // The data: batches of (batch, 1, 28, 28) images in [0, 1] and their labels.
  const [trainIter, testIter] = await data.loadDataFashionMNIST(batchSize, { device, limit, seed: flags.seed && Number(flags.seed) });

  // Training, as the article's train_ch5: re-initialise with Xavier, SGD, softmax cross-entropy.
  net.initialize(init.Xavier(), device, { forceReinit: true });
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: lr });
  const lossFn = new loss.SoftmaxCrossEntropyLoss();
  console.log(`training on ${device}`);
  for (let epoch = 1; epoch <= numEpochs; epoch++) {
    const start = process.hrtime.bigint();
    // Loss and accuracy are summed on the device and read only for the progress bar, every 20 batches.
    const metrics = new TrainingMetrics(device);
    const bar = new ProgressBar({ label: `epoch ${epoch}/${numEpochs}`, total: trainIter.numExamples });
    let batch = 0;
    for (const [Xb, yb] of trainIter) {
      const yHat = autograd.record(() => net.forward(Xb));
      const l = autograd.record(() => lossFn.forward(yHat, yb));
      l.backward();
      trainer.step(yb.size);
      metrics.add(l, yHat, yb);
      if (++batch % 20 === 0) bar.update(metrics.examples, metrics.read());
      for (const t of [Xb, yb, yHat, l]) t.dispose();
    }
    const { loss: trainLoss, acc: trainAcc, examples } = metrics.read();
    metrics.dispose();
    bar.update(examples, { loss: trainLoss, acc: trainAcc });
    bar.stop();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const testAcc = evaluateAccuracy(net, testIter);
    console.log(`epoch ${epoch}, loss ${trainLoss.toFixed(3)}, train acc ${trainAcc.toFixed(3)}, ` +
      `test acc ${testAcc.toFixed(3)}, time ${seconds.toFixed(1)} sec, ${Math.round(examples / seconds)} examples/sec`);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
