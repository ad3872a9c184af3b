#!/usr/bin/env node
// AlexNet on Fashion-MNIST resized to 224×224, as in Dive into Deep Learning (section "Deep
// Convolutional Neural Networks (AlexNet)"), in JavaScript.
//
// Expected with the article's settings on a GPU (10 epochs, batch 128, SGD lr 0.01): test acc about
// 0.88–0.89. On a CPU a full run takes hours: the script measures a few steps first and says how
// long the chosen run will take; `--limit 2048 --epochs 1` shows it learning in minutes.
//
// Run:   node examples/alexnet.js [--epochs 10] [--batch-size 128] [--lr 0.01] [--device cpu|gpu]
//                                 [--limit N] [--augment] [--seed S] [--checkpoint [FILE]]
//                                 [--resume] [--plot curves.svg] [--save alexnet.safetensors]
//                                 (--help lists them)
'use strict';
const { parseFlags, trainingFlags } = require('./cli');

// The command line is checked before anything loads.
const flags = parseFlags({
  script: 'alexnet.js',
  about: "AlexNet on Fashion-MNIST resized to 224x224, with the article's settings. On a CPU it first\n" +
    'times a few steps and says how long the run will take; --limit 2048 --epochs 1 takes minutes.',
  flags: {
    ...trainingFlags({ epochs: 10, batchSize: 128, lr: 0.01, checkpoint: 'alexnet.ckpt' }),
    augment: { kind: 'boolean', help: 'random resized crops and left-right flips of the training images' },
  },
});

const {
  init, autograd, loss, Trainer, data, random, tryGpu, parseDevice, Tensor, formatShape,
} = require('node-cudnn');
const { fitAndSave, runMain } = require('./train');
const { alexnet } = require('./networks');
const { reportCpuEstimate } = require('./cpu-estimate');

async function main() {
  const device = flags.device ? parseDevice(flags.device) : tryGpu();
  if (flags.seed !== undefined) random.seed(flags.seed);

  // The model: the article's AlexNet for one-channel 224×224 images and 10 classes (examples/networks.js).
  const net = alexnet();

  // Each layer's output shape for one 224×224 image, as the article prints them.
  net.initialize(init.Xavier(), device);
  let X = Tensor.zeros([1, 1, 224, 224], device);
  for (const layer of net) {
    X = layer.forward(X);
    console.log(`${layer.name} output shape:\t${formatShape(X.shape)}`);
  }
  console.log(net.summary([1, 1, 224, 224]).text);

  // The data: Fashion-MNIST resized to 224 on the training device (optionally augmented).
  const [trainIter, testIter] = await data.loadDataFashionMNIST(flags.batchSize, {
    resize: 224, device, limit: flags.limit, seed: flags.seed, augment: flags.augment,
  });

  net.initialize(init.Xavier(), device, { forceReinit: true });
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: flags.lr });
  const lossFn = new loss.SoftmaxCrossEntropyLoss();
  // One step, for the CPU time estimate below.
  const step = (Xb, yb) => {
    const yHat = autograd.record(() => net.forward(Xb));
    const l = autograd.record(() => lossFn.forward(yHat, yb));
    l.backward();
    trainer.step(yb.size);
    return [yHat, l];
  };

  // On a CPU, say so and how long the run will take.
  if (device.kind === 'cpu') {
    reportCpuEstimate({ what: 'AlexNet', net, trainIter, testIter, numEpochs: flags.epochs,
      hint: 'try --limit 2048 --epochs 1, or a GPU',
      step: (Xb, yb) => { for (const t of step(Xb, yb)) t.dispose(); } });
  } else {
    console.log(`training on ${device}`);
  }

  // Training as the article's train_ch6; a checkpoint after every epoch and on Ctrl-C (--resume).
  await fitAndSave(net, trainIter, testIter, trainer, flags);
}

runMain(main);
