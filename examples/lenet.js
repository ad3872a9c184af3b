#!/usr/bin/env node
// LeNet on Fashion-MNIST, as in Dive into Deep Learning (section "Convolutional Neural Networks
// (LeNet)"), in JavaScript.
//
// Expected after 10 epochs: loss ≈ 0.47, train acc ≈ 0.82, test acc ≈ 0.82 (the book's MXNet run:
// 0.473 / 0.823 / 0.827), at a few seconds per epoch on a 2-core CPU.
//
// Run:   node examples/lenet.js [--epochs 10] [--batch-size 256] [--lr 0.9] [--device cpu|gpu]
//                               [--limit N] [--seed S] [--checkpoint lenet.ckpt] [--resume]
//                               [--plot curves.svg] [--save lenet.safetensors]
//        A checkpoint (default lenet.ckpt) is saved after every epoch; Ctrl-C stops after the current
//        step and saves it; --resume continues from it.
// Data:  Fashion-MNIST is found in $NODE_CUDNN_FASHION_MNIST, the cache folder, or
//        /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist); else downloaded.
'use strict';
const { parseArgs } = require('node:util');
const {
  nn, init, Trainer, data, random, tryGpu, parseDevice, fit, Tensor, formatShape,
} = require('..');

const { values: flags } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '256' },
    lr: { type: 'string', default: '0.9' },
    device: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    checkpoint: { type: 'string', default: 'lenet.ckpt' },
    resume: { type: 'boolean', default: false },
    plot: { type: 'string' },
    save: { type: 'string' },
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
  console.log(net.summary([1, 1, 28, 28]).text);

  // The data: batches of (batch, 1, 28, 28) images in [0, 1] and their labels.
  const [trainIter, testIter] = await data.loadDataFashionMNIST(batchSize, { device, limit, seed: flags.seed && Number(flags.seed) });

  // Training, as the article's train_ch6: re-initialise with Xavier, SGD, softmax cross-entropy.
  // fit() prints one line per epoch, saves a checkpoint each epoch (--checkpoint), resumes from it
  // (--resume), stops cleanly on Ctrl-C and draws the curves (--plot curves.svg).
  net.initialize(init.Xavier(), device, { forceReinit: true });
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: lr });
  console.log(`training on ${device}`);
  const { interrupted } = await fit(net, trainIter, testIter, {
    epochs: numEpochs, trainer, checkpoint: flags.checkpoint, resume: flags.resume, plot: flags.plot,
  });
  if (!interrupted && flags.save) {
    net.saveParameters(flags.save);
    console.log(`parameters saved to ${flags.save}`);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
