// How the GPU backend uses cuDNN: deterministic mode, the math type and algorithm chosen per
// convolution direction, NaN propagation (the same as the CPU's), cuDNN's int limits and the bounded
// plan caches. The GPU tests skip without a GPU, with the reason; the CPU's side of each runs everywhere.
import { strict as assert } from 'assert';
import type { TensorRef } from '../binding';
import {
  Tensor, Device, Trainer, autograd, backendInfo, convolutionAlgorithms, cpu, gpu, init, loss, memoryInfo, nn, ops,
  random, setDeterministic, setGpuPrecision,
} from '../lib';
import { binding } from '../lib/core/binding';

const { cuda } = backendInfo();
const gpuTitle = (title: string) => `${title}${cuda.available ? '' : ` (not run: ${cuda.reason})`}`;
// Before Ampere (compute capability 8.0) cuDNN's default math is plain FP32 (there is no TF32).
const preAmpere = cuda.device ? Number(cuda.device.computeCapability) < 8 : false;

// ---- NaN behaviour, computed the same way on either device ----

const nan = NaN;
// 1x1x5x5 with NaN at (0,0) (first in its windows), (2,3) (inside overlapping windows) and (4,4).
const poolInput = [
  nan, 1, 2, 3, 4,
  5, 6, 7, 8, 9,
  1, 2, 3, nan, 0,
  -1, -2, -3, -4, -5,
  0, 1, 0, 1, nan,
];
const activationInput = [nan, -2, -0.5, 0, 0.5, 2, nan];

interface NanResult { forward: number[]; backward: number[] }

// Forward of one op on x and the gradient of sum(y) with respect to x (dy = ones).
function forwardBackward(device: Device, x: number[], shape: number[], f: (t: Tensor) => Tensor): NanResult {
  const t = Tensor.fromArray(x, shape, device);
  t.attachGrad();
  const y = autograd.record(() => f(t));
  y.backward(Tensor.ones(y.shape, device));
  return { forward: Array.from(y.toArray()), backward: Array.from(t.grad!.toArray()) };
}

function nanCases(device: Device): Record<string, NanResult> {
  const out: Record<string, NanResult> = {};
  // relu, sigmoid and tanh run on cuDNN on the GPU; leaky relu, ELU and GELU on our own kernels.
  for (const kind of ['relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu'] as const) {
    out[kind] = forwardBackward(device, activationInput, [activationInput.length], (t) => ops.activation(kind, t));
  }
  for (const kind of ['max', 'avg'] as const) {
    // AlexNet's overlapping 3x3, stride 2 windows, and 2x2 stride 2 (LeNet's; the CPU has a fast path).
    out[`${kind} 3x3/2`] = forwardBackward(device, poolInput, [1, 1, 5, 5], (t) => ops.pool2d(kind, t, [3, 3], [2, 2], [0, 0]));
    out[`${kind} 2x2/2`] = forwardBackward(device, poolInput, [1, 1, 5, 5], (t) => ops.pool2d(kind, t, [2, 2], [2, 2], [0, 0]));
  }
  // Convolutions with a fused activation: NaN in every output whose window holds one, unless relu
  // maps it to 0.
  const w = Tensor.fromArray(Array(9).fill(0.1), [1, 1, 3, 3], device);
  for (const act of ['sigmoid', 'relu'] as const) {
    out[`conv2d ${act}`] = forwardBackward(device, poolInput, [1, 1, 5, 5], (t) => ops.conv2d(t, w, null, { activation: act }));
  }
  return out;
}

const isNan = (v: number) => Number.isNaN(v);

describe('GPU cuDNN use: settings callable everywhere (CPU side)', () => {
  it('setDeterministic returns the previous setting, with or without a GPU', () => {
    const was = setDeterministic(true);
    assert.equal(typeof was, 'boolean');
    assert.equal(setDeterministic(false), true);
    assert.equal(setDeterministic(was), false);
  });

  it('setDeterministic refuses a non-boolean, naming the op', () => {
    assert.throws(() => binding.setDeterministic('yes' as unknown as boolean), /^TypeError: setDeterministic: .*on/);
  });

  it('convolutionAlgorithms() is empty after CPU convolutions when no GPU is used', function () {
    if (cuda.available) this.skip();
    ops.conv2d(Tensor.ones([1, 1, 6, 6]), Tensor.ones([2, 1, 3, 3]), null);
    assert.deepEqual(convolutionAlgorithms(), []);
  });

  it('the CPU\'s NaN forward: sigmoid, tanh, leaky relu, ELU, GELU, pooling and convolution propagate it; relu maps it to 0', () => {
    const r = nanCases(cpu());
    for (const kind of ['sigmoid', 'tanh', 'leaky_relu', 'elu', 'gelu']) {
      assert.deepEqual(r[kind].forward.map(isNan), activationInput.map(isNan), kind);
    }
    // oneDNN's relu, fused or not, gives max(x, 0) = 0 at NaN (as Gluon's relu does).
    assert.deepEqual(r.relu.forward, [0, 0, 0, 0, 0.5, 2, 0]);
    // Every window that holds a NaN gives NaN, wherever the NaN is in it. The 3x3/2 windows start at
    // (0,0), (0,2), (2,0), (2,2): only the third holds none.
    assert.deepEqual(r['max 3x3/2'].forward.map(isNan), [true, true, false, true], 'max 3x3/2');
    assert.deepEqual(r['avg 3x3/2'].forward.map(isNan), [true, true, false, true], 'avg 3x3/2');
    // 2x2/2: the NaN at (2,3) is not first in its window (the fast path's case).
    assert.deepEqual(r['max 2x2/2'].forward.map(isNan), [true, false, false, true], 'max 2x2/2');
    assert.deepEqual(r['avg 2x2/2'].forward.map(isNan), [true, false, false, true], 'avg 2x2/2');
    // The 3x3 windows starting at (1,0) and (2,0) hold no NaN.
    assert.deepEqual(r['conv2d sigmoid'].forward.map(isNan), [true, true, true, false, true, true, false, true, true]);
    assert.ok(r['conv2d relu'].forward.every(Number.isFinite));
  });

  it('the CPU\'s NaN backward (dy = 1): max pooling routes the gradient to the first NaN of a window', () => {
    const r = nanCases(cpu());
    // 3x3/2 windows: first NaNs (0,0), (2,3), none (max 3 at (2,2)), (2,3).
    const dx = r['max 3x3/2'].backward;
    assert.equal(dx[0], 1);
    assert.equal(dx[2 * 5 + 2], 1);
    assert.equal(dx[2 * 5 + 3], 2);
    assert.equal(dx.reduce((a, b) => a + b, 0), 4, 'each window passes its gradient to one cell');
    assert.ok(r['avg 3x3/2'].backward.every(Number.isFinite), 'average pooling\'s backward does not read x');
  });

  it('the CPU\'s activation backward at NaN: NaN for sigmoid, tanh and GELU; relu 0; leaky relu and ELU slope 1', () => {
    const r = nanCases(cpu());
    for (const kind of ['sigmoid', 'tanh', 'gelu']) {
      assert.deepEqual(r[kind].backward.map(isNan), activationInput.map(isNan), kind);
    }
    assert.deepEqual(r.relu.backward, [0, 0, 0, 0, 1, 1, 0]);
    assert.equal(r.leaky_relu.backward[0], 1);
    assert.equal(r.elu.backward[6], 1);
  });
});

describe(gpuTitle('GPU cuDNN use: on the GPU'), function () {
  this.timeout(120000);
  before(function () {
    if (!cuda.available) this.skip();
  });
  afterEach(() => {
    if (!cuda.available) return;
    setGpuPrecision('tf32');
    setDeterministic(false);
  });

  // A small AlexNet: overlapping 3x3 stride 2 max pooling, relu convolutions with padding, dense.
  function smallAlexnet(): nn.Sequential {
    const net = new nn.Sequential();
    net.add(
      new nn.Conv2D(16, 5, { strides: 2, activation: 'relu' }), new nn.MaxPool2D(3, 2),
      new nn.Conv2D(32, 3, { padding: 1, activation: 'relu' }), new nn.MaxPool2D(3, 2),
      new nn.Dense(10),
    );
    return net;
  }

  // Two SGD steps from seed 5 on a fixed batch; the parameters' bytes after them.
  function trainTwoSteps(): Buffer[] {
    random.seed(5);
    const net = smallAlexnet();
    net.initialize(init.Xavier(), gpu());
    const X = Tensor.empty([16, 1, 48, 48], gpu());
    init.Uniform(1).fill(X);
    const labels = Tensor.fromArray(Array.from({ length: 16 }, (_, i) => i % 10), undefined, gpu());
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
    const lossFn = new loss.SoftmaxCrossEntropyLoss();
    for (let step = 0; step < 2; ++step) {
      const l = autograd.record(() => lossFn.forward(net.forward(X), labels));
      l.backward();
      trainer.step(16);
    }
    return [...net.collectParams().values()].map((p) => Buffer.from(p.data().toArray().buffer));
  }

  it('deterministic mode: two seeded training steps with overlapping max pooling give the same bits', () => {
    setDeterministic(true);
    const [a, b] = [trainTwoSteps(), trainTwoSteps()];
    a.forEach((bytes, i) => assert.ok(bytes.equals(b[i]), `parameter ${i} differs between the two runs`));
    const chosen = convolutionAlgorithms().filter((r) => r.deterministicMode);
    assert.ok(chosen.length >= 5, `2 convolutions × (forward, backward data, backward filter), less the first's data: ${chosen.length}`);
    for (const r of chosen) {
      assert.ok(r.deterministic, `${r.shape} ${r.direction}: ${r.algo} is not deterministic`);
      assert.equal(r.timeMs, null, 'chosen by heuristics, not by timing');
    }
  });

  it('each direction runs with the math type its search result carried (one descriptor per direction)', () => {
    ops.conv2d(Tensor.ones([4, 3, 20, 20], gpu()), Tensor.ones([8, 3, 3, 3], gpu()), null, { padding: [1, 1] });
    const x = Tensor.ones([4, 3, 20, 20], gpu());
    x.attachGrad();
    const y = autograd.record(() => ops.conv2d(x, Tensor.ones([8, 3, 3, 3], gpu()), null, { padding: [1, 1] }));
    y.backward(Tensor.ones(y.shape, gpu()));
    const mine = convolutionAlgorithms().filter((r) => r.shape === '4,3,20,20->8,3,3 s1,1 p1,1' && r.precision === 'tf32');
    assert.deepEqual(mine.map((r) => r.direction).sort(), ['backwardData', 'backwardFilter', 'forward']);
    for (const r of mine) assert.equal(r.descriptorMathType, r.mathType, `${r.direction} (${r.algo})`);
  });

  it('with fp32 precision no tensor-op math is chosen', () => {
    setGpuPrecision('fp32');
    const x = Tensor.ones([8, 16, 24, 24], gpu());
    x.attachGrad();
    const w = Tensor.ones([32, 16, 3, 3], gpu());
    const y = autograd.record(() => ops.conv2d(x, w, null, { padding: [1, 1] }));
    y.backward(Tensor.ones(y.shape, gpu()));
    const fp32 = convolutionAlgorithms().filter((r) => r.precision === 'fp32');
    assert.ok(fp32.length >= 3);
    const allowed = preAmpere ? ['CUDNN_FMA_MATH', 'CUDNN_DEFAULT_MATH'] : ['CUDNN_FMA_MATH'];
    for (const r of fp32) {
      assert.ok(allowed.includes(r.mathType), `${r.shape} ${r.direction}: ${r.algo} with ${r.mathType}`);
      assert.equal(r.descriptorMathType, r.mathType);
    }
  });

  it('the algorithm report names algorithms and math types after a convolution', () => {
    ops.conv2d(Tensor.ones([2, 1, 28, 28], gpu()), Tensor.ones([6, 1, 5, 5], gpu()), null, { padding: [2, 2] });
    const r = convolutionAlgorithms().find((e) => e.shape === '2,1,28,28->6,5,5 s1,1 p2,2' && e.direction === 'forward');
    assert.ok(r, JSON.stringify(convolutionAlgorithms()));
    assert.match(r.algo, /^CUDNN_CONVOLUTION_FWD_ALGO_[A-Z_]+$/);
    assert.match(r.mathType, /^CUDNN_(DEFAULT|TENSOR_OP|FMA)_MATH$/);
    assert.ok(r.workspaceBytes >= 0 && typeof r.timeMs === 'number' && r.timeMs >= 0);
  });

  it('NaN behaves as on the CPU: the same outputs and gradients are NaN, the finite ones agree', () => {
    setGpuPrecision('fp32');
    const [c, g] = [nanCases(cpu()), nanCases(gpu())];
    for (const name of Object.keys(c)) {
      for (const part of ['forward', 'backward'] as const) {
        const [a, b] = [c[name][part], g[name][part]];
        assert.deepEqual(b.map(isNan), a.map(isNan), `${name} ${part}: NaN at different places (cpu ${a}, gpu ${b})`);
        a.forEach((v, i) => {
          if (!isNan(v)) assert.ok(Math.abs(v - b[i]) <= 1e-5 * Math.max(1, Math.abs(v)), `${name} ${part}[${i}]: ${v} vs ${b[i]}`);
        });
      }
    }
  });

  it('a dimension or element count beyond cuDNN\'s int range gives a RangeError naming the op and the value', function () {
    const bytes = 4 * 2 ** 31;
    if ((memoryInfo(gpu()).deviceFreeBytes ?? 0) < bytes + 2 ** 30) this.skip();
    const data = binding.alloc('gpu:0', bytes);
    try {
      const wide: TensorRef = { data, shape: [1, 1, 1, 2 ** 31] };
      assert.throws(() => binding.pool2dForward('max', wide, wide, [1, 1], [1, 1], [0, 0], false, false, true),
        /^RangeError: pool2dForward: x of shape \(1,1,1,2147483648\): dimension 2147483648 exceeds cuDNN's int range \(2147483647\)$/);
      const many: TensorRef = { data, shape: [2, 2 ** 30] };
      assert.throws(() => binding.activationForward('relu', many, many, 0),
        /^RangeError: activationForward: x of shape \(2,1073741824\) has 2147483648 elements, more than cuDNN's limit of 2147483647 per tensor$/);
    } finally {
      data.dispose();
    }
  });

  it('plan caches are bounded: after 300 new convolution shapes the oldest plans are gone', () => {
    const w = Tensor.ones([1, 1, 3, 3], gpu());
    for (let h = 3; h < 303; ++h) ops.conv2d(Tensor.ones([1, 1, h, 3], gpu()), w, null).dispose();
    const forward = convolutionAlgorithms().filter((r) => r.direction === 'forward');
    assert.ok(forward.length <= 256, `${forward.length} plans kept`);
    assert.ok(!forward.some((r) => r.shape === '1,1,3,3->1,3,3 s1,1 p0,0'), 'the oldest shape was evicted');
    assert.ok(forward.some((r) => r.shape === '1,1,302,3->1,3,3 s1,1 p0,0'), 'the newest shape is kept');
  });
});
