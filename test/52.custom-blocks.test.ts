// Custom nn.Block subclasses as a Gluon user writes them: children named per parent, parameter
// names equal to their collectParams keys, several inputs, a user's recordOp whose backward reuses
// dy, and a residual block built from ops whose gradient and training are checked.
import { strict as assert } from 'assert';
import { Tensor, Trainer, autograd, init, memoryInfo, nn, ops, random } from '../lib';
import { dev, forEachDevice, tempDir } from './helpers';
import * as path from 'path';

/** conv → bn → relu → conv → bn, plus the input, then relu: ResNet's basic block, from ops. */
class Residual extends nn.Block {
  conv1 = new nn.Conv2D(2, 3, { padding: 1, inChannels: 2 });
  bn1 = new nn.BatchNorm({ inChannels: 2 });
  conv2 = new nn.Conv2D(2, 3, { padding: 1, inChannels: 2 });
  bn2 = new nn.BatchNorm({ inChannels: 2 });
  constructor() {
    super('residual');
  }
  forward(x: Tensor): Tensor {
    const h = ops.relu(this.bn1.forward(this.conv1.forward(x)));
    return ops.relu(ops.add(this.bn2.forward(this.conv2.forward(h)), x));
  }
  describe(): string {
    return 'Residual';
  }
}

/** The trap as reported: two Conv2D children returned by an overriding children(). */
class TwoConvs extends nn.Block {
  private readonly a = new nn.Conv2D(3, 1);
  private readonly b = new nn.Conv2D(3, 1);
  private readonly parts = [this.a, this.b];
  constructor() {
    super('twoconvs');
  }
  children(): nn.Block[] {
    return this.parts;
  }
  forward(x: Tensor): Tensor {
    return this.b.forward(this.a.forward(x));
  }
  describe(): string {
    return 'TwoConvs';
  }
}

/** Two inputs: a·W1 + b·W2. */
class Mix extends nn.Block<[Tensor, Tensor]> {
  left: nn.Dense;
  right: nn.Dense;
  constructor() {
    super('mix');
    this.left = this.registerChild(new nn.Dense(2, { inUnits: 3 }), 'left');
    this.right = this.registerChild(new nn.Dense(2, { inUnits: 3, useBias: false }), 'right');
  }
  forward(a: Tensor, b: Tensor): Tensor {
    return ops.add(this.left.forward(a), this.right.forward(b));
  }
  describe(): string {
    return 'Mix';
  }
}

/** a + b as a user's op, whose backward hands the same dy to both inputs (add's gradient). */
function userAdd(a: Tensor, b: Tensor): Tensor {
  const y = autograd.pause(() => ops.add(a, b));
  autograd.recordOp('userAdd', y, [a, b], (dy) => [dy, dy]);
  return y;
}

/** The identity as a user's op whose backward returns dy itself. */
function userIdentity(x: Tensor): Tensor {
  const y = autograd.pause(() => ops.multiply(x, 1));
  autograd.recordOp('userIdentity', y, [x], (dy) => [dy]);
  return y;
}

const keysEqualNames = (net: nn.Block): void => {
  for (const [key, p] of net.collectParams()) assert.equal(p.name, key);
};

describe('custom blocks: names', () => {
  it('names children per parent and per prefix, in field order, the same on every run', () => {
    const build = () => {
      const net = new nn.Sequential();
      net.add(new nn.Conv2D(2, 1, { inChannels: 2 }), new Residual(), new Residual(), new nn.Dense(3));
      return net;
    };
    const net = build();
    assert.deepEqual(net.children().map((b) => b.name), ['conv0', 'residual0', 'residual1', 'dense0']);
    assert.deepEqual(net.get(1).children().map((b) => b.name), ['conv0', 'batchnorm0', 'conv1', 'batchnorm1']);
    const keys = [...net.collectParams().keys()];
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.includes('residual0.conv1.weight') && keys.includes('residual1.batchnorm1.running_var'), keys.join(' '));
    assert.deepEqual([...build().collectParams().keys()], keys);
    keysEqualNames(net);
    assert.equal(net.get(1).qualifiedName(), 'residual0');
    assert.equal(net.get(2).children()[2].qualifiedName(), 'residual1.conv1');
  });

  it("the reported trap: an overriding children()'s two Conv2D get conv0 and conv1, and both train", () => {
    const block = new TwoConvs();
    block.initialize(init.Xavier());
    assert.deepEqual([...block.collectParams().keys()], ['conv0.weight', 'conv0.bias', 'conv1.weight', 'conv1.bias']);
    keysEqualNames(block);
    const y = block.forward(Tensor.ones([1, 1, 2, 2]));  // before the fix: "conv0.weight: not initialized"
    assert.deepEqual(y.shape, [1, 3, 2, 2]);
  });

  it('takes explicit names and refuses a duplicate one, naming the parent and the name', () => {
    const mix = new Mix();
    assert.deepEqual([...mix.collectParams().keys()], ['left.weight', 'left.bias', 'right.weight']);
    const net = new nn.Sequential();
    net.addNamed('stem', new nn.Dense(2)).add(new nn.Dense(2));
    assert.deepEqual(net.children().map((b) => b.name), ['stem', 'dense0']);
    assert.throws(() => net.addNamed('stem', new nn.Dense(2)),
      (e: Error & { code?: string }) => e.code === 'NC_ARGUMENT' && /already has a child named stem \(Dense\)/.test(e.message));
    assert.throws(() => mix.registerChild(new nn.Dense(1), 'left'), /mix0\.registerChild: mix0 already has a child named left/);
    assert.throws(() => mix.registerChild(new nn.Dense(1), 'a.b'), (e: Error & { code?: string }) => e.code === 'NC_ARGUMENT' && /without dots/.test(e.message));
    assert.throws(() => mix.registerChild(mix), /cannot be a child of itself/);
    // Renaming keeps names unique too.
    assert.throws(() => net.get(1).setName('stem'), /already has a child named stem/);
    net.get(1).setName('head');
    assert.deepEqual([...net.collectParams().keys()], ['stem.weight', 'stem.bias', 'head.weight', 'head.bias']);
    net.get(1).name = 'tail';  // assigning the name is setName: the parameters follow
    assert.deepEqual([...net.collectParams().keys()], ['stem.weight', 'stem.bias', 'tail.weight', 'tail.bias']);
    keysEqualNames(net);
  });

  it('a block added twice is shared: one name, its parameters once', () => {
    const shared = new nn.Dense(4, { inUnits: 4 });
    const net = new nn.Sequential();
    net.add(shared, new nn.Activation('relu'), shared);
    assert.deepEqual([...net.collectParams().keys()], ['dense0.weight', 'dense0.bias']);
    net.initialize();
    assert.deepEqual(net.forward(Tensor.ones([1, 4])).shape, [1, 4]);
  });

  it('a nested block renames its parameters when it joins a parent; saved files load into a same-built net', () => {
    const r = new Residual();
    assert.equal(r.collectParams().keys().next().value, 'conv0.weight');
    const net = new nn.Sequential();
    net.add(r);
    assert.equal(r.collectParams().keys().next().value, 'residual0.conv0.weight');
    keysEqualNames(net);
    net.initialize(init.Xavier());
    const file = path.join(tempDir('blocks-'), 'res.safetensors');
    net.saveParameters(file);
    const again = new nn.Sequential();
    again.add(new Residual());
    again.initialize();
    again.loadParameters(file);
    assert.deepEqual(again.collectParams().get('residual0.conv1.weight')!.data().toArray(),
      net.collectParams().get('residual0.conv1.weight')!.data().toArray());
    // Children named otherwise than in the file: a clear message, with the way to match names.
    const other = new nn.Sequential();
    other.addNamed('block', new Residual());
    other.initialize();
    assert.throws(() => other.loadParameters(file), (e: Error & { code?: string }) => e.code === 'NC_FILE' &&
      /block\.conv0\.weight: missing in the file/.test(e.message) && /registerChild\(block, name\)/.test(e.message));
  });

  it('keeps the names files were saved under by nested Sequentials (keys as before; names now equal them)', () => {
    const inner = new nn.Sequential();
    inner.add(new nn.Conv2D(4, 3), new nn.BatchNorm(), new nn.Activation('relu'));
    const net = new nn.Sequential();
    net.add(new nn.Conv2D(4, 3), inner, new nn.Flatten(), new nn.Dense(3));
    // The keys the library gave before children were named per parent (checked against that version).
    assert.deepEqual([...net.collectParams().keys()], ['conv0.weight', 'conv0.bias', 'sequential0.conv0.weight',
      'sequential0.conv0.bias', 'sequential0.batchnorm0.gamma', 'sequential0.batchnorm0.beta',
      'sequential0.batchnorm0.running_mean', 'sequential0.batchnorm0.running_var', 'dense0.weight', 'dense0.bias']);
    keysEqualNames(net);
    // A Trainer given an array names parameters by p.name: no two are called conv0.weight any more.
    const t = new Trainer([...net.collectParams().values()].filter((p) => p.trainable), 'sgd', { learningRate: 0.1 });
    assert.equal(t.parameters.size, 8);
  });

  it('a block with several inputs: forward(a, b) and predict(a, b); a Sequential refuses it at compile time', () => {
    const mix = new Mix();
    mix.initialize(init.Xavier());
    const a = Tensor.ones([4, 3]);
    const b = Tensor.full([4, 3], 2);
    const y = mix.predict(a, b);
    assert.deepEqual(y.shape, [4, 2]);
    const net = new nn.Sequential();
    // @ts-expect-error a two-input block cannot be chained
    net.add(mix);
    // @ts-expect-error forward needs both inputs
    assert.throws(() => mix.forward(a));
  });

  it('summary lists a custom block as one row; toString shows its children', () => {
    const net = new nn.Sequential();
    net.add(new Residual(), new nn.GlobalAvgPool2D(), new nn.Dense(3));
    net.initialize(init.Xavier());
    const s = net.summary([2, 2, 4, 4]);
    assert.deepEqual(s.rows.map((r) => [r.name, r.type]), [['residual0', 'Residual'], ['pool0', 'GlobalAvgPool2D'], ['dense0', 'Dense']]);
    assert.match(net.toString(), /Residual\(\n\s+\(0\): Conv2D/);
  });
});

forEachDevice('custom blocks: autograd', () => {
  it("a user's recordOp whose backward returns the same dy for both inputs (add's gradient)", () => {
    const a = Tensor.fromArray([1, 2, 3], [3], dev());
    const b = Tensor.fromArray([4, 5, 6], [3], dev());
    a.attachGrad();
    b.attachGrad();
    const w = Tensor.fromArray([1, -2, 3], [3], dev());
    const l = autograd.record(() => ops.sum(ops.multiply(userAdd(a, b), w)));
    l.backward();
    assert.deepEqual(a.grad!.toArray(), Float32Array.from([1, -2, 3]));
    assert.deepEqual(b.grad!.toArray(), Float32Array.from([1, -2, 3]));
  });

  it('a tensor used twice (x + x), chains of ops returning dy, and a caller-owned head gradient', () => {
    const x = Tensor.fromArray([1, 2], [2], dev());
    x.attachGrad();
    const c = Tensor.fromArray([3, 4], [2], dev());
    c.attachGrad();
    // z = id(id(x + x) + c) + x: dz/dx = 3, dz/dc = 1.
    const z = autograd.record(() => userAdd(userIdentity(userAdd(userIdentity(userAdd(x, x)), c)), x));
    const head = Tensor.fromArray([1, 10], [2], dev());
    z.backward(head);
    assert.deepEqual(x.grad!.toArray(), Float32Array.from([3, 30]));
    assert.deepEqual(c.grad!.toArray(), Float32Array.from([1, 10]));
    assert.deepEqual(head.toArray(), Float32Array.from([1, 10]), 'the caller\'s head gradient is neither freed nor changed');
    // The head itself handed straight to a leaf.
    const y = autograd.record(() => userIdentity(x));
    y.backward(head);
    assert.deepEqual(x.grad!.toArray(), Float32Array.from([1, 10]));
    assert.deepEqual(head.toArray(), Float32Array.from([1, 10]));
  });

  it("a residual block from ops: the input's and a weight's gradients match central differences", () => {
    random.seed(3);
    const block = new Residual();
    block.initialize(init.Xavier(), dev());
    const x = Tensor.fromArray(Float32Array.from({ length: 32 }, (_, i) => Math.sin(1.3 * i + 0.2)), [2, 2, 2, 4], dev());
    const r = Float32Array.from({ length: 32 }, (_, i) => Math.cos(0.7 * i));
    const rT = Tensor.fromArray(r, [2, 2, 2, 4], dev());
    const objective = (input: Tensor): number => {
      // Training mode without recording: batch statistics, as in the recorded pass.
      const out = autograd.pause(() => block.forward(input), true).toArray();
      let s = 0;
      for (let i = 0; i < r.length; i++) s += r[i] * out[i];
      return s;
    };
    x.attachGrad();
    const y = autograd.record(() => block.forward(x));
    y.backward(rT);
    const weight = block.collectParams().get('conv1.weight')!;
    const h = 1e-2;
    const check = (name: string, values: Float32Array, analytic: Float32Array, evaluate: (v: Float32Array) => number) => {
      const numeric = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const probe = Float32Array.from(values);
        probe[i] = values[i] + h;
        const up = evaluate(probe);
        probe[i] = values[i] - h;
        numeric[i] = (up - evaluate(probe)) / (2 * h);
      }
      const scale = Math.max(...numeric.map(Math.abs));
      const err = Math.max(...numeric.map((n, i) => Math.abs(n - analytic[i]))) / scale;
      assert.ok(err < 2e-2, `${name}: gradient error ${err.toExponential(2)}`);
    };
    check('x', x.toArray(), x.grad!.toArray(), (v) => objective(Tensor.fromArray(v, x.shape, dev())));
    const w0 = weight.data().toArray();
    const wGrad = weight.grad().toArray();
    check('conv1.weight', w0, wGrad, (v) => {
      weight.setData(v);
      return objective(x);
    });
    weight.setData(w0);
  });

  it('a network of residual blocks trains: the loss goes down', () => {
    random.seed(7);
    const net = new nn.Sequential();
    net.add(new nn.Conv2D(2, 1, { inChannels: 1 }), new Residual(), new Residual(), new nn.GlobalAvgPool2D(), new nn.Dense(2));
    net.initialize(init.Xavier(), dev());
    const n = 16;
    // Class 1: a bright left half; class 0: a bright right half.
    const xs = new Float32Array(n * 16);
    const labels = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      labels[k] = k % 2;
      for (let i = 0; i < 16; i++) xs[k * 16 + i] = ((i % 4 < 2) === (k % 2 === 1) ? 1 : 0) + 0.1 * Math.sin(k + i);
    }
    const X = Tensor.fromArray(xs, [n, 1, 4, 4], dev());
    const y = Tensor.fromArray(labels, [n], dev());
    const lossFn = { forward: (a: Tensor, b: Tensor) => ops.softmaxCrossEntropy(a, b) };
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 });
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const l = autograd.record(() => lossFn.forward(net.forward(X), y));
      l.backward();
      trainer.step(n);
      losses.push(autograd.pause(() => ops.mean(l)).item());
    }
    assert.ok(losses[7] < 0.7 * losses[0], `losses ${losses.map((v) => v.toFixed(3)).join(' ')}`);
  });

  it('a nested Sequential ending in a view (Flatten): backward runs and frees every intermediate', () => {
    // The outer container marks the view for release; its storage is pooling's output, which
    // pooling's backward reads after the view's: it must be freed after both, not at the view.
    const net = new nn.Sequential().add(
      new nn.Sequential().add(new nn.Conv2D(4, 3), new nn.GlobalAvgPool2D(), new nn.Flatten()), new nn.Dense(10));
    net.initialize(init.Xavier(), dev());
    const X = Tensor.zeros([2, 1, 8, 8], dev()), y = Tensor.zeros([2], dev());
    const live = () => memoryInfo(dev()).liveBuffers;
    let after = 0;
    for (let i = 0; i < 4; i++) {
      let yHat: Tensor | undefined;
      const l = autograd.record(() => ops.softmaxCrossEntropy((yHat = net.forward(X)), y));
      l.backward();
      l.dispose();
      yHat!.dispose();  // the network's output is the caller's
      if (i === 0) after = live();  // the first step also allocates what is kept (gradient buffers)
      assert.equal(live(), after, `step ${i}: intermediate results were left alive`);
    }
  });
});
