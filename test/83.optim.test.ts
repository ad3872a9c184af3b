// Optimizers, gradient clipping and learning-rate schedules: every update rule over several steps
// against PyTorch 1.13 (torch.optim run on the same weights and gradients, when torch is installed)
// and against the same rules worked out here in float64; checkpoints that resume exactly.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  Tensor, Trainer, TrainerOptions, data, fit, init, loadCheckpoint, nn, optim, saveCheckpoint, schedule,
} from '../lib';
import { binding } from '../lib/core/binding';
import { Parameter } from '../lib/nn/parameter';
import { readSafetensorsHeader } from '../lib/io/safetensors';
import * as ref from './reference';
import { dev, forEachDevice, tempDir } from './helpers';

// ------------------------------------------------------------------------------------------------
// PyTorch, when it is there

const PYTHON = '/usr/bin/python3';
let torchChecked: boolean | null = null;
function hasTorch(): boolean {
  if (torchChecked === null) {
    torchChecked = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  }
  return torchChecked;
}

// Reads a JSON job on stdin: an optimizer run (weights, per-step gradients, rescale, clipping) or
// a scheduler's learning rates; prints the result as JSON.
const TORCH_SCRIPT = `
import json, sys, torch
torch.set_num_threads(1)
job = json.load(sys.stdin)
if job['kind'] == 'optimizer':
    params = [torch.tensor(w, dtype=torch.float32, requires_grad=True) for w in job['weights']]
    opt = getattr(torch.optim, job['cls'])(params, **job['options'])
    history, norms = [], []
    for grads in job['grads']:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float32) * job['rescale']
        if job.get('clipNorm'):
            norms.append(float(torch.nn.utils.clip_grad_norm_(params, job['clipNorm'])))
        if job.get('clipValue'):
            torch.nn.utils.clip_grad_value_(params, job['clipValue'])
        opt.step()
        history.append([p.detach().tolist() for p in params])
    print(json.dumps({'history': history, 'norms': norms}))
else:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=job['base'])
    sched = getattr(torch.optim.lr_scheduler, job['cls'])(opt, **job['options'])
    rates = []
    for _ in range(job['count']):
        rates.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    print(json.dumps({'rates': rates}))
`;

function runTorch<T>(job: object): T {
  const r = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

// ------------------------------------------------------------------------------------------------
// The rules by hand, in float64 (PyTorch's formulas)

interface Case {
  title: string;
  /** Trainer's optimizer name and options. */
  name: optim.OptimizerName;
  options: Record<string, number | boolean>;
  /** torch.optim class and keyword arguments. */
  torch: [string, Record<string, unknown>];
  clipNorm?: number;
  clipValue?: number;
  batchSize?: number;
}

interface Clip {
  rescale: number;
  clipNorm?: number;
  clipValue?: number;
}

/** Weights after every step, and the global gradient norms, computed here in float64. */
function byHand(c: Case, weights: number[][], grads: number[][][], clip: Clip): { history: number[][][]; norms: number[] } {
  const o = c.options as Record<string, number & boolean>;
  const lr = o.learningRate ?? (c.name === 'adam' || c.name === 'adamw' ? 1e-3 : 1e-2);
  const wd = o.weightDecay ?? (c.name === 'adamw' ? 0.01 : 0);
  const w = weights.map((p) => [...p]);
  const state = weights.map((p) => ({
    a: p.map(() => (c.name === 'adagrad' ? o.initialAccumulatorValue ?? 0 : 0)),
    b: p.map(() => 0), c: p.map(() => 0), first: true,
  }));
  const history: number[][][] = [];
  const norms: number[] = [];
  grads.forEach((stepGrads, s) => {
    const t = s + 1;
    let g = stepGrads.map((p) => p.map((x) => x * clip.rescale));
    if (clip.clipNorm) {
      const norm = Math.sqrt(g.flat().reduce((acc, x) => acc + x * x, 0));
      norms.push(norm);
      const coef = Math.min(1, clip.clipNorm / (norm + 1e-6));
      g = g.map((p) => p.map((x) => x * coef));
    }
    if (clip.clipValue) g = g.map((p) => p.map((x) => Math.max(-clip.clipValue!, Math.min(clip.clipValue!, x))));
    w.forEach((wi, i) => {
      const st = state[i];
      for (let j = 0; j < wi.length; j++) {
        let gj = g[i][j];
        if (c.name === 'adamw') wi[j] *= 1 - lr * wd;
        else gj += wd * wi[j];
        if (c.name === 'sgd') {
          const momentum = o.momentum ?? 0;
          if (momentum !== 0) {
            st.a[j] = st.first ? gj : momentum * st.a[j] + (1 - (o.dampening ?? 0)) * gj;
            gj = o.nesterov ? gj + momentum * st.a[j] : st.a[j];
          }
          wi[j] -= lr * gj;
        } else if (c.name === 'adam' || c.name === 'adamw') {
          const [b1, b2, eps] = [o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-8];
          st.a[j] = b1 * st.a[j] + (1 - b1) * gj;
          st.b[j] = b2 * st.b[j] + (1 - b2) * gj * gj;
          let v = st.b[j];
          if (o.amsgrad) v = st.c[j] = Math.max(st.c[j], v);
          const denom = Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps;
          wi[j] -= (lr / (1 - b1 ** t)) * (st.a[j] / denom);
        } else if (c.name === 'rmsprop') {
          const [alpha, eps, momentum] = [o.alpha ?? 0.99, o.epsilon ?? 1e-8, o.momentum ?? 0];
          st.a[j] = alpha * st.a[j] + (1 - alpha) * gj * gj;
          let avg: number;
          if (o.centered) {
            st.c[j] = alpha * st.c[j] + (1 - alpha) * gj;
            avg = Math.sqrt(st.a[j] - st.c[j] * st.c[j]) + eps;
          } else {
            avg = Math.sqrt(st.a[j]) + eps;
          }
          if (momentum > 0) {
            st.b[j] = momentum * st.b[j] + gj / avg;
            wi[j] -= lr * st.b[j];
          } else {
            wi[j] -= (lr * gj) / avg;
          }
        } else {
          const clr = lr / (1 + (t - 1) * (o.lrDecay ?? 0));
          st.a[j] += gj * gj;
          wi[j] -= (clr * gj) / (Math.sqrt(st.a[j]) + (o.epsilon ?? 1e-10));
        }
      }
      st.first = false;
    });
    history.push(w.map((p) => [...p]));
  });
  return { history, norms };
}

// ------------------------------------------------------------------------------------------------
// The library

/** Parameters on the current device holding `weights`, named p0, p1, ... */
function makeParams(weights: number[][]): Parameter[] {
  return weights.map((values, i) => {
    const p = new Parameter(`p${i}`, [values.length]);
    p.initialize(init.Constant(0), dev());
    p.setData(values);
    return p;
  });
}

function setGrads(params: Parameter[], grads: number[][]): void {
  params.forEach((p, i) => binding.upload(p.grad().data, Float32Array.from(grads[i])));
}

function libraryRun(c: Case, weights: number[][], grads: number[][][]): { history: number[][][]; norms: number[] } {
  const params = makeParams(weights);
  const trainer = new Trainer(params, c.name, {
    ...c.options, clipGradientNorm: c.clipNorm, clipGradientValue: c.clipValue,
  } as TrainerOptions);
  const history: number[][][] = [];
  const norms: number[] = [];
  for (const stepGrads of grads) {
    setGrads(params, stepGrads);
    trainer.step(c.batchSize ?? 4);
    const norm = trainer.gradientNorm();
    if (norm !== null) norms.push(norm);
    history.push(params.map((p) => Array.from(p.data().toArray())));
  }
  return { history, norms };
}

/** Float32 values: weights and gradients that every side reads exactly. */
function randomValues(rng: ref.Rng, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.uniform(-scale, scale)));
}

function assertHistory(actual: number[][][], expected: number[][][], what: string, rtol: number, atol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((stepValues, s) => stepValues.forEach((values, i) => {
    ref.assertClose(values, expected[s][i], { rtol, atol, name: `${what}: step ${s + 1}, p${i}` });
  }));
}

const CASES: Case[] = [
  { title: 'SGD with weight decay', name: 'sgd', options: { learningRate: 0.1, weightDecay: 0.01 },
    torch: ['SGD', { lr: 0.1, weight_decay: 0.01 }] },
  { title: 'SGD with momentum, dampening and weight decay', name: 'sgd',
    options: { learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
    torch: ['SGD', { lr: 0.1, momentum: 0.9, dampening: 0.1, weight_decay: 0.01 }] },
  { title: 'SGD with Nesterov momentum', name: 'sgd', options: { learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
    torch: ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 }] },
  { title: 'Adam with weight decay (bias correction)', name: 'adam',
    options: { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05 },
    torch: ['Adam', { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 0.05 }] },
  { title: 'Adam with defaults', name: 'adam', options: {}, torch: ['Adam', {}] },
  { title: 'Adam with amsgrad', name: 'adam', options: { learningRate: 0.02, amsgrad: true, weightDecay: 0.01 },
    torch: ['Adam', { lr: 0.02, amsgrad: true, weight_decay: 0.01 }] },
  { title: 'AdamW (decoupled weight decay)', name: 'adamw', options: { learningRate: 0.01, weightDecay: 0.1 },
    torch: ['AdamW', { lr: 0.01, weight_decay: 0.1 }] },
  { title: 'AdamW with its default weight decay', name: 'adamw', options: { learningRate: 0.03 },
    torch: ['AdamW', { lr: 0.03 }] },
  { title: 'RMSProp with weight decay', name: 'rmsprop', options: { learningRate: 0.01, alpha: 0.9, weightDecay: 0.01 },
    torch: ['RMSprop', { lr: 0.01, alpha: 0.9, weight_decay: 0.01 }] },
  { title: 'RMSProp centered with momentum', name: 'rmsprop',
    options: { learningRate: 0.01, alpha: 0.95, epsilon: 1e-6, momentum: 0.5, centered: true },
    torch: ['RMSprop', { lr: 0.01, alpha: 0.95, eps: 1e-6, momentum: 0.5, centered: true }] },
  { title: 'AdaGrad with lr decay, weight decay and a starting sum', name: 'adagrad',
    options: { learningRate: 0.1, lrDecay: 0.05, weightDecay: 0.01, initialAccumulatorValue: 0.1 },
    torch: ['Adagrad', { lr: 0.1, lr_decay: 0.05, weight_decay: 0.01, initial_accumulator_value: 0.1 }] },
  { title: 'SGD with momentum, clipped by the global norm', name: 'sgd', options: { learningRate: 0.1, momentum: 0.9 },
    torch: ['SGD', { lr: 0.1, momentum: 0.9 }], clipNorm: 1.5 },
  { title: 'Adam clipped by the global norm, batch size 3', name: 'adam', options: { learningRate: 0.01 },
    torch: ['Adam', { lr: 0.01 }], clipNorm: 0.8, batchSize: 3 },
  { title: 'SGD clipped by value', name: 'sgd', options: { learningRate: 0.1 },
    torch: ['SGD', { lr: 0.1 }], clipValue: 0.3 },
  { title: 'RMSProp clipped by value', name: 'rmsprop', options: { learningRate: 0.01 },
    torch: ['RMSprop', { lr: 0.01 }], clipValue: 0.2 },
];

const STEPS = 4;

// Two small parameters and, in one case, one large enough for the CPU's parallel loop.
function problem(c: Case, large: boolean): { weights: number[][]; grads: number[][][] } {
  const rng = new ref.Rng(1234);
  const sizes = large ? [12, 5, 40000] : [12, 5];
  const weights = sizes.map((n) => randomValues(rng, n));
  // Gradients grow over the steps, so norm clipping applies to some steps and not others.
  const grads = Array.from({ length: STEPS }, (_, s) => sizes.map((n) => randomValues(rng, n, 0.5 + s * (large ? 0.02 : 1.5))));
  return { weights, grads };
}

forEachDevice('optimizers', () => {
  for (const c of CASES) {
    const large = c.title === 'Adam with weight decay (bias correction)';
    describe(c.title, () => {
      const { weights, grads } = problem(c, large);
      const clip: Clip = { rescale: Math.fround(1 / (c.batchSize ?? 4)), clipNorm: c.clipNorm, clipValue: c.clipValue };
      let ours: { history: number[][][]; norms: number[] };
      before(() => {
        ours = libraryRun(c, weights, grads);
      });

      it(`matches the rule worked out in float64 over ${STEPS} steps`, () => {
        const hand = byHand(c, weights, grads, { ...clip, rescale: 1 / (c.batchSize ?? 4) });
        assertHistory(ours.history, hand.history, 'by hand', 1e-5, 1e-6);
        if (c.clipNorm) {
          ref.assertClose(ours.norms, hand.norms, { rtol: 1e-5, atol: 0, name: 'gradient norms' });
          assert.ok(hand.norms.some((n) => n > c.clipNorm!) && hand.norms.some((n) => n < c.clipNorm!),
            'the test should clip some steps and not others');
        }
        if (c.clipValue) assert.ok(grads.flat(2).some((g) => Math.abs(g * clip.rescale) > c.clipValue!));
      });

      it(`matches torch.optim.${c.torch[0]} (PyTorch 1.13) within 1e-5`, function () {
        if (!hasTorch()) this.skip();
        const torch = runTorch<{ history: number[][][]; norms: number[] }>({
          kind: 'optimizer', cls: c.torch[0], options: c.torch[1], weights, grads,
          rescale: clip.rescale, clipNorm: c.clipNorm, clipValue: c.clipValue,
        });
        assertHistory(ours.history, torch.history, 'torch', 1e-5, 1e-7);
        if (c.clipNorm) ref.assertClose(ours.norms, torch.norms, { rtol: 1e-5, atol: 0, name: 'gradient norms' });
      });
    });
  }

  it('an optimizer instance gives the same steps as its name', () => {
    const c = CASES[2];
    const { weights, grads } = problem(c, false);
    const byName = libraryRun(c, weights, grads).history;
    const params = makeParams(weights);
    const trainer = new Trainer(params, new optim.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }));
    for (const g of grads) {
      setGrads(params, g);
      trainer.step(4);
    }
    assert.deepEqual(params.map((p) => Array.from(p.data().toArray())), byName.at(-1));
  });

  it('state tensors are created at the first step, on the parameter\'s device, and only those the settings use', () => {
    const params = makeParams([[1, 2, 3]]);
    const plain = new Trainer(params, 'sgd', { learningRate: 0.1 });
    const adam = new optim.Adam();
    assert.equal(adam.state().slots.size, 0);
    setGrads(params, [[1, 1, 1]]);
    plain.step(1);
    assert.equal(plain.state().slots.size, 0);
    adam.step(params);
    const { slots, scalars } = adam.state();
    assert.deepEqual([...slots.keys()], ['p0.exp_avg', 'p0.exp_avg_sq']);
    assert.ok([...slots.values()].every((t) => t.device.equals(dev())));
    assert.deepEqual(scalars, { 'p0.step': 1 });
    const rms = new optim.RMSProp({ momentum: 0.9, centered: true });
    rms.step(params);
    assert.deepEqual([...rms.state().slots.keys()], ['p0.square_avg', 'p0.momentum_buffer', 'p0.grad_avg']);
  });

  it('the learning rate is settable between steps', () => {
    const params = makeParams([[1, 2]]);
    const trainer = new Trainer(params, 'sgd', { learningRate: 0.5 });
    setGrads(params, [[1, -1]]);
    trainer.step(1);
    trainer.learningRate = 0.25;
    assert.equal(trainer.learningRate, 0.25);
    trainer.step(1);
    assert.deepEqual(Array.from(params[0].data().toArray()), [1 - 0.5 - 0.25, 2 + 0.5 + 0.25]);
  });

  describe('schedules in the trainer', () => {
    // SGD with gradient 1 moves w by exactly the learning rate used.
    function rates(trainer: Trainer, params: Parameter[], steps: number, epochEvery = 0): number[] {
      const used: number[] = [];
      setGrads(params, [[1]]);
      for (let s = 0; s < steps; s++) {
        const before = params[0].data().toArray()[0];
        const expected = trainer.learningRate;
        trainer.step(1);
        const moved = before - params[0].data().toArray()[0];
        ref.assertClose([moved], [expected], { rtol: 1e-5, atol: 1e-7, name: `step ${s}` });
        used.push(expected);
        if (epochEvery && (s + 1) % epochEvery === 0) trainer.endEpoch();
      }
      return used;
    }

    it("'step': the rate follows the schedule step by step", () => {
      const params = makeParams([[1]]);
      const trainer = new Trainer(params, 'sgd', { learningRate: 1 });
      trainer.setSchedule(new schedule.StepLR(2, 0.5), 'step');
      assert.deepEqual(rates(trainer, params, 6), [1, 1, 0.5, 0.5, 0.25, 0.25]);
    });

    it("'epoch': the rate changes at endEpoch (the schedule option of the constructor)", () => {
      const params = makeParams([[1]]);
      const trainer = new Trainer(params, 'sgd', {
        learningRate: 0.8, schedule: new schedule.MultiStepLR([1, 3], 0.5), scheduleBy: 'epoch',
      });
      assert.deepEqual(rates(trainer, params, 8, 2), [0.8, 0.8, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2]);
      assert.equal(trainer.epochCount, 4);
    });

    it('setting the learning rate sets the base of the schedule; null removes the schedule', () => {
      const params = makeParams([[1]]);
      const trainer = new Trainer(params, 'sgd', { learningRate: 1, schedule: new schedule.StepLR(1, 0.5) });
      rates(trainer, params, 2);
      assert.equal(trainer.learningRate, 0.25);
      trainer.learningRate = 4;
      assert.equal(trainer.baseLearningRate, 4);
      assert.equal(trainer.learningRate, 1);
      trainer.setSchedule(null);
      assert.equal(trainer.learningRate, 4);
    });

    it('a warm-up then cosine decay, per step', () => {
      const params = makeParams([[1]]);
      const trainer = new Trainer(params, 'adam', { learningRate: 0.1 });
      trainer.setSchedule(new schedule.LinearWarmup(4, new schedule.CosineLR(4, 0.02)), 'step');
      const expected = [0.025, 0.05, 0.075, 0.1, 0.1, 0.02 + 0.08 * (1 + Math.cos(Math.PI / 4)) / 2, 0.06,
        0.02 + 0.08 * (1 + Math.cos((3 * Math.PI) / 4)) / 2, 0.02, 0.02];
      for (const lr of expected) {
        ref.assertClose([trainer.learningRate], [lr], { rtol: 1e-12, atol: 1e-15 });
        setGrads(params, [[1]]);
        trainer.step(1);
      }
    });
  });
});

// ------------------------------------------------------------------------------------------------
// Schedules alone

describe('learning-rate schedules', () => {
  const close = (actual: number[], expected: number[]) => ref.assertClose(actual, expected, { rtol: 1e-12, atol: 1e-15 });

  it('StepLR, MultiStepLR, CosineLR and LinearWarmup give their sequences', () => {
    close(schedule.learningRates(new schedule.StepLR(3, 0.1), 2, 7), [2, 2, 2, 0.2, 0.2, 0.2, 0.02]);
    close(schedule.learningRates(new schedule.MultiStepLR([2, 5], 0.5), 1, 7), [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
    close(schedule.learningRates(new schedule.CosineLR(4, 0.1), 1.1, 6),
      [1.1, 0.1 + (1 + Math.SQRT1_2) / 2, 0.6, 0.1 + (1 - Math.SQRT1_2) / 2, 0.1, 0.1]);
    close(schedule.learningRates(new schedule.LinearWarmup(3), 0.3, 5), [0.1, 0.2, 0.3, 0.3, 0.3]);
    // A warm-up of a non-integral length ends at the base rate and hands over at the next step.
    close(schedule.learningRates(new schedule.LinearWarmup(2.5, new schedule.StepLR(1, 0.5)), 1, 5), [0.4, 0.8, 1, 1, 0.5]);
    // Warm-ups compose with anything, including another warm-up's tail.
    close(schedule.learningRates(new schedule.LinearWarmup(2, new schedule.MultiStepLR([1], 0.1)), 1, 4), [0.5, 1, 1, 0.1]);
    assert.equal(new schedule.LinearWarmup(5, new schedule.CosineLR(10)).name, 'LinearWarmup(5, CosineLR(total=10, minLr=0))');
  });

  it('match torch.optim.lr_scheduler (StepLR, MultiStepLR, CosineAnnealingLR)', function () {
    if (!hasTorch()) this.skip();
    const check = (cls: string, options: object, ours: schedule.Schedule, count: number) => {
      const { rates } = runTorch<{ rates: number[] }>({ kind: 'schedule', cls, options, base: 0.3, count });
      ref.assertClose(schedule.learningRates(ours, 0.3, count), rates, { rtol: 1e-9, atol: 1e-12, name: cls });
    };
    check('StepLR', { step_size: 3, gamma: 0.2 }, new schedule.StepLR(3, 0.2), 12);
    check('MultiStepLR', { milestones: [2, 3, 7], gamma: 0.5 }, new schedule.MultiStepLR([2, 3, 7], 0.5), 10);
    check('CosineAnnealingLR', { T_max: 10, eta_min: 0.01 }, new schedule.CosineLR(10, 0.01), 11);
  });

  const errors: [string, () => unknown, RegExp][] = [
    ['StepLR step 0', () => new schedule.StepLR(0), /^RangeError: StepLR: expected a positive integer for stepSize but received 0 \(number\)$/],
    ['MultiStepLR not increasing', () => new schedule.MultiStepLR([3, 2]), /^RangeError: MultiStepLR: expected an array of increasing positive integers for milestones/],
    ['CosineLR negative minLr', () => new schedule.CosineLR(10, -1), /^RangeError: CosineLR: expected a number in \[0, Infinity\) for minLr but received -1/],
    ['LinearWarmup then not a schedule', () => new schedule.LinearWarmup(3, 5 as never), /^TypeError: LinearWarmup: expected a schedule/],
    ['setSchedule with a bad unit', () => new Trainer([], 'sgd', { learningRate: 1 }).setSchedule(new schedule.StepLR(1), 'batch' as never),
      /^RangeError: Trainer.setSchedule: expected one of 'step', 'epoch' for by but received 'batch'/],
    ['a schedule that gives NaN', () => new Trainer([], 'sgd', { learningRate: 1, schedule: { name: 'bad', learningRate: () => NaN } }),
      /^RangeError: Trainer.setSchedule: the schedule bad gave the learning rate NaN at step 0$/],
  ];
  for (const [what, call, message] of errors) {
    it(`rejects ${what}`, () => assert.throws(call, (err: Error) => {
      assert.match(`${err.name}: ${err.message}`, message);
      return true;
    }));
  }
});

// ------------------------------------------------------------------------------------------------
// Checkpoints

const tmp = () => tempDir('optim-');

forEachDevice('optimizer state in checkpoints', () => {
  // A one-layer net whose gradients are set by hand, so runs are exactly repeatable.
  function net(): nn.Dense {
    const d = new nn.Dense(3, { inUnits: 4 });
    d.initialize(init.Constant(0.5), dev());
    d.weight.setData(Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(i + 1))));
    return d;
  }
  const gradsAt = (step: number): number[][] => [
    Array.from({ length: 12 }, (_, i) => Math.fround(Math.cos(step * 7 + i))),
    Array.from({ length: 3 }, (_, i) => Math.fround(Math.sin(step * 3 + i) * 0.1)),
  ];
  function steps(d: nn.Dense, trainer: Trainer, from: number, to: number): void {
    const params = [...d.collectParams().values()];
    for (let s = from; s < to; s++) {
      setGrads(params, gradsAt(s));
      trainer.step(2);
    }
  }
  const values = (d: nn.Dense) => [...d.collectParams().values()].map((p) => Array.from(p.data().toArray()));
  const options = { learningRate: 0.01, weightDecay: 0.01, clipGradientNorm: 3, schedule: new schedule.StepLR(2, 0.5) };

  for (const name of ['adam', 'sgd', 'rmsprop', 'adagrad'] as const) {
    it(`a resumed ${name} run equals an uninterrupted one`, () => {
      const extra = name === 'sgd' ? { momentum: 0.9 } : name === 'rmsprop' ? { momentum: 0.5, centered: true } : {};
      const straight = net();
      const t1 = new Trainer(straight.collectParams(), name, { ...options, ...extra });
      steps(straight, t1, 0, 6);

      const first = net();
      const t2 = new Trainer(first.collectParams(), name, { ...options, ...extra });
      steps(first, t2, 0, 3);
      const file = path.join(tmp(), 'ckpt.safetensors');
      saveCheckpoint(file, first, t2, { epoch: 1, batch: 3, loaderSeed: 0, partial: null, history: [] });

      const resumed = net();  // fresh weights, fresh optimizer
      const t3 = new Trainer(resumed.collectParams(), name, { ...options, ...extra });
      loadCheckpoint(file, resumed, t3);
      assert.equal(t3.stepCount, 3);
      assert.equal(t3.learningRate, t2.learningRate);
      steps(resumed, t3, 3, 6);
      assert.deepEqual(values(resumed), values(straight));
      if (name === 'adam') {
        const names = [...readSafetensorsHeader(file).tensors.keys()].filter((k) => k.startsWith('optimizer.'));
        assert.deepEqual(names.sort(), ['optimizer.dense0.bias.exp_avg', 'optimizer.dense0.bias.exp_avg_sq',
          'optimizer.dense0.weight.exp_avg', 'optimizer.dense0.weight.exp_avg_sq']);
      }
    });
  }

  it('without the optimizer state, a resumed Adam run differs (the test can tell)', () => {
    const straight = net();
    const t1 = new Trainer(straight.collectParams(), 'adam', options);
    steps(straight, t1, 0, 6);
    const other = net();
    const t2 = new Trainer(other.collectParams(), 'adam', options);
    steps(other, t2, 0, 3);
    t2.loadState({ ...t2.state(), slots: new Map(), scalars: {} });
    steps(other, t2, 3, 6);
    assert.notDeepEqual(values(other), values(straight));
  });

  it('loadState rejects another optimizer, unknown parameters or slots, and wrong sizes', () => {
    const d = net();
    const trainer = new Trainer(d.collectParams(), 'adam', {});
    const state = trainer.state();
    assert.throws(() => trainer.loadState({ ...state, optimizer: 'sgd' }),
      /^Error: Trainer.loadState: the checkpoint was made with 'sgd', this trainer uses 'adam'$/);
    const slot = (key: string, n: number) => new Map([[key, { shape: [n], data: new Float32Array(n) }]]);
    assert.throws(() => trainer.loadState({ ...state, slots: slot('dense9.weight.exp_avg', 12) }),
      /^RangeError: Trainer.loadState: the saved state has 'dense9.weight.exp_avg' but there is no parameter 'dense9.weight'$/);
    assert.throws(() => trainer.loadState({ ...state, slots: slot('dense0.weight.momentum_buffer', 12) }),
      /the saved state has 'dense0.weight.momentum_buffer' but adam keeps 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'$/);
    assert.throws(() => trainer.loadState({ ...state, slots: slot('dense0.weight.exp_avg', 11) }),
      /'dense0.weight.exp_avg' has shape \(11\) but dense0.weight has shape \(3,4\)$/);
    // The right number of values in another shape is another tensor too.
    assert.throws(() => trainer.loadState({ ...state, slots: slot('dense0.weight.exp_avg', 12) }),
      /'dense0.weight.exp_avg' has shape \(12\) but dense0.weight has shape \(3,4\)$/);
    // A key with no dot is named whole (it was clipped to 'bogu').
    assert.throws(() => trainer.loadState({ ...state, slots: slot('bogus', 12) }),
      /^RangeError: Trainer.loadState: the saved state has 'bogus', which is not '<parameter>.<slot>'$/);
  });

  it('a checkpoint of an older version (no slots, no counts) still loads', () => {
    const d = net();
    const trainer = new Trainer(d.collectParams(), 'sgd', { learningRate: 0.3 });
    trainer.loadState({ optimizer: 'sgd', learningRate: 0.7, slots: new Map() });
    assert.equal(trainer.learningRate, 0.7);
    assert.equal(trainer.stepCount, 0);
  });
});

// fit() advances an epoch schedule and keeps it, with Adam's state, across an interruption.
describe('fit with an optimizer state and an epoch schedule', () => {
  function dataset(): data.ImageDataset {
    const length = 48;
    const images = new Uint8Array(length * 16);
    for (let i = 0; i < images.length; i++) images[i] = (i * 37 + (i >> 4) * 11) % 256;
    const labels = Uint8Array.from({ length }, (_, i) => (i * 7) % 10);
    return { images, labels, length, height: 4, width: 4, channels: 1 };
  }

  async function run(options: { checkpoint?: string; resume?: boolean; stopAt?: [number, number] }) {
    const net = new nn.Sequential();
    net.add(new nn.Dense(16, { activation: 'relu', inUnits: 16 }), new nn.Dense(10, { inUnits: 16 }));
    net.initialize(init.Xavier());
    if (!options.resume) {
      // Same starting weights in every run that does not resume (Xavier draws from the global generator).
      for (const p of net.collectParams().values()) p.setData(Float32Array.from({ length: p.data().size }, (_, i) => Math.fround(Math.sin(i) * 0.3)));
    }
    const train = new data.DataLoader(dataset(), { batchSize: 8, shuffle: true, seed: 5 });
    const test = new data.DataLoader(dataset(), { batchSize: 16 });
    const trainer = new Trainer(net.collectParams(), 'adam', {
      learningRate: 0.01, schedule: new schedule.StepLR(1, 0.5), scheduleBy: 'epoch',
    });
    const result = await fit(net, train, test, {
      epochs: 3, trainer, checkpoint: options.checkpoint, resume: options.resume, progress: false, log: () => {},
      onBatch: (epoch, batch) => {
        if (options.stopAt && epoch === options.stopAt[0] && batch === options.stopAt[1]) process.emit('SIGINT');
      },
    });
    return { result, trainer, params: [...net.collectParams().values()].map((p) => Array.from(p.data().toArray())) };
  }

  it('ends with the same parameters and rate when interrupted and resumed', async () => {
    const straight = await run({});
    assert.equal(straight.trainer.epochCount, 3);
    assert.equal(straight.trainer.learningRate, 0.01 / 8);
    const file = path.join(tmp(), 'fit.ckpt');
    const stopped = await run({ checkpoint: file, stopAt: [2, 3] });
    assert.equal(stopped.result.interrupted, true);
    assert.equal(stopped.trainer.epochCount, 1);
    const resumed = await run({ checkpoint: file, resume: true });
    assert.equal(resumed.result.interrupted, false);
    assert.equal(resumed.trainer.epochCount, 3);
    assert.equal(resumed.trainer.stepCount, straight.trainer.stepCount);
    resumed.params.forEach((p, i) => assert.deepEqual(p, straight.params[i], `parameter ${i} differs`));
  });
});

// ------------------------------------------------------------------------------------------------
// Argument checks

describe('optimizer argument checks', () => {
  const w = () => Tensor.zeros([3]);
  const adamHyper = { lr: 0.1, rescale: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 1 };
  const cases: [string, () => unknown, RegExp][] = [
    ['SGD without a learning rate', () => new optim.SGD({} as never),
      /^TypeError: SGD: expected a number in \[0, Infinity\) for learningRate but received undefined \(undefined\)$/],
    ['Nesterov without momentum', () => new optim.SGD({ learningRate: 0.1, nesterov: true }),
      /^RangeError: SGD: nesterov needs a positive momentum and zero dampening$/],
    ['beta1 of 1', () => new Trainer([], 'adam', { beta1: 1 }),
      /^RangeError: Trainer: expected a number in \[0, 1\) for beta1 but received 1 \(number\)$/],
    ['a misspelt option', () => new Trainer([], 'adam', { lerningRate: 0.1 } as never),
      /^TypeError: Trainer: unknown option 'lerningRate'; the options are 'learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon', 'amsgrad', 'clipGradientNorm', 'clipGradientValue', 'schedule', 'scheduleBy'$/],
    ['an option of another optimizer', () => new Trainer([], 'sgd', { learningRate: 0.1, beta1: 0.9 }),
      /^TypeError: Trainer: unknown option 'beta1'/],
    ['an unknown optimizer', () => new Trainer([], 'lamb' as never, {}),
      /^RangeError: Trainer: expected one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad' for optimizer but received 'lamb' \(string\)$/],
    ['an optimizer option next to an instance', () => new Trainer([], new optim.Adam(), { learningRate: 0.1 }),
      /^RangeError: Trainer: option 'learningRate' belongs to the optimizer; give it to the optimizer's constructor$/],
    ['a negative clipGradientNorm', () => new Trainer([], 'adam', { clipGradientNorm: -1 }),
      /^RangeError: Trainer: expected a positive number for clipGradientNorm but received -1 \(number\)$/],
    ['a negative weight decay', () => new optim.AdamW({ weightDecay: -0.1 }),
      /^RangeError: AdamW: expected a number in \[0, Infinity\) for weightDecay but received -0.1 \(number\)$/],
    ['RMSProp alpha above 1', () => new optim.RMSProp({ alpha: 1.5 }),
      /^RangeError: RMSProp: expected a number in \[0, 1\] for alpha but received 1.5 \(number\)$/],
    ['two parameters with one name', () => new Trainer([new Parameter('a', [1]), new Parameter('a', [1])], 'sgd', { learningRate: 1 }),
      /^RangeError: Trainer: two parameters are named 'a'$/],
    ['native: a missing state', () => binding.optimizerUpdate('adam', w(), w(), null, null, null, adamHyper, null),
      /^TypeError: optimizerUpdate: expected a Tensor \(the first moment\) for state1 but received null$/],
    ['native: an unused state', () => binding.optimizerUpdate('adagrad', w(), w(), w(), w(), null, { lr: 0.1, rescale: 1, epsilon: 0 }, null),
      /^RangeError: optimizerUpdate: expected null for state2 \(unused by this rule\)$/],
    ['native: a step that is no number', () => binding.optimizerUpdate('adam', w(), w(), w(), w(), null, { ...adamHyper, step: 'x' as never }, null),
      /^TypeError: optimizerUpdate: expected a finite number for hyper.step but received 'x' \(string\)$/],
    ['native: a missing hyperparameter', () => binding.optimizerUpdate('rmsprop', w(), w(), w(), null, null, { lr: 0.1, rescale: 1, epsilon: 0 } as never, null),
      /^TypeError: optimizerUpdate: expected a finite number for hyper.alpha but received undefined$/],
    ['native: sizes that differ', () => binding.optimizerUpdate('sgd', w(), Tensor.zeros([4]), null, null, null, { lr: 0.1, rescale: 1 }, null),
      /^RangeError: optimizerUpdate: weight has 3 elements \(3\) but grad has 4 \(4\)$/],
    ['native: maxNorm without normSq', () => binding.optimizerUpdate('sgd', w(), w(), null, null, null, { lr: 0.1, rescale: 1, maxNorm: 1 }, null),
      /^TypeError: optimizerUpdate: expected a one-element Tensor \(the sum of squared gradients, for maxNorm\) for normSq but received null$/],
    ['native: sumSquares into two elements', () => binding.sumSquares(w(), Tensor.zeros([2]), false),
      /^RangeError: sumSquares: expected a one-element tensor for y but its shape is \(2\)$/],
  ];
  for (const [what, call, message] of cases) {
    it(what, () => assert.throws(call, (err: Error) => {
      assert.match(`${err.name}: ${err.message}`, message);
      return true;
    }));
  }

  it('sumSquares sums in double and accumulates', () => {
    const y = Tensor.zeros([1]);
    binding.sumSquares(Tensor.fromArray([1, 2, 3]), y, false);
    assert.equal(y.item(), 14);
    binding.sumSquares(Tensor.fromArray(new Float32Array(50000).fill(0.5)), y, true);
    assert.equal(y.item(), 14 + 12500);
  });
});
