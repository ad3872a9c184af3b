// Training you can keep: the model summary, fit() with checkpoints, resuming to the same result as
// an uninterrupted run, and Ctrl-C in a real process.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Trainer, data, fit, init, nn, random } from '../lib';
import { alexnet } from './alexnet';
import { tempDir } from './helpers';
import { lenet } from './lenet';

const hasData = fs.existsSync('/usr/share/datasets/fashion-mnist') || !!process.env.NODE_CUDNN_FASHION_MNIST;
const lib = path.join(__dirname, '..', 'lib');
const tmp = () => tempDir('fit-');

describe('model summary', () => {
  it("counts the article's LeNet (44,426) and AlexNet (46,764,746) and lists every layer", () => {
    const small = lenet();
    small.initialize(init.Xavier());
    const s = small.summary([1, 1, 28, 28]);
    assert.equal(s.totalParameters, 44426);
    assert.equal(s.parameterBytes, 4 * 44426);
    assert.deepEqual(s.rows.map((r) => r.name), ['conv0', 'pool0', 'conv1', 'pool1', 'dense0', 'dense1', 'dense2']);
    assert.deepEqual(s.rows[2], { name: 'conv1', type: 'Conv2D', outputShape: [1, 16, 8, 8], parameters: 2416 });
    assert.match(s.text, /Trainable parameters: 44,426/);
    const big = alexnet();
    big.initialize(init.Xavier());
    const a = big.summary([1, 1, 224, 224]);
    assert.equal(a.totalParameters, 46764746);
    assert.equal(a.activationBytes, 4 * a.rows.reduce((sum, r) => sum + r.outputShape.reduce((p, d) => p * d, 1), 0));
  });
});

describe('fit with checkpoints', () => {
  before(function () {
    if (!hasData) this.skip();
  });

  // Trains LeNet (with dropout, so the generator matters) and returns its parameters as arrays.
  async function run(options: { checkpoint?: string; resume?: boolean; stopAt?: [number, number]; seed?: number }) {
    random.seed(options.seed ?? 7);
    const net = lenet();
    net.add(new nn.Dropout(0.2));
    net.initialize(init.Xavier());
    const [trainIter, testIter] = await data.loadDataFashionMNIST(128, { limit: 1024, seed: 3, download: false });
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 });
    const lines: string[] = [];
    const result = await fit(net, trainIter, testIter, {
      epochs: 2, trainer, checkpoint: options.checkpoint, resume: options.resume, progress: false,
      log: (line) => lines.push(line),
      onBatch: (epoch, batch) => {
        if (options.stopAt && epoch === options.stopAt[0] && batch === options.stopAt[1]) process.emit('SIGINT');
      },
    });
    const params = [...net.collectParams().values()].map((p) => p.data().toArray());
    return { result, params, lines };
  }

  it('an interrupted and resumed run ends with the same parameters as an uninterrupted one', async function () {
    this.timeout(120000);
    const straight = await run({});
    assert.equal(straight.result.history.records.length, 2);
    const file = path.join(tmp(), 'lenet.ckpt');
    const stopped = await run({ checkpoint: file, stopAt: [1, 3] });
    assert.equal(stopped.result.interrupted, true);
    assert.match(stopped.lines.at(-1)!, /stopped after epoch 1, batch 3; saved/);
    // A fresh process state: other weights and another generator state until the checkpoint loads.
    const resumed = await run({ checkpoint: file, resume: true, seed: 999 });
    assert.equal(resumed.result.interrupted, false);
    assert.match(resumed.lines[0], /resuming from .*: epoch 1, batch 3/);
    resumed.params.forEach((p, i) => assert.deepEqual(p, straight.params[i], `parameter ${i} differs`));
    assert.deepEqual(resumed.result.history.records.map((r) => r.epoch), [1, 2]);
  });

  it('Ctrl-C in a real process finishes the step, saves, exits cleanly, and the run resumes', async function () {
    this.timeout(120000);
    const dir = tmp();
    const child = path.join(__dirname, '..', '..', 'test', 'fixtures', 'fit-child.js');
    const node = process.execPath;
    // Uninterrupted reference.
    const reference = spawnSync(node, [child, lib, path.join(dir, 'ref.ckpt'), path.join(dir, 'ref.safetensors')], { encoding: 'utf8' });
    assert.equal(reference.status, 0, reference.stderr);
    // Interrupted at the third batch.
    const ckpt = path.join(dir, 'run.ckpt');
    const out = path.join(dir, 'run.safetensors');
    const proc = spawn(node, [child, lib, ckpt, out]);
    let stdout = '';
    const exit = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (stdout.includes('batch 1 3\n') && !proc.killed) proc.kill('SIGINT');
    });
    assert.equal(await exit, 0);
    assert.match(stdout, /stopped after epoch 1, batch (3|4); saved/);
    assert.ok(fs.existsSync(ckpt) && !fs.existsSync(out));
    const resumed = spawnSync(node, [child, lib, ckpt, out, '--resume'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /resuming from/);
    // The saved parameters are compared byte for byte: same names, shapes and values.
    assert.deepEqual(fs.readFileSync(out), fs.readFileSync(path.join(dir, 'ref.safetensors')));
  });
});
