#!/usr/bin/env node
// Benchmark: AlexNet training throughput (images/s) at batch 128 and 224×224, ours against PyTorch
// in the same run; with `--model resnet18`, d2l's ResNet-18 at 96×96 (its book settings, batch 256).
// Both sides train on one fixed random batch, so the figure is the network's compute (the data
// pipeline is measured by the examples, which report its share). A training image is about
// 5.63 GFLOP for AlexNet and 1.91 GFLOP for ResNet-18 at 96×96 (3 × 2 × the forward's MACs).
//
// Run: node bench/alexnet-step.js [--model alexnet|resnet18] [--batch-size 128] [--steps 3]
//                                 [--device cpu|gpu] [--python PATH] [--no-torch] [--contended]
'use strict';
const { runPytorchPeer } = require('./pytorch-peer');
const { startContention } = require('./contention');
const { parseArgs } = require('node:util');
const os = require('node:os');
const { nn, init, autograd, loss, Trainer, Tensor, random, backendInfo, parseDevice, models } = require('..');

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string', default: 'alexnet' },
    'batch-size': { type: 'string' },
    steps: { type: 'string', default: '3' },
    device: { type: 'string', default: 'cpu' },
    python: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    contended: { type: 'boolean', default: false },
  },
});
const MODELS = {
  alexnet: { name: 'AlexNet', build: alexnet, size: 224, batchSize: 128, gflopPerImage: 5.63 },
  resnet18: { name: 'ResNet-18', build: () => models.resnet18(), size: 96, batchSize: 256, gflopPerImage: 1.91 },
};
const model = MODELS[flags.model];
if (!model) {
  console.error(`--model: expected one of ${Object.keys(MODELS).join(', ')} but received '${flags.model}'`);
  process.exit(2);
}
const batchSize = Number(flags['batch-size'] ?? model.batchSize);
const steps = Number(flags.steps);
const GFLOP_PER_IMAGE = model.gflopPerImage;

function alexnet() {
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(96, 11, { strides: 4, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Conv2D(256, 5, { padding: 2, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }), new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
    new nn.Conv2D(256, 3, { padding: 1, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5),
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5), new nn.Dense(10));
  return net;
}

function ours(device) {
  random.seed(0);
  const net = model.build();
  net.initialize(init.Xavier(), device);
  const X = Tensor.empty([batchSize, 1, model.size, model.size], device);
  init.Uniform(1).fill(X);
  const y = Tensor.fromArray(Array.from({ length: batchSize }, (_, i) => i % 10), undefined, device);
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.01 });
  const lossFn = new loss.SoftmaxCrossEntropyLoss();
  const step = () => {
    const l = autograd.record(() => lossFn.forward(net.forward(X), y));
    l.backward();
    trainer.step(batchSize);
    l.toArray();  // waits for the GPU, as PyTorch's synchronize
    l.dispose();
  };
  step();
  step();
  const seconds = [];
  for (let i = 0; i < steps; i++) {
    const start = process.hrtime.bigint();
    step();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds, imagesPerSecond: batchSize / Math.min(...seconds) };
}

function pytorch(device) {
  return runPytorchPeer('alexnet_torch.py',
    ['--model', flags.model, '--batch-size', String(batchSize), '--steps', String(steps)], device, flags.python);
}

(() => {
  const device = parseDevice(flags.device);
  const info = backendInfo();
  const where = device.kind === 'gpu' ? `GPU: ${info.cuda.device.name}` : `CPU: ${info.cpu.engine}, ${info.cpu.threads} threads`;
  console.log(`${model.name} training step, batch ${batchSize}, ${model.size}x${model.size}, ${where}`);
  // Both sides run against the same busy processes (one per core): a shared machine's slowdown.
  if (flags.contended) console.log(`contended: ${os.availableParallelism()} busy processes run alongside`);
  if (flags.contended) startContention();  // stopped when the benchmark exits
  const a = ours(device);
  console.log(`node-cudnn  ${a.imagesPerSecond.toFixed(1)} images/s  ${(a.imagesPerSecond * GFLOP_PER_IMAGE).toFixed(0)} GFLOP/s` +
    `  (steps: ${a.seconds.map((s) => s.toFixed(4)).join(', ')} s)`);
  if (flags['no-torch']) return;
  const t = pytorch(device);
  if (t.skipped) return console.log(t.skipped);
  console.log(`PyTorch ${t.version} (${t.device})  ${t.images_per_second.toFixed(1)} images/s  ` +
    `${(t.images_per_second * GFLOP_PER_IMAGE).toFixed(0)} GFLOP/s  (steps: ${t.step_seconds.join(', ')} s)`);
  console.log(`ratio ours/PyTorch (images/s): ${(a.imagesPerSecond / t.images_per_second).toFixed(2)}`);
})();
