// matmul: NumPy's matrix product on plain, batched and broadcast batches, 1-d operands, and each
// transpose flag. The float64 reference loops over the broadcast batch; its backward adds each
// product's terms into the operands' elements, so broadcast axes are summed as they must be.
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry, binding } from './case';

type Shape = readonly number[];
interface Flags { transposeA?: boolean; transposeB?: boolean }

/** Calls f(i, coordinates) for each element of `shape` in row-major order. */
function forEachIndex(shape: Shape, f: (i: number, at: number[]) => void): void {
  const at = shape.map(() => 0);
  for (let i = 0; i < ref.sizeOf(shape); i++) {
    f(i, at);
    for (let d = shape.length - 1; d >= 0 && ++at[d] === shape[d]; d--) at[d] = 0;
  }
}

/** The matrix index (in matrices) of an operand of batch shape `batch` at broadcast batch coordinates `at`. */
function matrixIn(batch: Shape, at: number[]): number {
  let index = 0;
  for (let d = 0; d < batch.length; d++) index = index * batch[d] + (batch[d] === 1 ? 0 : at[d + at.length - batch.length]);
  return index;
}

/**
 * Visits every term a[ia]·b[ib] of y[iy] = Σ_k op(a)[i,k]·op(b)[k,j] (flat indices), with 1-d operands
 * as a row and a column; returns the result's shape as matmul gives it.
 */
function forEachTerm(a: Shape, b: Shape, f: Flags, visit: (iy: number, ia: number, ib: number) => void): number[] {
  const A = a.length === 1 ? [1, a[0]] : a, B = b.length === 1 ? [b[0], 1] : b;
  const tA = !!f.transposeA && a.length > 1, tB = !!f.transposeB && b.length > 1;
  const [ar, ac] = A.slice(-2), [br, bc] = B.slice(-2);
  const [m, k, n] = [tA ? ac : ar, tA ? ar : ac, tB ? br : bc];
  const batchA = A.slice(0, -2), batchB = B.slice(0, -2);
  const nb = Math.max(batchA.length, batchB.length);
  const batch = Array.from({ length: nb }, (_, d) => Math.max(batchA[d - nb + batchA.length] ?? 1, batchB[d - nb + batchB.length] ?? 1));
  forEachIndex(batch, (p, at) => {
    const pa = matrixIn(batchA, at) * m * k, pb = matrixIn(batchB, at) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        for (let q = 0; q < k; q++) {
          visit((p * m + i) * n + j, pa + (tA ? q * m + i : i * k + q), pb + (tB ? j * k + q : q * n + j));
        }
      }
    }
  });
  const shape = [...batch, ...(a.length > 1 ? [m] : []), ...(b.length > 1 ? [n] : [])];
  return shape.length > 0 ? shape : [1];
}

function forward(a: ref.Arr, b: ref.Arr, f: Flags): ref.Arr {
  const terms: [number, number, number][] = [];
  const y = ref.arr(forEachTerm(a.shape, b.shape, f, (iy, ia, ib) => terms.push([iy, ia, ib])));
  for (const [iy, ia, ib] of terms) y.data[iy] += a.data[ia] * b.data[ib];
  return y;
}

function backward(dy: ref.Arr, a: ref.Arr, b: ref.Arr, f: Flags): [ref.Arr, ref.Arr] {
  const da = ref.arr(a.shape), db = ref.arr(b.shape);
  forEachTerm(a.shape, b.shape, f, (iy, ia, ib) => {
    da.data[ia] += dy.data[iy] * b.data[ib];
    db.data[ib] += dy.data[iy] * a.data[ia];
  });
  return [da, db];
}

function matmulCase(a: number[], b: number[], f: Flags = {}, gradcheck = true, method = false): OpCase {
  const flags = [f.transposeA ? 'ᵀ' : '', f.transposeB ? 'ᵀ' : ''];
  return {
    title: `(${a})${flags[0]} · (${b})${flags[1]}${method ? ', as a method' : ''}`,
    seed: 7 + a.length * 5 + b.length + (f.transposeA ? 2 : 0) + (f.transposeB ? 1 : 0),
    gradcheck,
    inputs: (rng) => [ref.randomArr(a, rng), ref.randomArr(b, rng)],
    call: (x, y) => (method ? x.matmul(y, f) : ops.matmul(x, y, f)),
    forward: (x, y) => forward(x, y, f),
    backward: (dy, x, y) => backward(dy, x, y, f),
  };
}

export const matmul: OpEntry = {
  op: 'matmul',
  // The backward is two more products; sumTo sums them back over broadcast batch axes.
  native: ['matmul', 'sumTo'],
  cases: [
    matmulCase([3, 4], [4, 5]),
    matmulCase([7, 33], [33, 65], {}, false),
    matmulCase([2, 3, 4], [2, 4, 5]),
    matmulCase([2, 1, 3, 4], [3, 4, 2]),           // both broadcast: (2,3,3,2)
    matmulCase([3, 4], [2, 4, 5]),                 // a broadcast over b's batch
    matmulCase([2, 3, 4], [4, 5]),                 // one b for the batch: folded into one GEMM
    matmulCase([2, 3, 4], [1, 1, 4, 5]),           // likewise, b of higher rank: (1,2,3,5)
    matmulCase([2, 1, 3, 2, 3], [1, 4, 1, 3, 2]),  // batch axes that cannot merge: a loop of batched calls
    matmulCase([4], [4, 5]),                       // vector · matrix: (5)
    matmulCase([3, 4], [4]),                       // matrix · vector: (3)
    matmulCase([4], [4]),                          // vector · vector: (1)
    matmulCase([4], [2, 4, 5]),                    // (2,5)
    matmulCase([2, 3, 4], [4]),                    // (2,3)
    matmulCase([4, 3], [4, 5], { transposeA: true }),
    matmulCase([3, 4], [5, 4], { transposeB: true }),
    matmulCase([4, 3], [5, 4], { transposeA: true, transposeB: true }),
    matmulCase([2, 1, 4, 3], [3, 4, 2], { transposeA: true }),
    matmulCase([2, 1, 3, 4], [3, 2, 4], { transposeB: true }),
    matmulCase([2, 1, 4, 3], [3, 2, 4], { transposeA: true, transposeB: true }),
    matmulCase([2, 3, 4], [5, 4], { transposeB: true }),  // folded, b transposed
    matmulCase([2, 4, 3], [4, 5], { transposeA: true }),  // not folded: a transposed
    matmulCase([4], [5, 4], { transposeA: true, transposeB: true }),  // a 1-d a ignores its flag
    matmulCase([40, 17], [3, 17, 24], { transposeB: false }, false, true),
  ],
  errors: [
    ['inner dimensions that differ', () => ops.matmul(Tensor.zeros([2, 3], dev()), Tensor.zeros([4, 5], dev())),
      /^RangeError: matmul: the inner dimensions of a \(2,3\) and b \(4,5\) differ \(3 and 4\)$/],
    ['inner dimensions that differ once transposed',
      () => ops.matmul(Tensor.zeros([2, 3], dev()), Tensor.zeros([3, 5], dev()), { transposeA: true }),
      /^RangeError: matmul: the inner dimensions of a \(2,3\) and b \(3,5\) differ \(2 and 3\)$/],
    ['a vector of the wrong length', () => ops.matmul(Tensor.zeros([3], dev()), Tensor.zeros([4, 5], dev())),
      /^RangeError: matmul: the inner dimensions of a \(3\) and b \(4,5\) differ \(3 and 4\)$/],
    ['batch axes that do not broadcast', () => ops.matmul(Tensor.zeros([2, 3, 4], dev()), Tensor.zeros([3, 4, 5], dev())),
      /^RangeError: matmul: the batch dimensions of a \(2,3,4\) and b \(3,4,5\) do not broadcast$/],
    ['an unknown option', () => ops.matmul(Tensor.zeros([2, 2], dev()), Tensor.zeros([2, 2], dev()), { transpose: true } as never),
      /^TypeError: matmul: unknown option 'transpose'; the options are 'transposeA', 'transposeB'$/],
    ['a flag that is not a boolean',
      () => ops.matmul(Tensor.zeros([2, 2], dev()), Tensor.zeros([2, 2], dev()), { transposeB: 1 } as never),
      /^TypeError: matmul: expected a boolean for transposeB but received 1 \(number\)$/],
    ['b that is not a tensor', () => ops.matmul(Tensor.zeros([2, 2], dev()), 'b' as never),
      /^TypeError: matmul: expected a Tensor for b but received 'b' \(string\)$/],
    ['(native) a 1-d operand', () => binding.matmul(Tensor.zeros([3], dev()), Tensor.zeros([3, 2], dev()), Tensor.zeros([2], dev()), false, false),
      /^RangeError: matmul: expected a and b of at least 2 dimensions but received a \(3\) and b \(3,2\)$/],
    ['(native) inner dimensions that differ',
      () => binding.matmul(Tensor.zeros([2, 3], dev()), Tensor.zeros([2, 4], dev()), Tensor.zeros([2, 4], dev()), false, true),
      /^RangeError: matmul: the inner dimensions of a \(2,3\) and b \(2,4\) differ \(3 and 4\)$/],
    ['(native) batch axes that do not broadcast',
      () => binding.matmul(Tensor.zeros([2, 2, 3], dev()), Tensor.zeros([3, 3, 4], dev()), Tensor.zeros([2, 2, 4], dev()), false, false),
      /^RangeError: matmul: the batch dimensions of a \(2,2,3\) and b \(3,3,4\) do not broadcast$/],
    ['(native) an output of the wrong shape',
      () => binding.matmul(Tensor.zeros([2, 1, 2, 3], dev()), Tensor.zeros([3, 3, 4], dev()), Tensor.zeros([2, 3, 4, 2], dev()), false, false),
      /^RangeError: matmul: expected shape \(2,3,2,4\) for y but received \(2,3,4,2\)$/],
    ['(native) a flag that is not a boolean',
      () => binding.matmul(Tensor.zeros([2, 2], dev()), Tensor.zeros([2, 2], dev()), Tensor.zeros([2, 2], dev()), 0 as never, false),
      /^TypeError: matmul: expected a boolean for transposeA but received 0 \(number\)$/],
  ],
};
