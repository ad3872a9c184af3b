#!/usr/bin/env node
// Classifies Fashion-MNIST test images, or a PNG file, with any network the examples save, printing
// the top classes: parameters saved with --save (lenet.js, lenet-modern.js, alexnet.js,
// modern-cnns.js), or the weights of a checkpoint (--checkpoint). The architecture is found from the
// file's parameter names (or given with --model); the image size is the one the example trains at
// (give --resize when the network was trained with another).
//
// Run:   node examples/predict.js --params lenet.safetensors [--count 5] [--top 3]
//        node examples/predict.js --params lenet.safetensors --png shirt.png [--invert]
// A PNG is turned grey, resized to the model's input and scaled to [0, 1]; Fashion-MNIST shows
// light objects on black, so photos of dark objects on white want --invert (needs `npm install pngjs`).
'use strict';
const fs = require('node:fs');
const { parseFlags } = require('./cli');

// Each example's network and the image size it trains at.
const NETWORKS = {
  lenet: { size: 28, build: () => lenet() },
  'lenet-modern': { size: 28, build: () => lenetModern() },
  alexnet: { size: 224, build: () => alexnet() },
  vgg11: { size: 224, build: () => models.vgg11() },
  nin: { size: 224, build: () => models.nin() },
  googlenet: { size: 96, build: () => models.googlenet() },
  resnet18: { size: 96, build: () => models.resnet18() },
  densenet: { size: 96, build: () => models.densenet() },
};

// The command line is checked before anything loads.
const flags = parseFlags({
  script: 'predict.js',
  about: 'Classifies Fashion-MNIST test images, or a PNG, with a network saved by one of the examples\n' +
    '(--save FILE, or a --checkpoint file).',
  flags: {
    params: { kind: 'file', required: true, help: 'the saved parameters (.safetensors) or a checkpoint' },
    model: { kind: 'string', choices: Object.keys(NETWORKS), help: "the network (default: found from the file's parameter names)" },
    resize: { kind: 'positive-integer', help: 'the image size the network was trained at (default: the example\'s)' },
    png: { kind: 'file', help: 'classify this PNG instead of test images' },
    invert: { kind: 'boolean', help: "invert the PNG's grey levels (for dark objects on a light background)" },
    count: { kind: 'positive-integer', default: 5, help: 'how many test images to classify' },
    top: { kind: 'positive-integer', default: 3, help: 'how many classes to print per image' },
    device: { kind: 'device', help: 'where to run (default: the GPU when there is one, else the CPU)' },
  },
});

const { init, data, models, Tensor, tryGpu, parseDevice } = require('node-cudnn');
const { lenet, lenetModern, alexnet } = require('./networks');
const { runMain } = require('./train');


// The parameter names in a safetensors file (8 bytes: the header's length, little-endian; then the
// header, JSON), and whether it is a checkpoint (whose optimizer state is left out of the names).
function readNames(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const size = fs.readSync(fd, head, 0, 8, 0) === 8 ? head.readBigUInt64LE() : -1n;
    if (size < 2n || size > BigInt(fs.fstatSync(fd).size - 8)) throw new Error('it is not a safetensors file');
    const json = Buffer.alloc(Number(size));
    fs.readSync(fd, json, 0, json.length, 8);
    const names = Object.keys(JSON.parse(json.toString('utf8'))).filter((name) => name !== '__metadata__');
    const weights = names.filter((name) => !name.startsWith('optimizer.'));
    return { names: weights, checkpoint: weights.length < names.length };
  } catch (err) {
    throw new Error(`predict: cannot read ${file}: ${err.message}`);
  } finally {
    fs.closeSync(fd);
  }
}

// The example network whose parameter names are exactly those saved in the file.
function detectModel(file, names) {
  const saved = [...names].sort().join(' ');
  for (const name of Object.keys(NETWORKS)) {
    // Parameters are named when a network is built: nothing is allocated to compare the names.
    if ([...NETWORKS[name].build().collectParams().keys()].sort().join(' ') === saved) return name;
  }
  throw new Error(`predict: ${file} holds none of the examples' networks (${Object.keys(NETWORKS).join(', ')}); ` +
    'give the network with --model');
}

// A PNG as one grey (1, 1, size, size) image in [0, 1].
function readPng(file, size, invert) {
  let PNG;
  try {
    ({ PNG } = require('pngjs'));
  } catch {
    throw new Error('predict: reading a PNG needs the pngjs package: npm install pngjs');
  }
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
  const device = flags.device ? parseDevice(flags.device) : tryGpu();
  const saved = readNames(flags.params);
  const model = flags.model ?? detectModel(flags.params, saved.names);
  const size = flags.resize ?? NETWORKS[model].size;
  const net = NETWORKS[model].build();
  net.initialize(init.Zero(), device);
  // A checkpoint also holds the optimizer's state: only the weights are read.
  net.loadParameters(flags.params, { ignoreExtra: saved.checkpoint });
  console.log(`${model} from ${flags.params}, images ${size}x${size}`);

  let images;
  let labels = null;
  if (flags.png) {
    images = Tensor.fromArray(readPng(flags.png, size, flags.invert), [1, 1, size, size], device);
  } else {
    const [, testIter] = await data.loadDataFashionMNIST(flags.count, {
      limit: flags.count, device, resize: size === 28 ? undefined : size,
    });
    [images, labels] = testIter[Symbol.iterator]().next().value;
    labels = Array.from(labels.toArray());
  }

  let scores;
  try {
    scores = net.predict(images).toArray();
  } catch (err) {
    err.message += ` (was ${model} trained at another image size than ${size}? give it with --resize)`;
    throw err;
  }
  const classes = data.FASHION_MNIST_CLASSES;
  const n = images.shape[0];
  const tops = new Set();  // the first class of each image
  for (let i = 0; i < n; i++) {
    const probs = softmax(Array.from(scores.subarray(i * 10, i * 10 + 10)));
    const top = probs.map((p, c) => [p, c]).sort((a, b) => b[0] - a[0]).slice(0, flags.top);
    const what = labels ? `test image ${i} (true: ${classes[labels[i]]})` : flags.png;
    console.log(`${what}: ${top.map(([p, c]) => `${classes[c]} ${(100 * p).toFixed(1)}%`).join(', ')}`);
    tops.add(top[0][1]);
  }
  if (n > 1 && tops.size === 1) {
    console.log('note: every image got the same class: this network has not learned yet (the sigmoid LeNet ' +
      'of lenet.js stays at chance for its first ~300 steps; see node examples/lenet.js --help)');
  }
}

runMain(main);
