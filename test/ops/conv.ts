// conv2d: the CPU backend's three paths, strides, padding, non-square shapes, each fused activation.
import { Tensor, ops } from '../../lib';
import * as ref from '../reference';
import { dev } from '../helpers';
import { OpCase, OpEntry, binding, distinct } from './case';

type Pair = [number, number];
const activations = ['none', 'relu', 'sigmoid', 'tanh'] as const;
type Act = typeof activations[number];

function convCase(title: string, seed: number, xShape: number[], wShape: number[], stride: Pair, pad: Pair, bias: boolean,
  act: Act, gradcheck = false): OpCase {
  return {
    title, seed, gradcheck,
    inputs: (rng) => {
      const x = gradcheck ? distinct(xShape, rng) : ref.randomArr(xShape, rng);
      const w = ref.randomArr(wShape, rng);
      return bias ? [x, w, ref.randomArr([wShape[0]], rng)] : [x, w];
    },
    call: (x, w, b) => ops.conv2d(x, w, b ?? null, { stride, padding: pad, activation: act }),
    forward: (x, w, b) => ref.activation(act, ref.conv2d(x, w, b ?? null, stride, pad)),
    backward: (dy, x, w, b) => {
      const g = ref.conv2dBackward(x, w, ref.activationBackward(act, ref.conv2d(x, w, b ?? null, stride, pad), dy), stride, pad);
      return b ? [g.dx, g.dw, g.db] : [g.dx, g.dw];
    },
  };
}

// The CPU backend has three paths: a direct kernel for a narrow receptive field (C·KH·KW ≤ 32),
// oneDNN in channels-last for few channels, oneDNN in its blocked layouts otherwise.
const shapes: { x: number[]; w: number[]; stride: Pair; pad: Pair; bias: boolean }[] = [
  { x: [2, 1, 8, 8], w: [3, 1, 5, 5], stride: [1, 1], pad: [0, 0], bias: true },     // narrow
  { x: [2, 3, 9, 7], w: [4, 3, 3, 2], stride: [2, 1], pad: [1, 1], bias: true },     // narrow, strided
  { x: [1, 2, 10, 10], w: [5, 2, 3, 3], stride: [3, 3], pad: [2, 1], bias: false },  // narrow
  { x: [3, 4, 6, 6], w: [2, 4, 1, 1], stride: [2, 2], pad: [0, 0], bias: true },     // narrow, 1x1
  { x: [2, 1, 12, 12], w: [11, 1, 5, 5], stride: [1, 1], pad: [2, 2], bias: true },  // narrow, 8+3 channels
  { x: [1, 1, 30, 37], w: [3, 1, 3, 3], stride: [1, 1], pad: [0, 1], bias: true },   // narrow, 3 vectors a row
  { x: [2, 8, 9, 9], w: [10, 8, 3, 3], stride: [2, 2], pad: [1, 1], bias: true },    // oneDNN channels-last
  { x: [2, 16, 7, 7], w: [17, 16, 3, 3], stride: [1, 1], pad: [1, 1], bias: true },  // oneDNN blocked
  { x: [1, 20, 7, 6], w: [24, 20, 3, 2], stride: [1, 2], pad: [1, 0], bias: false }, // oneDNN blocked
];

const x = () => Tensor.zeros([2, 3, 8, 8], dev());
const w = () => Tensor.zeros([4, 3, 3, 3], dev());
const zeros = (shape: number[]) => Tensor.zeros(shape, dev());

export const conv2d: OpEntry = {
  op: 'conv2d',
  native: ['conv2dForward', 'conv2dBackward'],
  cases: [
    ...shapes.flatMap((s) => activations.map((act) =>
      convCase(`x ${s.x} w ${s.w} stride ${s.stride} pad ${s.pad} bias ${s.bias} ${act}`, 7, s.x, s.w, s.stride, s.pad, s.bias, act))),
    ...activations.map((act) =>
      convCase(`stride 2 padding 1, ${act} (distinct x)`, 21, [2, 2, 5, 5], [3, 2, 3, 3], [2, 2], [1, 1], true, act, true)),
  ],
  errors: [
    ['too few arguments', () => (binding.conv2dForward as unknown as () => void)(),
      /^TypeError: conv2dForward: expected 7 arguments but received 0$/],
    ['a non-tensor', () => binding.conv2dForward(1 as never, w(), null, x(), [1, 1], [0, 0], 'none'),
      /^TypeError: conv2dForward: expected a Tensor for x but received 1 \(number\)$/],
    ['stride 0', () => ops.conv2d(x(), w(), null, { stride: [0, 1] }),
      /^RangeError: conv2d: expected a positive integer for stride but received 0 \(number\)$/],
    ['negative padding', () => binding.conv2dForward(x(), w(), null, zeros([2, 4, 6, 6]), [1, 1], [-1, 0], 'none'),
      /^RangeError: conv2dForward: expected a pair of integers >= 0 for padding but received -1 \(number\)$/],
    ['channel mismatch', () => ops.conv2d(zeros([2, 2, 8, 8]), w(), null),
      /^RangeError: conv2d: weight \(4,3,3,3\) expects 3 input channels but x \(2,2,8,8\) has 2$/],
    ['a kernel larger than the input', () => ops.conv2d(zeros([1, 3, 2, 2]), w(), null),
      /^RangeError: conv2d: window 3 does not fit input \(1,3,2,2\) with padding 0$/],
    ['a kernel larger than the padded input (native check)',
      () => binding.conv2dForward(zeros([1, 1, 3, 3]), zeros([1, 1, 5, 5]), null, zeros([1, 1, 1, 1]), [1, 1], [0, 0], 'none'),
      /^RangeError: conv2dForward: kernel 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['an output buffer too small',
      () => binding.conv2dForward(x(), w(), null, { data: zeros([1]).data, shape: [2, 4, 6, 6] }, [1, 1], [0, 0], 'none'),
      /^RangeError: conv2dForward: y of shape \(2,4,6,6\) needs 1152 bytes but its buffer holds 4$/],
    ['a disposed tensor', () => { const t = x(); t.dispose(); return ops.conv2d(t, w(), null); },
      /^Error: conv2d: x was disposed$/],
  ],
};
