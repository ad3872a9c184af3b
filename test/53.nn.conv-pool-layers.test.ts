// Issue 15's layer options and layers: Conv2D's dilation and groups (depthwise), the pooling layers'
// ceilMode and countIncludePad, GlobalMaxPool2D, Identity and LayerNorm: output shapes (against
// PyTorch's, checked once with torch 1.13), parameter counts, option errors, and LayerNorm's values
// and gradients. (The ops themselves are in the op table, test/ops/conv.ts and pool.ts.)
import { strict as assert } from 'assert';
import { Tensor, autograd, nn } from '../lib';
import * as ref from './reference';
import { F32, dev, forEachDevice, toArr, toTensor } from './helpers';
import { gradcheck } from './gradcheck';

const count = (net: nn.Block): number =>
  [...net.collectParams().values()].reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);

forEachDevice('53 Conv2D dilation/groups, pooling modes, GlobalMaxPool2D, Identity, LayerNorm', () => {
  const zeros = (shape: number[]) => Tensor.zeros(shape, dev());
  const run = (layer: nn.Block, shape: number[]): number[] => {
    layer.initialize(undefined, dev());
    return [...layer.forward(zeros(shape)).shape];
  };

  it('Conv2D: output shapes with dilation and groups (as torch.nn.Conv2d), weight shapes and counts', () => {
    // [options, input, expected output, weight] — outputs printed by PyTorch 1.13 for the same arguments
    const cases: [nn.Conv2DOptions & { c: number; k: number }, number[], number[], number[]][] = [
      [{ c: 8, k: 3, dilation: 2 }, [2, 3, 11, 11], [2, 8, 7, 7], [8, 3, 3, 3]],
      [{ c: 8, k: 3, dilation: [2, 3], padding: [1, 2], strides: 2 }, [1, 3, 12, 13], [1, 8, 5, 6], [8, 3, 3, 3]],
      [{ c: 6, k: 3, groups: 6, padding: 1 }, [2, 6, 9, 9], [2, 6, 9, 9], [6, 1, 3, 3]],
      [{ c: 12, k: 3, groups: 4, padding: 1, strides: 2 }, [2, 8, 9, 9], [2, 12, 5, 5], [12, 2, 3, 3]],
      [{ c: 4, k: 5, groups: 2, dilation: 2, padding: 4 }, [1, 4, 7, 7], [1, 4, 7, 7], [4, 2, 5, 5]],
    ];
    for (const [{ c, k, ...options }, input, output, weight] of cases) {
      const layer = new nn.Conv2D(c, k, options);
      assert.deepEqual(run(layer, input), output, JSON.stringify(options));
      assert.deepEqual(layer.weight.shape, weight);
      assert.equal(count(layer), weight.reduce((a, b) => a * b, 1) + c);
    }
    const depthwise = new nn.Conv2D(32, 3, { groups: 32, inChannels: 32, useBias: false });
    assert.deepEqual(depthwise.weight.shape, [32, 1, 3, 3]);
    assert.equal(count(depthwise), 288);
    assert.match(depthwise.describe(), /^Conv2D\(32 -> 32, kernel_size=\(3,3\), stride=\(1,1\), padding=\(0,0\), groups=32\)$/);
  });

  it('Conv2D: groups that do not divide the channels, bad dilation', () => {
    assert.throws(() => new nn.Conv2D(6, 3, { groups: 4 }), /^RangeError: conv0: groups 4 must divide both the input channels \(not yet known\) and the output channels \(6\)$/);
    assert.throws(() => new nn.Conv2D(4, 3, { groups: 2, inChannels: 3 }), /groups 2 must divide both the input channels \(3\)/);
    assert.throws(() => run(new nn.Conv2D(4, 3, { groups: 2 }), [1, 3, 5, 5]), /groups 2 must divide both the input channels \(3\)/);
    assert.throws(() => new nn.Conv2D(4, 3, { dilation: 0 }), /^RangeError: Conv2D: expected a positive integer for dilation but received 0/);
    assert.throws(() => new nn.Conv2D(4, 3, { groups: 1.5 }), /Conv2D: expected a positive integer for groups/);
  });

  it('pooling layers: ceilMode and countIncludePad shapes (as torch.nn.MaxPool2d/AvgPool2d) and values', () => {
    // [window, stride, padding, input, floor output, ceil output]
    const cases: [number, number, number, number[], number[], number[]][] = [
      [2, 2, 0, [1, 2, 7, 7], [1, 2, 3, 3], [1, 2, 4, 4]],
      [3, 2, 0, [1, 1, 10, 9], [1, 1, 4, 4], [1, 1, 5, 4]],
      [2, 2, 1, [1, 1, 5, 6], [1, 1, 3, 4], [1, 1, 3, 4]],  // ceil's last window would start in the padding
      [3, 3, 1, [2, 1, 8, 7], [2, 1, 3, 3], [2, 1, 3, 3]],
      [3, 2, 1, [1, 1, 6, 6], [1, 1, 3, 3], [1, 1, 4, 4]],
    ];
    for (const [k, s, p, input, floor, ceil] of cases) {
      assert.deepEqual(run(new nn.MaxPool2D(k, s, p), input), floor);
      assert.deepEqual(run(new nn.MaxPool2D(k, s, p, { ceilMode: true }), input), ceil);
      assert.deepEqual(run(new nn.AvgPool2D(k, s, p, { ceilMode: true, countIncludePad: false }), input), ceil);
    }
    // A 3x3 average with padding 1 over ones: corners count 4 of 9 cells when padding counts, 1 otherwise.
    const ones = Tensor.ones([1, 1, 3, 3], dev());
    assert.deepEqual([...new nn.AvgPool2D(3, 1, 1).forward(ones).toArray()].map((v) => Math.round(v * 9)), [4, 6, 4, 6, 9, 6, 4, 6, 4]);
    assert.deepEqual([...new nn.AvgPool2D(3, 1, 1, { countIncludePad: false }).forward(ones).toArray()], Array(9).fill(1));
    // Ceil mode: the last window of a 5-wide row holds one cell, averaged over itself, not over the window.
    const row = toTensor(ref.arr([1, 1, 1, 5], [1, 2, 3, 4, 5]));
    assert.deepEqual([...new nn.AvgPool2D([1, 2], [1, 2], 0, { ceilMode: true }).forward(row).toArray()], [1.5, 3.5, 5]);
    assert.deepEqual([...new nn.MaxPool2D([1, 2], [1, 2], 0, { ceilMode: true }).forward(row).toArray()], [2, 4, 5]);
    assert.equal(new nn.AvgPool2D(3, 2, 1, { ceilMode: true, countIncludePad: false }).describe(),
      'AvgPool2D(size=(3,3), stride=(2,2), padding=(1,1), ceil_mode=True, count_include_pad=False)');
    assert.throws(() => new nn.MaxPool2D(2, 2, 0, { countIncludePad: false } as never), /^TypeError: MaxPool2D: unknown option 'countIncludePad'/);
    assert.throws(() => new nn.AvgPool2D(2, 2, 0, { ceilMode: 'yes' as never }), /^TypeError: AvgPool2D: expected a boolean for ceilMode/);
  });

  it('GlobalMaxPool2D: (N,C,H,W) -> (N,C,1,1), the maximum, its gradient to the first maximum', () => {
    const x = toTensor(ref.arr([1, 2, 2, 2], [1, 5, 5, 2, -1, -3, -2, -4]));
    const layer = new nn.GlobalMaxPool2D();
    assert.deepEqual(run(layer, [3, 4, 5, 6]), [3, 4, 1, 1]);
    assert.equal(count(layer), 0);
    x.attachGrad();
    const y = autograd.record(() => layer.forward(x));
    assert.deepEqual([...y.toArray()], [5, -1]);
    y.backward(Tensor.ones([1, 2, 1, 1], dev()));
    assert.deepEqual([...x.grad!.toArray()], [0, 1, 0, 0, 1, 0, 0, 0]);
    assert.equal(layer.describe(), 'GlobalMaxPool2D(size=(1,1))');
    assert.throws(() => layer.forward(zeros([2, 3])), /expected a 4-d x \(N,C,H,W\) but received \(2,3\)/);
  });

  it('Identity: the input itself, gradient passed through', () => {
    const layer = new nn.Identity();
    const x = zeros([2, 3]);
    assert.equal(layer.forward(x), x);
    assert.equal(count(layer), 0);
    const net = new nn.Sequential();
    net.add(new nn.Dense(4, { inUnits: 3 }), new nn.Identity());
    net.initialize(undefined, dev());
    assert.deepEqual([...net.forward(x).shape], [2, 4]);
  });

  it('LayerNorm: values, gradients (gradcheck) and shapes, as torch.nn.LayerNorm', () => {
    const rng = new ref.Rng(5);
    const xa = ref.randomArr([3, 2, 4], rng, -2, 2);
    const layer = new nn.LayerNorm([2, 4]);
    layer.initialize(undefined, dev());
    assert.equal(count(layer), 16);
    const gamma = ref.randomArr([2, 4], rng), beta = ref.randomArr([2, 4], rng);
    layer.gamma.setData(gamma.data);
    layer.beta.setData(beta.data);
    const expected = ref.arr([3, 2, 4]);
    for (let s = 0; s < 3; s++) {
      const v = xa.data.slice(s * 8, s * 8 + 8);
      const mean = v.reduce((a, b) => a + b, 0) / 8, variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / 8;
      for (let i = 0; i < 8; i++) {
        expected.data[s * 8 + i] = (v[i] - mean) / Math.sqrt(variance + 1e-5) * gamma.data[i] + beta.data[i];
      }
    }
    ref.assertClose(toArr(layer.forward(toTensor(xa))).data, expected.data, { ...F32, name: 'layerNorm' });
    // The gradient to x, by central differences (gamma and beta enter by broadcast multiply and add).
    gradcheck('LayerNorm', (x) => layer.forward(x), [xa]);
    assert.deepEqual(run(new nn.LayerNorm(6), [5, 6]), [5, 6]);
    assert.equal(new nn.LayerNorm(6).describe(), 'LayerNorm((6), eps=1e-05)');
    assert.throws(() => new nn.LayerNorm(4).forward(zeros([2, 5])), /expected x ending in \(4\) but received \(2,5\)/);
  });
});
