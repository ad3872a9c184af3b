// The losses of nn/loss.ts: per-example values against float64 formulas, the three reductions,
// numerical gradients for prediction and target, and their argument checks.
import { strict as assert } from 'assert';
import { Tensor, autograd, loss } from '../lib';
import * as ref from './reference';
import { dev, forEachDevice, toTensor } from './helpers';
import { gradcheck } from './gradcheck';

type Pointwise = (p: number, y: number) => number;
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// name, the loss, its float64 element formula, and how to draw predictions and targets
const CASES: { name: string; make: (o: Record<string, unknown>) => { forward(p: Tensor, y: Tensor): Tensor }; f: Pointwise;
  pred: (r: ref.Rng) => number; label: (r: ref.Rng) => number }[] = [
  { name: 'L2Loss', make: (o) => new loss.L2Loss(o), f: (p, y) => 0.5 * (p - y) ** 2,
    pred: (r) => r.uniform(-2, 2), label: (r) => r.uniform(-2, 2) },
  { name: 'L1Loss', make: (o) => new loss.L1Loss(o), f: (p, y) => Math.abs(p - y),
    pred: (r) => r.uniform(-2, 2), label: (r) => r.uniform(-2, 2) },
  { name: 'HuberLoss', make: (o) => new loss.HuberLoss(o),
    f: (p, y) => (Math.abs(p - y) > 1 ? Math.abs(p - y) - 0.5 : 0.5 * (p - y) ** 2),
    pred: (r) => r.uniform(-3, 3), label: (r) => r.uniform(-3, 3) },
  { name: 'HuberLoss rho 0.5', make: (o) => new loss.HuberLoss({ rho: 0.5, ...o }),
    f: (p, y) => (Math.abs(p - y) > 0.5 ? Math.abs(p - y) - 0.25 : (p - y) ** 2),
    pred: (r) => r.uniform(-3, 3), label: (r) => r.uniform(-3, 3) },
  { name: 'SigmoidBinaryCrossEntropyLoss', make: (o) => new loss.SigmoidBinaryCrossEntropyLoss(o),
    f: (x, y) => softplus(x) - x * y, pred: (r) => r.uniform(-6, 6), label: (r) => r.uniform(0, 1) },
  { name: 'SigmoidBinaryCrossEntropyLoss fromSigmoid', make: (o) => new loss.SigmoidBinaryCrossEntropyLoss({ fromSigmoid: true, ...o }),
    f: (p, y) => -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12)),
    pred: (r) => sigmoid(r.uniform(-3, 3)), label: (r) => r.uniform(0, 1) },
];

/** Values away from the kinks (|p − y| near 0 for L1, near rho for Huber) so differences are smooth. */
function draw(shape: number[], rng: ref.Rng, f: (r: ref.Rng) => number): ref.Arr {
  return ref.arr(shape, Array.from({ length: ref.sizeOf(shape) }, () => f(rng)));
}
function smooth(pred: ref.Arr, label: ref.Arr): void {
  for (let i = 0; i < pred.data.length; i++) {
    const d = Math.abs(pred.data[i] - label.data[i]);
    if (d < 0.05 || Math.abs(d - 1) < 0.05 || Math.abs(d - 0.5) < 0.05) pred.data[i] += 0.15;
  }
}

forEachDevice('losses', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      it('per example: the mean of the element losses over each example; mean and sum over the batch', () => {
        const rng = new ref.Rng(3);
        const pred = draw([4, 3, 2], rng, c.pred), label = draw([4, 3, 2], rng, c.label);
        const perExample = [0, 1, 2, 3].map((n) => {
          let s = 0;
          for (let i = 0; i < 6; i++) s += c.f(pred.data[n * 6 + i], label.data[n * 6 + i]);
          return s / 6;
        });
        const got = c.make({}).forward(toTensor(pred), toTensor(label));
        assert.deepEqual(got.shape, [4]);
        assert.ok(ref.relativeError(got.toArray(), Float64Array.from(perExample)) < 1e-5);
        const total = perExample.reduce((a, b) => a + b, 0);
        const m = c.make({ reduction: 'mean' }).forward(toTensor(pred), toTensor(label));
        const s = c.make({ reduction: 'sum' }).forward(toTensor(pred), toTensor(label));
        assert.deepEqual([m.shape, s.shape], [[1], [1]]);
        assert.ok(Math.abs(m.item() - total / 4) < 1e-5 * Math.max(1, total));
        assert.ok(Math.abs(s.item() - total) < 1e-5 * Math.max(1, total));
      });

      it('a target with the prediction\'s size but another shape is viewed in its shape (N vs N,1)', () => {
        const rng = new ref.Rng(4);
        const pred = draw([5, 1], rng, c.pred), label = draw([5], rng, c.label);
        const got = c.make({}).forward(toTensor(pred), toTensor(label)).toArray();
        const want = Float64Array.from(label.data, (y, i) => c.f(pred.data[i], y));
        assert.ok(ref.relativeError(got, want) < 1e-5);
      });

      it('gradients for prediction and target match finite differences, for each reduction', () => {
        const rng = new ref.Rng(7);
        const pred = draw([3, 4], rng, c.pred), label = draw([3, 4], rng, c.label);
        if (!c.name.startsWith('Sigmoid')) smooth(pred, label);
        for (const reduction of ['none', 'mean', 'sum']) {
          const l = c.make({ reduction });
          gradcheck(`${c.name} ${reduction}`, (p, y) => l.forward(p, y), [pred, label]);
        }
      });
    });
  }

  it('SigmoidBinaryCrossEntropyLoss from logits stays finite for large |x|', () => {
    const l = new loss.SigmoidBinaryCrossEntropyLoss().forward(Tensor.fromArray([200, -200, 80], [3], dev()),
      Tensor.fromArray([0, 1, 1], [3], dev()));
    const v = l.toArray();
    assert.ok(Math.abs(v[0] - 200) < 1e-3 && Math.abs(v[1] - 200) < 1e-3 && Math.abs(v[2]) < 1e-6, `${v}`);
  });

  it('a loss\'s backward from mean reduction scales the gradient by 1/N', () => {
    const pred = Tensor.fromArray([1, 2, 3, 4], [4], dev());
    pred.attachGrad();
    autograd.record(() => new loss.L2Loss({ reduction: 'mean' }).forward(pred, Tensor.zeros([4], dev()))).backward();
    assert.deepEqual(Array.from(pred.grad!.toArray()), [0.25, 0.5, 0.75, 1]);
  });
});

describe('losses: argument checks', () => {
  it('names the loss and what was wrong', () => {
    assert.throws(() => new loss.L2Loss({ reduction: 'avg' } as never), { code: 'NC_ARGUMENT', message: /^L2Loss: expected one of 'none', 'mean', 'sum' for reduction but received 'avg'/ });
    assert.throws(() => new loss.L1Loss({ weight: 2 } as never), { code: 'NC_ARGUMENT', message: /^L1Loss: unknown option 'weight'/ });
    assert.throws(() => new loss.HuberLoss({ rho: 0 }), { code: 'NC_ARGUMENT', message: /^HuberLoss: expected a positive number for rho but received 0/ });
    assert.throws(() => new loss.SigmoidBinaryCrossEntropyLoss({ fromSigmoid: 1 } as never), { code: 'NC_ARGUMENT', message: /fromSigmoid/ });
    assert.throws(() => new loss.SoftmaxCrossEntropyLoss({ reduction: 'all' } as never), { code: 'NC_ARGUMENT' });
    assert.throws(() => new loss.L2Loss().forward(Tensor.zeros([4, 2]), Tensor.zeros([4])), { code: 'NC_SHAPE', message: /^L2Loss: label \(4\) does not match pred \(4,2\)/ });
    assert.throws(() => new loss.L2Loss().forward(Tensor.zeros([4]), [1, 2] as never), { code: 'NC_ARGUMENT', message: /^L2Loss: .*label/ });
  });
});
