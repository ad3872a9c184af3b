// Views: reshape, flatten (the reductions sum and mean are in reduce.ts); then the shape ops over the
// strided copy.
import { strict as assert } from 'assert';
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry, binding } from './case';

/** A one-input case on U(−1, 1) values (these ops have no kinks). */
function oneInput(title: string, seed: number, shape: number[], call: (x: Tensor) => Tensor, f: (x: ref.Arr) => ref.Arr,
  b: (x: ref.Arr, dy: ref.Arr) => ref.Arr, gradcheck = false): OpCase {
  return { title, seed, gradcheck, inputs: (rng) => [ref.randomArr(shape, rng)], call, forward: f, backward: (dy, x) => [b(x, dy)] };
}

// A view's reference: the same values in another shape, and the gradient viewed back.
const view = (shape: number[]) => (x: ref.Arr) => ref.arr(shape, x.data);
const viewBack = (x: ref.Arr, dy: ref.Arr) => ref.arr(x.shape, dy.data);

export const reshape: OpEntry = {
  op: 'reshape',
  native: [],
  cases: [
    oneInput('(2,3,4,5) to (-1,20)', 8, [2, 3, 4, 5], (x) => ops.reshape(x, [-1, 20]), view([6, 20]), viewBack),
    oneInput('(2,3,2,2) to (3,-1,2)', 21, [2, 3, 2, 2], (x) => ops.reshape(x, [3, -1, 2]), view([3, 4, 2]), viewBack, true),
  ],
  errors: [
    ['sizes that do not match', () => ops.reshape(Tensor.zeros([2, 3, 4, 5], dev()), [7, -1]),
      /^RangeError: reshape: cannot reshape \(2,3,4,5\) to \(7,-1\)$/],
  ],
};

export const flatten: OpEntry = {
  op: 'flatten',
  native: [],
  cases: [
    oneInput('(2,3,4,5)', 8, [2, 3, 4, 5], (x) => ops.flatten(x), ref.flatten, ref.flattenBackward),
    oneInput('(2,3,2,2)', 21, [2, 3, 2, 2], (x) => ops.flatten(x), ref.flatten, ref.flattenBackward, true),
  ],
};

// ------------------------------------------------------------------------------------------------
// Shape ops over the strided copy: transpose, expandDims, squeeze, concat, stack, slice, pad, clone,
// broadcastTo. The float64 reference states each op as a gather: output element `at` comes from
// input `k` at coordinates `from(at)` (or is a constant); its backward scatters dy back, summing
// where several outputs read one input element (broadcasts, a tensor concatenated twice).

type Source = [input: number, at: number[]] | null;

/** Calls f(i, coordinates) for each element of `shape` in row-major order. */
function forEachAt(shape: readonly number[], f: (i: number, at: number[]) => void): void {
  const at = shape.map(() => 0);
  for (let i = 0; i < ref.sizeOf(shape); i++) {
    f(i, [...at]);
    for (let d = shape.length - 1; d >= 0 && ++at[d] === shape[d]; d--) at[d] = 0;
  }
}

const flatIndex = (shape: readonly number[], at: number[]) => at.reduce((k, a, d) => k * shape[d] + a, 0);

/** A gather op's reference: forward and backward from its output shape and source map. */
function gather(outShape: (...xs: ref.Arr[]) => number[], from: (at: number[], ...xs: ref.Arr[]) => Source, fill = 0) {
  return {
    forward: (...xs: ref.Arr[]) => {
      const y = ref.arr(outShape(...xs));
      forEachAt(y.shape, (i, at) => {
        const s = from(at, ...xs);
        y.data[i] = s ? xs[s[0]].data[flatIndex(xs[s[0]].shape, s[1])] : fill;
      });
      return y;
    },
    backward: (dy: ref.Arr, ...xs: ref.Arr[]) => {
      const dxs = xs.map((x) => ref.arr(x.shape));
      forEachAt(dy.shape, (i, at) => {
        const s = from(at, ...xs);
        if (s) dxs[s[0]].data[flatIndex(xs[s[0]].shape, s[1])] += dy.data[i];
      });
      return dxs;
    },
  };
}

/** A case with inputs of `shapes` on U(−1, 1) (these ops have no kinks). */
function shapeCase(title: string, seed: number, shapes: number[][], call: (...xs: Tensor[]) => Tensor,
  g: ReturnType<typeof gather>, gradcheck = false): OpCase {
  return { title, seed, gradcheck, inputs: (rng) => shapes.map((s) => ref.randomArr(s, rng)), call, ...g };
}

const zeros = (shape: number[]) => Tensor.zeros(shape, dev());
const axisOf = (axis: number, ndim: number) => (axis < 0 ? axis + ndim : axis);

// transpose: output axis i is input axis perm[i].
const permuteRef = (perm?: number[]) => gather(
  (x) => (perm ?? x.shape.map((_, i) => x.shape.length - 1 - i)).map((a) => x.shape[axisOf(a, x.shape.length)]),
  (at, x) => {
    const p = (perm ?? x.shape.map((_, i) => x.shape.length - 1 - i)).map((a) => axisOf(a, x.shape.length));
    const src = x.shape.map(() => 0);
    p.forEach((a, i) => { src[a] = at[i]; });
    return [0, src];
  });

export const transpose: OpEntry = {
  op: 'transpose',
  native: ['copyStrided'],
  cases: [
    shapeCase('(2,3,4), axes reversed by default', 4, [[2, 3, 4]], (x) => ops.transpose(x), permuteRef()),
    shapeCase('(2,3,2,2) by [3,0,2,1]', 5, [[2, 3, 2, 2]], (x) => ops.transpose(x, [3, 0, 2, 1]), permuteRef([3, 0, 2, 1]), true),
    shapeCase('(3,4,5) by [-1,0,1] as permute', 6, [[3, 4, 5]], (x) => x.permute(-1, 0, 1), permuteRef([-1, 0, 1]), true),
    shapeCase('(64,32,20) by [2,0,1]: threads on the CPU', 7, [[64, 32, 20]], (x) => x.transpose([2, 0, 1]), permuteRef([2, 0, 1])),
  ],
  errors: [
    ['axes that are not a permutation', () => ops.transpose(zeros([2, 3, 4]), [0, 0, 1]),
      /^RangeError: transpose: axes \[0,0,1\] are not a permutation of the axes of shape \(2,3,4\)$/],
    ['too few axes', () => ops.transpose(zeros([2, 3, 4]), [1, 0]),
      /^RangeError: transpose: axes \[1,0\] are not a permutation of the axes of shape \(2,3,4\)$/],
    ['an axis out of bounds', () => ops.transpose(zeros([2, 3]), [0, 2]),
      /^RangeError: transpose: axis 2 is out of bounds for shape \(2,3\)$/],
    ['a non-integer axis', () => ops.transpose(zeros([2, 3]), [0, '1' as never]),
      /^TypeError: transpose: expected an integer for axis but received '1' \(string\)$/],
    ['(native) a box outside src', () => binding.copyStrided(zeros([2, 3]), zeros([3, 2]), [3, 2], [2, 3], 0, [2, 1], 0),
      /^RangeError: copyStrided: a box of shape \(3,2\) at offset 0 with strides \[2,3\] reaches outside src \(6 elements\)$/],
    ['(native) an offset outside dst', () => binding.copyStrided(zeros([2, 3]), zeros([6]), [6], [1], 0, [1], 1),
      /^RangeError: copyStrided: a box of shape \(6\) at offset 1 with strides \[1\] reaches outside dst \(6 elements\)$/],
    ['(native) a negative stride before the start', () => binding.copyStrided(zeros([6]), zeros([6]), [6], [-1], 4, [1], 0),
      /^RangeError: copyStrided: a box of shape \(6\) at offset 4 with strides \[-1\] reaches outside src \(6 elements\)$/],
    ['(native) dst elements written twice', () => binding.copyStrided(zeros([2, 3]), zeros([6]), [2, 3], [3, 1], 0, [1, 1], 0),
      /^RangeError: copyStrided: dstStrides \[1,1\] write some element of dst twice in a box of shape \(2,3\)$/],
    ['(native) strides of the wrong length', () => binding.copyStrided(zeros([6]), zeros([6]), [2, 3], [3], 0, [3, 1], 0),
      /^RangeError: copyStrided: srcStrides \[3\] and dstStrides \[3,1\] must have one entry per dimension of a box of shape \(2,3\)$/],
    ['(native) one buffer on both sides', () => { const t = zeros([6]); return binding.copyStrided(t, t, [6], [1], 0, [1], 0); },
      /^RangeError: copyStrided: src and dst must be different buffers$/],
    ['(native) a zero extent', () => binding.copyStrided(zeros([6]), zeros([6]), [0], [1], 0, [1], 0),
      /^RangeError: copyStrided: expected an array of 1 to 8 integers >= 1 for shape but received 0 \(number\)$/],
  ],  checks: [['error codes: NC_SHAPE for shapes and addresses, NC_ARGUMENT for axes and counts', () => {
    const code = (call: () => unknown) => { try { call(); } catch (e) { return (e as { code?: string }).code; } return 'none'; };
    assert.equal(code(() => ops.concat([zeros([2, 3]), zeros([2, 4])])), 'NC_SHAPE');
    assert.equal(code(() => ops.broadcastTo(zeros([2]), [3])), 'NC_SHAPE');
    assert.equal(code(() => ops.slice(zeros([2]), [1], [1])), 'NC_SHAPE');
    assert.equal(code(() => ops.squeeze(zeros([2]), 0)), 'NC_SHAPE');
    assert.equal(code(() => binding.copyStrided(zeros([6]), zeros([6]), [6], [1], 1, [1], 0)), 'NC_SHAPE');
    assert.equal(code(() => ops.transpose(zeros([2, 3]), [0, 0])), 'NC_ARGUMENT');
    assert.equal(code(() => ops.expandDims(zeros([2]), 5)), 'NC_ARGUMENT');
    assert.equal(code(() => ops.pad(zeros([2]), -1)), 'NC_ARGUMENT');
    assert.equal(code(() => binding.copyStrided(zeros([6]), zeros([6]), [6], [1.5], 0, [1], 0)), 'NC_ARGUMENT');
  }]],
};

// A view's reference in gather form: the same flat index in another shape.
const viewRef = (shape: (x: ref.Arr) => number[]) => gather(
  (x) => shape(x), (at, x) => {
    const s = shape(x);
    let k = flatIndex(s, at);
    const src = x.shape.map(() => 0);
    for (let d = x.shape.length - 1; d >= 0; d--) { src[d] = k % x.shape[d]; k = Math.floor(k / x.shape[d]); }
    return [0, src];
  });

export const expandDims: OpEntry = {
  op: 'expandDims',
  native: [],
  cases: [
    shapeCase('(2,3) at 1', 8, [[2, 3]], (x) => ops.expandDims(x, 1), viewRef(() => [2, 1, 3]), true),
    shapeCase('(2,3) at -1 as a method', 9, [[2, 3]], (x) => x.expandDims(-1), viewRef(() => [2, 3, 1])),
  ],
  errors: [
    ['an axis out of bounds', () => ops.expandDims(zeros([2, 3]), 3), /^RangeError: expandDims: axis 3 is out of bounds for shape \(2,3\)$/],
  ],
  checks: [['a view: the same storage', () => {
    const x = zeros([2, 3]);
    assert.equal(ops.expandDims(x, 0).data, x.data);
  }]],
};

export const squeeze: OpEntry = {
  op: 'squeeze',
  native: [],
  cases: [
    shapeCase('(2,1,3,1), every axis of extent 1', 10, [[2, 1, 3, 1]], (x) => ops.squeeze(x), viewRef(() => [2, 3]), true),
    shapeCase('(2,1,3,1) at -1 as a method', 11, [[2, 1, 3, 1]], (x) => x.squeeze(-1), viewRef(() => [2, 1, 3])),
    shapeCase('(1,1) to (1)', 12, [[1, 1]], (x) => ops.squeeze(x, [0, 1]), viewRef(() => [1])),
  ],
  errors: [
    ['an axis of extent 3', () => ops.squeeze(zeros([2, 3]), 1),
      /^RangeError: squeeze: cannot squeeze axis 1 of shape \(2,3\): its extent is not 1$/],
  ],
};

// concat along `axis`: find the input whose slab holds coordinate at[axis].
const concatRef = (axis: number) => gather(
  (...xs) => {
    const a = axisOf(axis, xs[0].shape.length), shape = [...xs[0].shape];
    shape[a] = xs.reduce((n, x) => n + x.shape[a], 0);
    return shape;
  },
  (at, ...xs) => {
    const a = axisOf(axis, xs[0].shape.length);
    let k = 0, start = 0;
    while (at[a] >= start + xs[k].shape[a]) start += xs[k++].shape[a];
    const src = [...at];
    src[a] -= start;
    return [k, src];
  });

export const concat: OpEntry = {
  op: 'concat',
  native: ['copyStrided'],
  cases: [
    shapeCase('(2,3), (4,3), (1,3) along 0 (the default)', 13, [[2, 3], [4, 3], [1, 3]], (a, b, c) => ops.concat([a, b, c]), concatRef(0), true),
    shapeCase('(2,3,4), (2,1,4) along 1', 14, [[2, 3, 4], [2, 1, 4]], (a, b) => ops.concat([a, b], 1), concatRef(1), true),
    shapeCase('(2,3), (2,2) along -1', 15, [[2, 3], [2, 2]], (a, b) => ops.concat([a, b], -1), concatRef(-1), true),
    // a used twice: its gradient sums both slabs
    { ...shapeCase('[a, b, a] along 1', 16, [[2, 2], [2, 3]], (a, b) => ops.concat([a, b, a], 1), concatRef(1), true),
      forward: (a, b) => concatRef(1).forward(a, b, a),
      backward: (dy, a, b) => { const [da, db, da2] = concatRef(1).backward(dy, a, b, a); return [ref.arr(a.shape, da.data.map((v, i) => v + da2.data[i])), db]; } },
  ],
  errors: [
    ['shapes that differ off the axis', () => ops.concat([zeros([2, 3]), zeros([2, 4])], 0),
      /^RangeError: concat: tensors\[1\] has shape \(2,4\) but tensors\[0\] \(2,3\); they must agree except along axis 0$/],
    ['ranks that differ', () => ops.concat([zeros([2, 3]), zeros([2, 3, 1])], 1),
      /^RangeError: concat: tensors\[1\] has shape \(2,3,1\) but tensors\[0\] \(2,3\); they must agree except along axis 1$/],
    ['an empty list', () => ops.concat([]), /^TypeError: concat: expected a non-empty array of Tensors for tensors but received \[\] \(array\)$/],
    ['an axis out of bounds', () => ops.concat([zeros([2, 3])], -3), /^RangeError: concat: axis -3 is out of bounds for shape \(2,3\)$/],
    ['a non-tensor', () => ops.concat([zeros([2]), 3 as never]), /^TypeError: concat: expected a Tensor for tensors\[1\] but received 3 \(number\)$/],
  ],
};

// stack along `axis`: the new axis picks the input.
const stackRef = (axis: number) => gather(
  (...xs) => { const s = [...xs[0].shape]; s.splice(axisOf(axis, s.length + 1), 0, xs.length); return s; },
  (at, ...xs) => { const a = axisOf(axis, xs[0].shape.length + 1); const src = [...at]; const [k] = src.splice(a, 1); return [k, src]; });

export const stack: OpEntry = {
  op: 'stack',
  native: ['copyStrided'],
  cases: [
    shapeCase('3 of (2,3) along 0', 17, [[2, 3], [2, 3], [2, 3]], (a, b, c) => ops.stack([a, b, c]), stackRef(0), true),
    shapeCase('2 of (2,3) along -1', 18, [[2, 3], [2, 3]], (a, b) => ops.stack([a, b], -1), stackRef(-1), true),
    shapeCase('2 of (3,2,2) along 1', 19, [[3, 2, 2], [3, 2, 2]], (a, b) => ops.stack([a, b], 1), stackRef(1)),
  ],
  errors: [
    ['shapes that differ', () => ops.stack([zeros([2, 3]), zeros([3, 2])]),
      /^RangeError: stack: tensors\[1\] has shape \(3,2\) but tensors\[0\] \(2,3\)$/],
    ['an axis out of bounds', () => ops.stack([zeros([2, 3])], 3), /^RangeError: stack: axis 3 is out of bounds for shape \(2,3\)$/],
  ],
};

// slice: Python's range(start, stop, step) per axis, computed independently of the library.
type Range = [begin: number | null, end: number | null, step: number];
function pythonRange(n: number, [b, e, s]: Range): number[] {
  const norm = (v: number) => (v < 0 ? v + n : v);
  const start = b === null ? (s > 0 ? 0 : n - 1) : s > 0 ? Math.min(Math.max(norm(b), 0), n) : Math.min(Math.max(norm(b), -1), n - 1);
  const stop = e === null ? (s > 0 ? n : -1) : s > 0 ? Math.min(Math.max(norm(e), 0), n) : Math.min(Math.max(norm(e), -1), n - 1);
  const out: number[] = [];
  for (let i = start; s > 0 ? i < stop : i > stop; i += s) out.push(i);
  return out;
}
const sliceRef = (ranges: Range[]) => {
  const picks = (x: ref.Arr) => x.shape.map((n, d) => pythonRange(n, ranges[d] ?? [null, null, 1]));
  return gather((x) => picks(x).map((p) => p.length), (at, x) => [0, picks(x).map((p, d) => p[at[d]])]);
};

export const slice: OpEntry = {
  op: 'slice',
  native: ['copyStrided'],
  cases: [
    shapeCase('(5,6)[1:4, :]', 20, [[5, 6]], (x) => ops.slice(x, [1, null], [4, null]), sliceRef([[1, 4, 1], [null, null, 1]]), true),
    shapeCase('(5,6)[::2, ::-1]', 21, [[5, 6]], (x) => ops.slice(x, [null, null], [null, null], [2, -1]),
      sliceRef([[null, null, 2], [null, null, -1]]), true),
    shapeCase('(3,4,5)[-2:, 1:-1] (trailing axis whole), as a method', 22, [[3, 4, 5]], (x) => x.slice([-2, 1], [undefined, -1]),
      sliceRef([[-2, null, 1], [1, -1, 1]]), true),
    shapeCase('(4,7,3)[3:0:-2, -10:10:3, 2]', 23, [[4, 7, 3]], (x) => ops.slice(x, [3, -10, 2], [0, 10, 3], [-2, 3, 1]),
      sliceRef([[3, 0, -2], [-10, 10, 3], [2, 3, 1]]), true),
  ],
  errors: [
    ['an empty range', () => ops.slice(zeros([2, 3]), [0, 2], [2, 1]),
      /^RangeError: slice: axis 1 of shape \(2,3\) from 2 to 1 by 1 is empty$/],
    ['a zero step', () => ops.slice(zeros([2, 3]), [], [], [1, 0]),
      /^RangeError: slice: expected a non-zero integer for step\[1\] but received 0 \(number\)$/],
    ['more entries than axes', () => ops.slice(zeros([2, 3]), [0, 0, 0], []),
      /^RangeError: slice: begin has 3 entries but shape \(2,3\) has 2 axes$/],
    ['a fractional index', () => ops.slice(zeros([2, 3]), [0.5], []),
      /^TypeError: slice: expected an integer, null or undefined for begin\[0\] but received 0.5 \(number\)$/],
  ],
};

// pad: output coordinate minus `before` along each axis, inside x or the fill value.
const padRef = (pairs: [number, number][], fill = 0) => gather(
  (x) => x.shape.map((n, d) => pairs[d][0] + n + pairs[d][1]),
  (at, x) => {
    const src = at.map((a, d) => a - pairs[d][0]);
    return src.every((a, d) => a >= 0 && a < x.shape[d]) ? [0, src] : null;
  }, fill);

export const pad: OpEntry = {
  op: 'pad',
  native: ['copyStrided'],
  cases: [
    shapeCase('(2,3) by [[1,2],[0,3]]', 24, [[2, 3]], (x) => ops.pad(x, [[1, 2], [0, 3]]), padRef([[1, 2], [0, 3]]), true),
    shapeCase('(1,2,3,3) by [[1,1],[2,0]] (H and W) with -1.5, as a method', 25, [[1, 2, 3, 3]], (x) => x.pad([[1, 1], [2, 0]], -1.5),
      padRef([[0, 0], [0, 0], [1, 1], [2, 0]], -1.5), true),
    shapeCase('(2,3,4) by 1', 26, [[2, 3, 4]], (x) => ops.pad(x, 1), padRef([[1, 1], [1, 1], [1, 1]])),
  ],
  errors: [
    ['a negative count', () => ops.pad(zeros([2, 3]), [[1, -1]]),
      /^RangeError: pad: expected a non-negative integer or up to 2 \[before, after\] pairs of them for padWidth but received \[\[1 \(number\),-1 \(number\)\] \(array\)\] \(array\)$/],
    ['more pairs than axes', () => ops.pad(zeros([2]), [[1, 1], [1, 1]]),
      /^RangeError: pad: expected a non-negative integer or up to 1 \[before, after\] pairs of them for padWidth/],
    ['a value that is not a number', () => ops.pad(zeros([2]), 1, '0' as never), /^TypeError: pad: expected a number for value but received '0' \(string\)$/],
  ],
};

export const clone: OpEntry = {
  op: 'clone',
  native: ['copyStrided'],
  cases: [
    shapeCase('(3,4)', 27, [[3, 4]], (x) => ops.clone(x), viewRef((x) => x.shape), true),
    shapeCase('(2,3,4) as a method', 28, [[2, 3, 4]], (x) => x.clone(), viewRef((x) => x.shape)),
  ],
  checks: [['a copy: new storage', () => {
    const x = Tensor.fromArray([1, 2, 3], undefined, dev()), y = ops.clone(x);
    assert.notEqual(y.data, x.data);
    assert.deepEqual([...y.toArray()], [1, 2, 3]);
  }]],
};

// broadcastTo: each output coordinate read from x, right-aligned, at 0 where x has extent 1.
const broadcastRef = (shape: number[]) => gather(
  () => shape, (at, x) => [0, x.shape.map((n, d) => (n === 1 ? 0 : at[d + shape.length - x.shape.length]))]);

export const broadcastTo: OpEntry = {
  op: 'broadcastTo',
  native: ['copyStrided', 'sumTo'],
  cases: [
    shapeCase('(3,1) to (2,3,4)', 29, [[3, 1]], (x) => ops.broadcastTo(x, [2, 3, 4]), broadcastRef([2, 3, 4]), true),
    shapeCase('(4) to (3,4), as a method', 30, [[4]], (x) => x.broadcastTo([3, 4]), broadcastRef([3, 4]), true),
    shapeCase('(2,3) to (2,3)', 31, [[2, 3]], (x) => ops.broadcastTo(x, [2, 3]), broadcastRef([2, 3]), true),
    shapeCase('(1) to (200,300): threads on the CPU', 32, [[1]], (x) => ops.broadcastTo(x, [200, 300]), broadcastRef([200, 300])),
  ],
  errors: [
    ['shapes that do not broadcast', () => ops.broadcastTo(zeros([2, 3]), [3, 3]),
      /^RangeError: broadcastTo: cannot broadcast \(2,3\) to \(3,3\)$/],
    ['fewer axes than x', () => ops.broadcastTo(zeros([2, 3]), [3]), /^RangeError: broadcastTo: cannot broadcast \(2,3\) to \(3\)$/],
    ['a bad shape', () => ops.broadcastTo(zeros([2]), [0]),
      /^RangeError: broadcastTo: expected an array of positive integers for shape but received \[0 \(number\)\] \(array\)$/],
  ],
};
