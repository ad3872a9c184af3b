// BatchNorm, GlobalAvgPool2D and the activation layers (Activation, LeakyReLU, ELU, GELU):
// their float64 references (reference_extra.ts) against finite differences, the native entry points
// under garbage, numerical gradients of the layers, and BatchNorm's state: saved with the
// parameters, never trained. (The ops against these references are in the op table, test/ops/.)
import { strict as assert } from 'assert';
import * as path from 'path';
import { Tensor, autograd, nn, ops, init, random, Trainer } from '../lib';
import { binding } from '../lib/core/binding';
import { readSafetensorsHeader } from '../lib/io/safetensors';
import * as ref from './reference';
import * as refx from './reference_extra';
import { F32, dev, forEachDevice, tempDir, toArr, toTensor } from './helpers';
import { gradcheck } from './gradcheck';

// ---------------------------------------------------------------------------------------------
// The references themselves

describe('reference_extra: values and backward against central finite differences', () => {
  const TOL = 1e-6;  // float64, h = 1e-6 (as test/10)
  const expectGradient = (name: string, check: ref.GradCheck): void =>
    assert.ok(check.error < TOL, `${name}: relative error ${check.error} exceeds ${TOL}`);

  /** Random values with |x| >= 0.05, away from the kinks of leaky relu and elu at 0. */
  function awayFromZero(shape: number[], rng: ref.Rng, scale = 3): ref.Arr {
    const x = ref.randomArr(shape, rng, -scale, scale);
    for (let i = 0; i < x.data.length; i++) x.data[i] += x.data[i] >= 0 ? 0.05 : -0.05;
    return x;
  }

  it('erf and the exact GELU at known points', () => {
    // erf values from tables (Abramowitz & Stegun 7.1), to 16 digits.
    for (const [x, e] of [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [3, 0.9999779095030014], [-1.5, -0.9661051464753108], [7, 1]] as const) {
      assert.ok(Math.abs(refx.erf(x) - e) < 1e-15, `erf(${x}) = ${refx.erf(x)}, expected ${e}`);
    }
    const g = refx.gelu(ref.arr([3], [1, -1, 0]));
    ref.assertClose(g.data, [0.8413447460685429, -0.15865525393145707, 0], { atol: 1e-15, rtol: 0, name: 'gelu' });
    assert.deepEqual([...refx.leakyRelu(ref.arr([3], [-2, 0, 3]), 0.1).data], [-0.2, 0, 3]);
    ref.assertClose(refx.elu(ref.arr([2], [-1, 2]), 0.5).data, [0.5 * (Math.exp(-1) - 1), 2], { atol: 1e-15, rtol: 0 });
  });

  for (const [name, f, b, smooth] of [
    ['leaky relu 0.01', (x: ref.Arr) => refx.leakyRelu(x, 0.01), (x: ref.Arr, dy: ref.Arr) => refx.leakyReluBackward(x, dy, 0.01), false],
    ['leaky relu 0.3', (x: ref.Arr) => refx.leakyRelu(x, 0.3), (x: ref.Arr, dy: ref.Arr) => refx.leakyReluBackward(x, dy, 0.3), false],
    ['elu 1', (x: ref.Arr) => refx.elu(x, 1), (x: ref.Arr, dy: ref.Arr) => refx.eluBackward(x, dy, 1), false],
    ['elu 0.5', (x: ref.Arr) => refx.elu(x, 0.5), (x: ref.Arr, dy: ref.Arr) => refx.eluBackward(x, dy, 0.5), false],
    ['gelu', refx.gelu, refx.geluBackward, true],
  ] as const) {
    it(`${name} backward`, () => {
      const rng = new ref.Rng(31);
      const x = smooth ? ref.randomArr([3, 17], rng, -5, 5) : awayFromZero([3, 17], rng);
      expectGradient(name, ref.gradCheck(f, (dy) => b(x, dy), x, rng));
    });
  }

  const shapes = [[4, 3, 3, 2], [6, 5], [2, 2, 1, 7]];
  for (const shape of shapes) {
    const C = shape[1];
    it(`batch norm training (x [${shape}]): forward normalises; dx, dgamma, dbeta`, () => {
      const rng = new ref.Rng(41);
      const x = ref.randomArr(shape, rng, -2, 3);
      const gamma = ref.randomArr([C], rng, 0.5, 1.5);
      const beta = ref.randomArr([C], rng);
      const eps = 1e-3;
      const { y } = refx.batchNormTrain(x, gamma, beta, ref.arr([C]), ref.arr([C], new Array(C).fill(1)), 0.9, eps);
      // (y − beta)/gamma has mean 0 and variance var/(var + eps) per channel.
      const z = ref.arr(shape);
      const S = x.data.length / (shape[0] * C);
      for (let i = 0; i < z.data.length; i++) {
        const c = Math.floor(i / S) % C;
        z.data[i] = (y.data[i] - beta.data[c]) / gamma.data[c];
      }
      const zs = refx.channelStats(z);
      const xs = refx.channelStats(x);
      for (let c = 0; c < C; c++) {
        assert.ok(Math.abs(zs.mean[c]) < 1e-12);
        assert.ok(Math.abs(zs.variance[c] - xs.variance[c] / (xs.variance[c] + eps)) < 1e-12);
      }
      const train = (xx: ref.Arr, g = gamma, bb = beta) =>
        refx.batchNormTrain(xx, g, bb, ref.arr([C]), ref.arr([C]), 0.9, eps).y;
      const back = (dy: ref.Arr) => refx.batchNormTrainBackward(x, gamma, dy, eps);
      expectGradient('dx', ref.gradCheck((xx) => train(xx), (dy) => back(dy).dx, x, rng));
      expectGradient('dgamma', ref.gradCheck((g) => train(x, g), (dy) => back(dy).dgamma, gamma, rng));
      expectGradient('dbeta', ref.gradCheck((bb) => train(x, gamma, bb), (dy) => back(dy).dbeta, beta, rng));
    });

    it(`batch norm inference (x [${shape}]): dx, dgamma, dbeta`, () => {
      const rng = new ref.Rng(43);
      const x = ref.randomArr(shape, rng, -2, 3);
      const gamma = ref.randomArr([C], rng, 0.5, 1.5);
      const beta = ref.randomArr([C], rng);
      const rm = ref.randomArr([C], rng);
      const rv = ref.randomArr([C], rng, 0.5, 2);
      const eps = 1e-5;
      const back = (dy: ref.Arr) => refx.batchNormInferBackward(x, gamma, rm, rv, dy, eps);
      expectGradient('dx', ref.gradCheck((xx) => refx.batchNormInfer(xx, gamma, beta, rm, rv, eps), (dy) => back(dy).dx, x, rng));
      expectGradient('dgamma', ref.gradCheck((g) => refx.batchNormInfer(x, g, beta, rm, rv, eps), (dy) => back(dy).dgamma, gamma, rng));
      expectGradient('dbeta', ref.gradCheck((bb) => refx.batchNormInfer(x, gamma, bb, rm, rv, eps), (dy) => back(dy).dbeta, beta, rng));
    });
  }

  it('batch norm running statistics by hand: Gluon momentum, unbiased running variance', () => {
    // One channel, values 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3.
    const x = ref.arr([4, 1], [1, 2, 3, 6]);
    const r = refx.batchNormTrain(x, ref.arr([1], [1]), ref.arr([1], [0]), ref.arr([1], [1]), ref.arr([1], [2]), 0.9, 0);
    assert.ok(Math.abs(r.runningMean.data[0] - (0.9 * 1 + 0.1 * 3)) < 1e-15);
    assert.ok(Math.abs(r.runningVar.data[0] - (0.9 * 2 + 0.1 * 14 / 3)) < 1e-15);
    assert.ok(Math.abs(r.invStd[0] - 1 / Math.sqrt(3.5)) < 1e-15);
    assert.throws(() => refx.batchNormTrain(ref.arr([1, 2]), ref.arr([2]), ref.arr([2]), ref.arr([2]), ref.arr([2]), 0.9, 1e-5), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
// The native batch norm and activation entry points under garbage (their reference cases and
// argument checks are in the op table, test/ops/)

forEachDevice('batch norm and activation entry points', () => {
  it('survives garbage in every argument position', () => {
    const t4 = Tensor.ones([2, 3, 2, 2], dev());
    const values: unknown[] = [undefined, null, 0, NaN, -1, 1e-5, 0.9, 2, true, false, 'gelu', 'relu', {}, [],
      { data: t4.data, shape: [2, 3, 2, 20] }, { data: t4.data, shape: [0, 3] }, t4, Tensor.ones([3], dev()),
      Tensor.ones([2, 3], dev()), Tensor.ones([1, 3, 1, 1], dev()), Tensor.ones([4], dev())];
    let seed = 7;
    const pick = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return values[seed % values.length]; };
    const b = binding as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const [name, argc] of [['batchNormForward', 11], ['batchNormBackward', 10], ['activationForward', 4],
      ['activationBackward', 6]] as const) {
      for (let trial = 0; trial < 2000; trial++) {
        try {
          b[name](...Array.from({ length: argc }, pick));
        } catch (err) {
          assert.ok(err instanceof TypeError || err instanceof RangeError, `${name}: ${String(err)}`);
          assert.ok((err as Error).message.startsWith(`${name}: `), `${name}: ${(err as Error).message}`);
        }
      }
    }
    ref.assertClose(ops.gelu(Tensor.fromArray([1], undefined, dev())).toArray(), [0.8413447460685429], { ...F32, name: 'after' });
  });
});

// ---------------------------------------------------------------------------------------------
// Numerical gradients of the layers (float32 central differences, as test/30)

/** Values pairwise apart and away from 0 (the kinks of leaky relu and elu). */
function spread(shape: number[], rng: ref.Rng): ref.Arr {
  const n = ref.sizeOf(shape);
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => rng.uniform() - 0.5);
  return ref.arr(shape, perm.map((v) => (v - n / 2 + 0.5) * (5 / n) + 0.05 * (v % 2 ? 1 : -1)));
}

forEachDevice('numerical gradients of BatchNorm, GlobalAvgPool2D and the activation layers', () => {
  const rng = new ref.Rng(23);

  /**
   * Gradients of a layer's forward with respect to x and its trainable parameters (state such as
   * running statistics is not an input). `mode` wraps the forward: training or prediction.
   */
  function layerCheck(name: string, layer: nn.Block, xShape: number[], mode: <T>(fn: () => T) => T = autograd.predictMode): void {
    random.seed(5);
    layer.initialize(init.Xavier(), dev());
    const x = toTensor(spread(xShape, rng));
    autograd.pause(() => layer.forward(x));  // completes deferred shapes
    const params = [...layer.collectParams().values()].filter((p) => p.trainable);
    // Parameters away from their initial ones and zeros, so that every term matters.
    const values = params.map((p) => ref.randomArr(p.data().shape, rng, 0.5, 1.5));
    gradcheck(name, (xi, ...ps) => {
      params.forEach((p, i) => { (p as unknown as { value: Tensor }).value = ps[i]; });
      return mode(() => layer.forward(xi));
    }, [ref.arr(x.shape, x.toArray()), ...values]);
  }

  it('BatchNorm, training mode, images', () => layerCheck('BatchNorm', new nn.BatchNorm(), [3, 2, 3, 3], autograd.trainMode));
  it('BatchNorm, training mode, dense features (N,C)', () => layerCheck('BatchNorm', new nn.BatchNorm({ epsilon: 1e-3 }), [6, 4], autograd.trainMode));
  it('BatchNorm, prediction mode (running statistics)', () => {
    const layer = new nn.BatchNorm();
    layer.initialize(init.Xavier(), dev());
    autograd.record(() => layer.forward(toTensor(ref.randomArr([4, 3, 2, 2], rng, -1, 3))));  // running stats move away from 0/1
    layerCheck('BatchNorm', layer, [2, 3, 2, 2]);
  });
  it('GlobalAvgPool2D', () => layerCheck('GlobalAvgPool2D', new nn.GlobalAvgPool2D(), [2, 3, 3, 4]));
  for (const kind of ['relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu'] as const) {
    it(`Activation('${kind}')`, () => layerCheck(kind, new nn.Activation(kind), [2, 3, 2, 2]));
  }
  it('LeakyReLU(0.2), ELU(0.7), GELU()', () => {
    layerCheck('LeakyReLU', new nn.LeakyReLU(0.2), [3, 7]);
    layerCheck('ELU', new nn.ELU(0.7), [3, 7]);
    layerCheck('GELU', new nn.GELU(), [3, 7]);
  });
  it('a Conv2D-BatchNorm-Activation-GlobalAvgPool2D network, training mode', () => {
    const net = new nn.Sequential();
    // No biases before the BatchNorms: their gradient is zero in exact arithmetic.
    net.add(new nn.Conv2D(3, 3, { padding: 1, useBias: false }), new nn.BatchNorm(), new nn.Activation('elu'),
      new nn.GlobalAvgPool2D(), new nn.Flatten(), new nn.Dense(4, { useBias: false }), new nn.BatchNorm(), new nn.GELU());
    layerCheck('network', net, [4, 2, 4, 4], autograd.trainMode);
  });
});

// ---------------------------------------------------------------------------------------------
// The layers: names, modes, state

forEachDevice('BatchNorm, GlobalAvgPool2D and activation layers', () => {
  function smallNet(): nn.Sequential {
    const net = new nn.Sequential();
    net.add(new nn.Conv2D(4, 3, { padding: 1 }), new nn.BatchNorm(), new nn.Activation('relu'),
      new nn.GlobalAvgPool2D(), new nn.Dense(6), new nn.BatchNorm(), new nn.LeakyReLU(), new nn.Dense(3));
    random.seed(1);
    net.initialize(init.Xavier(), dev());
    return net;
  }
  const batch = (n = 5, seed = 2) => toTensor(ref.randomArr([n, 2, 6, 6], new ref.Rng(seed), -1, 2));

  it('names layers and parameters as Gluon; running statistics are state, not trainable', () => {
    const net = smallNet();
    assert.deepEqual(net.children().map((b) => b.name),
      ['conv0', 'batchnorm0', 'relu0', 'pool0', 'dense0', 'batchnorm1', 'leakyrelu0', 'dense1']);
    autograd.pause(() => net.forward(batch()));
    const params = net.collectParams();
    assert.deepEqual([...params.keys()].filter((k) => k.startsWith('batchnorm0')),
      ['batchnorm0.gamma', 'batchnorm0.beta', 'batchnorm0.running_mean', 'batchnorm0.running_var']);
    assert.deepEqual([...params.values()].filter((p) => !p.trainable).map((p) => p.name),
      ['batchnorm0.running_mean', 'batchnorm0.running_var', 'batchnorm1.running_mean', 'batchnorm1.running_var']);
    assert.equal(params.get('batchnorm1.running_var')!.gradReq, 'null');
    assert.equal(params.get('batchnorm1.gamma')!.gradReq, 'write');
    assert.deepEqual([...params.get('batchnorm0.gamma')!.data().toArray()], [1, 1, 1, 1]);
    assert.deepEqual([...params.get('batchnorm0.beta')!.data().toArray()], [0, 0, 0, 0]);
    assert.deepEqual([...params.get('batchnorm1.running_mean')!.data().toArray()], [0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...params.get('batchnorm1.running_var')!.data().toArray()], [1, 1, 1, 1, 1, 1]);
    assert.throws(() => params.get('batchnorm0.running_mean')!.grad(), /batchnorm0\.running_mean: not trainable/);
    assert.equal(String(net.get(1)), 'BatchNorm(axis=1, eps=1e-05, momentum=0.9, in_channels=4)');
    assert.equal(String(new nn.Activation('gelu')), 'Activation(gelu)');
    assert.equal(String(new nn.ELU()), 'ELU(alpha=1)');
    assert.match(net.summary([1, 2, 6, 6]).text, /Trainable parameters: 147\nNon-trainable parameters: 20\n/);
  });

  it('training mode updates the running statistics (Gluon momentum); prediction uses them and leaves them', () => {
    const layer = new nn.BatchNorm({ momentum: 0.7 });
    layer.initialize(init.Xavier(), dev());
    const x = ref.randomArr([6, 3, 2, 2], new ref.Rng(4), -1, 3);
    const stats = refx.channelStats(x);
    autograd.record(() => layer.forward(toTensor(x)));
    const M = stats.count;
    ref.assertClose(layer.runningMean.data().toArray(), Array.from(stats.mean, (m) => 0.3 * m), { ...F32, name: 'running mean' });
    ref.assertClose(layer.runningVar.data().toArray(), Array.from(stats.variance, (v) => 0.7 + 0.3 * v * M / (M - 1)),
      { ...F32, name: 'running var' });
    const before = [layer.runningMean.data().toArray(), layer.runningVar.data().toArray()];
    const y = layer.predict(toTensor(x));
    assert.deepEqual([layer.runningMean.data().toArray(), layer.runningVar.data().toArray()], before);
    const rm = toArr(layer.runningMean.data());
    const rv = toArr(layer.runningVar.data());
    const ones = ref.arr([3], [1, 1, 1]);
    ref.assertClose(y.toArray(), refx.batchNormInfer(x, ones, ref.arr([3]), rm, rv, 1e-5).data, { ...F32, name: 'predict' });
  });

  it('saveParameters includes the running statistics and loadParameters restores them', () => {
    const net = smallNet();
    autograd.record(() => net.forward(batch()));
    const file = path.join(tempDir('bn-'), 'net.safetensors');
    net.saveParameters(file);
    const { tensors } = readSafetensorsHeader(file);
    assert.deepEqual([...tensors.keys()].sort(), [...net.collectParams().keys()].sort());
    for (const name of ['batchnorm0.running_mean', 'batchnorm0.running_var', 'batchnorm1.running_mean', 'batchnorm1.running_var']) {
      assert.deepEqual(tensors.get(name)?.shape, [name.startsWith('batchnorm0') ? 4 : 6], `${name} saved`);
    }
    const copy = smallNet();
    copy.loadParameters(file);
    for (const [name, p] of net.collectParams()) {
      assert.deepEqual(copy.collectParams().get(name)!.data().toArray(), p.data().toArray(), name);
    }
    assert.ok(copy.collectParams().get('batchnorm0.running_var')!.data().grad === null, 'state stays without gradient');
    const X = batch(3, 9);
    assert.deepEqual(copy.predict(X).toArray(), net.predict(X).toArray());
  });

  it('Trainer steps the weights, gamma and beta, but never the running statistics', () => {
    const net = smallNet();
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 });
    const X = batch();
    const labels = Tensor.fromArray([0, 1, 2, 0, 1], undefined, dev());
    const l = autograd.record(() => ops.softmaxCrossEntropy(net.forward(X), labels));
    l.backward();
    const snapshot = () => new Map([...net.collectParams()].map(([k, p]) => [k, p.data().toArray()]));
    const before = snapshot();
    trainer.step(5);
    const after = snapshot();
    // (A bias right before a BatchNorm has a zero gradient in exact arithmetic, so biases are not checked.)
    for (const [name, values] of before) {
      if (name.endsWith('.bias')) continue;
      const moved = !values.every((v, i) => v === after.get(name)![i]);
      assert.equal(moved, !name.includes('running'), `${name} ${moved ? 'changed' : 'did not change'}`);
    }
  });

  it('GlobalAvgPool2D then Flatten in a Sequential: the view does not free the pooling output before its backward', () => {
    const net = new nn.Sequential();
    net.add(new nn.Conv2D(3, 3), new nn.GlobalAvgPool2D(), new nn.Flatten(), new nn.Dense(2));
    net.initialize(init.Xavier(), dev());
    const y = autograd.record(() => net.forward(batch(2)));
    y.backward();
    assert.ok(net.collectParams().get('conv0.weight')!.grad().toArray().some((v) => v !== 0));
  });

  it('GlobalAvgPool2D averages each feature map to (N,C,1,1)', () => {
    const x = ref.randomArr([2, 3, 4, 5], new ref.Rng(6));
    const y = new nn.GlobalAvgPool2D().forward(toTensor(x));
    assert.deepEqual(y.shape, [2, 3, 1, 1]);
    const means = Array.from({ length: 6 }, (_, i) => ref.sum(ref.arr([20], x.data.subarray(i * 20, i * 20 + 20))) / 20);
    ref.assertClose(y.toArray(), means, { ...F32, name: 'y' });
    assert.throws(() => new nn.GlobalAvgPool2D().forward(Tensor.ones([2, 3], dev())), /^RangeError: pool0: expected a 4-d x/);
  });

  it('checks options and channels', () => {
    assert.throws(() => new nn.BatchNorm({ momentum: -0.1 }), /^RangeError: BatchNorm: expected a number in \[0, 1\] for momentum/);
    assert.throws(() => new nn.BatchNorm({ epsilon: 0 }), /^RangeError: BatchNorm: expected a positive number for epsilon/);
    assert.throws(() => new nn.Activation('softmax' as never),
      /^RangeError: Activation: expected one of 'relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu' for activation/);
    assert.throws(() => new nn.LeakyReLU(Infinity), /^RangeError: LeakyReLU: expected a finite number for alpha/);
    const bn = new nn.BatchNorm({ inChannels: 3 });
    bn.initialize(init.Xavier(), dev());
    assert.throws(() => bn.forward(Tensor.ones([2, 4], dev())), /^RangeError: batchnorm0: has 3 channels but x \(2,4\) has 4$/);
  });
});
