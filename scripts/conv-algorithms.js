#!/usr/bin/env node
// Prints the algorithm and math type cuDNN chose for each convolution of LeNet and AlexNet (one
// forward and backward pass each), by default and in deterministic mode: step 8 of
// scripts/gpu-check.sh. Its last line is the summary.
// Run: node scripts/conv-algorithms.js [--device gpu|cpu]
'use strict';
const { parseArgs } = require('node:util');
const { nn, init, autograd, loss, Tensor, random, parseDevice, convolutionAlgorithms, setDeterministic } = require('..');

const { values: flags } = parseArgs({ options: { device: { type: 'string', default: 'gpu' } } });
const device = parseDevice(flags.device);

const lenet = () => new nn.Sequential().add(
  new nn.Conv2D(6, 5, { padding: 2, activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
  new nn.Conv2D(16, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2), new nn.Dense(10));
const alexnet = () => new nn.Sequential().add(
  new nn.Conv2D(96, 11, { strides: 4, activation: 'relu' }), new nn.MaxPool2D(3, 2),
  new nn.Conv2D(256, 5, { padding: 2, activation: 'relu' }), new nn.MaxPool2D(3, 2),
  new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }), new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
  new nn.Conv2D(256, 3, { padding: 1, activation: 'relu' }), new nn.MaxPool2D(3, 2), new nn.Dense(10));

// One forward and backward pass of `net` on a batch of random `size`×`size` images.
function pass(net, batch, size) {
  net.initialize(init.Xavier(), device);
  const X = Tensor.fromArray(new Float32Array(batch * size * size).map(() => Math.random()), [batch, 1, size, size], device);
  const y = Tensor.fromArray(new Float32Array(batch).map((_, i) => i % 10), [batch], device);
  const l = autograd.record(() => new loss.SoftmaxCrossEntropyLoss().forward(net.forward(X), y));
  l.backward();
  l.toArray();  // waits for the GPU
}

random.seed(0);
for (const mode of [false, true]) {
  setDeterministic(mode);
  pass(lenet(), 256, 28);
  pass(alexnet(), 128, 224);
}
setDeterministic(false);

const chosen = convolutionAlgorithms();
for (const c of chosen) {
  console.log([c.deterministicMode ? 'deterministic' : 'default', c.precision, c.shape, c.direction, c.algo, c.mathType,
    `${(c.workspaceBytes / 2 ** 20).toFixed(1)} MiB`, c.timeMs === null ? 'heuristic' : `${c.timeMs.toFixed(3)} ms`,
    c.deterministic ? 'deterministic' : 'non-deterministic'].join('  '));
}
const count = (key) => [...new Set(chosen.map((c) => c[key]))].join(', ') || 'none';
console.log(chosen.length === 0 ? `no convolution ran on a GPU (${device.name})`
  : `${chosen.length} choices; algorithms: ${count('algo')}; math types: ${count('mathType')}`);
