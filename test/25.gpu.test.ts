// The GPU backend: how it loads (everywhere), and, where a GPU is usable, that it agrees with the
// CPU and does not leak. The op and gradient suites (20, 30) also run on the GPU when present.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  Tensor, Device, autograd, backendInfo, cpu, gpu, init, loss, memoryInfo, nn, ops, random, setGpuPrecision, tryGpu,
} from '../lib';
import { tempDir } from './helpers';
import { lenet } from './lenet';

const root = path.join(__dirname, '..', '..');
// The binary the library loads: a local build, else the prebuild.
const addon: string = require('node-gyp-build').path(root);
const { cuda } = backendInfo();
const hasNvcc = spawnSync('nvcc', ['--version']).status === 0;

// backendInfo().cuda in a child process with the given environment.
function childBackendInfo(env: Record<string, string>): { status: number | null; cuda: Record<string, unknown> } {
  const script = `console.log(JSON.stringify(require(${JSON.stringify(path.join(root, 'dist-test', 'lib'))}).backendInfo().cuda))`;
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: run.status, cuda: run.status === 0 ? JSON.parse(run.stdout) : { stderr: run.stderr } };
}

describe('GPU backend: loading', () => {
  it('is compiled in wherever CMake found nvcc', function () {
    if (!hasNvcc) this.skip();
    assert.equal(cuda.compiled, true);
  });

  it('links no CUDA, cuDNN or cuBLAS library dynamically (they are opened at run time)', function () {
    const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' });
    if (ldd.status !== 0) this.skip();
    assert.doesNotMatch(ldd.stdout, /libcuda\.|libcudart|libcudnn|libcublas/);
  });

  it('without a usable GPU: says why, tryGpu() is the CPU and gpu() throws the reason', function () {
    if (cuda.available) this.skip();
    assert.ok(cuda.reason.length > 20, cuda.reason);
    assert.ok(tryGpu().equals(cpu()));
    assert.throws(() => gpu(), (err: Error) => err.message.includes(cuda.reason));
  });

  it('reports the oldest driver this build runs on; without a driver, names it', function () {
    if (!cuda.compiled) this.skip();
    // A CUDA 12.x runtime runs on any driver for CUDA 12.0 or newer (minor-version compatibility).
    const major = Math.floor(cuda.runtimeVersion! / 1000);
    const expected = { 12: { cudaVersion: 12000, release: '525.60.13' }, 13: { cudaVersion: 13000, release: '580.65.06' } }[major];
    assert.deepEqual(cuda.minimumDriver, expected, `runtime ${cuda.runtimeVersion}`);
    if (cuda.driverVersion === 0 && major === 12) {
      assert.match(cuda.reason, /^no NVIDIA driver found \(libcuda\.so\.1 is not loadable\); install an NVIDIA driver for CUDA 12\.0 or newer \(R525\+; any 12\.x or 13\.x driver works\)/);
    }
  });

  describe('with stand-in cuDNN and cuBLAS libraries (built here with gcc)', () => {
    let dir = '';
    const fake = (extra: string[]): string => {
      const out = tempDir('fake-cuda-');
      const run = spawnSync('bash', [path.join(root, 'test', 'fixtures', 'fake-cuda-libs.sh'), out, ...extra], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return out;
    };
    before(function () {
      if (spawnSync('gcc', ['--version']).status !== 0 || !cuda.compiled) this.skip();
      this.timeout(60000);
      dir = fake([]);
    });

    it('finds them through NODE_CUDNN_LIBRARY_PATH and reports versions and folder', () => {
      const { status, cuda: info } = childBackendInfo({ NODE_CUDNN_LIBRARY_PATH: dir });
      assert.equal(status, 0);
      assert.deepEqual(info.cudnn, { version: '9.12.0', path: dir });
      assert.deepEqual(info.cublas, { version: '13.0.0', path: dir });
    });

    it('names a missing cuDNN sub-library instead of letting the shim abort the process', function () {
      this.timeout(60000);
      const partial = fake(['--missing', 'libcudnn_cnn.so.9']);
      const { status, cuda: info } = childBackendInfo({ NODE_CUDNN_LIBRARY_PATH: partial });
      assert.equal(status, 0);
      assert.equal(info.available, false);
      assert.match(String(info.reason), /libcudnn_cnn\.so\.9 is missing/);
    });

    it('preloads libnvrtc from the nvidia/cuda_nvrtc/lib wheel beside the cuDNN and cuBLAS wheels', function () {
      this.timeout(60000);
      // A virtual environment laid out as `pip install nvidia-cudnn-cu12 nvidia-cublas-cu12 nvidia-cuda-nvrtc-cu12` leaves it.
      const built = fake(['--cublas-major', '12']);
      const venv = tempDir('fake-venv-');
      const site = path.join(venv, 'lib', 'python3.11', 'site-packages', 'nvidia');
      const wheels: Record<string, RegExp> = { cudnn: /^libcudnn/, cublas: /^libcublas/, cuda_nvrtc: /^libnvrtc/ };
      for (const [wheel, files] of Object.entries(wheels)) {
        fs.mkdirSync(path.join(site, wheel, 'lib'), { recursive: true });
        for (const f of fs.readdirSync(built).filter((f) => files.test(f))) fs.copyFileSync(path.join(built, f), path.join(site, wheel, 'lib', f));
      }
      const { status, cuda: info } = childBackendInfo({ VIRTUAL_ENV: venv, NODE_CUDNN_LIBRARY_PATH: '' });
      assert.equal(status, 0);
      assert.deepEqual(info.cudnn, { version: '9.12.0', path: path.join(site, 'cudnn', 'lib') });
      assert.deepEqual(info.cublas, { version: '12.0.0', path: path.join(site, 'cublas', 'lib') });
      assert.deepEqual(info.nvrtc, { version: '12.0', path: path.join(site, 'cuda_nvrtc', 'lib') });
    });

    it('refuses cuDNN 8 with a sentence saying 9 is needed', function () {
      this.timeout(60000);
      const old = fake(['--cudnn-version', '81000']);
      const { cuda: info } = childBackendInfo({ NODE_CUDNN_LIBRARY_PATH: old });
      assert.match(String(info.reason), /cuDNN 8\.10\.0 found at .*but 9\.x is needed/);
    });
  });

  // NVIDIA's real cuBLAS binary, from the CUDA 12.4 toolkit folder that scripts/cuda-toolkit.sh makes (CI has it).
  const toolkit = process.env.NODE_CUDNN_CUDA_TOOLKIT || path.join(os.homedir(), '.cache', 'node-cudnn', 'cuda-12.4');
  const realLib = path.join(toolkit, 'lib64');
  const realCublas = fs.existsSync(path.join(realLib, 'libcublas.so.12'));
  describe(`with the real cuBLAS 12 from ${toolkit} and a stand-in cuDNN${realCublas ? '' :
    ` (not run: ${realLib}/libcublas.so.12 is missing; make it with scripts/cuda-toolkit.sh or set NODE_CUDNN_CUDA_TOOLKIT)`}`, () => {
    let info: Record<string, unknown> = {};
    let fileVersion = '';
    before(function () {
      if (!realCublas || spawnSync('gcc', ['--version']).status !== 0 || !cuda.compiled) this.skip();
      this.timeout(60000);
      // The real file is libcublas.so.12.<minor>.<patch>.<build>: what cublasGetProperty must answer.
      const real = fs.readdirSync(realLib).find((f) => /^libcublas\.so\.12\.\d+\.\d+/.test(f));
      fileVersion = /^libcublas\.so\.(12\.\d+\.\d+)/.exec(real ?? '')?.[1] ?? '(no versioned libcublas.so.12.* file)';
      const out = tempDir('fake-cudnn-');
      const run = spawnSync('bash', [path.join(root, 'test', 'fixtures', 'fake-cuda-libs.sh'), out, '--cublas-major', '12',
        '--cudart-version', '12040', '--missing', 'libcublas.so.12', '--missing', 'libcublasLt.so.12'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const child = childBackendInfo({ NODE_CUDNN_LIBRARY_PATH: `${realLib}:${out}` });
      assert.equal(child.status, 0, JSON.stringify(child.cuda));
      info = child.cuda;
      assert.equal((info.cudnn as { path: string } | undefined)?.path, out, JSON.stringify(info));
    });

    it('loads it through NODE_CUDNN_LIBRARY_PATH and reports its own version', () => {
      assert.match(fileVersion, /^12\.4\.\d+$/);
      assert.deepEqual(info.cublas, { version: fileVersion, path: realLib });
    });

    it('without a GPU, the reason says what is missing and what cublasCreate answered', function () {
      if (cuda.available) {
        assert.equal(info.available, true, String(info.reason));
        return;
      }
      const reason = String(info.reason);
      assert.equal(info.available, false);
      if (info.driverVersion === 0) {
        assert.match(reason, /^no NVIDIA driver found \(libcuda\.so\.1 is not loadable\); install an NVIDIA driver for CUDA 12\.0 or newer \(R525\+/);
      }
      // cuBLAS itself, asked: without a driver or device it cannot initialise (CUBLAS_STATUS_NOT_INITIALIZED = 1).
      assert.ok(reason.includes(`cuBLAS ${fileVersion} (in ${realLib}) and cuDNN 9.12.0 (in `), reason);
      assert.match(reason, /were found but cannot start either: cublasCreate failed with status 1 \(.*not initialized.*\)\.$/);
    });
  });

  it('NODE_CUDNN_DEVICE=cpu makes tryGpu() the CPU', () => {
    const script = `console.log(String(require(${JSON.stringify(path.join(root, 'dist-test', 'lib'))}).tryGpu()))`;
    const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_CUDNN_DEVICE: 'cpu' }, encoding: 'utf8' });
    assert.equal(run.stdout.trim(), 'cpu(0)');
  });
});

describe(`GPU backend: on the GPU${cuda.available ? '' : ` (not run: ${cuda.reason})`}`, function () {
  before(function () {
    if (!cuda.available) this.skip();
    setGpuPrecision('fp32');
  });
  after(() => {
    if (cuda.available) setGpuPrecision('tf32');
  });

  it('reports the GPU, its memory, and the driver, cuDNN and cuBLAS versions', () => {
    assert.ok(cuda.device && cuda.device.name.length > 0 && cuda.device.memoryBytes > 0);
    assert.ok(cuda.cudnn && /^9\./.test(cuda.cudnn.version));
    assert.ok(cuda.cublas && cuda.driverVersion! > 0);
  });

  it('fills with the CPU backend\'s random numbers', () => {
    random.seed(3);
    const a = Tensor.empty([10000], gpu());
    const b = Tensor.empty([10000], cpu());
    init.Uniform(1).fill(a);
    random.seed(3);
    init.Uniform(1).fill(b);
    assert.deepEqual(a.toArray(), b.toArray());
  });

  it('trains LeNet like the CPU: same weights, same batch → same outputs and gradients', () => {
    const [onCpu, onGpu] = [lenet(), lenet()];
    random.seed(11);
    onCpu.initialize(init.Xavier(), cpu());
    onGpu.initialize(init.Xavier(), gpu());
    const X = Tensor.zeros([8, 1, 28, 28]);
    init.Uniform(1).fill(X);
    onCpu.forward(X);
    onGpu.forward(Tensor.fromArray(X.toArray(), X.shape, gpu()));
    const [pc, pg] = [[...onCpu.collectParams().values()], [...onGpu.collectParams().values()]];
    pc.forEach((p, i) => pg[i].setData(p.data().toArray()));
    const labels = [0, 1, 2, 3, 4, 5, 6, 7];
    const lossFn = new loss.SoftmaxCrossEntropyLoss();
    const run = (net: nn.Sequential, device: Device) => {
      const l = autograd.record(() => lossFn.forward(net.forward(Tensor.fromArray(X.toArray(), X.shape, device)),
        Tensor.fromArray(labels, undefined, device)));
      l.backward();
      return l.toArray();
    };
    const [lc, lg] = [run(onCpu, cpu()), run(onGpu, gpu())];
    lc.forEach((v, i) => assert.ok(Math.abs(v - lg[i]) < 1e-4 * Math.max(1, Math.abs(v)), `loss ${i}: ${v} vs ${lg[i]}`));
    pc.forEach((p, i) => {
      const [gc, gg] = [p.grad().toArray(), pg[i].grad().toArray()];
      const scale = Math.max(...gc.map(Math.abs), 1e-6);
      gc.forEach((v, j) => assert.ok(Math.abs(v - gg[j]) <= 1e-3 * scale, `${p.name}[${j}]: ${v} vs ${gg[j]}`));
    });
  });

  it('reports a bad label at the next read (GPU checks run ahead of JavaScript), then works on', () => {
    const logits = Tensor.zeros([3, 4], gpu());
    const l = ops.softmaxCrossEntropy(logits, Tensor.fromArray([0, 9, 1], undefined, gpu()));
    assert.throws(() => l.toArray(), /^RangeError: download: an earlier softmaxCrossEntropy on the GPU had labels\[1\]/);
    const ok = ops.softmaxCrossEntropy(logits, Tensor.fromArray([0, 3, 1], undefined, gpu()));
    assert.ok(Math.abs(ok.toArray()[0] - Math.log(4)) < 1e-6);
  });

  it('refuses to mix devices in one op', () => {
    assert.throws(() => ops.dense(Tensor.zeros([1, 2], gpu()), Tensor.zeros([3, 2]), null),
      /^TypeError: denseForward: x is on gpu:0 but weight is on cpu$/);
  });

  it('names the bytes asked for when the GPU is out of memory, and keeps working', () => {
    assert.throws(() => Tensor.empty([2 ** 38], gpu()), /out of GPU memory: cannot allocate 1099511627776 bytes on gpu:0 \(\d+ bytes free of \d+\)/);
    assert.deepEqual(Array.from(Tensor.ones([3], gpu()).toArray()), [1, 1, 1]);
  });
});
