#!/usr/bin/env node
// LeNet on Fashion-MNIST, as in Dive into Deep Learning (section "Convolutional Neural Networks
// (LeNet)"), in JavaScript.
//
// Expected after 10 epochs: loss ≈ 0.47, train acc ≈ 0.82, test acc ≈ 0.82 (the book's MXNet run:
// 0.473 / 0.823 / 0.827), at a few seconds per epoch on a 2-core CPU.
//
// Run:   node examples/lenet.js [--epochs 10] [--batch-size 256] [--lr 0.9] [--device cpu|gpu]
//                               [--limit N] [--seed S] [--checkpoint [FILE]] [--resume]
//                               [--plot curves.svg] [--save lenet.safetensors]     (--help lists them)
//        With --checkpoint, a checkpoint (lenet.ckpt unless FILE is given) is saved after every epoch;
//        Ctrl-C then stops after the current step and saves it; --resume continues from it.
// Data:  Fashion-MNIST is found in $NODE_CUDNN_FASHION_MNIST, the cache folder, or
//        /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist); else downloaded.
//
// Short runs: the article's network has sigmoid activations everywhere, whose gradients are small
// (at most 1/4 per layer), so for its first ~300 steps (about 80,000 images at batch 256) it predicts
// one class for every image: accuracy 0.10, chance for 10 classes. A short run (`--limit 5000
// --epochs 2` is 40 steps) ends there and looks broken. It is not, and a larger --lr does not help
// (in our runs lr 0.3, 1.5 and 3 stayed longer at chance than 0.9, which leaves it after ~300
// steps). For a quick demo, train on all the data for 2 epochs or more (no --limit), or run
// examples/lenet-modern.js (ReLU, batch norm, Adam), which passes 0.8 within 80 steps.
'use strict';
const { parseFlags, trainingFlags } = require('./cli');

// The command line is checked before anything loads.
const flags = parseFlags({
  script: 'lenet.js',
  about: "LeNet on Fashion-MNIST, as in Dive into Deep Learning: the article's sigmoid network and settings.\n" +
    'It stays at accuracy 0.10 (chance) for its first ~300 steps, so a short --limit run looks stuck; for\n' +
    'a quick demo train on all the data (2 epochs take seconds), or run examples/lenet-modern.js (ReLU).',
  flags: trainingFlags({ epochs: 10, batchSize: 256, lr: 0.9, checkpoint: 'lenet.ckpt' }),
});

const {
  init, Trainer, data, random, tryGpu, parseDevice, Tensor, formatShape,
} = require('node-cudnn');
const { fitAndSave, runMain } = require('./train');
const { lenet } = require('./networks');

// The sigmoid network leaves chance after ~300 steps; a run shorter than this ends near it (two
// epochs of the full data, 470 steps, ended at test accuracy 0.58 in the README's quick start).
const SHORT_RUN_STEPS = 400;

async function main() {
  const device = flags.device ? parseDevice(flags.device) : tryGpu();
  if (flags.seed !== undefined) random.seed(flags.seed);

  // The model: the article's LeNet, layer for layer (examples/networks.js).
  const net = lenet();

  // Each layer's output shape for one 28×28 image, as the article prints them.
  net.initialize(init.Xavier(), device);
  let X = Tensor.zeros([1, 1, 28, 28], device);
  for (const layer of net) {
    X = layer.forward(X);
    console.log(`${layer.name} output shape:\t${formatShape(X.shape)}`);
  }
  console.log(net.summary([1, 1, 28, 28]).text);

  // The data: batches of (batch, 1, 28, 28) images in [0, 1] and their labels.
  const [trainIter, testIter] = await data.loadDataFashionMNIST(flags.batchSize, {
    device, limit: flags.limit, seed: flags.seed,
  });

  // Training, as the article's train_ch6: re-initialise with Xavier, SGD, softmax cross-entropy.
  // fit() prints one line per epoch, saves a checkpoint each epoch (--checkpoint), resumes from it
  // (--resume), stops cleanly on Ctrl-C and draws the curves (--plot curves.svg).
  net.initialize(init.Xavier(), device, { forceReinit: true });
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: flags.lr });
  console.log(`training on ${device}`);
  const steps = flags.epochs * trainIter.length;
  if (steps < SHORT_RUN_STEPS) {
    console.log(`note: ${steps} step${steps === 1 ? '' : 's'} is a short run for the article's sigmoid LeNet, which predicts one class ` +
      '(accuracy 0.10, chance) for its first ~300 steps; for a quick demo train on all the data (no --limit) ' +
      'for 2 epochs or more, or run examples/lenet-modern.js (ReLU), which learns from its first steps');
  }
  await fitAndSave(net, trainIter, testIter, trainer, flags);
}

runMain(main);
