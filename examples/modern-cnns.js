#!/usr/bin/env node
// The modern convolutional networks of Dive into Deep Learning (chapter "Modern Convolutional Neural
// Networks") on Fashion-MNIST, with the book's settings: VGG-11 (the small-channel version), NiN,
// GoogLeNet, ResNet-18 and DenseNet, from node-cudnn's `models`.
//
//   model       lr     batch   image size   (the book's settings; --lr, --batch-size, --resize change them)
//   vgg11       0.05   128     224
//   nin         0.1    128     224
//   googlenet   0.1    128     96
//   resnet18    0.05   256     96
//   densenet    0.1    256     96
//
// It prints each block's output shape for one image, as the book does, then trains with SGD and
// Xavier initialisation (the book's train_ch6) with a progress bar and one line per epoch, and
// draws the training curves at the end. Images are resized where training runs (on the GPU with
// one). On a CPU these networks take hours per epoch: the script measures two steps first and says
// how long the run will take; `--limit 1024 --epochs 1` shows one learning in minutes.
//
// Run:   node examples/modern-cnns.js --model vgg11|nin|googlenet|resnet18|densenet [--epochs 10]
//                                     [--batch-size B] [--lr LR] [--resize S] [--device cpu|gpu]
//                                     [--limit N] [--seed S] [--checkpoint [FILE]] [--resume]
//                                     [--plot curves.svg] [--save FILE]          (--help lists them)
'use strict';
const { parseFlags, trainingFlags } = require('./cli');

// The book's settings per network; `shapes` is the image size at which the book prints the shapes.
const BOOK = {
  vgg11: { lr: 0.05, batchSize: 128, resize: 224, shapes: 224 },
  nin: { lr: 0.1, batchSize: 128, resize: 224, shapes: 224 },
  googlenet: { lr: 0.1, batchSize: 128, resize: 96, shapes: 96 },
  resnet18: { lr: 0.05, batchSize: 256, resize: 96, shapes: 224 },
  densenet: { lr: 0.1, batchSize: 256, resize: 96, shapes: 96 },
};

// The command line is checked before anything loads.
const flags = parseFlags({
  script: 'modern-cnns.js',
  about: "The modern CNNs of Dive into Deep Learning on Fashion-MNIST, with the book's settings per network.\n" +
    'On a CPU it first times a few steps and says how long the run will take; --limit 1024 --epochs 1\n' +
    '--resize 32 takes seconds.',
  flags: {
    model: { kind: 'string', choices: Object.keys(BOOK), required: true, help: 'the network' },
    ...trainingFlags({ epochs: 10, checkpoint: 'modern-cnn.ckpt' }),
    'batch-size': { kind: 'positive-integer', help: "images per training step (default: the book's for the network)" },
    lr: { kind: 'positive-number', help: "learning rate (default: the book's for the network)" },
    resize: { kind: 'positive-integer', help: "image size the 28x28 images are resized to (default: the book's)" },
  },
});
const book = BOOK[flags.model];
const batchSize = flags.batchSize ?? book.batchSize;
const lr = flags.lr ?? book.lr;
const resize = flags.resize ?? book.resize;

const {
  models, init, autograd, loss, Trainer, data, random, tryGpu, parseDevice, Tensor, formatShape,
} = require('node-cudnn');
const { fitAndSave, runMain } = require('./train');
const { reportCpuEstimate } = require('./cpu-estimate');

async function main() {
  const device = flags.device ? parseDevice(flags.device) : tryGpu();
  if (flags.seed !== undefined) random.seed(flags.seed);

  // The model, and each block's output shape for one image, as the book prints them (at the
  // book's size, or at --resize when given).
  const net = models[flags.model]();
  net.initialize(init.Xavier(), device);
  const size = flags.resize === undefined ? book.shapes : resize;
  autograd.pause(() => {
    let X = Tensor.zeros([1, 1, size, size], device);
    for (const layer of net) {
      const Y = layer.forward(X);
      console.log(`${layer.name} output shape:\t${formatShape(Y.shape)}`);
      if (Y.data !== X.data) X.dispose();
      X = Y;
    }
    X.dispose();
  });
  console.log(net.summary([1, 1, resize, resize]).text);

  // The data: Fashion-MNIST resized on the training device.
  const [trainIter, testIter] = await data.loadDataFashionMNIST(batchSize, {
    resize, device, limit: flags.limit, seed: flags.seed,
  });

  net.initialize(init.Xavier(), device, { forceReinit: true });
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: lr });
  const lossFn = new loss.SoftmaxCrossEntropyLoss();

  // On a CPU, say how long the run will take.
  if (device.kind === 'cpu') {
    reportCpuEstimate({ what: flags.model, net, trainIter, testIter, numEpochs: flags.epochs,
      hint: 'try --limit 1024 --epochs 1, or a GPU',
      step: (X, y) => {
        const yHat = autograd.record(() => net.forward(X));
        const l = autograd.record(() => lossFn.forward(yHat, y));
        l.backward();
        trainer.step(y.shape[0]);
        yHat.dispose();
        l.dispose();
      } });
    // Those two steps trained on one batch: start again from fresh weights.
    net.initialize(init.Xavier(), device, { forceReinit: true });
  } else {
    console.log(`training ${flags.model} on ${device}`);
  }
  console.log(`lr ${lr}, batch size ${batchSize}, images ${resize}x${resize}`);

  // The book's train_ch6: progress bar, one line per epoch, curves at the end; a checkpoint after
  // every epoch and on Ctrl-C with --checkpoint (continue with --resume).
  await fitAndSave(net, trainIter, testIter, trainer, flags);
}

runMain(main);
