// Numerical gradients: central differences of the float32 forward against autograd's backward,
// for every op and every layer type. A wrong backward fails here even where the reference agrees
// with itself.
import { strict as assert } from 'assert';
import { Tensor, Device, autograd, nn, ops, init, random, loss } from '../lib';
import * as ref from './reference';
import { dev, forEachDevice, toTensor } from './helpers';
import { gradcheck } from './gradcheck';

// Inputs away from kinks: max-pool windows with distinct values, relu inputs away from 0.
function distinct(shape: number[], rng: ref.Rng): ref.Arr {
  const n = ref.sizeOf(shape);
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => rng.uniform() - 0.5);
  return ref.arr(shape, perm.map((v) => (v - n / 2) * (4 / n) + 0.05 * (v % 2 ? 1 : -1)));
}

forEachDevice('numerical gradients (float32 central differences vs autograd)', () => {
  const rng = new ref.Rng(21);
  const R = (shape: number[]) => ref.randomArr(shape, rng);

  describe('ops', () => {
    for (const act of ['none', 'relu', 'sigmoid', 'tanh'] as const) {
      it(`conv2d stride 2 padding 1, ${act}`, () => {
        gradcheck('conv2d', (x, w, b) => ops.conv2d(x, w, b, { stride: [2, 2], padding: [1, 1], activation: act }),
          [distinct([2, 2, 5, 5], rng), R([3, 2, 3, 3]), R([3])]);
      });
      it(`dense, ${act}`, () => {
        gradcheck('dense', (x, w, b) => ops.dense(x, w, b, act), [distinct([3, 6], rng), R([4, 6]), R([4])]);
      });
    }
    for (const act of ['relu', 'sigmoid', 'tanh'] as const) {
      it(`activation ${act}`, () => gradcheck(act, (x) => ops.activation(act, x), [distinct([3, 7], rng)]));
    }
    for (const kind of ['max', 'avg'] as const) {
      it(`${kind} pool 3/2 padding 1`, () => {
        gradcheck(`${kind}Pool`, (x) => ops.pool2d(kind, x, [3, 3], [2, 2], [1, 1]), [distinct([2, 2, 6, 5], rng)]);
      });
      it(`${kind} pool 2/2`, () => gradcheck(`${kind}Pool`, (x) => ops.pool2d(kind, x, [2, 2], [2, 2]), [distinct([1, 3, 4, 4], rng)]));
    }
    it('softmaxCrossEntropy', () => {
      const labels = Tensor.fromArray([2, 0, 4], undefined, dev());
      gradcheck('softmaxCrossEntropy', (x) => ops.softmaxCrossEntropy(x, labels), [R([3, 5])]);
    });
    it('dropout (fixed seed)', () => {
      gradcheck('dropout', (x) => autograd.trainMode(() => ops.dropout(x, 0.4, 99)), [R([4, 6])]);
    });
    it('flatten, sum and mean', () => {
      gradcheck('flatten', (x) => ops.flatten(x), [R([2, 3, 2, 2])]);
      gradcheck('sum', (x) => ops.sum(x), [R([2, 5])]);
      gradcheck('mean', (x) => ops.mean(x), [R([2, 5])]);
    });
    it('a tensor used twice accumulates both gradients', () => {
      gradcheck('reuse', (x) => ops.dense(ops.sigmoid(x), x, null), [R([3, 3])]);
    });
  });

  describe('layers', () => {
    // Gradients with respect to each layer's parameters, through the layer's forward.
    function layerCheck(name: string, layer: nn.Block, xShape: number[]): void {
      random.seed(5);
      layer.initialize(init.Xavier(), dev());
      const x = toTensor(distinct(xShape, rng));
      layer.forward(x);  // completes deferred shapes
      const params = [...layer.collectParams().values()];
      const values = params.map((p) => ref.arr(p.data().shape, p.data().toArray()));
      // f(x, ...params): run the layer with the given parameter tensors swapped in.
      gradcheck(name, (xi, ...ps) => {
        params.forEach((p, i) => { (p as unknown as { value: Tensor }).value = ps[i]; });
        return layer.forward(xi);
      }, [ref.arr(x.shape, x.toArray()), ...values]);
    }

    it('Conv2D', () => layerCheck('Conv2D', new nn.Conv2D(3, 3, { padding: 1, strides: 2, activation: 'sigmoid' }), [2, 2, 5, 5]));
    it('MaxPool2D', () => layerCheck('MaxPool2D', new nn.MaxPool2D(2, 2), [1, 2, 4, 4]));
    it('AvgPool2D', () => layerCheck('AvgPool2D', new nn.AvgPool2D(3, 1, 1), [1, 2, 4, 4]));
    it('Dense (flattening its input)', () => layerCheck('Dense', new nn.Dense(4, { activation: 'tanh' }), [2, 2, 2, 2]));
    it('Flatten', () => layerCheck('Flatten', new nn.Flatten(), [2, 3, 2]));
    it('Dropout (training mode, the same mask on every call)', () => {
      const layer = new nn.Dropout(0.5);
      gradcheck('Dropout', (x) => {
        random.seed(3);
        return autograd.trainMode(() => layer.forward(x));
      }, [R([3, 4])]);
    });
    it('a small LeNet-like Sequential with its loss', () => {
      const net = new nn.Sequential();
      net.add(new nn.Conv2D(2, 3, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
        new nn.Dense(5, { activation: 'relu' }), new nn.Dense(3));
      const lossFn = new loss.SoftmaxCrossEntropyLoss();
      const labels = Tensor.fromArray([0, 2], undefined, dev());
      const head = { forward: (x: Tensor) => lossFn.forward(net.forward(x), labels) } as unknown as nn.Block;
      Object.setPrototypeOf(head, net);
      layerCheck('LeNet-like', Object.assign(head, { collectParams: () => net.collectParams(), initialize: (i: init.Initializer, d: Device) => net.initialize(i, d) }), [2, 1, 8, 8]);
    });
  });
});
