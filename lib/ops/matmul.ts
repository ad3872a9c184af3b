// matmul: NumPy's matrix product, batch dimensions broadcast, optionally with an operand's last two
// axes swapped. Each product is one native call (oneDNN's matmul on the CPU, cuBLAS's strided-batched
// GEMM on the GPU); the backward is two more products, each summed back over broadcast batch axes.
import type { TensorRef } from '../../binding';
import type { Device } from '../core/device';
import { binding } from '../core/binding';
import { recordOp, requiresGrad } from '../core/autograd';
import { Tensor, formatShape, requireTensor, shapeSize } from '../core/tensor';
import { invalidArg, knownOptions } from '../core/check';
import { codedError, shapeError } from '../core/errors';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use a with its last two axes swapped: a is stored (..., K, M). Default false; a 1-d a is a vector either way. */
  transposeA?: boolean;
  /** Use b with its last two axes swapped: b is stored (..., N, K). Default false; a 1-d b is a vector either way. */
  transposeB?: boolean;
}

/** t's storage seen with another shape of as many elements (no copy). */
const as = (t: TensorRef, shape: readonly number[]): TensorRef => ({ data: t.data, shape: [...shape] });
const last = (shape: readonly number[], i: number): number => shape[shape.length - i];

/** The shape that batch shapes a and b broadcast to (NumPy's rule), or null. */
function broadcastBatch(a: readonly number[], b: readonly number[]): number[] | null {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let d = 0; d < ndim; d++) {
    const ea = a[d - ndim + a.length] ?? 1, eb = b[d - ndim + b.length] ?? 1;
    if (ea !== eb && ea !== 1 && eb !== 1) return null;
    out.push(ea === 1 ? eb : ea);
  }
  return out;
}

/**
 * op(a)·op(b) in a new tensor, not recorded; a and b are at least 2-d and agree. When b is one matrix
 * for the whole batch and a is not transposed, a's batch folds into its rows: one GEMM, not many small ones.
 */
function product(a: TensorRef, b: TensorRef, tA: boolean, tB: boolean, device: Device): Tensor {
  const m = last(a.shape, tA ? 1 : 2), k = last(a.shape, tA ? 2 : 1), n = last(b.shape, tB ? 2 : 1);
  const batch = broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2))!;
  const y = Tensor.empty([...batch, m, n], device);
  if (!tA && a.shape.length > 2 && shapeSize(b.shape) === k * n) {
    binding.matmul(as(a, [y.size / n, k]), as(b, b.shape.slice(-2)), as(y, [y.size / n, n]), false, tB);
  } else {
    binding.matmul(a, b, y, tA, tB);
  }
  return y;
}

/** g summed back to `shape` over the batch axes that were broadcast (g itself, or a view of it, when no sum is needed). */
function sumBack(g: Tensor, shape: readonly number[]): Tensor {
  if (shapeSize(g.shape) === shapeSize(shape)) return g.view(shape);  // only extent-1 axes differ
  const summed = Tensor.empty(shape, g.device);
  binding.sumTo(g, summed);
  g.dispose();
  return summed;
}

/**
 * The gradients of y = op(a)·op(b) (A, B: a and b as matrices) for dy:
 * dA = dY·op(B)ᵀ and dB = op(A)ᵀ·dY, each stored as its operand is (so transposed again with tA, tB).
 */
function gradients(a: Tensor, b: Tensor, A: TensorRef, B: TensorRef, tA: boolean, tB: boolean, dY: TensorRef): (Tensor | null)[] {
  const mm = (x: TensorRef, y: TensorRef, tx: boolean, ty: boolean): Tensor => product(x, y, tx, ty, a.device);
  let da: Tensor | null = null, db: Tensor | null = null;
  if (requiresGrad(a)) {
    const g = tA ? (tB ? mm(B, dY, true, true) : mm(B, dY, false, true))  // Bᵀ·dYᵀ, B·dYᵀ
      : mm(dY, B, false, !tB);                                              // dY·Bᵀ, dY·B
    da = sumBack(g, A.shape).view(a.shape);
  }
  if (requiresGrad(b)) {
    let g: Tensor;
    if (!tA && A.shape.length > 2 && shapeSize(B.shape) === last(B.shape, 1) * last(B.shape, 2)) {
      // One b for the whole batch: fold the batch into rows, so dB is one GEMM over all of them.
      const rowsA = as(A, [shapeSize(A.shape) / last(A.shape, 1), last(A.shape, 1)]);
      const rowsY = as(dY, [shapeSize(dY.shape) / last(dY.shape, 1), last(dY.shape, 1)]);
      g = tB ? mm(rowsY, rowsA, true, false) : mm(rowsA, rowsY, true, false);  // dYᵀ·A, Aᵀ·dY
    } else if (tA) {
      g = tB ? mm(dY, A, true, true) : mm(A, dY, false, false);  // dYᵀ·Aᵀ, A·dY
    } else {
      g = tB ? mm(dY, A, true, false) : mm(A, dY, true, false);  // dYᵀ·A, Aᵀ·dY
    }
    db = sumBack(g, B.shape).view(b.shape);
  }
  return [da, db];
}

/**
 * Matrix product with NumPy's rules: a (..., M, K) · b (..., K, N) → (..., M, N), the batch axes
 * (all but the last two) broadcast, e.g. (2,1,M,K) · (3,K,N) → (2,3,M,N). A 1-d a is a row (1, K)
 * and a 1-d b a column (K, 1), whose axis then leaves the result; two vectors give shape (1).
 * @param options - `transposeA` / `transposeB`: use that operand with its last two axes swapped
 *   (no copy is made).
 * @example ops.matmul(x, w, { transposeB: true })  // x (N,K) · wᵀ, w (M,K) → (N,M)
 * @throws RangeError (NC_SHAPE) when the inner dimensions differ or the batch axes do not broadcast.
 */
export function matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
  requireTensor('matmul', 'a', a);
  requireTensor('matmul', 'b', b);
  const { transposeA = false, transposeB = false } = knownOptions('matmul', options, ['transposeA', 'transposeB']);
  if (typeof transposeA !== 'boolean') throw invalidArg('matmul', 'transposeA', 'a boolean', transposeA);
  if (typeof transposeB !== 'boolean') throw invalidArg('matmul', 'transposeB', 'a boolean', transposeB);
  if (!a.device.equals(b.device)) throw codedError('NC_DEVICE', `matmul: a is on ${a.device} but b on ${b.device}`);
  const shapes = `a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`;
  if (a.ndim === 0 || b.ndim === 0) throw shapeError('matmul', `expected a and b of at least 1 dimension but received ${shapes}`);
  // A 1-d operand as a matrix: a the row (1, K), b the column (K, 1).
  const A = as(a, a.ndim === 1 ? [1, a.shape[0]] : a.shape);
  const B = as(b, b.ndim === 1 ? [b.shape[0], 1] : b.shape);
  const tA = transposeA && a.ndim > 1, tB = transposeB && b.ndim > 1;
  const kA = last(A.shape, tA ? 2 : 1), kB = last(B.shape, tB ? 1 : 2);
  if (kA !== kB) throw shapeError('matmul', `the inner dimensions of ${shapes} differ (${kA} and ${kB})`);
  if (!broadcastBatch(A.shape.slice(0, -2), B.shape.slice(0, -2))) {
    throw shapeError('matmul', `the batch dimensions of ${shapes} do not broadcast`);
  }
  const full = product(A, B, tA, tB, a.device), fullShape = full.shape;
  // The axes of 1-d operands leave the result (two vectors leave one element, kept as shape (1)).
  const kept = [...full.shape.slice(0, -2), ...(a.ndim > 1 ? [last(full.shape, 2)] : []), ...(b.ndim > 1 ? [last(full.shape, 1)] : [])];
  const y = kept.length === full.ndim ? full : full.view(kept.length > 0 ? kept : [1]);
  recordOp('matmul', y, [a, b], (dy) => gradients(a, b, A, B, tA, tB, as(dy, fullShape)));
  return y;
}

declare module '../core/tensor' {
  interface Tensor {
    /** this · other, NumPy's matrix product with broadcast batch axes (see ops.matmul). */
    matmul(other: Tensor, options?: MatmulOptions): Tensor;
  }
}
Object.assign(Tensor.prototype, {
  matmul(this: Tensor, other: Tensor, options?: MatmulOptions) { return matmul(this, other, options); },
});
