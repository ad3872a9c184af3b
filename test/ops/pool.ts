// pool2d: max and average pooling, overlapping, padded and non-square windows.
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

type Pair = [number, number];

function poolCase(kind: 'max' | 'avg', xShape: number[], window: Pair, stride: Pair, pad: Pair, gradcheck = false): OpCase {
  return {
    title: `${kind} x ${xShape} window ${window} stride ${stride} pad ${pad}${gradcheck ? ' (distinct x)' : ''}`,
    seed: gradcheck ? 21 : 11,
    gradcheck,
    // Distinct values so that the max is unique in every window.
    inputs: (rng) => [gradcheck ? distinct(xShape, rng) : ref.randomArr(xShape, rng, -1, 1)],
    call: (x) => ops.pool2d(kind, x, window, stride, pad),
    forward: (x) => ref.pool2d(kind, x, window, stride, pad),
    backward: (dy, x) => [ref.pool2dBackward(kind, x, dy, window, stride, pad)],
  };
}

// ---- ceil mode and countIncludePad: a float64 reference of its own, PyTorch's definitions

/** PyTorch's pooling output size: floor, or ceil less a last window starting past the input and left padding. */
function pooledSize(size: number, k: number, s: number, p: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - k + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out -= 1;
  return out;
}

/**
 * Max (first maximum, padded cells never win) or average over each window; an average divides by
 * the window clipped to the padded input (countIncludePad) or to x, as PyTorch's avg_pool2d. With
 * dy, also the gradient.
 */
function poolGeneral(kind: 'max' | 'avg', x: ref.Arr, window: Pair, stride: Pair, pad: Pair, ceil: boolean,
  countPad: boolean, dy?: ref.Arr): { y: ref.Arr; dx: ref.Arr } {
  const [N, C, H, W] = x.shape;
  const OH = pooledSize(H, window[0], stride[0], pad[0], ceil), OW = pooledSize(W, window[1], stride[1], pad[1], ceil);
  const y = ref.arr([N, C, OH, OW]), dx = ref.arr(x.shape);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    const yi = ((n * C + c) * OH + i) * OW + j, g = dy ? dy.data[yi] : 0;
    const h0 = i * stride[0] - pad[0], w0 = j * stride[1] - pad[1];
    const h1 = Math.min(h0 + window[0], H + pad[0]), w1 = Math.min(w0 + window[1], W + pad[1]);
    const ha = Math.max(h0, 0), hb = Math.min(h1, H), wa = Math.max(w0, 0), wb = Math.min(w1, W);
    const divisor = countPad ? (h1 - h0) * (w1 - w0) : (hb - ha) * (wb - wa);
    let acc = kind === 'max' ? -Infinity : 0, best = -1;
    for (let h = ha; h < hb; h++) for (let v = wa; v < wb; v++) {
      const xi = ((n * C + c) * H + h) * W + v;
      if (kind === 'avg') {
        acc += x.data[xi];
        dx.data[xi] += g / divisor;
      } else if (best < 0 || x.data[xi] > acc) {
        acc = x.data[xi];
        best = xi;
      }
    }
    if (kind === 'max') dx.data[best] += g;
    y.data[yi] = kind === 'max' ? acc : acc / divisor;
  }
  return { y, dx };
}

function modeCase(kind: 'max' | 'avg', xShape: number[], window: Pair, stride: Pair, pad: Pair, ceilMode: boolean,
  countIncludePad: boolean, gradcheck = false): OpCase {
  return {
    title: `${kind} x ${xShape} window ${window} stride ${stride} pad ${pad} ceilMode ${ceilMode}` +
      `${kind === 'avg' ? ` countIncludePad ${countIncludePad}` : ''}${gradcheck ? ' (distinct x)' : ''}`,
    seed: 41, gradcheck,
    inputs: (rng) => [gradcheck ? distinct(xShape, rng) : ref.randomArr(xShape, rng, -1, 1)],
    call: (x) => ops.pool2d(kind, x, window, stride, pad, { ceilMode, countIncludePad }),
    forward: (x) => poolGeneral(kind, x, window, stride, pad, ceilMode, countIncludePad).y,
    backward: (dy, x) => [poolGeneral(kind, x, window, stride, pad, ceilMode, countIncludePad, dy).dx],
  };
}

// Ceil mode with and without a window reaching past the padding (the GPU runs those on our kernels,
// the rest on cuDNN), and the last window dropped by PyTorch's rule (5, window 2, stride 2, pad 1:
// ceil would give 4 windows, the last starting at the right padding).
const modeShapes: { x: number[]; window: Pair; stride: Pair; pad: Pair }[] = [
  { x: [2, 3, 7, 7], window: [2, 2], stride: [2, 2], pad: [0, 0] },   // LeNet-like, odd input
  { x: [2, 2, 10, 9], window: [3, 3], stride: [2, 2], pad: [0, 0] },  // AlexNet-like overlap
  { x: [1, 2, 5, 6], window: [2, 2], stride: [2, 2], pad: [1, 1] },   // last window dropped along H
  { x: [1, 3, 8, 7], window: [3, 2], stride: [2, 3], pad: [1, 1] },
  { x: [2, 2, 6, 6], window: [3, 3], stride: [3, 3], pad: [1, 1] },   // non-overlapping, padded
];

const shapes: { x: number[]; window: Pair; stride: Pair; pad: Pair }[] = [
  { x: [2, 3, 8, 8], window: [2, 2], stride: [2, 2], pad: [0, 0] },
  { x: [2, 2, 9, 9], window: [3, 3], stride: [2, 2], pad: [0, 0] },  // overlapping, AlexNet's
  { x: [1, 3, 7, 6], window: [3, 2], stride: [1, 2], pad: [1, 1] },
  { x: [2, 2, 5, 5], window: [2, 2], stride: [2, 2], pad: [1, 1] },
  { x: [1, 17, 6, 6], window: [3, 3], stride: [3, 3], pad: [0, 0] },
];

export const pool2d: OpEntry = {
  op: 'pool2d',
  native: ['pool2dForward', 'pool2dBackward'],
  cases: (['max', 'avg'] as const).flatMap((kind) => [
    ...shapes.map((s) => poolCase(kind, s.x, s.window, s.stride, s.pad)),
    poolCase(kind, [2, 2, 6, 5], [3, 3], [2, 2], [1, 1], true),
    poolCase(kind, [1, 3, 4, 4], [2, 2], [2, 2], [0, 0], true),
    ...modeShapes.flatMap((s) => (kind === 'max' ? [true] : [true, false]).flatMap((count) =>
      [true, false].map((ceil) => modeCase(kind, s.x, s.window, s.stride, s.pad, ceil, count)))),
    modeCase(kind, [2, 2, 7, 6], [3, 3], [2, 2], [1, 1], true, kind === 'max', true),
    modeCase(kind, [1, 2, 5, 5], [2, 2], [2, 2], [0, 0], true, false, true),
  ]),
  errors: [
    ['a pooling window larger than the padded input (native check)',
      () => binding.pool2dForward('max', Tensor.zeros([1, 1, 3, 3], dev()), Tensor.zeros([1, 1, 1, 1], dev()), [5, 5], [1, 1], [0, 0], false, false, true),
      /^RangeError: pool2dForward: window 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['pool padding above half the window', () => ops.pool2d('max', Tensor.zeros([2, 3, 8, 8], dev()), [2, 2], [2, 2], [2, 2]),
      /^RangeError: pool2d: padding \(2,2\) must be at most half the window \(2,2\)$/],
    ['ceilMode not a boolean', () => ops.pool2d('max', Tensor.zeros([1, 1, 4, 4], dev()), [2, 2], [2, 2], [0, 0], { ceilMode: 1 as never }),
      /^TypeError: pool2d: expected a boolean for ceilMode but received 1 \(number\)$/],
    ['an unknown pooling option', () => ops.pool2d('avg', Tensor.zeros([1, 1, 4, 4], dev()), [2, 2], [2, 2], [0, 0], { ceil: true } as never),
      /^TypeError: pool2d: unknown option/],
    ['countIncludePad not a boolean (native check)',
      () => binding.pool2dForward('avg', Tensor.zeros([1, 1, 4, 4], dev()), Tensor.zeros([1, 1, 2, 2], dev()), [2, 2], [2, 2], [0, 0], false, false, 'yes' as never),
      /^TypeError: pool2dForward: expected a boolean for countIncludePad but received/],
    ['an output sized for floor mode in ceil mode (native check)',
      () => binding.pool2dForward('max', Tensor.zeros([1, 1, 5, 5], dev()), Tensor.zeros([1, 1, 2, 2], dev()), [2, 2], [2, 2], [0, 0], false, true, true),
      /^RangeError: pool2dForward: expected shape \(1,1,3,3\) for y but received \(1,1,2,2\)$/],
  ],
};
