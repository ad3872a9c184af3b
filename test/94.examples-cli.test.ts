// The examples' command lines (examples/cli.js): --help, and bad flags refused before any work with
// one line naming the flag and exit code 2; the examples find the package by name, also when copied
// out of it; a network saved by an example is read back by predict.js.
import { strict as assert } from 'assert';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, cpu, init, nn } from '../lib';
import { tempDir } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');  // dist-test/test → the repository
const EXAMPLES = path.join(ROOT, 'examples');
const hasData = fs.existsSync('/usr/share/datasets/fashion-mnist') || !!process.env.NODE_CUDNN_FASHION_MNIST;

interface Spec {
  script: string;
  about: string;
  flags: Record<string, { kind: string; default?: unknown; help: string; optionalValue?: string; required?: boolean }>;
}
const cli = require(path.join(EXAMPLES, 'cli.js')) as {
  parseFlagsOrThrow(spec: Spec, argv: string[]): Record<string, unknown>;
  trainingFlags(defaults: { epochs: number; batchSize?: number; lr?: number; checkpoint: string }): Spec['flags'];
  UsageError: new (message: string) => Error;
};

const TRAINING = ['epochs', 'batch-size', 'lr', 'device', 'limit', 'seed', 'checkpoint', 'resume', 'plot', 'save'];
// Each example, its flags, and arguments that reach the flag checks (modern-cnns needs --model).
const SCRIPTS: { file: string; flags: string[]; args: string[] }[] = [
  { file: 'lenet.js', flags: TRAINING, args: [] },
  { file: 'lenet-modern.js', flags: [...TRAINING, 'optimizer'], args: [] },
  { file: 'alexnet.js', flags: [...TRAINING, 'augment'], args: [] },
  { file: 'modern-cnns.js', flags: [...TRAINING, 'model', 'resize'], args: ['--model', 'resnet18'] },
  { file: 'predict.js', flags: ['params', 'model', 'resize', 'png', 'invert', 'count', 'top', 'device'], args: ['--params', 'x.safetensors'] },
];

function run(file: string, args: string[], cwd = EXAMPLES): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [file, ...args], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_CUDNN_DEVICE: 'cpu' },
  });
}

/** A refused command line: exit code 2, nothing on stdout (no work done), one line naming the flag. */
function assertRefused(r: SpawnSyncReturns<string>, script: string, message: RegExp): void {
  assert.equal(r.status, 2, `exit code ${r.status}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '', 'nothing may be printed (no model summary) before the flags are checked');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, no stack trace:\n${r.stderr}`);
  assert.match(lines[0], new RegExp(`^${script.replace('.', '\\.')}: ${message.source}; see --help$`));
}

describe('examples: command lines', function () {
  this.timeout(60_000);

  for (const { file, flags, args } of SCRIPTS) {
    describe(file, () => {
      it('--help lists every flag with its meaning, and exits 0', () => {
        const r = run(file, ['--help']);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`usage: node examples/${file.replace('.', '\\.')} \\[flags\\]`));
        for (const flag of [...flags, 'help']) assert.match(r.stdout, new RegExp(`^  --${flag}\\b[^\\n]*?  +\\S`, 'm'), `--${flag}`);
      });

      it('refuses an unknown flag, naming it', () => {
        assertRefused(run(file, [...args, '--epoch', '3']), file,
          file === 'predict.js' ? /unknown flag --epoch/ : /unknown flag --epoch \(did you mean --epochs\?\)/);
      });

      it('refuses a bad value, naming the flag and what it expects', () => {
        const flag = file === 'predict.js' ? '--count' : '--epochs';
        assertRefused(run(file, [...args, flag, 'abc']), file, new RegExp(`${flag} expects a positive integer, but got 'abc'`));
        assertRefused(run(file, [...args, flag, '-1']), file, new RegExp(`${flag} expects a positive integer, but got '-1'`));
        assertRefused(run(file, [...args, '--device', 'tpu']), file, /--device expects 'cpu', 'gpu' or 'gpu:N', but got 'tpu'/);
      });
    });
  }

  it('refuses --limit -5, a missing value and a stray argument before loading anything', () => {
    assertRefused(run('lenet.js', ['--limit', '-5']), 'lenet.js', /--limit expects a positive integer, but got '-5'/);
    assertRefused(run('lenet.js', ['--epochs']), 'lenet.js', /--epochs expects a positive integer, but no value was given/);
    assertRefused(run('lenet.js', ['--epochs', '--limit', '5']), 'lenet.js', /--epochs expects a positive integer, but no value was given/);
    assertRefused(run('lenet.js', ['10']), 'lenet.js', /unexpected argument '10' \(flags start with --\)/);
    assertRefused(run('lenet.js', ['--resume=yes']), 'lenet.js', /--resume takes no value \(given 'yes'\)/);
    assertRefused(run('modern-cnns.js', []), 'modern-cnns.js', /--model is required: it expects one of vgg11, nin, googlenet, resnet18, densenet/);
  });
});

describe('examples: cli.js', () => {
  const spec: Spec = {
    script: 't.js', about: 'a test',
    flags: {
      ...cli.trainingFlags({ epochs: 10, batchSize: 8, lr: 0.5, checkpoint: 't.ckpt' }),
      shift: { kind: 'number', default: 0, help: 'any number' },
    },
  };
  const parse = (...argv: string[]) => cli.parseFlagsOrThrow(spec, argv);

  it('gives the defaults, camelCased, and no checkpoint without --checkpoint', () => {
    assert.deepEqual(parse(), {
      epochs: 10, batchSize: 8, lr: 0.5, device: undefined, limit: undefined, seed: undefined,
      checkpoint: undefined, resume: undefined, plot: undefined, save: undefined, shift: 0,
    });
  });

  it('takes numbers, negative ones included, as values, and leaves the range to the flag', () => {
    assert.equal(parse('--shift', '-0.5').shift, -0.5);
    assert.equal(parse('--shift=-1e3').shift, -1000);
    assert.equal(parse('--lr', '.25').lr, 0.25);
    assert.throws(() => parse('--lr', '-0.1'), { message: "--lr expects a positive number, but got '-0.1'" });
    assert.throws(() => parse('--seed', '-1'), { message: "--seed expects a non-negative integer, but got '-1'" });
    assert.throws(() => parse('--epochs', '1.5'), { message: "--epochs expects a positive integer, but got '1.5'" });
    assert.throws(() => parse('--epochs', ''), { message: "--epochs expects a positive integer, but got ''" });
    assert.throws(() => parse('--shift', 'NaN'), { message: "--shift expects a number, but got 'NaN'" });
  });

  it('--checkpoint takes an optional file, and --resume implies the default one', () => {
    assert.equal(parse('--checkpoint').checkpoint, 't.ckpt');
    assert.equal(parse('--checkpoint', 'a.ckpt').checkpoint, 'a.ckpt');
    assert.deepEqual([parse('--checkpoint', '--resume').checkpoint, parse('--checkpoint', '--resume').resume], ['t.ckpt', true]);
    assert.deepEqual([parse('--resume').checkpoint, parse('--resume', '--checkpoint', 'b').checkpoint], ['t.ckpt', 'b']);
  });

  it('refuses unknown flags with a suggestion, and stops at --', () => {
    assert.throws(() => parse('--epoch', '3'), { message: 'unknown flag --epoch (did you mean --epochs?)' });
    assert.throws(() => parse('--lrate', '3'), { message: 'unknown flag --lrate (did you mean --lr?)' });
    assert.throws(() => parse('-x'), { message: 'unknown flag -x' });
    assert.throws(() => parse('--', '--epochs'), { message: "unexpected argument '--epochs' (flags start with --)" });
  });
});

describe('examples: the package by name, and predict.js on a saved network', function () {
  this.timeout(180_000);

  it('require("node-cudnn") resolves to this package from the examples and from a copy outside it', () => {
    const local = spawnSync(process.execPath, ['-p', "require.resolve('node-cudnn')"], { cwd: EXAMPLES, encoding: 'utf8' });
    assert.equal(local.status, 0, local.stderr);
    assert.equal(local.stdout.trim(), path.join(ROOT, 'dist', 'index.js'));
    // A copy of the examples folder in a project where node_modules/node-cudnn is this package.
    const dir = tempDir('examples-copy-');
    fs.cpSync(EXAMPLES, path.join(dir, 'examples'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'node-cudnn'), 'dir');
    const r = run(path.join(dir, 'examples', 'predict.js'), ['--params', 'missing.safetensors'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /missing\.safetensors/);  // the library loaded and read the flags
  });

  for (const [script, model, extra] of [
    ['lenet.js', 'lenet', []], ['lenet-modern.js', 'lenet-modern', []],
    ['modern-cnns.js', 'resnet18', ['--model', 'resnet18', '--resize', '32', '--limit', '32']],
  ] as [string, string, string[]][]) {
    it(`${script} --save, then predict.js finds ${model} in the file; no checkpoint unless asked`, function () {
      if (!hasData) this.skip();
      const dir = tempDir('examples-save-');
      const saved = path.join(dir, `${model}.safetensors`);
      const train = run(path.join(EXAMPLES, script),
        ['--limit', '64', ...extra, '--batch-size', '32', '--epochs', '1', '--save', saved], dir);
      assert.equal(train.status, 0, train.stderr);
      assert.deepEqual(fs.readdirSync(dir), [path.basename(saved)], 'only the --save file is written');
      const predict = run(path.join(EXAMPLES, 'predict.js'),
        ['--params', saved, '--count', '3', ...(extra.includes('--resize') ? ['--resize', '32'] : [])], dir);
      assert.equal(predict.status, 0, predict.stderr);
      assert.match(predict.stdout, new RegExp(`^${model} from .*, images \\d+x\\d+$`, 'm'));
      assert.equal(predict.stdout.match(/^test image \d \(true: [a-z/ -]+\): /gm)?.length, 3, predict.stdout);
    });
  }

  it('predict.js names a file that holds none of the networks, or is no safetensors file', () => {
    const dir = tempDir('examples-other-');
    const net = new nn.Sequential();
    net.add(new nn.Dense(3));
    net.initialize(init.Xavier(), cpu());
    net.forward(Tensor.zeros([1, 4])).dispose();
    net.saveParameters(path.join(dir, 'other.safetensors'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a tensor file');
    const other = run(path.join(EXAMPLES, 'predict.js'), ['--params', 'other.safetensors'], dir);
    assert.equal(other.status, 1, other.stderr);
    assert.match(other.stderr, /^predict: other\.safetensors holds none of the examples' networks \(lenet, .*\); give the network with --model\n$/);
    const text = run(path.join(EXAMPLES, 'predict.js'), ['--params', 'notes.txt'], dir);
    assert.equal(text.status, 1, text.stderr);
    assert.equal(text.stderr, 'predict: cannot read notes.txt: it is not a safetensors file\n');
  });

  it('lenet.js explains a short run, and predict.js reads a checkpoint', function () {
    if (!hasData) this.skip();
    const dir = tempDir('examples-ckpt-');
    const train = run(path.join(EXAMPLES, 'lenet.js'), ['--limit', '64', '--batch-size', '32', '--epochs', '1', '--checkpoint'], dir);
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /note: 2 steps is a short run for the article's sigmoid LeNet.*lenet-modern\.js/);
    assert.deepEqual(fs.readdirSync(dir), ['lenet.ckpt']);
    const predict = run(path.join(EXAMPLES, 'predict.js'), ['--params', 'lenet.ckpt', '--count', '2'], dir);
    assert.equal(predict.status, 0, predict.stderr);
    assert.match(predict.stdout, /^lenet from lenet\.ckpt, images 28x28$/m);
  });
});
