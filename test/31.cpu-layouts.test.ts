// CPU tensors kept in oneDNN's layouts between ops (native/cpu/layouts.h). A convolution leaves its
// output in nChw16c when that holds the same bytes; batch normalization, pooling and element-wise ops
// then read and write that layout, and every other read (toArray, views, other ops) sees plain data.
// Each chain here runs twice, once as is and once with every intermediate cloned (clone reads plain
// data and writes a plain tensor, and passes gradients back): values and gradients must agree, and
// the first run must really have kept the layout (else the comparison would test nothing).
import { strict as assert } from 'assert';
import { Tensor, autograd, ops } from '../lib';
import { binding } from '../lib/core/binding';

const layout = (t: Tensor): string => binding.tensorLayout(t);

// Deterministic values in [-1, 1).
function filled(shape: number[], seed: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  let s = seed;
  const values = new Float32Array(size).map(() => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
  return Tensor.fromArray(values, shape);
}

// A plain copy that autograd differentiates (an identity).
const plain = (t: Tensor): Tensor => t.clone();
// A 3×3 convolution by the identity (a 1×1 one would take the plain narrow kernels).
const identity3x3 = (c: number): Tensor =>
  Tensor.fromArray(new Float32Array(c * c * 9).map((_, i) => (i % 9 === 4 && Math.floor(i / 9) % (c + 1) === 0 ? 1 : 0)), [c, c, 3, 3]);

function assertClose(actual: Float32Array, expected: Float32Array, what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance * (scale || 1))) {
      assert.fail(`${what}[${i}]: ${actual[i]} but ${expected[i]} with plain tensors`);
    }
  }
}

interface Chain {
  output: Tensor;
  layouts: string[];  // of each intermediate, when kept as is
}

// A residual block's ops: conv → batch norm → relu → conv → + x → relu → max pool → avg pool.
// `between` is applied to each intermediate (identity, or a copy to a plain tensor).
function residualChain(x: Tensor, w1: Tensor, w2: Tensor, between: (t: Tensor) => Tensor): Chain {
  const c = x.shape[1];
  const gamma = filled([c], 5), beta = filled([c], 6);
  const layouts: string[] = [];
  const step = (t: Tensor): Tensor => {
    layouts.push(layout(t));
    return between(t);
  };
  const a = step(ops.conv2d(x, w1, null, { padding: 1 }));
  const b = step(ops.batchNorm(a, gamma, beta, Tensor.zeros([c]), Tensor.ones([c]), { training: true }));
  const r = step(ops.relu(b));
  const d = step(ops.conv2d(r, w2, null, { padding: 1 }));
  const sum = step(ops.add(d, x));
  const out = step(ops.relu(sum));
  const pooled = step(ops.pool2d('max', out, [3, 3], [2, 2], [1, 1]));
  const output = ops.pool2d('avg', pooled, [2, 2], [2, 2]);
  return { output, layouts };
}

describe('31 CPU tensors kept in oneDNN layouts', () => {
  const shape = [2, 16, 8, 8];

  it('a residual chain keeps nChw16c from op to op, with the values and gradients of plain tensors', () => {
    const inputs = () => [filled(shape, 1), filled([16, 16, 3, 3], 2), filled([16, 16, 3, 3], 3)];
    const run = (between: (t: Tensor) => Tensor) => {
      const leaves = inputs();
      leaves.forEach((t) => t.attachGrad());
      const chain = autograd.record(() => {
        const [x, w1, w2] = leaves;
        // The input itself in a kept layout too: the output of a convolution by the identity.
        const xKept = between(ops.conv2d(x, identity3x3(16), null, { padding: 1 }));
        return residualChain(xKept, w1, w2, between);
      });
      chain.output.backward(filled(chain.output.shape, 4));
      return { chain, grads: leaves.map((t) => t.grad!.toArray()) };
    };
    const kept = run((t) => t);
    const reference = run(plain);
    assert.deepEqual(kept.chain.layouts, ['nChw16c', 'nChw16c', 'nChw16c', 'nChw16c', 'nChw16c', 'nChw16c', 'nChw16c']);
    assert.deepEqual(reference.chain.layouts, ['nChw16c', 'plain', 'plain', 'nChw16c', 'plain', 'plain', 'plain']);
    assertClose(kept.chain.output.toArray(), reference.chain.output.toArray(), 'output');
    ['x', 'w1', 'w2'].forEach((name, i) => assertClose(kept.grads[i], reference.grads[i], `gradient of ${name}`));
  });

  it('convolutions with a fused activation pass the layout on, forward and backward', () => {
    const run = (between: (t: Tensor) => Tensor) => {
      const leaves = [filled(shape, 15), filled([32, 16, 3, 3], 16), filled([32, 32, 3, 3], 17)];
      leaves.forEach((t) => t.attachGrad());
      const layouts: string[] = [];
      const y = autograd.record(() => {
        const [x, w1, w2] = leaves;
        const a = ops.conv2d(x, w1, null, { padding: 1, activation: 'relu' });
        layouts.push(layout(a));
        const b = ops.conv2d(between(a), w2, null, { padding: 1, activation: 'sigmoid' });
        layouts.push(layout(b));
        return ops.pool2d('max', between(b), [2, 2], [2, 2]);
      });
      y.backward(filled(y.shape, 18));
      return { y: y.toArray(), layouts, grads: leaves.map((t) => t.grad!.toArray()) };
    };
    const kept = run((t) => t), reference = run(plain);
    assert.deepEqual(kept.layouts, ['nChw16c', 'nChw16c']);
    assertClose(kept.y, reference.y, 'output');
    ['x', 'w1', 'w2'].forEach((name, i) => assertClose(kept.grads[i], reference.grads[i], `gradient of ${name}`));
  });

  it('other reads see plain data: toArray, a reshape view, a broadcast add, a slice', () => {
    const x = filled(shape, 7), w = filled([16, 16, 3, 3], 8);
    const expected = ops.conv2d(x, w, null, { padding: 1 }).toArray();  // toArray: plain
    const fresh = () => {
      const y = ops.conv2d(x, w, null, { padding: 1 });
      assert.equal(layout(y), 'nChw16c');
      return y;
    };
    assertClose(fresh().toArray(), expected, 'toArray');
    assertClose(fresh().reshape([2, 16 * 64]).toArray(), expected, 'reshape view');
    const bias = filled([1, 16, 1, 1], 9);
    const withBias = ops.add(fresh(), bias).toArray();
    const plainWithBias = ops.add(Tensor.fromArray(expected, shape), bias).toArray();
    assertClose(withBias, plainWithBias, 'broadcast add');
    const slice = ops.slice(fresh(), [0, 0, 0, 0], [1, 16, 8, 8]).toArray();
    assertClose(slice, expected.subarray(0, 16 * 64), 'slice');
  });

  it('an element-wise op on one kept and one plain operand gives plain values', () => {
    const x = filled(shape, 10), w = filled([16, 16, 3, 3], 11);
    const conv = () => ops.conv2d(x, w, null, { padding: 1 });
    const other = filled(shape, 12);
    const sum = ops.add(conv(), other);
    assert.equal(layout(sum), 'plain');
    const expected = ops.add(Tensor.fromArray(conv().toArray(), shape), other);
    assertClose(sum.toArray(), expected.toArray(), 'mixed add');
  });

  it('channels that nChw16c would pad (24) stay plain', () => {
    const y = ops.conv2d(filled([2, 16, 6, 6], 13), filled([24, 16, 3, 3], 14), null);
    assert.equal(layout(y), 'plain');
  });
});
