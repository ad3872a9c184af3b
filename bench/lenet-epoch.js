#!/usr/bin/env node
// Benchmark: one LeNet training epoch on Fashion-MNIST (60,000 images, batch 256) on the CPU, ours
// against PyTorch in the same run.
//
// Ours runs the real pipeline (DataLoader: uint8 → float batches, shuffled) and the article's
// LeNet; PyTorch (bench/lenet_torch.py, Debian's python3-torch) gets its fair setup: OpenBLAS
// single-threaded, torch.set_num_threads(2), the data set pre-converted in memory. Each side warms
// up, then the best of `--epochs` timed epochs is reported.
//
// Run: node bench/lenet-epoch.js [--epochs 2] [--limit N] [--device cpu|gpu] [--python PATH] [--no-torch] [--contended]
// On a GPU the peer is PyTorch on CUDA with cudnn.benchmark on and the data set on the GPU.
'use strict';
const { parseArgs } = require('node:util');
const os = require('node:os');
const { runPytorchPeer } = require('./pytorch-peer');
const { startContention } = require('./contention');
const { nn, init, autograd, loss, Trainer, data, random, backendInfo, parseDevice } = require('..');

const { values: flags } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    limit: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    contended: { type: 'boolean', default: false },
    device: { type: 'string', default: 'cpu' },
    python: { type: 'string' },
  },
});
const epochs = Number(flags.epochs);
const limit = flags.limit === undefined ? undefined : Number(flags.limit);
const batchSize = 256;
let device;  // set in main(), where a bad --device is reported plainly

function lenet() {
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(6, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Dense(120, { activation: 'sigmoid' }), new nn.Dense(84, { activation: 'sigmoid' }), new nn.Dense(10));
  return net;
}

async function ours() {
  random.seed(0);
  const [trainIter] = await data.loadDataFashionMNIST(batchSize, { limit, seed: 0, device });
  const net = lenet();
  net.initialize(init.Xavier(), device);
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 });
  const lossFn = new loss.SoftmaxCrossEntropyLoss();
  const step = (X, y) => {
    const l = autograd.record(() => lossFn.forward(net.forward(X), y));
    l.backward();
    trainer.step(y.size);
    for (const t of [X, y, l]) t.dispose();
  };
  // Warm-up: primitive creation and first-touch of memory, as PyTorch's warm-up does.
  let warm = 0;
  for (const [X, y] of trainIter) if (warm++ < 30) step(X, y); else { X.dispose(); y.dispose(); }
  const seconds = [];
  for (let e = 0; e < epochs; e++) {
    const start = process.hrtime.bigint();
    for (const [X, y] of trainIter) step(X, y);
    net.collectParams().values().next().value.data().toArray();  // waits for queued GPU work
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { epochSeconds: seconds, best: Math.min(...seconds), images: trainIter.numExamples };
}

function pytorch() {
  const args = ['--epochs', String(epochs)];
  if (limit !== undefined) args.push('--limit', String(limit));
  return runPytorchPeer('lenet_torch.py', args, device, flags.python);
}

(async () => {
  device = parseDevice(flags.device);
  const info = backendInfo();
  const where = device.kind === 'gpu' ? `GPU: ${info.cuda.device.name}, cuDNN ${info.cuda.cudnn.version}` :
    `CPU: ${info.cpu.engine}, ${info.cpu.threads} threads`;
  console.log(`LeNet training epoch, batch ${batchSize}, ${where}`);
  // Both sides run against the same busy processes (one per core): a shared machine's slowdown.
  if (flags.contended) console.log(`contended: ${os.availableParallelism()} busy processes run alongside`);
  if (flags.contended) startContention();  // stopped when the benchmark exits
  const a = await ours();
  const gflop = 101 * a.images / 60000;  // a LeNet training epoch is about 101 GFLOP
  console.log(`node-cudnn  ${a.best.toFixed(3)} s/epoch  ${Math.round(a.images / a.best)} images/s  ` +
    `${(gflop / a.best).toFixed(0)} GFLOP/s  (epochs: ${a.epochSeconds.map((s) => s.toFixed(3)).join(', ')})`);
  if (flags['no-torch']) return;
  const t = pytorch();
  if (t.skipped) {
    console.log(t.skipped);
    return;
  }
  console.log(`PyTorch ${t.version} (${t.device})  ${t.best_epoch_seconds.toFixed(3)} s/epoch  ${Math.round(t.images_per_second)} images/s  ` +
    `${(gflop / t.best_epoch_seconds).toFixed(0)} GFLOP/s  (epochs: ${t.epoch_seconds.map((s) => s.toFixed(3)).join(', ')})`);
  console.log(`ratio ours/PyTorch (time per epoch): ${(a.best / t.best_epoch_seconds).toFixed(2)}`);
})().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
