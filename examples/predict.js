#!/usr/bin/env node
// Classifies Fashion-MNIST test images, or a PNG file, with parameters saved by
// `node examples/lenet.js --save lenet.safetensors` (or alexnet.js), printing the top classes.
//
// Run:   node examples/predict.js --params lenet.safetensors [--model lenet|alexnet] [--count 5]
//        node examples/predict.js --params lenet.safetensors --png shirt.png [--invert]
// A PNG is turned grey, resized to the model's input and scaled to [0, 1]; Fashion-MNIST shows
// light objects on black, so photos of dark objects on white want --invert.
'use strict';
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { nn, init, data, Tensor, tryGpu, parseDevice } = require('..');

const { values: flags } = parseArgs({
  options: {
    params: { type: 'string' },
    model: { type: 'string', default: 'lenet' },
    png: { type: 'string' },
    invert: { type: 'boolean', default: false },
    count: { type: 'string', default: '5' },
    top: { type: 'string', default: '3' },
    device: { type: 'string' },
  },
});

function lenet() {
  const net = new nn.Sequential();
  net.add(new nn.Conv2D(6, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Dense(120, { activation: 'sigmoid' }), new nn.Dense(84, { activation: 'sigmoid' }), new nn.Dense(10));
  return net;
}

function alexnet() {
  const net = new nn.Sequential();
  net.add(new nn.Conv2D(96, 11, { strides: 4, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Conv2D(256, 5, { padding: 2, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }), new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
    new nn.Conv2D(256, 3, { padding: 1, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5), new nn.Dense(4096, { activation: 'relu' }),
    new nn.Dropout(0.5), new nn.Dense(10));
  return net;
}

// pngjs is not a dependency of node-cudnn (only --png needs it): loaded here, with what to install.
function loadPngjs() {
  try {
    return require('pngjs');
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('predict: --png needs the pngjs package: install pngjs to read PNG files (npm install pngjs)');
  }
}

// A PNG as one grey (1, 1, size, size) image in [0, 1].
function readPng(file, size, invert) {
  const { PNG } = loadPngjs();
  const png = PNG.sync.read(fs.readFileSync(file));
  const grey = new Uint8Array(png.width * png.height);
  for (let i = 0; i < grey.length; i++) {
    const [r, g, b, a] = png.data.subarray(4 * i, 4 * i + 4);
    const luminance = (0.299 * r + 0.587 * g + 0.114 * b) * (a / 255) + 255 * (1 - a / 255);  // on white
    grey[i] = invert ? 255 - luminance : luminance;
  }
  const resized = data.transforms.Resize(size)({ data: grey, shape: [1, 1, png.height, png.width] });
  return data.transforms.ToTensor()(resized).data;
}

function softmax(row) {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

async function main() {
  if (!flags.params) throw new Error('predict: --params FILE is required (save one with examples/lenet.js --save FILE)');
  const device = flags.device ? parseDevice(flags.device) : tryGpu();
  const size = flags.model === 'alexnet' ? 224 : 28;
  const net = flags.model === 'alexnet' ? alexnet() : lenet();
  net.initialize(init.Zero(), device);
  net.predict(Tensor.zeros([1, 1, size, size], device)).dispose();  // completes the inferred shapes
  net.loadParameters(flags.params);

  let images;
  let labels = null;
  if (flags.png) {
    images = Tensor.fromArray(readPng(flags.png, size, flags.invert), [1, 1, size, size], device);
  } else {
    const [, testIter] = await data.loadDataFashionMNIST(Number(flags.count), {
      limit: Number(flags.count), device, resize: size === 28 ? undefined : size,
    });
    [images, labels] = testIter[Symbol.iterator]().next().value;
    labels = Array.from(labels.toArray());
  }

  const scores = net.predict(images).toArray();
  const classes = data.FASHION_MNIST_CLASSES;
  const n = images.shape[0];
  for (let i = 0; i < n; i++) {
    const probs = softmax(Array.from(scores.subarray(i * 10, i * 10 + 10)));
    const top = probs.map((p, c) => [p, c]).sort((a, b) => b[0] - a[0]).slice(0, Number(flags.top));
    const what = labels ? `test image ${i} (true: ${classes[labels[i]]})` : flags.png;
    console.log(`${what}: ${top.map(([p, c]) => `${classes[c]} ${(100 * p).toFixed(1)}%`).join(', ')}`);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
