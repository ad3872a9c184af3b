// fit({ checkFinite }): the first NaN or infinity in the loss, a gradient or a parameter stops
// training before the update, naming the layer, the parameter and the step, with the last good
// checkpoint left on disk; a float32 overflow of the check's own sum does not stop it.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NonFiniteError, Tensor, Trainer, data, fit, init, loadCheckpoint, loss, nn, random } from '../lib';
import type { FitOptions } from '../lib';
import { binding } from '../lib/core/binding';
import { lenet } from './lenet';

const dirs: string[] = [];
const tmp = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'nonfinite-')));
  return dirs[dirs.length - 1];
};

// n random 28×28 images and labels, the same for the same seed.
function dataset(n: number, seed: number): data.ImageDataset {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return {
    images: Uint8Array.from({ length: n * 784 }, () => Math.floor(next() * 256)),
    labels: Uint8Array.from({ length: n }, () => Math.floor(next() * 10)),
    length: n, height: 28, width: 28, channels: 1,
  };
}

// ToTensor, except that the batch prepared `nanAt`-th (0-based, counted over epochs) gets NaN pixels.
function nanPixels(nanAt: number, pixels: number): data.Transform {
  let calls = 0;
  return (batch) => {
    const out = Float32Array.from(batch.data, (v) => v / 255);
    if (calls++ === nanAt) out.fill(NaN, 0, pixels);
    return { data: out, shape: batch.shape };
  };
}

const snapshot = (net: nn.Block) => [...net.collectParams().values()].map((p) => p.data().toArray());
const allFinite = (arrays: Float32Array[]) => arrays.every((a) => a.every(Number.isFinite));

interface Run {
  net: nn.Sequential;
  trainer: Trainer;
  /** Parameters after each step, keyed `epoch.batch`, and before the first ('0.0'). */
  states: Map<string, Float32Array[]>;
  error: unknown;
}

// Trains a LeNet (shapes completed by one forward, so that fit writes a checkpoint at the start) over
// 96 synthetic images in batches of 16 (6 per epoch).
async function run(options: Partial<FitOptions> & { transform?: data.Transform; relu?: boolean; lr?: number;
  each?: (run: Run, epoch: number, batch: number) => void }): Promise<Run> {
  random.seed(1);
  // This helper's own options stay here: fit refuses keys it does not know.
  const { transform, relu, lr, each, ...fitOptions } = options;
  const net = relu ? reluLenet() : lenet();
  net.initialize(init.Xavier());
  net.predict(Tensor.zeros([1, 1, 28, 28])).dispose();
  const trainIter = new data.DataLoader(dataset(96, 1), { batchSize: 16, transform });
  const testIter = new data.DataLoader(dataset(32, 2), { batchSize: 16 });
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: lr ?? 0.9 });
  const result: Run = { net, trainer, states: new Map([['0.0', snapshot(net)]]), error: null };
  try {
    await fit(net, trainIter, testIter, {
      epochs: 2, trainer, progress: false, log: () => {}, ...fitOptions,
      onBatch: (epoch, batch) => {
        each?.(result, epoch, batch);
        result.states.set(`${epoch}.${batch}`, snapshot(net));
      },
    });
  } catch (err) {
    result.error = err;
  }
  return result;
}

function reluLenet(): nn.Sequential {
  const net = new nn.Sequential();
  net.add(new nn.Conv2D(6, 5, { activation: 'relu' }), new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'relu' }), new nn.MaxPool2D(2, 2),
    new nn.Dense(120, { activation: 'relu' }), new nn.Dense(84, { activation: 'relu' }), new nn.Dense(10));
  return net;
}

// The checkpoint loads into a fresh network, holds finite values, and equals `expected`.
function assertCheckpoint(file: string, expected: Float32Array[], position: { epoch: number; batch: number }) {
  const net = lenet();
  net.initialize(init.Xavier());
  const state = loadCheckpoint(file, net, new Trainer(net.collectParams(), 'sgd', { learningRate: 1 }));
  assert.deepEqual({ epoch: state.epoch, batch: state.batch }, position);
  const saved = snapshot(net);
  assert.ok(allFinite(saved), 'the checkpoint holds finite values');
  saved.forEach((v, i) => assert.deepEqual(v, expected[i], `checkpoint parameter ${i}`));
}

function nonFinite(err: unknown): NonFiniteError {
  assert.ok(err instanceof NonFiniteError, `expected a NonFiniteError, got ${err}`);
  return err;
}

describe('fit with checkFinite', () => {
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('NaN pixels in one batch: stops at that step naming the first layer, parameters and checkpoint as before it', async () => {
    const file = path.join(tmp(), 'lenet.ckpt');
    // Batch 3 of epoch 2 is the 9th prepared (6 per epoch); 5 pixels of its first image are NaN.
    const r = await run({ checkFinite: true, checkpoint: file, transform: nanPixels(8, 5) });
    const err = nonFinite(r.error);
    assert.deepEqual({ kind: err.kind, epoch: err.epoch, batch: err.batch, step: err.step, layer: err.layer, parameter: err.parameter },
      { kind: 'loss', epoch: 2, batch: 3, step: 9, layer: 'conv0', parameter: null });
    assert.equal(err.message, 'fit: non-finite loss at epoch 2, batch 3 (step 9): 1 NaN, 0 infinite of 16 values; ' +
      'first non-finite output: layer conv0; the input batch has 5 NaN, 0 infinite of 12544 values; ' +
      `stopped before updating, last good checkpoint kept: ${file} (epoch 2, batch 0)`);
    assert.deepEqual(err.checkpoint, { file, epoch: 2, batch: 0 });
    assert.equal(r.trainer.stepCount, 8);
    assert.deepEqual(snapshot(r.net), r.states.get('2.2'), 'the bad step changed no parameter');
    assertCheckpoint(file, r.states.get('1.6')!, { epoch: 2, batch: 0 });
  });

  it('a huge learning rate: stops a few steps in, before the update that would spread the NaN', async () => {
    const file = path.join(tmp(), 'lenet.ckpt');
    const r = await run({ checkFinite: true, checkpoint: file, relu: true, lr: 10000 });
    const err = nonFinite(r.error);
    assert.ok(err.step >= 2 && err.epoch === 1 && err.batch === err.step, `step ${err.step}`);
    assert.equal(r.trainer.stepCount, err.step - 1);
    assert.ok(err.kind === 'gradient' || err.kind === 'loss', err.kind);
    const name = err.kind === 'gradient' ? `gradient of ${err.parameter} \\(layer ${err.layer}, parameter \\w+\\)` : 'loss';
    assert.match(err.message, new RegExp(`^fit: non-finite ${name} at epoch 1, batch ${err.batch} \\(step ${err.step}\\): ` +
      `\\d+ NaN, \\d+ infinite of \\d+ values; .*stopped before updating, last good checkpoint kept: .*lenet\\.ckpt \\(epoch 1, batch 0\\)$`));
    const last = r.states.get(`1.${err.batch - 1}`)!;  // after the last good step
    assert.ok(allFinite(last), 'the parameters before the bad step are finite');
    assert.deepEqual(snapshot(r.net), last, 'the bad step changed no parameter');
    // The run wrote a checkpoint before its first step (its shapes were known): the initial state.
    const net = reluLenet();
    net.initialize(init.Xavier());
    const state = loadCheckpoint(file, net, new Trainer(net.collectParams(), 'sgd', { learningRate: 1 }));
    assert.deepEqual([state.epoch, state.batch], [1, 0]);
    assert.deepEqual(snapshot(net), r.states.get('0.0'));
  });

  it('a parameter set to Infinity: named with the first layer whose output is not finite', async () => {
    const inf = (run: Run, name: string) => {
      const p = run.net.collectParams().get(name)!;
      const v = p.data().toArray();
      v[0] = Infinity;
      p.setData(v);
    };
    // The last layer's output (the scores) becomes infinite, and the loss NaN or infinite.
    const r = await run({ checkFinite: true, each: (run, e, b) => e === 1 && b === 2 && inf(run, 'dense2.weight') });
    const err = nonFinite(r.error);
    assert.deepEqual([err.kind, err.layer, err.parameter, err.batch, err.step], ['loss', 'dense2', 'dense2.weight', 3, 3]);
    assert.match(err.message, new RegExp('^fit: non-finite loss at epoch 1, batch 3 \\(step 3\\): \\d+ NaN, \\d+ infinite of 16 values; ' +
      'first non-finite output: layer dense2; non-finite parameter dense2.weight \\(layer dense2, parameter weight\\): ' +
      '0 NaN, 1 infinite of 840 values; stopped before updating, no checkpoint \\(the checkpoint option is not set\\)$'));
    assert.deepEqual(snapshot(r.net), r.states.get('1.2'), 'the bad step changed no parameter');

    // Behind a sigmoid the infinity gives a finite loss (the gradients below it are NaN): the parameter is named.
    const r2 = await run({ checkFinite: true, each: (run, e, b) => e === 1 && b === 2 && inf(run, 'dense0.weight') });
    const err2 = nonFinite(r2.error);
    assert.equal(err2.message, 'fit: non-finite parameter dense0.weight (layer dense0, parameter weight) at epoch 1, batch 3 (step 3): ' +
      '0 NaN, 1 infinite of 30720 values; stopped before updating, no checkpoint (the checkpoint option is not set)');
    assert.deepEqual([err2.kind, err2.layer, err2.parameter], ['parameter', 'dense0', 'dense0.weight']);
    assert.deepEqual(snapshot(r2.net), r2.states.get('1.2'));
  });

  it('never writes a checkpoint with non-finite values', async () => {
    const file = path.join(tmp(), 'lenet.ckpt');
    // As if the last update of epoch 1 had overflowed: the end-of-epoch checkpoint must not be written.
    const r = await run({
      checkFinite: true, checkpoint: file,
      each: (run, e, b) => {
        if (e === 1 && b === 6) run.net.collectParams().get('conv1.bias')!.setData(new Float32Array(16).fill(-Infinity));
      },
    });
    const err = nonFinite(r.error);
    assert.equal(err.message, 'fit: non-finite parameter conv1.bias (layer conv1, parameter bias) before saving the checkpoint ' +
      `at epoch 2, batch 0 (step 6): 0 NaN, 16 infinite of 16 values; not saved, last good checkpoint kept: ${file} (epoch 1, batch 0)`);
    assertCheckpoint(file, r.states.get('0.0')!, { epoch: 1, batch: 0 });
  });

  it('without the option nothing is checked: the NaN spreads into the parameters and the checkpoint', async () => {
    const file = path.join(tmp(), 'lenet.ckpt');
    const r = await run({ checkpoint: file, transform: nanPixels(8, 5) });
    assert.equal(r.error, null);
    assert.equal(r.trainer.stepCount, 12);
    assert.ok(!allFinite(snapshot(r.net)));
    assert.ok(!allFinite(r.states.get('2.3')!), 'the step after the NaN batch updated the parameters with NaN');
  });

  it('a finite loss whose square overflows the float32 sum does not stop training', async () => {
    // Scores of 1e20 for class 1: losses of about 1e20 (finite), but 1e20² > 3.4e38 overflows the check's sum.
    const crossEntropy = new loss.SoftmaxCrossEntropyLoss();
    const sums: number[] = [];
    const lossFn = {
      forward(yHat: Tensor, y: Tensor): Tensor {
        const l = crossEntropy.forward(yHat, y);
        const sum = Tensor.zeros([1]);
        binding.sumSquares(l, sum, false);
        sums.push(sum.item());
        sum.dispose();
        return l;
      },
    };
    const r = await run({
      checkFinite: true, epochs: 1, loss: lossFn,
      each: (run, e, b) => {
        if (b !== 1) return;
        const bias = run.net.collectParams().get('dense2.bias')!;
        const v = bias.data().toArray();
        v[1] = 1e20;
        bias.setData(v);
      },
    });
    assert.equal(r.error, null);
    assert.deepEqual(sums.map((v) => v === Infinity), [false, true, true, true, true, true], 'steps 2 to 6 overflow the sum');
    assert.equal(r.trainer.stepCount, 6);
    assert.ok(allFinite(snapshot(r.net)));
  });
});
