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

// ---- dilation and groups: a float64 reference of its own (PyTorch's definition), forward and backward

/** y[n,o] = b[o] + Σ over the group's channels c and taps (p,q) of x[n,c, i·sh − ph + p·dh, j·sw − pw + q·dw]·w[o,c',p,q]. */
function convGeneral(x: ref.Arr, w: ref.Arr, b: ref.Arr | null, stride: Pair, pad: Pair, dil: Pair, groups: number,
  dy?: ref.Arr): { y: ref.Arr; dx: ref.Arr; dw: ref.Arr; db: ref.Arr } {
  const [N, C, H, W] = x.shape, [O, CG, KH, KW] = w.shape, OG = O / groups;
  const OH = Math.floor((H + 2 * pad[0] - dil[0] * (KH - 1) - 1) / stride[0]) + 1;
  const OW = Math.floor((W + 2 * pad[1] - dil[1] * (KW - 1) - 1) / stride[1]) + 1;
  const y = ref.arr([N, O, OH, OW]), dx = ref.arr(x.shape), dw = ref.arr(w.shape), db = ref.arr([O]);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    const yi = ((n * O + o) * OH + i) * OW + j, g = dy ? dy.data[yi] : 0;
    let acc = b ? b.data[o] : 0;
    db.data[o] += g;
    for (let cg = 0; cg < CG; cg++) {
      const c = Math.floor(o / OG) * CG + cg;
      for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
        const h = i * stride[0] - pad[0] + p * dil[0], v = j * stride[1] - pad[1] + q * dil[1];
        if (h < 0 || h >= H || v < 0 || v >= W) continue;
        const xi = ((n * C + c) * H + h) * W + v, wi = ((o * CG + cg) * KH + p) * KW + q;
        acc += x.data[xi] * w.data[wi];
        dx.data[xi] += g * w.data[wi];
        dw.data[wi] += g * x.data[xi];
      }
    }
    y.data[yi] = acc;
  }
  return { y, dx, dw, db };
}

function dilatedCase(title: string, xShape: number[], wShape: number[], stride: Pair, pad: Pair, dil: Pair, groups: number,
  act: Act, gradcheck = false): OpCase {
  return {
    title, seed: 31, gradcheck,
    inputs: (rng) => [gradcheck ? distinct(xShape, rng) : ref.randomArr(xShape, rng), ref.randomArr(wShape, rng),
      ref.randomArr([wShape[0]], rng)],
    call: (x, w, b) => ops.conv2d(x, w, b, { stride, padding: pad, dilation: dil, groups, activation: act }),
    forward: (x, w, b) => ref.activation(act, convGeneral(x, w, b, stride, pad, dil, groups).y),
    backward: (dy, x, w, b) => {
      const y = convGeneral(x, w, b, stride, pad, dil, groups).y;
      const g = convGeneral(x, w, b, stride, pad, dil, groups, ref.activationBackward(act, y, dy));
      return [g.dx, g.dw, g.db];
    },
  };
}

// [x, w, stride, pad, dilation, groups]: the CPU's narrow kernel would take the first ones undilated.
const dilatedShapes: [number[], number[], Pair, Pair, Pair, number][] = [
  [[2, 1, 9, 9], [3, 1, 3, 3], [1, 1], [0, 0], [2, 2], 1],          // dilated, narrow receptive field
  [[1, 3, 11, 10], [4, 3, 3, 2], [2, 1], [2, 1], [2, 3], 1],        // dilated, non-square, strided
  [[2, 4, 7, 7], [4, 1, 3, 3], [1, 1], [1, 1], [1, 1], 4],          // depthwise
  [[2, 6, 8, 7], [12, 1, 3, 3], [2, 2], [1, 1], [1, 1], 6],         // depthwise, channel multiplier 2
  [[1, 8, 9, 9], [6, 4, 3, 3], [1, 1], [2, 2], [2, 2], 2],          // 2 groups, dilated
  [[2, 32, 6, 6], [32, 1, 3, 3], [1, 1], [1, 1], [1, 1], 32],       // depthwise, 32 channels (blocked layouts)
  [[1, 16, 7, 6], [24, 4, 1, 1], [1, 1], [0, 0], [1, 1], 4],        // grouped 1x1
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
    ...dilatedShapes.map(([xs, ws, s, p, d, g], k) => dilatedCase(`x ${xs} w ${ws} stride ${s} pad ${p} dilation ${d} groups ${g}`,
      xs, ws, s, p, d, g, activations[k % 4])),
    dilatedCase('dilation 2, 2 groups (distinct x)', [1, 4, 7, 6], [4, 2, 2, 2], [1, 1], [1, 1], [2, 2], 2, 'tanh', true),
    dilatedCase('depthwise (distinct x)', [2, 3, 5, 5], [3, 1, 3, 3], [2, 2], [1, 1], [1, 1], 3, 'none', true),
  ],
  errors: [
    ['too few arguments', () => (binding.conv2dForward as unknown as () => void)(),
      /^TypeError: conv2dForward: expected 9 arguments but received 0$/],
    ['a non-tensor', () => binding.conv2dForward(1 as never, w(), null, x(), [1, 1], [0, 0], 'none', [1, 1], 1),
      /^TypeError: conv2dForward: expected a Tensor for x but received 1 \(number\)$/],
    ['stride 0', () => ops.conv2d(x(), w(), null, { stride: [0, 1] }),
      /^RangeError: conv2d: expected a positive integer for stride but received 0 \(number\)$/],
    ['negative padding', () => binding.conv2dForward(x(), w(), null, zeros([2, 4, 6, 6]), [1, 1], [-1, 0], 'none', [1, 1], 1),
      /^RangeError: conv2dForward: expected a pair of integers >= 0 for padding but received -1 \(number\)$/],
    ['channel mismatch', () => ops.conv2d(zeros([2, 2, 8, 8]), w(), null),
      /^RangeError: conv2d: weight \(4,3,3,3\) expects 3 input channels but x \(2,2,8,8\) has 2$/],
    ['a kernel larger than the input', () => ops.conv2d(zeros([1, 3, 2, 2]), w(), null),
      /^RangeError: conv2d: window 3 does not fit input \(1,3,2,2\) with padding 0$/],
    ['a kernel larger than the padded input (native check)',
      () => binding.conv2dForward(zeros([1, 1, 3, 3]), zeros([1, 1, 5, 5]), null, zeros([1, 1, 1, 1]), [1, 1], [0, 0], 'none', [1, 1], 1),
      /^RangeError: conv2dForward: kernel 5x5 is larger than the padded input 3x3 of \(1,1,3,3\)$/],
    ['an output buffer too small',
      () => binding.conv2dForward(x(), w(), null, { data: zeros([1]).data, shape: [2, 4, 6, 6] }, [1, 1], [0, 0], 'none', [1, 1], 1),
      /^RangeError: conv2dForward: y of shape \(2,4,6,6\) needs 1152 bytes but its buffer holds 4$/],
    ['a disposed tensor', () => { const t = x(); t.dispose(); return ops.conv2d(t, w(), null); },
      /^Error: conv2d: x was disposed$/],
    ['dilation 0', () => ops.conv2d(x(), w(), null, { dilation: [1, 0] }),
      /^RangeError: conv2d: expected a positive integer for dilation but received 0 \(number\)$/],
    ['groups not dividing the input channels', () => ops.conv2d(x(), zeros([4, 1, 3, 3]), null, { groups: 2 }),
      /^RangeError: conv2d: groups 2 must divide both the input channels of x \(2,3,8,8\) and the output channels of weight \(4,1,3,3\)$/],
    ['groups not dividing the output channels', () => ops.conv2d(zeros([2, 4, 8, 8]), zeros([3, 2, 3, 3]), null, { groups: 2 }),
      /^RangeError: conv2d: groups 2 must divide both the input channels of x \(2,4,8,8\) and the output channels of weight \(3,2,3,3\)$/],
    ['a grouped weight with the wrong channels', () => ops.conv2d(zeros([2, 4, 8, 8]), zeros([4, 4, 3, 3]), null, { groups: 2 }),
      /^RangeError: conv2d: weight \(4,4,3,3\) expects 8 input channels \(4 per group, 2 groups\) but x \(2,4,8,8\) has 4$/],
    ['a dilated kernel larger than the input', () => ops.conv2d(zeros([1, 3, 4, 4]), w(), null, { dilation: 2 }),
      /^RangeError: conv2d: dilated kernel 3 \(span 5\) does not fit input \(1,3,4,4\) with padding 0$/],
    ['groups not dividing the channels (native check)',
      () => binding.conv2dForward(x(), zeros([4, 1, 3, 3]), null, zeros([2, 4, 6, 6]), [1, 1], [0, 0], 'none', [1, 1], 2),
      /^RangeError: conv2dForward: groups 2 must divide both the input channels of x \(2,3,8,8\) and the output channels of weight \(4,1,3,3\)$/],
    ['groups 0 (native check)',
      () => binding.conv2dForward(x(), w(), null, zeros([2, 4, 6, 6]), [1, 1], [0, 0], 'none', [1, 1], 0),
      /^RangeError: conv2dForward: expected an integer in \[1, 1073741824\] for groups but received 0 \(number\)$/],
    ['a dilated kernel larger than the padded input (native check)',
      () => binding.conv2dForward(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, zeros([1, 1, 1, 1]), [1, 1], [0, 0], 'none', [2, 2], 1),
      /^RangeError: conv2dForward: kernel 5x5 is larger than the padded input 4x4 of \(1,1,4,4\)$/],
  ],
};
