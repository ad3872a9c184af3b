#!/usr/bin/env node
// Prints the algorithm and math type cuDNN chose for each convolution of LeNet and AlexNet (one
// training step each), by default and in deterministic mode: step 8 of scripts/gpu-check.sh.
// Run: node scripts/conv-algorithms.js [--device gpu|cpu]
'use strict';
const { parseArgs } = require('node:util');
const lib = require('..');

const { nn, init, autograd, loss, Tensor, random, parseDevice, convolutionAlgorithms, setDeterministic } = lib;
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

// One forward and backward pass of `net` on a batch of `size`×`size` images.
function step(net, batch, size) {
  net.initialize(init.Xavier(), device);
  const X = Tensor.fromArray(new Float32Array(batch * size * size).map(() => Math.random()), [batch, 1, size, size], device);
  const y = Tensor.fromArray(new Float32Array(batch).map((_, i) => i % 10), [batch], device);
  const l = autograd.record(() => new loss.SoftmaxCrossEntropyLoss().forward(net.forward(X), y));
  l.backward();
  l.sum().item();  // waits for the GPU
}

random.seed(0);
const seen = new Set();
for (const deterministic of [false, true]) {
  setDeterministic(deterministic);
  step(lenet(), 256, 28);
  step(alexnet(), 128, 224);
  const chosen = convolutionAlgorithms().filter((c) => c.deterministic === deterministic || !deterministic);
  console.log(`\n${deterministic ? 'deterministic' : 'default'} mode (${lib.backendInfo().cuda.precision ?? ''}):`);
  for (const c of convolutionAlgorithms()) {
    const key = `${deterministic}|${c.shape}|${c.direction}`;
    if (seen.has(key)) continue;
    seen.add(key);
    console.log(`  ${c.shape.padEnd(40)} ${c.direction.padEnd(15)} ${c.algo.padEnd(40)} ${c.mathType.padEnd(24)} ` +
      `${(c.workspaceBytes / 2 ** 20).toFixed(1).padStart(8)} MiB ${c.deterministic ? 'deterministic' : ''}`);
  }
  if (chosen.length === 0) console.log('  none: no convolution ran on a GPU');
}
setDeterministic(false);
const all = convolutionAlgorithms();
console.log(`${all.length} choices, ${new Set(all.map((c) => c.algo)).size} algorithms, math types: ` +
  `${[...new Set(all.map((c) => c.mathType))].join(', ') || 'none'}`);
