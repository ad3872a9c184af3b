// All-or-nothing checkpoint loads: a checkpoint with one thing wrong in it (each weight's shape,
// dtype or values, a missing or extra weight, the optimizer's name, counts and buffers, the
// generator state, the position, the history, the batch size, the state JSON itself) is refused with
// an error that names the file and the field, and the network, the trainer and the generator are
// bit for bit what they were before. Then fit's own checks before its first step.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Trainer, data, fit, init, loadCheckpoint, nn, random, saveCheckpoint } from '../lib';
import { binding } from '../lib/core/binding';
import { readSafetensors } from '../lib/io/safetensors';

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-load-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

// Two dense layers, so that every kind of field comes more than once.
function makeNet(value: number): nn.Sequential {
  const net = new nn.Sequential();
  net.add(new nn.Dense(3, { inUnits: 4 }), new nn.Dense(2, { inUnits: 3 }));
  net.initialize(init.Constant(value));
  return net;
}

// Gradients set by hand (no data needed), then one Adam step: the trainer has state to lose.
function stepOnce(net: nn.Sequential, trainer: Trainer, k: number): void {
  for (const p of net.collectParams().values()) {
    const g = p.grad();
    binding.upload(g.data, Float32Array.from({ length: g.size }, (_, i) => Math.fround(Math.sin(k + i))));
  }
  trainer.step(2);
}

const PARAMS = ['dense0.weight', 'dense0.bias', 'dense1.weight', 'dense1.bias'];
const SLOTS = PARAMS.flatMap((p) => [`${p}.exp_avg`, `${p}.exp_avg_sq`]);
const SHAPES: Record<string, number[]> = { 'dense0.weight': [3, 4], 'dense0.bias': [3], 'dense1.weight': [2, 3], 'dense1.bias': [2] };

// A checkpoint after three steps, at epoch 2, batch 3, batch size 32, with one epoch of history.
function goodCheckpoint(file: string): void {
  random.seed(11);
  const net = makeNet(0.25);
  const trainer = new Trainer(net.collectParams(), 'adam', { learningRate: 0.01 });
  for (let k = 0; k < 3; k++) stepOnce(net, trainer, k);
  trainer.endEpoch();
  saveCheckpoint(file, net, trainer, {
    epoch: 2, batch: 3, loaderSeed: 5, partial: { lossSum: 1.5, correct: 7, examples: 96 }, batchSize: 32,
    history: [{ epoch: 1, trainLoss: 0.7, trainAcc: 0.5, testAcc: 0.5 }],
  });
}

// The raw parts of a safetensors file, to corrupt one and write it back (any dtype).
interface RawEntry { dtype: string; shape: number[]; bytes: Buffer }
function readRaw(file: string): { entries: Map<string, RawEntry>; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensors(file);
  const entries = new Map<string, RawEntry>();
  for (const [name, t] of tensors) entries.set(name, { dtype: 'F32', shape: t.shape, bytes: Buffer.from(t.data.buffer.slice(0)) });
  return { entries, metadata: { ...metadata } };
}
function writeRaw(file: string, raw: { entries: Map<string, RawEntry>; metadata: Record<string, string> }, stateText?: string): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, e] of raw.entries) {
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes.length] };
    offset += e.bytes.length;
  }
  header.__metadata__ = raw.metadata;
  let json = JSON.stringify(header);
  // The state JSON is a string inside the header's JSON: a broken one is put in as text.
  if (stateText !== undefined) json = json.replace('"__BROKEN__"', JSON.stringify(stateText));
  const head = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  fs.writeFileSync(file, Buffer.concat([len, head, ...[...raw.entries.values()].map((e) => e.bytes)]));
}

const STATE_KEY = 'node-cudnn.training-state';
type Raw = ReturnType<typeof readRaw>;
type State = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const f32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
const editState = (raw: Raw, edit: (s: State) => void) => {
  const s = JSON.parse(raw.metadata[STATE_KEY]);
  edit(s);
  raw.metadata[STATE_KEY] = JSON.stringify(s);
};

interface Case {
  name: string;
  corrupt: (raw: Raw) => string | void; // a returned string is the state's text, put in as is
  field: RegExp;
  options?: { batchSize?: number; batchesPerEpoch?: number };
}

const cases: Case[] = [];
for (const p of PARAMS) {
  const n = SHAPES[p].reduce((a, d) => a * d, 1);
  cases.push(
    // Same values, another shape: (n, 1) is never the shape of these parameters.
    { name: `${p}: another shape`, corrupt: (r) => void (r.entries.get(p)!.shape = [n, 1]), field: new RegExp(`${p}: file has \\(${n},1\\) but the network has`) },
    { name: `${p}: dtype F16`, corrupt: (r) => void r.entries.set(p, { dtype: 'F16', shape: SHAPES[p], bytes: Buffer.alloc(2 * n) }),
      field: new RegExp(`${p}: file has dtype F16 but the network has F32`) },
    { name: `${p}: all NaN`, corrupt: (r) => void (r.entries.get(p)!.bytes = f32(new Array(n).fill(NaN))),
      field: new RegExp(`${p}: ${n} of ${n} values are not finite`) },
    { name: `${p}: one infinity`, corrupt: (r) => void (r.entries.get(p)!.bytes = f32([...new Array(n - 1).fill(0), Infinity])),
      field: new RegExp(`${p}: 1 of ${n} values are not finite \\(the first, at index ${n - 1}, is Infinity\\)`) },
    { name: `${p}: missing`, corrupt: (r) => void r.entries.delete(p), field: new RegExp(`${p}: missing in the file`) },
  );
}
cases.push({ name: 'an extra weight', corrupt: (r) => void r.entries.set('dense9.weight', { dtype: 'F32', shape: [2], bytes: f32([1, 2]) }),
  field: /dense9.weight: unexpected in the file/ });
for (const s of SLOTS) {
  const key = `optimizer.${s}`;
  cases.push(
    { name: `${s}: missing`, corrupt: (r) => void r.entries.delete(key), field: new RegExp(`optimizer: .*no '${s.replace(/\./g, '\\.')}'`) },
    { name: `${s}: another shape`, corrupt: (r) => void (r.entries.get(key)!.shape = [r.entries.get(key)!.bytes.length / 4, 1]),
      field: new RegExp(`optimizer: .*'${s.replace(/\./g, '\\.')}' has shape`) },
    { name: `${s}: dtype F16`, corrupt: (r) => void (r.entries.get(key)!.dtype = 'F16', r.entries.get(key)!.bytes = Buffer.alloc(r.entries.get(key)!.bytes.length / 2)),
      field: new RegExp(`optimizer\\.${s.replace(/\./g, '\\.')}: dtype F16`) },
  );
}
cases.push(
  { name: 'all optimizer buffers removed', corrupt: (r) => SLOTS.forEach((s) => r.entries.delete(`optimizer.${s}`)), field: /optimizer: .*no 'dense0\.weight\.exp_avg'/ },
  { name: 'an unknown optimizer buffer', corrupt: (r) => void r.entries.set('optimizer.bogus', { dtype: 'F32', shape: [1], bytes: f32([0]) }),
    field: /optimizer: .*'bogus', which is not '<parameter>.<slot>'/ },
  { name: 'the optimizer name', corrupt: (r) => editState(r, (s) => (s.optimizer.optimizer = 'sgd')), field: /optimizer: .*made with 'sgd'/ },
  { name: 'no optimizer', corrupt: (r) => editState(r, (s) => delete s.optimizer), field: /optimizer: missing/ },
  { name: 'the optimizer step count', corrupt: (r) => editState(r, (s) => (s.optimizer.steps = -1)), field: /optimizer: .*steps/ },
  { name: "a parameter's step count", corrupt: (r) => editState(r, (s) => (s.optimizer.scalars['dense0.bias.step'] = 1.5)), field: /optimizer: .*dense0\.bias\.step/ },
  { name: 'the learning rate', corrupt: (r) => editState(r, (s) => (s.optimizer.learningRate = -1)), field: /optimizer: .*learningRate/ },
  { name: 'the generator state', corrupt: (r) => editState(r, (s) => (s.random = 'xyz')), field: /random: / },
  { name: 'no generator state', corrupt: (r) => editState(r, (s) => delete s.random), field: /random: / },
  { name: 'epoch 0', corrupt: (r) => editState(r, (s) => (s.epoch = 0)), field: /epoch: expected an integer ≥ 1 but found 0/ },
  { name: 'epoch "2"', corrupt: (r) => editState(r, (s) => (s.epoch = '2')), field: /epoch: expected an integer/ },
  { name: 'batch -1', corrupt: (r) => editState(r, (s) => (s.batch = -1)), field: /batch: expected an integer ≥ 0 but found -1/ },
  { name: 'batch beyond the epoch', corrupt: () => undefined, options: { batchesPerEpoch: 2 }, field: /batch: the checkpoint is at batch 3 but an epoch has 2/ },
  { name: 'the loader seed', corrupt: (r) => editState(r, (s) => (s.loaderSeed = 0.5)), field: /loaderSeed: / },
  { name: 'the partial sums', corrupt: (r) => editState(r, (s) => (s.partial.examples = -3)), field: /partial\.examples: / },
  { name: 'history not an array', corrupt: (r) => editState(r, (s) => (s.history = 'nope')), field: /history: / },
  { name: 'a history record', corrupt: (r) => editState(r, (s) => (s.history = [{ epoch: 1, trainLoss: 'x' }])), field: /history: / },
  { name: 'history past the position', corrupt: (r) => editState(r, (s) => (s.history = [{ epoch: 2, trainLoss: 1, trainAcc: 0 }])),
    field: /history: it records epoch 2 but the checkpoint is at epoch 2/ },
  { name: 'another batch size', corrupt: () => undefined, options: { batchSize: 64 }, field: /batchSize: the run was saved with batches of 32 but resumes with 64/ },
  { name: 'batch size 0', corrupt: (r) => editState(r, (s) => (s.batchSize = 0)), field: /batchSize: expected an integer ≥ 1/ },
  { name: 'the state JSON unparseable', corrupt: (r) => {
    r.metadata[STATE_KEY] = '__BROKEN__';
    return '{"epoch": 2, "batch":';
  }, field: /the training state: not valid JSON/ },
  { name: 'the state JSON not an object', corrupt: (r) => void (r.metadata[STATE_KEY] = '[1]'), field: /the training state: not a JSON object/ },
);

// Everything a load could change, as bytes (so NaN compares too).
function snapshot(net: nn.Sequential, trainer: Trainer) {
  const bytes = (a: Float32Array) => Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)).toString('hex');
  const params = [...net.collectParams()].map(([name, p]) => [name, p.data().shape.join('x'), bytes(p.data().toArray())]);
  const state = trainer.state();
  const slots = [...state.slots].map(([name, t]) => [name, t.shape.join('x'), bytes(t.toArray())]);
  return { params, slots, rest: { ...state, slots: undefined, stepCount: trainer.stepCount, epochCount: trainer.epochCount }, random: random.getState() };
}

// The target of every load: other weights, a trainer that took one step of its own, another seed.
function target() {
  const net = makeNet(-0.5);
  const trainer = new Trainer(net.collectParams(), 'adam', { learningRate: 0.02 });
  stepOnce(net, trainer, 9);
  random.seed(424242);
  return { net, trainer };
}

describe('checkpoint loads are all or nothing', () => {
  let good: string;
  before(() => {
    good = path.join(tmp(), 'good.ckpt');
    goodCheckpoint(good);
  });

  it('the good checkpoint loads and changes the weights, the trainer and the generator (the matrix can tell)', () => {
    const { net, trainer } = target();
    const before = snapshot(net, trainer);
    const state = loadCheckpoint(good, net, trainer, { batchSize: 32, batchesPerEpoch: 10 });
    assert.deepEqual([state.epoch, state.batch, state.batchSize], [2, 3, 32]);
    const after = snapshot(net, trainer);
    assert.notDeepEqual(after.params, before.params);
    assert.notDeepEqual(after.slots, before.slots);
    assert.notDeepEqual(after.rest, before.rest);
    assert.notEqual(after.random, before.random);
    assert.equal(trainer.stepCount, 3);
  });

  for (const c of cases) {
    it(`refuses ${c.name}, naming the file and the field, and changes nothing`, () => {
      const raw = readRaw(good);
      const stateText = c.corrupt(raw);
      const file = path.join(tmp(), 'bad.ckpt');
      writeRaw(file, raw, stateText ?? undefined);
      const { net, trainer } = target();
      const before = snapshot(net, trainer);
      assert.throws(() => loadCheckpoint(file, net, trainer, c.options), (err: Error) => {
        assert.ok(err.message.includes(file), `the error names the file: ${err.message}`);
        assert.match(err.message, c.field);
        assert.doesNotMatch(err.message, /^SyntaxError/);
        return true;
      });
      assert.deepEqual(snapshot(net, trainer), before, 'the network, the trainer and the generator are unchanged');
      // And the untouched checkpoint still loads into them afterwards.
      loadCheckpoint(good, net, trainer);
    });
  }

  it('a deferred network takes its shapes from the checkpoint, and a bad one leaves them deferred', () => {
    const deferred = () => {
      const net = new nn.Sequential();
      net.add(new nn.Dense(3), new nn.Dense(2));
      net.initialize(init.Constant(0));
      return { net, trainer: new Trainer(net.collectParams(), 'adam', { learningRate: 0.02 }) };
    };
    const raw = readRaw(good);
    raw.entries.delete('optimizer.dense1.bias.exp_avg');
    const bad = path.join(tmp(), 'bad.ckpt');
    writeRaw(bad, raw);
    const a = deferred();
    assert.throws(() => loadCheckpoint(bad, a.net, a.trainer), /optimizer: .*no 'dense1\.bias\.exp_avg'/);
    // The weights' input sizes were deferred (the biases' shapes are known from the start).
    assert.ok(!a.net.collectParams().get('dense0.weight')!.initialized && !a.net.collectParams().get('dense1.weight')!.initialized);
    const b = deferred();
    loadCheckpoint(good, b.net, b.trainer);
    assert.deepEqual(b.net.collectParams().get('dense0.weight')!.data().shape, [3, 4]);
  });

  it('a trainer built on another network is refused before anything is read', () => {
    const { net } = target();
    const other = makeNet(1);
    const trainer = new Trainer(other.collectParams(), 'adam', { learningRate: 0.02 });
    assert.throws(() => loadCheckpoint(good, net, trainer),
      /^Error: loadCheckpoint: cannot load .*good\.ckpt: the trainer updates parameters that are not this network's \(dense0\.weight, dense0\.bias, dense1\.weight, \.\.\. \(4 in all\)\)/);
  });
});

describe('fit checks before its first step', () => {
  // 16 images of 1×2×2 in 2 classes: enough for a few steps of the two-layer net.
  const dataset = () => ({
    images: Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256), labels: Uint8Array.from({ length: 16 }, (_, i) => i % 2),
    length: 16, height: 2, width: 2, channels: 1,
  });
  const loader = (batchSize: number) => new data.DataLoader(dataset(), { batchSize, shuffle: true, seed: 1 });
  async function run(options: { batchSize?: number; checkpoint?: string; plot?: string; resume?: boolean; trainerNet?: nn.Sequential; net?: nn.Sequential }) {
    const net = options.net ?? makeNet(0.1);
    const trainer = new Trainer((options.trainerNet ?? net).collectParams(), 'sgd', { learningRate: 0.1, momentum: 0.9 });
    let steps = 0;
    const result = await fit(net, loader(options.batchSize ?? 4), loader(8), {
      epochs: 2, trainer, checkpoint: options.checkpoint, plot: options.plot, resume: options.resume,
      progress: false, log: () => undefined, onBatch: () => void steps++,
    });
    return { result, steps };
  }
  const stepsTaken = async (options: Parameters<typeof run>[0], message: RegExp) => {
    let steps = 0;
    await assert.rejects(run({ ...options, net: undefined }).then((r) => (steps = r.steps)), message);
    return steps;
  };

  it('a checkpoint path in a missing folder, or a directory, fails before the first step', async () => {
    const dir = tmp();
    assert.equal(await stepsTaken({ checkpoint: path.join(dir, 'no', 'such', 'x.ckpt') }, /^Error: fit: option checkpoint: cannot write .*x\.ckpt: the folder .* does not exist/), 0);
    assert.equal(await stepsTaken({ checkpoint: dir }, /^Error: fit: option checkpoint: .* is a directory/), 0);
  });

  it('a plot path in a missing folder fails before the first step (not after all epochs)', async () => {
    const dir = tmp();
    assert.equal(await stepsTaken({ plot: path.join(dir, 'no', 'curves.svg') }, /^Error: fit: option plot: cannot write .*curves\.svg: the folder .* does not exist/), 0);
    assert.equal(await stepsTaken({ plot: '/dev/null' }, /^Error: fit: option plot: cannot write \/dev\/null: it is a character device, not a regular file/), 0);
  });

  it('a trainer built on another network is refused', async () => {
    await assert.rejects(run({ trainerNet: makeNet(0.3) }), /^Error: fit: the trainer updates parameters that are not this network's/);
  });

  it('resuming with another batch size is refused, naming the file; the same batch size resumes', async () => {
    const file = path.join(tmp(), 'run.ckpt');
    const first = await run({ checkpoint: file, batchSize: 4 });
    assert.equal(first.steps, 8);
    const net = makeNet(0.1);
    const before = [...net.collectParams().values()].map((p) => p.data().toArray());
    await assert.rejects(run({ checkpoint: file, resume: true, batchSize: 8, net }),
      (err: Error) => err.message.includes(file) && /batchSize: the run was saved with batches of 4 but resumes with 8/.test(err.message));
    assert.deepEqual([...net.collectParams().values()].map((p) => p.data().toArray()), before);
    const again = await run({ checkpoint: file, resume: true, batchSize: 4 });
    assert.equal(again.steps, 0); // both epochs were done
  });
});
