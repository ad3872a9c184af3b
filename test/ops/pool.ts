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
  ]),
  errors: [
    ['a pooling window larger than the padded input (native check)',
      () => binding.pool2dForward('max', Tensor.zeros([1, 1, 3, 3], dev()), Tensor.zeros([1, 1, 1, 1], dev()), [5, 5], [1, 1], [0, 0], false),
      /^RangeError: pool2dForward: window 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['pool padding above half the window', () => ops.pool2d('max', Tensor.zeros([2, 3, 8, 8], dev()), [2, 2], [2, 2], [2, 2]),
      /^RangeError: pool2d: padding \(2,2\) must be at most half the window \(2,2\)$/],
  ],
};
