// The float64 reference is the truth for the native ops, so it is checked here on its own:
// every backward against central finite differences, and the forwards against hand-computed values.
import { strict as assert } from 'assert';
import {
  Arr, Rng, arr, randomArr, clone, gradCheck, assertClose, relativeError,
  conv2d, conv2dBackward, pool2d, pool2dBackward, PoolKind, activation, activationBackward,
  activationBackwardFromOutput, ActivationKind, dense, denseBackward, softmaxCrossEntropy,
  softmaxCrossEntropyBackward, countCorrect, dropout, dropoutBackward, sgdUpdate, sum, mean,
  sumBackward, meanBackward, flatten, flattenBackward, axpby,
} from './reference';

// h = 1e-6 in float64: truncation error ~h² and rounding error ~1e-16/h, both far below this.
const TOL = 1e-6;

/** Random values that are pairwise at least 0.05 apart, so a ±h step never changes a max-pool winner. */
function distinctArr(shape: number[], rng: Rng): Arr {
  const x = arr(shape);
  const n = x.data.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { // Fisher-Yates shuffle
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let i = 0; i < n; i++) x.data[i] = (order[i] - n / 2) * 0.05;
  return x;
}

/** Random values with |x| >= 0.02, away from relu's kink at 0. */
function awayFromZero(shape: number[], rng: Rng): Arr {
  const x = randomArr(shape, rng);
  for (let i = 0; i < x.data.length; i++) x.data[i] += x.data[i] >= 0 ? 0.02 : -0.02;
  return x;
}

function expectGradient(name: string, check: { error: number }): void {
  assert.ok(check.error < TOL, `${name}: relative error ${check.error} exceeds ${TOL}`);
}

describe('reference: helpers', () => {
  it('Rng is deterministic per seed, uniform in [lo,hi), normal roughly standard', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    for (let i = 0; i < 10; i++) assert.equal(a.uniform(), b.uniform());
    assert.notEqual(new Rng(1).uniform(), new Rng(2).uniform());
    const r = new Rng(7);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform(-2, 3);
      assert.ok(u >= -2 && u < 3);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    assert.ok(Math.abs(s / n) < 0.05, `normal mean ${s / n}`);
    assert.ok(Math.abs(s2 / n - 1) < 0.05, `normal variance ${s2 / n}`);
  });

  it('arr copies its data and checks the length', () => {
    const src = [1, 2, 3, 4, 5, 6];
    const x = arr([2, 3], src);
    src[0] = 99;
    assert.equal(x.data[0], 1);
    assert.deepEqual(x.shape, [2, 3]);
    assert.throws(() => arr([2, 2], src), RangeError);
  });

  it('assertClose passes within tolerance and reports name, worst index and values on failure', () => {
    assertClose([1, 2, 3], [1, 2.00001, 3], { atol: 1e-4, rtol: 0, name: 'ok' });
    assert.throws(
      () => assertClose([1, 2, 3.5, 4, NaN], [1, 2, 3, 4.1, 5], { atol: 1e-3, rtol: 0, name: 'conv2d dw', shape: [5] }),
      (e: Error) => {
        assert.ok(e instanceof assert.AssertionError);
        assert.match(e.message, /^conv2d dw: 3 of 5 elements/);
        assert.match(e.message, /worst at index 4 \[4\]: actual NaN, expected 5/); // NaN is the worst
        assert.match(e.message, /\[2\] 3\.500000 vs 3\.000000/);
        return true;
      });
    assert.throws(() => assertClose([1, 2], [1, 2, 3], { name: 'len' }), /len: length 2 differs from expected 3/);
  });
});

describe('reference: forward values computed by hand', () => {
  it('conv2d of a 1x1x3x3 input with a 2x2 kernel is cross-correlation (no flip), plus bias', () => {
    const x = arr([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const w = arr([1, 1, 2, 2], [1, 2, 3, 4]);
    const y = conv2d(x, w, arr([1], [0.5]), [1, 1], [0, 0]);
    assert.deepEqual(y.shape, [1, 1, 2, 2]);
    // y00 = 1*1 + 2*2 + 4*3 + 5*4 = 37, and so on.
    assert.deepEqual([...y.data], [37.5, 47.5, 67.5, 77.5]);
  });

  it('conv2d zero-pads and strides: 3x3 ones kernel, pad 1, stride 1 and 2', () => {
    const x = arr([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const w = arr([1, 1, 3, 3], new Array(9).fill(1));
    // Each output is the sum of the 3x3 neighbourhood that lies inside the image.
    assert.deepEqual([...conv2d(x, w, null, [1, 1], [1, 1]).data], [12, 21, 16, 27, 45, 33, 24, 39, 28]);
    const y = conv2d(x, w, null, [2, 2], [1, 1]);
    assert.deepEqual(y.shape, [1, 1, 2, 2]); // floor((3 + 2 - 3)/2) + 1 = 2
    assert.deepEqual([...y.data], [12, 16, 24, 28]);
  });

  it('conv2d sums over input channels and keeps output channels apart', () => {
    const x = arr([1, 2, 1, 1], [2, 3]);
    const w = arr([2, 2, 1, 1], [10, 100, -1, 1]);
    assert.deepEqual([...conv2d(x, w, arr([2], [1, 2]), [1, 1], [0, 0]).data], [2 * 10 + 3 * 100 + 1, -2 + 3 + 2]);
  });

  it('pool2d: max and avg with stride, and avg counts padding in the divisor', () => {
    const x = arr([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i));
    assert.deepEqual([...pool2d('max', x, [2, 2], [2, 2], [0, 0]).data], [5, 7, 13, 15]);
    assert.deepEqual([...pool2d('avg', x, [2, 2], [2, 2], [0, 0]).data], [2.5, 4.5, 10.5, 12.5]);
    const ones = arr([1, 1, 2, 2], [1, 1, 1, 1]);
    const y = pool2d('avg', ones, [2, 2], [2, 2], [1, 1]);
    assert.deepEqual(y.shape, [1, 1, 2, 2]);
    assert.deepEqual([...y.data], [0.25, 0.25, 0.25, 0.25]); // one real cell of four in each window
    // Max ignores padding even when every real value is negative.
    assert.deepEqual([...pool2d('max', arr([1, 1, 2, 2], [-1, -2, -3, -4]), [2, 2], [2, 2], [1, 1]).data], [-1, -2, -3, -4]);
  });

  it('max-pool backward sends a tie to the first maximum in row-major order', () => {
    const x = arr([1, 1, 2, 2], [1, 1, 1, 1]);
    const dx = pool2dBackward('max', x, arr([1, 1, 1, 1], [3]), [2, 2], [2, 2], [0, 0]);
    assert.deepEqual([...dx.data], [3, 0, 0, 0]);
  });

  it('activations at known points; relu\'(0) = 0', () => {
    const x = arr([4], [-1, 0, 1, 2]);
    assert.deepEqual([...activation('relu', x).data], [0, 0, 1, 2]);
    assert.deepEqual([...activation('none', x).data], [-1, 0, 1, 2]);
    assert.equal(activation('sigmoid', x).data[1], 0.5);
    assert.equal(activation('tanh', x).data[1], 0);
    assert.deepEqual([...activationBackward('relu', x, arr([4], [1, 1, 1, 1])).data], [0, 0, 1, 1]);
    // Sigmoid saturates to exact 0 and 1 instead of NaN.
    assert.deepEqual([...activation('sigmoid', arr([2], [-1000, 1000])).data], [0, 1]);
  });

  it('dense computes x wᵀ + b', () => {
    const x = arr([1, 2], [1, 2]);
    const w = arr([3, 2], [1, 0, 0, 1, 1, 1]);
    assert.deepEqual([...dense(x, w, arr([3], [0, 0, 10])).data], [1, 2, 13]);
    assert.deepEqual(dense(x, w, null).shape, [1, 3]);
  });

  it('softmax cross-entropy: equal logits give ln C; logit 1000 stays finite', () => {
    const C = 7;
    const loss = softmaxCrossEntropy(arr([2, C]), [0, 6]);
    for (const v of loss.data) assert.ok(Math.abs(v - Math.log(C)) < 1e-15);
    const big = arr([2, 3], [1000, 0, -1000, 1000, 0, -1000]);
    const l = softmaxCrossEntropy(big, [0, 1]);
    assert.equal(l.data[0], 0);
    assert.ok(Math.abs(l.data[1] - 1000) < 1e-9);
    const g = softmaxCrossEntropyBackward(big, [0, 1], [1, 1]);
    for (const v of g.data) assert.ok(Number.isFinite(v));
    assertClose(g.data, [0, 0, 0, 1, -1, 0], { atol: 1e-12, rtol: 0, name: 'dlogits' });
    assert.throws(() => softmaxCrossEntropy(big, [0, 3]), RangeError);
  });

  it('countCorrect uses the arg-max of each row', () => {
    assert.equal(countCorrect(arr([3, 2], [1, 0, 0, 1, 5, 5]), [0, 0, 0]), 2); // tie goes to class 0
  });

  it('dropout, sgdUpdate, axpby, sum, mean, flatten', () => {
    const x = arr([2, 2], [1, 2, 3, 4]);
    const mask = arr([2, 2], [0, 2, 2, 0]);
    assert.deepEqual([...dropout(x, mask).data], [0, 4, 6, 0]);
    assert.deepEqual([...sgdUpdate(x, arr([2, 2], [10, 10, 10, 10]), 0.1).data], [0, 1, 2, 3]);
    assert.deepEqual([...axpby(x, x, 2, -1).data], [1, 2, 3, 4]);
    assert.equal(sum(x), 10);
    assert.equal(mean(x), 2.5);
    const f = flatten(arr([2, 3, 2, 2]));
    assert.deepEqual(f.shape, [2, 12]);
  });
});

describe('reference: backward against central finite differences', () => {
  // Strided, padded, non-square, overlapping, and stride > kernel (some inputs never read).
  const convCases: { x: number[]; w: number[]; stride: [number, number]; pad: [number, number] }[] = [
    { x: [2, 3, 5, 6], w: [4, 3, 3, 2], stride: [1, 1], pad: [0, 0] },
    { x: [2, 2, 6, 5], w: [3, 2, 3, 3], stride: [2, 2], pad: [1, 1] },
    { x: [1, 3, 7, 6], w: [2, 3, 2, 3], stride: [2, 1], pad: [1, 2] },
    { x: [2, 1, 7, 7], w: [2, 1, 2, 2], stride: [3, 3], pad: [0, 1] },
  ];
  for (const c of convCases) {
    const label = `x [${c.x}] w [${c.w}] stride [${c.stride}] pad [${c.pad}]`;
    it(`conv2d dx, dw, db: ${label}`, () => {
      const rng = new Rng(11);
      const x = randomArr(c.x, rng);
      const w = randomArr(c.w, rng);
      const b = randomArr([c.w[0]], rng);
      const back = (dy: Arr) => conv2dBackward(x, w, dy, c.stride, c.pad);
      expectGradient('dx', gradCheck((xx) => conv2d(xx, w, b, c.stride, c.pad), (dy) => back(dy).dx, x, rng));
      expectGradient('dw', gradCheck((ww) => conv2d(x, ww, b, c.stride, c.pad), (dy) => back(dy).dw, w, rng));
      expectGradient('db', gradCheck((bb) => conv2d(x, w, bb, c.stride, c.pad), (dy) => back(dy).db, b, rng));
    });
  }

  const poolCases: { x: number[]; window: [number, number]; stride: [number, number]; pad: [number, number] }[] = [
    { x: [2, 2, 4, 6], window: [2, 2], stride: [2, 2], pad: [0, 0] },
    { x: [2, 2, 5, 6], window: [3, 2], stride: [2, 1], pad: [1, 1] }, // overlapping rows and columns
    { x: [1, 3, 7, 7], window: [3, 3], stride: [2, 2], pad: [1, 1] },
    { x: [1, 2, 6, 7], window: [2, 3], stride: [3, 2], pad: [1, 0] },
  ];
  for (const kind of ['max', 'avg'] as PoolKind[]) {
    for (const c of poolCases) {
      it(`pool2d ${kind} dx: x [${c.x}] window [${c.window}] stride [${c.stride}] pad [${c.pad}]`, () => {
        const rng = new Rng(12);
        const x = distinctArr(c.x, rng);
        expectGradient('dx', gradCheck(
          (xx) => pool2d(kind, xx, c.window, c.stride, c.pad),
          (dy) => pool2dBackward(kind, x, dy, c.window, c.stride, c.pad), x, rng));
      });
    }
  }

  for (const kind of ['relu', 'sigmoid', 'tanh', 'none'] as ActivationKind[]) {
    it(`activation ${kind} dx, and the from-output form agrees`, () => {
      const rng = new Rng(13);
      const x = awayFromZero([3, 4, 5], rng);
      for (let i = 0; i < x.data.length; i++) x.data[i] *= 3; // reach the saturated parts too
      expectGradient('dx', gradCheck((xx) => activation(kind, xx), (dy) => activationBackward(kind, x, dy), x, rng));
      const dy = randomArr(x.shape, rng);
      assertClose(activationBackwardFromOutput(kind, activation(kind, x), dy).data, activationBackward(kind, x, dy).data,
        { atol: 1e-15, rtol: 1e-12, name: `${kind} from output` });
    });
  }

  it('dense dx, dw, db (2-D input, and a 4-D input read as (N, rest))', () => {
    const rng = new Rng(14);
    for (const xShape of [[3, 5], [2, 2, 2, 3]]) {
      const x = randomArr(xShape, rng);
      const K = x.data.length / xShape[0];
      const w = randomArr([4, K], rng);
      const b = randomArr([4], rng);
      const back = (dy: Arr) => denseBackward(x, w, dy);
      expectGradient('dx', gradCheck((xx) => dense(xx, w, b), (dy) => back(dy).dx, x, rng));
      expectGradient('dw', gradCheck((ww) => dense(x, ww, b), (dy) => back(dy).dw, w, rng));
      expectGradient('db', gradCheck((bb) => dense(x, w, bb), (dy) => back(dy).db, b, rng));
      assert.deepEqual(back(dense(x, w, b)).dx.shape, xShape);
    }
  });

  it('softmax cross-entropy dlogits, including a row with large logits', () => {
    const rng = new Rng(15);
    const logits = randomArr([4, 6], rng, -3, 3);
    for (let c = 0; c < 6; c++) logits.data[3 * 6 + c] += 500; // shifting a row changes nothing
    const labels = [0, 5, 2, 3];
    expectGradient('dlogits', gradCheck(
      (z) => softmaxCrossEntropy(z, labels),
      (dloss) => softmaxCrossEntropyBackward(logits, labels, dloss), logits, rng));
  });

  it('dropout, flatten, sum and mean dx', () => {
    const rng = new Rng(16);
    const x = randomArr([2, 3, 2, 2], rng);
    const mask = arr(x.shape);
    for (let i = 0; i < mask.data.length; i++) mask.data[i] = rng.uniform() < 0.3 ? 0 : 1 / 0.7;
    expectGradient('dropout', gradCheck((xx) => dropout(xx, mask), (dy) => dropoutBackward(dy, mask), x, rng));
    expectGradient('flatten', gradCheck(flatten, (dy) => flattenBackward(x, dy), x, rng));
    expectGradient('sum', gradCheck((xx) => arr([1], [sum(xx)]), (dy) => sumBackward(x, dy.data[0]), x, rng));
    expectGradient('mean', gradCheck((xx) => arr([1], [mean(xx)]), (dy) => meanBackward(x, dy.data[0]), x, rng));
  });
});

describe('reference: the gradient check can fail', () => {
  it('detects a conv2d dw computed with the kernel flipped', () => {
    const rng = new Rng(17);
    const x = randomArr([2, 2, 5, 5], rng);
    const w = randomArr([3, 2, 3, 2], rng);
    const stride: [number, number] = [2, 1];
    const pad: [number, number] = [1, 1];
    const [O, C, KH, KW] = w.shape;
    const flippedDw = (dy: Arr): Arr => {
      const dw = conv2dBackward(x, w, dy, stride, pad).dw;
      const out = clone(dw);
      for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
        out.data[((o * C + c) * KH + p) * KW + q] = dw.data[((o * C + c) * KH + (KH - 1 - p)) * KW + (KW - 1 - q)];
      }
      return out;
    };
    const wrong = gradCheck((ww) => conv2d(x, ww, null, stride, pad), flippedDw, w, rng);
    assert.ok(wrong.error > 0.1, `a flipped dw should be caught, but the error is only ${wrong.error}`);
    assert.throws(() => assertClose(wrong.analytic, wrong.numeric, { atol: 1e-6, rtol: 1e-6, name: 'flipped dw' }),
      /flipped dw: \d+ of 36 elements/);
    // The same comparison passes the correct backward.
    const right = gradCheck((ww) => conv2d(x, ww, null, stride, pad),
      (dy) => conv2dBackward(x, w, dy, stride, pad).dw, w, rng);
    assert.ok(right.error < TOL);
    assert.ok(relativeError(right.analytic, right.numeric) === right.error);
  });
});
