// batchNorm: training (batch statistics, running statistics updated) and prediction (running statistics).
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../../lib';
import * as ref from '../reference';
import * as refx from '../reference_extra';
import { F32, dev, forwardBackward, leaf, toTensor } from '../helpers';
import { OpCase, OpEntry, binding } from './case';

/**
 * x, gamma, beta, runningMean, runningVar (the last two constant). The mode is passed explicitly, so
 * that the numerical gradient's unrecorded forwards run in the same mode.
 */
function bnCase(title: string, seed: number, shape: number[], training: boolean, eps: number, gradcheck = false): OpCase {
  const C = shape[1];
  const momentum = 0.8;
  return {
    title, seed, gradcheck,
    inputs: (rng) => [ref.randomArr(shape, rng, -1, 3), ref.randomArr([C], rng, 0.5, 1.5), ref.randomArr([C], rng),
      ref.randomArr([C], rng), ref.randomArr([C], rng, 0.5, 2)],
    constant: [3, 4],
    call: (x, g, b, rm, rv) => ops.batchNorm(x, g, b, rm, rv, { momentum, epsilon: eps, training }),
    forward: (x, g, b, rm, rv) => (training ? refx.batchNormTrain(x, g, b, rm, rv, momentum, eps).y : refx.batchNormInfer(x, g, b, rm, rv, eps)),
    backward: (dy, x, g, b, rm, rv) => {
      const r = training ? refx.batchNormTrainBackward(x, g, dy, eps) : refx.batchNormInferBackward(x, g, rm, rv, dy, eps);
      return [r.dx, r.dgamma, r.dbeta];
    },
  };
}

const shapes = [[4, 3, 5, 5], [8, 6], [2, 5, 3, 4], [3, 2, 1, 1]];

export const batchNorm: OpEntry = {
  op: 'batchNorm',
  native: ['batchNormForward', 'batchNormBackward'],
  cases: [
    ...shapes.map((s) => bnCase(`training, x [${s}]`, 13, s, true, 1e-5)),
    bnCase('prediction, x [3,4,2,3]', 17, [3, 4, 2, 3], false, 1e-5),
    bnCase('training, images [3,2,3,3]', 21, [3, 2, 3, 3], true, 1e-5, true),
    bnCase('training, dense features [6,4], epsilon 1e-3', 21, [6, 4], true, 1e-3, true),
    bnCase('prediction, [2,3,2,2]', 21, [2, 3, 2, 2], false, 1e-5, true),
  ],
  checks: shapes.map((shape): [string, () => void] => [
    `x [${shape}]: two training steps (y, dx, dgamma, dbeta, running statistics), then prediction`, () => {
      const C = shape[1];
      const rng = new ref.Rng(13);
      const gamma = ref.randomArr([C], rng, 0.5, 1.5);
      const beta = ref.randomArr([C], rng);
      let rm = ref.randomArr([C], rng);
      let rv = ref.randomArr([C], rng, 0.5, 2);
      const [gt, bt] = [leaf(gamma), leaf(beta)];
      const [rmt, rvt] = [toTensor(rm), toTensor(rv)];
      const momentum = 0.8;
      const eps = 1e-5;
      for (let step = 0; step < 2; step++) {
        // Another batch, another offset and scale per step.
        const x = ref.randomArr(shape, rng, -1 - step, 3 + 2 * step);
        const dy = ref.randomArr(shape, rng);
        const xt = leaf(x);
        const y = forwardBackward(() => ops.batchNorm(xt, gt, bt, rmt, rvt, { momentum, epsilon: eps }), dy);
        const r = refx.batchNormTrain(x, gamma, beta, rm, rv, momentum, eps);
        const g = refx.batchNormTrainBackward(x, gamma, dy, eps);
        ref.assertClose(y.toArray(), r.y.data, { ...F32, name: `step ${step} y`, shape });
        ref.assertClose(xt.grad!.toArray(), g.dx.data, { ...F32, name: `step ${step} dx`, shape });
        ref.assertClose(gt.grad!.toArray(), g.dgamma.data, { ...F32, name: `step ${step} dgamma` });
        ref.assertClose(bt.grad!.toArray(), g.dbeta.data, { ...F32, name: `step ${step} dbeta` });
        [rm, rv] = [r.runningMean, r.runningVar];
        ref.assertClose(rmt.toArray(), rm.data, { ...F32, name: `step ${step} running mean` });
        ref.assertClose(rvt.toArray(), rv.data, { ...F32, name: `step ${step} running var` });
      }
      // Prediction mode: the running statistics normalise and stay as they are.
      const x = ref.randomArr(shape, rng, -2, 2);
      const y = autograd.pause(() => ops.batchNorm(toTensor(x), gt, bt, rmt, rvt, { momentum, epsilon: eps }));
      ref.assertClose(y.toArray(), refx.batchNormInfer(x, gamma, beta, rm, rv, eps).data, { ...F32, name: 'predict y', shape });
      ref.assertClose(rmt.toArray(), rm.data, { ...F32, name: 'running mean after predict' });
      ref.assertClose(rvt.toArray(), rv.data, { ...F32, name: 'running var after predict' });
    }]).concat([
    ['recorded in prediction mode: the running statistics are constants of the backward', () => {
      const rng = new ref.Rng(17);
      const shape = [3, 4, 2, 3];
      const x = ref.randomArr(shape, rng, -2, 2);
      const gamma = ref.randomArr([4], rng, 0.5, 1.5);
      const beta = ref.randomArr([4], rng);
      const rm = ref.randomArr([4], rng);
      const rv = ref.randomArr([4], rng, 0.5, 2);
      const dy = ref.randomArr(shape, rng);
      const [xt, gt, bt] = [leaf(x), leaf(gamma), leaf(beta)];
      const [rmt, rvt] = [toTensor(rm), toTensor(rv)];
      const y = autograd.record(() => ops.batchNorm(xt, gt, bt, rmt, rvt), false);
      y.backward(toTensor(dy));
      ref.assertClose(y.toArray(), refx.batchNormInfer(x, gamma, beta, rm, rv, 1e-5).data, { ...F32, name: 'y' });
      const g = refx.batchNormInferBackward(x, gamma, rm, rv, dy, 1e-5);
      ref.assertClose(xt.grad!.toArray(), g.dx.data, { ...F32, name: 'dx' });
      ref.assertClose(gt.grad!.toArray(), g.dgamma.data, { ...F32, name: 'dgamma' });
      ref.assertClose(bt.grad!.toArray(), g.dbeta.data, { ...F32, name: 'dbeta' });
      ref.assertClose(rmt.toArray(), rm.data, { ...F32, name: 'running mean' });
    }],
  ]),
  errors: [
    ['training with one value per channel',
      () => autograd.record(() => ops.batchNorm(Tensor.ones([1, 3], dev()), c3(), c3(), c3(), c3())),
      /^RangeError: batchNorm: training needs more than one value per channel, but x \(1,3\) has 1$/],
    ['gamma of the wrong shape', () => ops.batchNorm(x4(), Tensor.ones([4], dev()), c3(), c3(), c3()),
      /^RangeError: batchNorm: expected shape \(3\) for gamma but received \(4\)$/],
    ['a 3-d x', () => ops.batchNorm(Tensor.ones([2, 3, 4], dev()), c3(), c3(), c3(), c3()),
      /^RangeError: batchNorm: expected x of shape \(N,C,H,W\) or \(N,C\) but received \(2,3,4\)$/],
    ['momentum above 1', () => ops.batchNorm(x4(), c3(), c3(), c3(), c3(), { momentum: 1.5 }),
      /^RangeError: batchNorm: expected a number in \[0, 1\] for momentum but received 1.5 \(number\)$/],
    ['training without saveMean (native check)', () => binding.batchNormForward(x4(), c3(), c3(), c3(), c3(), x4(), null, null, true, 0.9, 1e-5),
      /^TypeError: batchNormForward: training needs saveMean and saveInvStd$/],
    ['epsilon 0 (native check)', () => binding.batchNormForward(x4(), c3(), c3(), c3(), c3(), x4(), null, null, false, 0.9, 0),
      /^RangeError: batchNormForward: expected a positive number for epsilon but received 0 \(number\)$/],
    ['dy of the wrong shape (native check)',
      () => binding.batchNormBackward(x4(), c3(), Tensor.ones([2, 3, 2, 1], dev()), c3(), c3(), x4(), c3(), c3(), true, 1e-5),
      /^RangeError: batchNormBackward: expected shape \(2,3,2,2\) for dy but received \(2,3,2,1\)$/],
  ],
};

function c3(): Tensor {
  return Tensor.ones([3], dev());
}

function x4(): Tensor {
  return Tensor.ones([2, 3, 2, 2], dev());
}
