// Numerical gradients: central differences of the float32 forward against autograd's backward,
// for every op and every layer type. A wrong backward fails here even where the reference agrees
// with itself.
import { Tensor, Device, autograd, nn, ops, init, random, loss } from '../lib';
import * as ref from './reference';
import { dev, forEachDevice, toTensor } from './helpers';
import { gradcheck } from './gradcheck';
import { OpCase, table } from './ops/table';
import { distinct } from './ops/case';

/** gradcheck over the inputs of a table case that get a gradient; the constant ones stay fixed tensors. */
function gradcheckCase(name: string, c: OpCase): void {
  const inputs = c.inputs(new ref.Rng(c.seed));
  const constant = new Set(c.constant ?? []);
  const fixed = inputs.map((a, i) => (constant.has(i) ? toTensor(a) : null));
  gradcheck(name, (...xs) => {
    let k = 0;
    return c.call(...fixed.map((t) => t ?? xs[k++]));
  }, inputs.filter((_, i) => !constant.has(i)));
}

forEachDevice('numerical gradients (float32 central differences vs autograd)', () => {
  describe('ops', () => {
    // The op table's cases flagged `gradcheck`: with respect to each input that gets a gradient.
    for (const entry of table) {
      const cases = entry.cases.filter((c) => c.gradcheck);
      if (cases.length === 0) continue;
      describe(entry.op, () => {
        for (const c of cases) it(c.title, () => gradcheckCase(`${entry.op} ${c.title}`, c));
      });
    }
    it('a tensor used twice accumulates both gradients', () => {
      gradcheck('reuse', (x) => ops.dense(ops.sigmoid(x), x, null), [ref.randomArr([3, 3], new ref.Rng(21))]);
    });
  });

  describe('layers', () => {
    // One generator for the section, drawn from in test order.
    const rng = new ref.Rng(21);
    const R = (shape: number[]) => ref.randomArr(shape, rng);
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
