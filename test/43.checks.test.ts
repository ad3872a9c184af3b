// One home per check: user arguments are checked in TypeScript, in one message format that names the
// user-facing op or layer, with a stable error code; unknown option keys throw instead of being
// silently ignored (a misspelt `dilation` would return an undilated result).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  NonFiniteError, ProgressBar, Tensor, Trainer, TrainingHistory, autograd, cpu, data, fit, gpu, init, isNodeCudnnError,
  loadCheckpoint, nn, ops, optim, random, terminalChart, writeCurvesSvg,
} from '../lib';
import { readSafetensors } from '../lib/io/safetensors';
import { loadParameters } from '../lib/nn/persistence';
import { fillNormal, fillUniform } from '../lib/ops/fill';

function throwsWith(call: () => unknown, code: string, message: RegExp): void {
  assert.throws(call, (err: Error) => {
    assert.ok(isNodeCudnnError(err), `no error code on ${err}`);
    assert.equal((err as Error & { code: string }).code, code);
    assert.match(`${err.name}: ${err.message}`, message);
    return true;
  });
}

describe('argument checks: one home, one format, codes', () => {
  const x = () => Tensor.zeros([1, 2, 13, 13]);
  const w = () => Tensor.zeros([3, 2, 3, 3]);

  it('an unknown option key throws, naming the accepted ones', () => {
    throwsWith(() => ops.conv2d(x(), w(), null, { dilations: [2, 2] } as never), 'NC_ARGUMENT',
      /^TypeError: conv2d: unknown option 'dilations'; the options are 'stride', 'padding', 'activation', 'dilation', 'groups'$/);
    throwsWith(() => new nn.Conv2D(2, 3, { dilations: 2 } as never), 'NC_ARGUMENT', /^TypeError: Conv2D: unknown option 'dilations'/);
    throwsWith(() => new nn.Dense(2, { units: 3 } as never), 'NC_ARGUMENT', /^TypeError: Dense: unknown option 'units'/);
    throwsWith(() => new nn.BatchNorm({ eps: 1e-3 } as never), 'NC_ARGUMENT', /^TypeError: BatchNorm: unknown option 'eps'/);
    throwsWith(() => new nn.Activation('elu', { slope: 2 } as never), 'NC_ARGUMENT', /^TypeError: Activation: unknown option 'slope'/);
    const c = Tensor.zeros([2]);
    throwsWith(() => ops.batchNorm(Tensor.zeros([3, 2]), c, c, c, c, { mom: 0.1 } as never), 'NC_ARGUMENT',
      /^TypeError: batchNorm: unknown option 'mom'/);
  });

  it('a window rule is reported by the op the user called, with the same wording for op and layer', () => {
    throwsWith(() => ops.conv2d(x(), w(), null, { padding: 3 }), 'NC_SHAPE',
      /^RangeError: conv2d: padding \(3,3\) must be smaller than the kernel \(3,3\)$/);
    throwsWith(() => new nn.Conv2D(2, 3, { padding: 3 }), 'NC_SHAPE',
      /^RangeError: Conv2D: padding \(3,3\) must be smaller than the kernel \(3,3\)$/);
    throwsWith(() => new nn.MaxPool2D(2, 2, 2), 'NC_SHAPE', /^RangeError: MaxPool2D: padding \(2,2\) must be at most half the window \(2,2\)$/);
    throwsWith(() => ops.conv2d(x(), w(), null, { stride: 0 }), 'NC_ARGUMENT',
      /^RangeError: conv2d: expected a positive integer for stride but received 0 \(number\)$/);
  });

  it('shape disagreements carry NC_SHAPE, type mistakes NC_ARGUMENT, disposed tensors NC_DISPOSED', () => {
    throwsWith(() => ops.dense(Tensor.zeros([2, 5]), Tensor.zeros([3, 4]), null), 'NC_SHAPE', /^RangeError: dense: weight \(3,4\) expects 4/);
    throwsWith(() => ops.conv2d(x(), w(), Tensor.zeros([4])), 'NC_SHAPE', /^RangeError: conv2d: expected shape \(3\) for bias but received \(4\)$/);
    throwsWith(() => ops.softmaxCrossEntropy(Tensor.zeros([2, 3]), Tensor.zeros([3])), 'NC_SHAPE',
      /^RangeError: softmaxCrossEntropy: expected shape \(2\) for labels but received \(3\)$/);
    throwsWith(() => ops.activation('swish' as never, x()), 'NC_ARGUMENT', /^RangeError: activation: expected one of 'none', 'relu'/);
    const gone = x();
    gone.dispose();
    throwsWith(() => ops.relu(gone), 'NC_DISPOSED', /^Error: relu: x was disposed$/);
  });
});

// Every error made in lib/ goes through the helpers of core/errors.ts and core/check.ts, which give it a
// code: a bare `new Error(` elsewhere would throw one without.
describe('every error thrown by lib/ has a code', () => {
  const lib = path.join(__dirname, '..', '..', 'lib');
  const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
  const helpers = ['core/errors.ts', 'core/check.ts'].map((f) => path.join(lib, f));

  it('no `new Error(`, `new RangeError(` or `new TypeError(` outside core/errors.ts and core/check.ts', () => {
    const found = sources(lib).filter((f) => !helpers.includes(f)).flatMap((f) =>
      fs.readFileSync(f, 'utf8').split('\n').flatMap((line, i) =>
        (/\bnew (Range|Type)?Error\(/.test(line) ? [`${path.relative(lib, f)}:${i + 1}: ${line.trim()}`] : [])));
    assert.deepEqual(found, []);
  });

  const dirs: string[] = [];
  const tmp = () => {
    dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'codes-')));
    return dirs[dirs.length - 1];
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const dense = () => {
    const net = new nn.Dense(2, { inUnits: 3 });
    net.initialize();
    return net;
  };

  it('NC_FILE: a missing file, a malformed safetensors file, a missing IDX file', () => {
    const dir = tmp();
    throwsWith(() => dense().loadParameters(path.join(dir, 'none.safetensors')), 'NC_FILE', /^Error: readSafetensors: .*none\.safetensors: file not found$/);
    fs.writeFileSync(path.join(dir, 'bad.safetensors'), 'abc');
    throwsWith(() => dense().loadParameters(path.join(dir, 'bad.safetensors')), 'NC_FILE', /shorter than the 8-byte header length/);
    throwsWith(() => data.readIdx(path.join(dir, 'none.idx')), 'NC_FILE', /^IdxError: readIdx: .*none\.idx: file not found$/);
    assert.throws(() => data.readIdx(path.join(dir, 'none.idx')), data.IdxError);
  });

  it('NC_STATE: a parameter used before initialize(), backward() without a tape', () => {
    throwsWith(() => new nn.Dense(2, { inUnits: 3 }).forward(Tensor.zeros([1, 3])), 'NC_STATE',
      /^Error: dense\d+\.weight: not initialized; call net\.initialize\(\) first$/);
    throwsWith(() => Tensor.zeros([1]).backward(), 'NC_STATE', /^Error: backward: this tensor has no recorded history/);
  });

  it('NC_DISPOSED, NC_SHAPE, NC_DEVICE, NC_ARGUMENT from TypeScript checks', () => {
    const net = dense();
    net.dispose();
    throwsWith(() => net.forward(Tensor.zeros([1, 3])), 'NC_DISPOSED', /the parameter was disposed/);
    throwsWith(() => Tensor.fromArray([1, 2, 3], [2, 2]), 'NC_SHAPE', /^RangeError: Tensor\.fromArray: 3 values do not fill shape \(2,2\)$/);
    throwsWith(() => gpu(1), 'NC_DEVICE', /^(Range)?Error: gpu\(1\): /);
    throwsWith(() => random.seed(-1), 'NC_ARGUMENT', /^RangeError: random\.seed: expected a non-negative integer but received -1$/);
    throwsWith(() => autograd.record(42 as never), 'NC_ARGUMENT', /^TypeError: autograd\.record: expected a function/);
  });

  it('NC_NON_FINITE: fit({ checkFinite }) stops at a NaN with a NonFiniteError', async () => {
    const ds: data.ImageDataset = { images: new Uint8Array(8 * 4), labels: new Uint8Array(8), length: 8, height: 2, width: 2, channels: 1 };
    const nan: data.Transform = (b) => ({ data: new Float32Array(b.data.length).fill(NaN), shape: b.shape });
    const net = new nn.Sequential();
    net.add(new nn.Flatten(), new nn.Dense(2));
    net.initialize();
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    const loader = new data.DataLoader(ds, { batchSize: 4, transform: nan });
    await assert.rejects(fit(net, loader, loader, { epochs: 1, trainer, checkFinite: true, progress: false, log: () => {} }),
      (err: Error) => err instanceof NonFiniteError && (err as NonFiniteError).code === 'NC_NON_FINITE' && isNodeCudnnError(err));
  });
});

describe('unknown option keys throw everywhere, naming the accepted ones', () => {
  const ds: data.ImageDataset = { images: new Uint8Array(4), labels: new Uint8Array(1), length: 1, height: 2, width: 2, channels: 1 };
  const history = () => new TrainingHistory([{ epoch: 1, trainLoss: 1, trainAcc: 0.5 }]);
  const net = () => new nn.Dense(2, { inUnits: 3 });
  const bogus = { bogus: 1 } as {};
  // [entry point, call with the key 'bogus', the start of the list of accepted options]
  const cases: [string, () => unknown, string][] = [
    ['initialize', () => net().initialize(init.Uniform(), cpu(), bogus), "'forceReinit'"],
    ['Parameter', () => new nn.Parameter('p', [1], null, bogus), "'trainable'"],
    ['loadParameters', () => loadParameters(net().collectParams(), 'x.safetensors', bogus), "'allowMissing', 'ignoreExtra'"],
    ['init.Xavier', () => init.Xavier(bogus), "'rndType', 'factorType', 'magnitude'"],
    ['init.MSRAPrelu', () => init.MSRAPrelu(bogus), "'factorType', 'slope'"],
    ['SGD', () => new optim.SGD({ learningRate: 1, ...bogus }), "'learningRate', 'weightDecay', 'momentum', 'dampening', 'nesterov'"],
    ['Adam', () => new optim.Adam(bogus), "'learningRate', 'weightDecay', 'beta1'"],
    ['AdamW', () => new optim.AdamW(bogus), "'learningRate', 'weightDecay', 'beta1'"],
    ['RMSProp', () => new optim.RMSProp(bogus), "'learningRate', 'weightDecay', 'alpha'"],
    ['AdaGrad', () => new optim.AdaGrad(bogus), "'learningRate', 'weightDecay', 'lrDecay'"],
    ['SGD.step', () => new optim.SGD({ learningRate: 1 }).step([], bogus), "'rescale', 'clipGradientNorm', 'clipGradientValue'"],
    ['Trainer', () => new Trainer([], 'sgd', { learningRate: 1, ...bogus }),
      "'learningRate', 'weightDecay', 'momentum', 'dampening', 'nesterov', 'clipGradientNorm', 'clipGradientValue', 'schedule', 'scheduleBy'"],
    ['Trainer', () => new Trainer([], new optim.Adam(), bogus), "'clipGradientNorm', 'clipGradientValue', 'schedule', 'scheduleBy'"],
    ['DataLoader', () => new data.DataLoader(ds, { batchSize: 1, ...bogus }), "'batchSize', 'shuffle', 'seed'"],
    ['RandomResizedCrop', () => data.transforms.RandomResizedCrop(2, bogus), "'scale', 'ratio'"],
    ['RandomColorJitter', () => data.transforms.RandomColorJitter(bogus), "'brightness', 'contrast'"],
    ['readIdx', () => data.readIdx('x.idx', bogus), "'maxBytes'"],
    ['readSafetensors', () => readSafetensors('x.safetensors', bogus), "'names'"],
    ['loadCheckpoint', () => loadCheckpoint('x.ckpt', net(), new Trainer([], 'sgd', { learningRate: 1 }), bogus), "'batchSize', 'batchesPerEpoch'"],
    ['ProgressBar', () => new ProgressBar({ label: 'x', total: 1, ...bogus }), "'label', 'total', 'unit', 'stream'"],
    ['terminalChart', () => terminalChart(history(), bogus), "'height', 'width', 'colors'"],
  ];
  for (const [op, call, accepted] of cases) {
    it(`${op}`, () => throwsWith(call, 'NC_ARGUMENT', new RegExp(`^TypeError: ${op.replace('.', '\\.')}: unknown option 'bogus'; the options are ${accepted}`)));
  }

  // The async entry points reject with the same error.
  const asyncCases: [string, () => Promise<unknown>, string][] = [
    ['fit', () => fit(net(), new data.DataLoader(ds, { batchSize: 1 }), new data.DataLoader(ds, { batchSize: 1 }),
      { epochs: 1, trainer: new Trainer([], 'sgd', { learningRate: 1 }), ...bogus }), "'epochs', 'trainer', 'loss'"],
    ['loadFashionMNIST', () => data.loadFashionMNIST({ train: false, ...bogus }), "'train', 'root', 'download', 'verify'"],
    ['downloadFashionMNIST', () => data.downloadFashionMNIST({ train: false, ...bogus }), "'train', 'verify', 'url'"],
    ['loadDataFashionMNIST', () => data.loadDataFashionMNIST(1, bogus), "'resize', 'root', 'device'"],
    ['writeCurvesSvg\\(x.svg\\)', () => writeCurvesSvg('x.svg', history(), bogus), "'title', 'width', 'height'"],
  ];
  for (const [op, call, accepted] of asyncCases) {
    it(`${op.replace(/\\/g, '')}`, () => assert.rejects(call(), (err: Error) => {
      assert.equal((err as Error & { code?: string }).code, 'NC_ARGUMENT');
      assert.match(`${err.name}: ${err.message}`, new RegExp(`^TypeError: ${op}: unknown option 'bogus'; the options are ${accepted}`));
      return true;
    }));
  }

  it('a key set to undefined asks for nothing and passes', () => {
    assert.doesNotThrow(() => init.Xavier({ bogus: undefined } as never));
  });
});

describe('rules the addon leaves to TypeScript, one home each', () => {
  it('a learning rate set on the optimizer is checked at the step', () => {
    const sgd = new optim.SGD({ learningRate: 0.1 });
    sgd.learningRate = -1;
    throwsWith(() => sgd.step([]), 'NC_ARGUMENT', /^RangeError: SGD\.step: expected a number in \[0, Infinity\) for learningRate but received -1 \(number\)$/);
    const trainer = new Trainer([], 'sgd', { learningRate: 0.1 });
    throwsWith(() => { trainer.learningRate = NaN; }, 'NC_ARGUMENT', /^RangeError: Trainer: expected a number in \[0, Infinity\) for learningRate/);
  });

  it('clipping thresholds are positive, in the Trainer and in Optimizer.step alike', () => {
    throwsWith(() => new optim.SGD({ learningRate: 0.1 }).step([], { clipGradientNorm: -1 }), 'NC_ARGUMENT',
      /^RangeError: SGD\.step: expected a positive number for clipGradientNorm but received -1 \(number\)$/);
    throwsWith(() => new Trainer([], 'sgd', { learningRate: 0.1, clipGradientValue: 0 }), 'NC_ARGUMENT',
      /^RangeError: Trainer: expected a positive number for clipGradientValue but received 0 \(number\)$/);
  });

  it('fills: low ≤ high and std ≥ 0', () => {
    const t = Tensor.zeros([2]);
    throwsWith(() => fillUniform(t, 1, 0, 1), 'NC_ARGUMENT', /^RangeError: fillUniform: expected a number ≥ low \(1\) for high but received 0 \(number\)$/);
    throwsWith(() => fillNormal(t, 0, -1, 1), 'NC_ARGUMENT', /^RangeError: fillNormal: expected a number ≥ 0 for std but received -1 \(number\)$/);
    throwsWith(() => init.Normal(-1), 'NC_ARGUMENT', /^RangeError: init\.Normal: expected a number in \[0, Infinity\) for sigma/);
  });

  it('dropout: p in [0, 1) for the op and the layer, from one rule', () => {
    throwsWith(() => new nn.Dropout(1), 'NC_ARGUMENT', /^RangeError: Dropout: expected a number in \[0, 1\) for rate but received 1 \(number\)$/);
    throwsWith(() => ops.dropout(Tensor.zeros([2]), -0.1), 'NC_ARGUMENT', /^RangeError: dropout: expected a number in \[0, 1\) for p but received -0\.1 \(number\)$/);
  });
});
