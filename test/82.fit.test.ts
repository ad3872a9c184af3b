// Training you can keep: the model summary, fit() with checkpoints, resuming to the same result as
// an uninterrupted run, and Ctrl-C in a real process; the progress bar and the chart on a terminal
// and off one.
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Trainer, data, fit, init, nn, random } from '../lib';
import { alexnet } from './alexnet';
import { tempDir } from './helpers';
import { ProgressBar } from '../lib/train/progress';
import { TrainingMetrics } from '../lib/train/metrics';
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

/** A stream that keeps what is written: a terminal when `isTTY`, else a pipe. */
function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, isTTY, columns, write(text: string) { writes.push(text); return true; } };
}

/** The bar's frames: what each redraw wrote between '\r' and the clear-to-end code. */
const frames = (writes: string[]) => writes.filter((w) => w !== '\r\x1b[K').map((w) => {
  assert.ok(w.startsWith('\r') && w.endsWith('\x1b[K'), JSON.stringify(w));
  return w.slice(1, -3);
});

describe('ProgressBar', () => {
  /** A clock that moves only when told. */
  function fakeClock() {
    let now = 1_000_000;
    return { clock: () => now, advance: (ms: number) => { now += ms; } };
  }

  it('off a terminal writes nothing and reads no metrics, however long the epoch', () => {
    const stream = fakeStream(false);
    const { clock, advance } = fakeClock();
    let reads = 0;
    for (let epoch = 1; epoch <= 3; epoch++) {
      const bar = new ProgressBar({ label: `epoch ${epoch}/3`, total: 2000, stream, clock });
      for (let b = 1; b <= 200; b++) {
        advance(100);  // 20 s an epoch: the old bar reprinted a stale line every 5 s
        bar.update(10 * b, () => { reads++; return { loss: 1, acc: 0.5 }; });
      }
      bar.stop();
    }
    assert.deepEqual(stream.writes, []);
    assert.equal(reads, 0);
  });

  it('on a terminal with slow batches redraws after every batch, reading the metrics each time', () => {
    const stream = fakeStream(true);
    const { clock, advance } = fakeClock();
    let reads = 0;
    const bar = new ProgressBar({ label: 'epoch 1/1', total: 50, stream, clock });
    for (let b = 1; b <= 5; b++) {
      advance(1500);
      bar.update(10 * b, () => { reads++; return { loss: 2 / b, acc: 0.1 * b }; });
    }
    const shown = frames(stream.writes);
    assert.equal(shown.length, 6, shown.join('\n'));  // the empty bar, then one frame a batch
    assert.match(shown[0], /^epoch 1\/1 \[░{20}\] 0% \| 0\/50 \| - img\/s \| ETA - \| loss - acc -$/);
    assert.match(shown[2], /^epoch 1\/1 \[█{8}░{12}\] 40% \| 20\/50 \| 7 img\/s \| ETA 5s \| loss 1\.000 acc 0\.200$/);
    assert.match(shown[5], /100% \| 50\/50 \| 7 img\/s \| ETA 0s \| loss 0\.400 acc 0\.500$/);
    assert.equal(reads, 5);
    bar.stop();
    assert.equal(stream.writes.at(-1), '\r\x1b[K');  // the line is cleared for the epoch's summary
  });

  it('on a terminal with fast batches moves the count every redraw but reads the metrics once a second', () => {
    const stream = fakeStream(true);
    const { clock, advance } = fakeClock();
    let reads = 0;
    const bar = new ProgressBar({ label: 'epoch 1/1', total: 1000, stream, clock });
    for (let b = 1; b <= 1000; b++) {
      advance(4);  // 4 s in all
      bar.update(b, () => { reads++; return { loss: b / 1000, acc: 0.5 }; });
    }
    assert.equal(reads, 4);
    const shown = frames(stream.writes);
    // 10 frames a second, each with a larger count.
    assert.ok(shown.length >= 40 && shown.length <= 42, `${shown.length} frames`);
    const counts = shown.map((f) => Number(/\| (\d+)\/1000 \|/.exec(f)![1]));
    counts.slice(1).forEach((c, i) => assert.ok(c > counts[i], `counts ${counts.join(' ')}`));
    // The loss shown changes only when the metrics are read.
    assert.equal(new Set(shown.map((f) => /loss (\S+)/.exec(f)![1])).size, 1 + 4);
    bar.stop();
  });

  it('cuts its line to the terminal, counts only new units in the rate, and refuses updates once stopped', () => {
    const stream = fakeStream(true, 40);
    const { clock, advance } = fakeClock();
    const bar = new ProgressBar({ label: 'epoch 2/9', total: 100, stream, clock, start: 60 });
    advance(2000);
    bar.update(80, { loss: 0.5, acc: 0.9 });
    const shown = frames(stream.writes);
    assert.ok(shown.every((f) => f.length <= 39), shown.join('\n'));
    // An 80-column terminal: the bar gives way before the figures do.
    const eighty = fakeStream(true, 80);
    const big = new ProgressBar({ label: 'epoch 10/10', total: 60000, stream: eighty, clock });
    advance(7000);
    big.update(37120, { loss: 0.512, acc: 0.812 });
    assert.match(frames(eighty.writes).at(-1)!, /^epoch 10\/10 (\[[█░]{5,}\] )?61% \| 37120\/60000 \| \d+ img\/s \| ETA \S+ \| loss 0\.512 acc 0\.812$/);
    const wide = fakeStream(true);
    const resumed = new ProgressBar({ label: 'epoch 2/9', total: 100, stream: wide, clock, start: 60 });
    advance(2000);
    resumed.update(80, { loss: 0.5, acc: 0.9 });
    assert.match(frames(wide.writes).at(-1)!, /80\/100 \| 10 img\/s \| ETA 2s/);
    bar.stop();
    assert.throws(() => bar.update(90), (err: Error & { code?: string }) => err.code === 'NC_STATE' && /ProgressBar\.update: the bar was stopped/.test(err.message));
    assert.throws(() => new ProgressBar({ label: 'x', total: -1 }), /ProgressBar: expected an integer >= 0 for total but received -1/);
    assert.throws(() => new ProgressBar({ label: 'x', total: 1, stream: {} as never }), /ProgressBar: expected a stream with a write method for stream/);
  });
});

describe('fit on a terminal and off one', () => {
  /** fit on 256 two-feature examples in batches of 8 (32 batches an epoch), on the CPU. */
  async function tinyFit(epochs: number, terminal: ReturnType<typeof fakeStream>) {
    random.seed(5);
    const n = 256;
    const x = Float32Array.from({ length: 2 * n }, (_, j) => Math.sin(0.77 * j));
    const labels = Int32Array.from({ length: n }, (_, i) => (x[2 * i] > x[2 * i + 1] ? 1 : 0));
    const ds = new data.ArrayDataset(x, labels);
    const net = new nn.Sequential();
    net.add(new nn.Dense(2));
    net.initialize(init.Xavier());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.3 });
    const lines: string[] = [];
    let reads = 0;
    const read = TrainingMetrics.prototype.read;
    TrainingMetrics.prototype.read = function (this: TrainingMetrics) {
      reads++;
      return read.call(this);
    };
    const started = Date.now();
    try {
      await fit(net, new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 1 }), new data.DataLoader(ds, { batchSize: 64 }),
        { epochs, trainer, terminal, log: (line) => { lines.push(line); terminal.write(`${line}\n`); } });
    } finally {
      TrainingMetrics.prototype.read = read;
    }
    return { lines, reads, seconds: (Date.now() - started) / 1000 };
  }

  it('piped: exactly one line per epoch, no bar, no chart', async function () {
    this.timeout(60000);
    const pipe = fakeStream(false);
    const { lines } = await tinyFit(3, pipe);
    assert.equal(lines.length, 3, lines.join('\n'));
    lines.forEach((line, i) => assert.match(line, new RegExp(`^epoch ${i + 1}, loss .*, train acc .*, test acc .*, time `)));
    assert.equal(pipe.writes.join(''), lines.map((l) => `${l}\n`).join(''));
  });

  it('on a terminal: the bar moves every batch, the metrics are read at most once a second, the chart follows 3 epochs', async function () {
    this.timeout(60000);
    const tty = fakeStream(true);
    const { lines, reads, seconds } = await tinyFit(3, tty);
    // One read per epoch for its summary line, plus at most one per second of training.
    assert.ok(reads <= 3 + Math.floor(seconds), `${reads} reads in ${seconds} s (32 batches an epoch)`);
    const shown = frames(tty.writes.filter((w) => w.startsWith('\r')));
    assert.ok(shown.some((f) => /^epoch 1\/3 \[/.test(f)) && shown.some((f) => /^epoch 3\/3 \[/.test(f)), shown.join('\n'));
    assert.equal(tty.writes.filter((w) => w === '\r\x1b[K').length, 3);  // each bar cleared before its epoch line
    const chart = lines.at(-1)!;
    assert.match(chart, /^loss {2}.*train loss [\d.]+\n/);
    assert.match(chart, /\naccuracy {2}.*train acc [\d.]+ .*test acc [\d.]+/);
  });

  it('on a terminal after 2 epochs: no chart', async function () {
    this.timeout(60000);
    const { lines } = await tinyFit(2, fakeStream(true));
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.ok(lines.every((l) => l.startsWith('epoch ')));
  });
});
