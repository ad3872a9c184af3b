// Layers, containers and autograd semantics as a Gluon user expects them.
import { strict as assert } from 'assert';
import { Tensor, nn, init, autograd, ops, formatShape, cpu, tryGpu, Trainer, random, backendInfo } from '../lib';
import { lenet } from './lenet';

describe('nn', () => {
  it("prints the article's LeNet shapes and names for a 1x1x28x28 input", () => {
    const net = lenet();
    net.initialize(init.Xavier(), cpu());
    let X = Tensor.zeros([1, 1, 28, 28]);
    const lines: string[] = [];
    for (const layer of net) {
      X = layer.forward(X);
      lines.push(`${layer.name} output shape: ${formatShape(X.shape)}`);
    }
    assert.deepEqual(lines, [
      'conv0 output shape: (1,6,24,24)',
      'pool0 output shape: (1,6,12,12)',
      'conv1 output shape: (1,16,8,8)',
      'pool1 output shape: (1,16,4,4)',
      'dense0 output shape: (1,120)',
      'dense1 output shape: (1,84)',
      'dense2 output shape: (1,10)',
    ]);
  });

  it('collects parameters by Gluon-style name with inferred shapes (44,426 in all)', () => {
    const net = lenet();
    net.initialize(init.Xavier());
    net.forward(Tensor.zeros([2, 1, 28, 28]));
    const params = net.collectParams();
    assert.deepEqual([...params.keys()], [
      'conv0.weight', 'conv0.bias', 'conv1.weight', 'conv1.bias', 'dense0.weight', 'dense0.bias',
      'dense1.weight', 'dense1.bias', 'dense2.weight', 'dense2.bias']);
    assert.deepEqual(params.get('dense0.weight')!.data().shape, [120, 256]);
    const total = [...params.values()].reduce((a, p) => a + p.data().size, 0);
    assert.equal(total, 44426);
    assert.equal(params.get('conv1.weight')!.name, 'conv1.weight');
  });

  it('describes the architecture', () => {
    const net = lenet();
    const text = net.toString();
    assert.match(text, /^Sequential\(\n {2}\(0\): Conv2D\(None -> 6, kernel_size=\(5,5\), stride=\(1,1\), padding=\(0,0\), Activation\(sigmoid\)\)/);
    assert.match(text, /\(1\): MaxPool2D\(size=\(2,2\), stride=\(2,2\), padding=\(0,0\)\)/);
    assert.match(text, /\(6\): Dense\(None -> 10, linear\)\n\)$/);
  });

  it('Xavier fills within its bound; biases start at zero; the same seed gives the same weights', () => {
    const make = () => {
      random.seed(7);
      const d = new nn.Dense(50, { inUnits: 30 });
      d.initialize(init.Xavier());
      return d;
    };
    const [a, b] = [make(), make()];
    const w = a.weight.data().toArray();
    const bound = Math.sqrt(3 / ((30 + 50) / 2));
    assert.ok(w.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...w.map(Math.abs)) > 0.9 * bound);
    assert.deepEqual(Array.from(a.bias!.data().toArray()), new Array(50).fill(0));
    assert.deepEqual(w, b.weight.data().toArray());
  });

  it('initializers: MSRAPrelu has He\'s spread; per-layer and per-parameter initializers win over the net\'s', () => {
    random.seed(3);
    const he = new nn.Dense(400, { inUnits: 300, useBias: false });
    he.initialize(init.MSRAPrelu({ factorType: 'in', slope: 0 }));
    const w = he.weight.data().toArray();
    const sd = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    assert.ok(Math.abs(sd - Math.sqrt(2 / 300)) < 0.02 * Math.sqrt(2 / 300), `sd ${sd}`);
    const net = new nn.Sequential();
    net.add(new nn.Dense(3, { inUnits: 2, weightInitializer: init.Constant(0.5), biasInitializer: init.One() }),
      new nn.Dense(2, { inUnits: 3 }));
    net.initialize(init.Constant(-1));
    const [w0, b0, w1] = [...net.collectParams().values()].map((p) => Array.from(p.data().toArray()));
    assert.deepEqual(w0, new Array(6).fill(0.5));
    assert.deepEqual(b0, [1, 1, 1]);
    assert.deepEqual(w1, new Array(6).fill(-1));
    net.collectParams().get('dense1.weight')!.initialize(init.Zero(), cpu(), true);
    assert.deepEqual(Array.from(net.collectParams().get('dense1.weight')!.data().toArray()), new Array(6).fill(0));
  });

  it('backward writes (not adds) parameter gradients, and a non-scalar head gets implicit ones', () => {
    const d = new nn.Dense(2, { inUnits: 3 });
    d.initialize(init.Constant(1));
    const x = Tensor.fromArray([[1, 2, 3], [4, 5, 6]]);
    for (let i = 0; i < 2; i++) {
      const y = autograd.record(() => d.forward(x));
      y.backward();
      // d(Σ y)/dW[j,k] = Σ_n x[n,k]
      assert.deepEqual(Array.from(d.weight.grad().toArray()), [5, 7, 9, 5, 7, 9]);
      assert.deepEqual(Array.from(d.bias!.grad().toArray()), [2, 2]);
    }
  });

  it('dropout is active inside record and the identity outside, as in Gluon', () => {
    const layer = new nn.Dropout(0.5);
    const x = Tensor.ones([1000]);
    assert.equal(layer.forward(x), x);
    const y = autograd.record(() => layer.forward(x)).toArray();
    assert.ok(y.some((v) => v === 0) && y.some((v) => v === 2));
    assert.equal(autograd.record(() => layer.forward(x), false), x);
  });

  it('Trainer.step rescales by 1/batchSize', () => {
    const d = new nn.Dense(1, { inUnits: 1, useBias: false });
    d.initialize(init.Constant(1));
    const trainer = new Trainer(d.collectParams(), 'sgd', { learningRate: 0.5 });
    const y = autograd.record(() => d.forward(Tensor.fromArray([[2], [2], [2], [2]])));
    y.backward();
    trainer.step(4);
    assert.equal(d.weight.data().item(), 1 - 0.5 * 8 / 4);
  });

  it('the loss of a net with no attached gradients cannot go backward', () => {
    const y = autograd.record(() => ops.sigmoid(Tensor.zeros([2])));
    assert.throws(() => y.backward(), /no recorded history/);
  });

  it('tryGpu() is the GPU exactly when one is usable', () => {
    assert.equal(tryGpu().kind, backendInfo().cuda.available ? 'gpu' : 'cpu');
  });
});
