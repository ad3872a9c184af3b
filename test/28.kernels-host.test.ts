// Every CUDA kernel of native/cuda/*.cu, run on the host: the .cu files compiled as C++ with the shim
// in test/kernels-host (threads as fibers, real barriers, emulated warp shuffles), launched through
// their real launchers, and compared with the CPU backend on the same inputs. Each case runs with the
// launchers' default grid caps and again with the caps forced small, blocks and threads then run
// last first, so that every grid-stride, row and channel loop goes round more than once. Needs no
// GPU and no nvcc: the build makes build/kernels-host/node_cudnn_kernels_host.node.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from './reference';

const root = path.join(__dirname, '..', '..');
const addonPath = path.join(root, 'build', 'kernels-host', 'node_cudnn_kernels_host.node');

type Value = Float32Array | Uint8Array | number | boolean | string | number[] | Record<string, unknown>;
interface Launch { kernel: string; grid: number; block: number }
interface RunResult { outputs: Record<string, Float32Array | number>; launches: Launch[]; liveAllocations: number }
interface KernelsHost {
  run(backend: 'gpu' | 'cpu', op: string, args: Value[]): RunResult;
  setOptions(options: { reverse?: boolean; caps?: Record<string, number> }): void;
  caps(): Record<string, number>;
}

// Exact: the kernel's comments promise the CPU's bits. Otherwise |gpu - cpu| ≤ atol + rtol·|cpu|.
type Tolerance = 'exact' | { rtol: number; atol: number };
// A launch site inside an X-macro (arithmetic.cu: BinaryKernel<BinaryOp::name>) launches one kernel per
// enumerator; each one's launch counts for that one site, whatever the enum.
const launchSite = (kernel: string): string => kernel.replace(/<(\w+)::\w+>/, '<$1::name>');
const SUMMED = { rtol: 1e-6, atol: 1e-7 };  // sums in double, in another order

// Loop unit of each kernel's main loop: work items one round of a block covers, and whether the
// blocks of the grid share the work (false: each block loops over its own image).
const LOOP_UNIT: Record<string, [number, boolean]> = {
  SoftmaxCrossEntropyKernel: [8, true], SoftmaxCrossEntropyBackwardKernel: [8, true], CountCorrectKernel: [8, true],
  GlobalStatsBackwardKernel: [1, true], ColorJitterKernel: [256, false],
  // reductions and softmax: one tile a round (axisTiles below counts them)
  'ReduceKernel<kOp>': [1, true], SoftmaxForwardKernel: [1, true], SoftmaxBackwardKernel: [1, true],
};
const NO_LOOP = new Set(['AddCountKernel', 'SumFinalKernel']);  // SumFinal: its own case below
NO_LOOP.add('ReduceChunksKernel<kOp>');  // never the first launch: its own case below

/** The tiles of cuda/axis_groups.h's MakeAxisGroups for (outer, r, inner): the reduce and softmax kernels' loop. */
function axisTiles([outer, r, inner]: number[], split: boolean): number {
  const tiles = (chunks: number) => {
    const length = Math.ceil(r / chunks), rows = outer * Math.ceil(r / length);
    return inner > 1 ? rows * Math.ceil(inner / 32) : Math.ceil(rows / (length >= 512 ? 1 : 8));
  };
  const whole = tiles(1);
  if (!split || whole >= 512 || r < 2048) return whole;
  return tiles(Math.min(Math.ceil(512 / whole), Math.floor(r / 1024), 256));
}

// The suites' seeded generator (reference.ts), so that a failure can be replayed.
function rng(seed: number): () => number {
  const g = new Rng(seed);
  return () => g.uniform();
}
function randoms(n: number, seed: number, scale = 4): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * scale);
}
function labelsFor(n: number, c: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(r() * c));
}

describe('28 CUDA kernels on the host, against the CPU backend', function () {
  let host: KernelsHost;
  // kernel -> most rounds its main loop took in the capped mode, over all cases
  const rounds = new Map<string, number>();
  const launched = new Map<string, Set<string>>();  // mode -> kernels

  before(function () {
    assert.ok(fs.existsSync(addonPath), `${addonPath} is missing: build with \`npx cmake-js build\` (CMake option ` +
      'NODE_CUDNN_KERNEL_TESTS, on by default)');
    host = require(addonPath) as KernelsHost;
  });

  const modes: { name: string; caps: Record<string, number>; reverse: boolean }[] = [
    { name: 'default grid caps', caps: {}, reverse: false },
    { name: 'grid caps forced small (kMaxBlocks 2, kSumBlocks 3), last block and thread first', caps: { kMaxBlocks: 2, kSumBlocks: 3 }, reverse: true },
  ];

  for (const mode of modes) {
    describe(mode.name, function () {
      before(() => host.setOptions({ caps: mode.caps, reverse: mode.reverse }));
      after(() => host.setOptions({}));
      const capped = mode.reverse;

      // Runs op on both backends and compares every output; `work` is the length of the main loop.
      function check(op: string, args: Value[], tolerance: Record<string, Tolerance> | Tolerance, work?: number): void {
        const call = `${op}(${args.map(describeArg).join(', ')})`;
        const run = (backend: 'gpu' | 'cpu') => {
          try {
            return host.run(backend, op, args);
          } catch (e) {
            throw new Error(`${call}: ${(e as Error).message}`);
          }
        };
        const gpu = run('gpu'), cpu = run('cpu');
        assert.equal(gpu.liveAllocations, 0, `${op}: cudaMallocAsync blocks not freed`);
        assert.deepEqual(Object.keys(gpu.outputs).sort(), Object.keys(cpu.outputs).sort());
        for (const [name, expected] of Object.entries(cpu.outputs)) {
          const tol = typeof tolerance === 'string' || 'rtol' in tolerance ? tolerance as Tolerance : tolerance[name];
          compare(`${call} ${name}`, gpu.outputs[name], expected, tol);
        }
        const seen = launched.get(mode.name) ?? new Set<string>();
        for (const l of gpu.launches) seen.add(launchSite(l.kernel));
        launched.set(mode.name, seen);
        const main = gpu.launches[0];
        if (capped && main && work !== undefined && !NO_LOOP.has(main.kernel)) {
          const [unit, shared] = LOOP_UNIT[main.kernel] ?? [256, true];
          const r = work / (unit * (shared ? main.grid : 1));
          rounds.set(launchSite(main.kernel), Math.max(rounds.get(launchSite(main.kernel)) ?? 0, r));
        }
        if (capped) {
          for (const l of gpu.launches) assert.ok(l.grid <= 3 || l.kernel === 'ColorJitterKernel', `${l.kernel}: grid ${l.grid}`);
        }
      }

      it('fills, dropout, axpby, multiply, bytes to float (bit for bit)', function () {
        for (const n of [1, 255, 257, 1000, 3001]) {
          check('fillConstant', [n, -1.25], 'exact', n);
          check('fillUniform', [n, -2, 3, 12345 + n], 'exact', n);
          // glibc's logf/cosf on both sides here; on a GPU CUDA's may differ in the last place
          check('fillNormal', [n, 0.5, 2, 777 + n], 'exact', n);
          const x = randoms(n, n), y = randoms(n, n + 1);
          check('dropout', [x, 0.3, 99 + n], 'exact', n);
          check('axpby', [x, y, 1.5, -0.75], 'exact', n);
          check('axpby', [x, new Float32Array(n).fill(NaN), 2.5, 0], 'exact', n);  // b = 0: y is never read
          check('multiply', [x, y], 'exact', n);
          const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
          check('bytesToFloat', [bytes, 1 / 255], 'exact', n);
        }
        check('fillConstant', [0, 1], 'exact');
      });

      it('broadcast arithmetic and its sum back to an operand (bit for bit)', function () {
        // every kind in native/arithmetic.h's NC_BINARY_OPS: X(Enum, "name", ...)
        const binaryKinds = [...fs.readFileSync(path.join(root, 'native', 'arithmetic.h'), 'utf8').matchAll(/X\(\w+, "(\w+)"/g)].map((m) => m[1]);
        assert.ok(binaryKinds.includes('add') && binaryKinds.includes('maximum'), `kinds: ${binaryKinds}`);
        // [a shape, b shape]: equal, a row, a column, a scalar, leading dimensions missing
        const pairs: [number[], number[]][] = [[[7, 300], [7, 300]], [[7, 300], [300]], [[7, 300], [7, 1]],
          [[1], [5, 61]], [[3, 1, 50], [4, 1]], [[2, 3, 4, 5], [3, 1, 5]]];
        for (const [as, bs] of pairs) {
          const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const a = randoms(size(as), size(as) + 5), b = randoms(size(bs), size(bs) + 6);
          const out = as.length >= bs.length ? as.map((d, i) => Math.max(d, bs[i - as.length + bs.length] ?? 1))
            : bs.map((d, i) => Math.max(d, as[i - bs.length + as.length] ?? 1));
          const g = randoms(size(out), size(out) + 7);
          for (const kind of binaryKinds) {
            check('binary', [kind, as, a, bs, b], 'exact', size(out));
            check('binaryBackward', [kind, as, a, bs, b, g], 'exact', size(out));
          }
          check('sumTo', [out, g, bs], 'exact', size(bs));  // the same code in the same order on both
          check('sumTo', [out, g, as], 'exact', size(as));
        }
      });

      it('unary ops, clip and where, forward and backward (bit for bit)', function () {
        // every kind in native/unary.h's NC_UNARY_OPS: X(Enum, "name", ...)
        const unaryKinds = [...fs.readFileSync(path.join(root, 'native', 'unary.h'), 'utf8').matchAll(/X\(\w+, "(\w+)"/g)].map((m) => m[1]);
        assert.ok(unaryKinds.includes('neg') && unaryKinds.includes('sign'), `kinds: ${unaryKinds}`);
        for (const n of [1, 257, 3001]) {
          const x = randoms(n, n + 11, 6), dy = randoms(n, n + 12);
          if (n > 5) x.set([0, -0, NaN, Infinity, -Infinity]);  // zeros, NaN and infinities on both sides alike
          for (const kind of unaryKinds) {
            const y = host.run('cpu', 'unary', [kind, x]).outputs.y as Float32Array;
            check('unary', [kind, x], 'exact', n);
            check('unaryBackward', [kind, x, y, dy], 'exact', n);
          }
          for (const [lo, hi] of [[-1, 1.5], [-Infinity, 0.25], [-0.5, Infinity], [1, -1]]) {
            check('clip', [x, lo, hi], 'exact', n);
            check('clipBackward', [x, dy, lo, hi], 'exact', n);
          }
        }
        // [condition, a, b] shapes: equal, a scalar, rows and columns, leading dimensions missing
        const triples: [number[], number[], number[]][] = [[[7, 300], [7, 300], [7, 300]], [[7, 300], [1], [7, 300]],
          [[7, 1], [300], [7, 300]], [[3, 1, 50], [4, 1], [1]], [[2, 3, 4, 5], [3, 1, 5], [4, 1]]];
        const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
        for (const [cs, as, bs] of triples) {
          const r = rng(size(cs));
          // mostly 0/1, with other non-zero values and NaN (true, as in NumPy)
          const cond = Float32Array.from({ length: size(cs) }, () => { const u = r(); return u < 0.45 ? 0 : u < 0.9 ? 1 : u < 0.95 ? -2.5 : NaN; });
          const a = randoms(size(as), size(as) + 1), b = randoms(size(bs), size(bs) + 2);
          const ndim = Math.max(cs.length, as.length, bs.length);
          const out = Array.from({ length: ndim }, (_, d) => Math.max(...[cs, as, bs].map((s) => s[d - ndim + s.length] ?? 1)));
          check('where', [cs, cond, as, a, bs, b], 'exact', size(out));
          check('whereBackward', [cs, cond, out, randoms(size(out), 9)], 'exact', size(out));
        }
      });

      it('sum and sum of squares (double, another order)', function () {
        for (const n of [0, 1, 31, 257, 1000, 5000]) {
          const x = randoms(n, 3 * n + 1);
          for (const squares of [false, true]) {
            for (const accumulate of [false, true]) {
              check('sum', [x, squares, accumulate, Float32Array.of(2.5)], SUMMED, n);
            }
          }
          check('sumSquares', [x, false, Float32Array.of(NaN)], SUMMED, n);
          check('sumSquares', [x, true, Float32Array.of(-1)], SUMMED, n);
        }
      });

      it('softmax cross-entropy and its gradient', function () {
        for (const [n, c] of [[1, 1], [1, 10], [7, 33], [37, 10], [37, 100], [20, 64]]) {
          const logits = randoms(n * c, n * 1000 + c, 20), labels = labelsFor(n, c, n + c);
          check('softmaxCrossEntropy', [c, logits, labels], SUMMED, n);
          check('softmaxCrossEntropyBackward', [c, logits, labels, randoms(n, c)], { rtol: 1e-6, atol: 1e-7 }, n);
        }
      });

      it('correct counts: first maximum, ties, NaN', function () {
        for (const [n, c] of [[1, 1], [1, 5], [37, 10], [40, 33], [25, 100]]) {
          const r = rng(n * c);
          // Few distinct values, so ties are common; some NaNs, some rows led by NaN, one all NaN.
          const logits = Float32Array.from({ length: n * c }, () => (r() < 0.05 ? NaN : Math.floor(r() * 4)));
          for (let i = 0; i < n; i += 5) logits[i * c] = NaN;
          if (n > 3) logits.fill(NaN, 3 * c, 4 * c);
          // labels: the CPU's answer for half of the rows, so that counts are neither 0 nor n
          const labels = labelsFor(n, c, n + 7);
          for (let i = 0; i < n; i += 2) {
            let best = 0;
            for (let j = 1; j < c; ++j) best = logits[i * c + j] > logits[i * c + best] ? j : best;
            labels[i] = best;
          }
          for (const k of [1, 2, 5]) {
            check('countCorrect', [c, logits, labels, k], 'exact', n);
            check('accumulateCorrect', [c, logits, labels, Float32Array.of(5), k], 'exact', n);
          }
        }
      });

      it('bad labels: the smallest index, kept over calls', function () {
        const c = 10;
        for (const n of [1, 300, 1200]) {
          const good = labelsFor(n, c, n);
          check('findBadLabel', [c, good, true, 0], 'exact', n);  // none: -1
          for (const [at, bad] of [[0, -1], [n - 1, c], [Math.floor(n / 2), 2.5], [Math.floor(n / 3), NaN]] as const) {
            const labels = good.slice();
            labels[at] = bad;
            if (n > 2) labels[n - 1] = -3;  // a later bad one must not win
            check('findBadLabel', [c, labels, true, 0], 'exact', n);
            check('findBadLabel', [c, labels, false, -1], 'exact', n);
            check('findBadLabel', [c, labels, false, 1], 'exact', n);  // an earlier record stays
          }
        }
      });

      // Bit for bit here, where products and sums round separately; nvcc contracts SampleBilinear's
      // a·b + c into FMAs, so on a GPU the last bits may differ (test 64 allows for it).
      it('affine sampling, with and without clamped edges', function () {
        for (const [n, c, h, w, oh, ow] of [[1, 1, 1, 1, 1, 1], [2, 3, 5, 7, 4, 9], [2, 1, 28, 28, 24, 24]]) {
          const x = randoms(n * c * h * w, h * w);
          const r = rng(n + h);
          const matrices = Float32Array.from({ length: n * 6 }, (_, k) =>
            k % 3 === 2 ? (r() - 0.3) * 3 : (r() - 0.5) * 1.6);  // shifts and skews, partly outside
          for (const clamp of [true, false]) check('affineSample', [[n, c, h, w, oh, ow], x, matrices, clamp], 'exact', n * c * oh * ow);
        }
      });

      it('colour jitter, one block per image', function () {
        for (const [n, size] of [[1, 1], [3, 100], [2, 300], [4, 784]]) {
          const x = randoms(n * size, size, 2);
          check('colorJitter', [n, x, randoms(n, 1, 1).map((v) => 1 + v), randoms(n, 2, 1).map((v) => 1 + v)],
            { rtol: 1e-6, atol: 1e-6 }, size);
        }
      });

      // pool.cu: what the GPU runs when ceil mode's last windows reach past the padding. The forward
      // keeps the CPU's argmax (ties and NaN to the first), the backward gathers in the CPU's order.
      it('pooling in ceil mode, max and average with and without padded cells counted', function () {
        // [n, c, h, w, kh, kw, sh, sw, ph, pw]
        for (const d of [[1, 1, 5, 5, 2, 2, 2, 2, 0, 0], [2, 3, 7, 6, 3, 3, 2, 2, 1, 1], [1, 2, 9, 11, 3, 2, 3, 2, 1, 0],
          [2, 4, 20, 21, 3, 3, 2, 2, 0, 1]]) {
          const [n, c, h, w] = d;
          const x = randoms(n * c * h * w, h + w);
          x[3] = x[4];  // a tie
          if (d[0] === 2) x[7] = NaN;
          for (const isMax of [true, false]) {
            for (const ceilMode of [true, false]) {
              for (const countPad of isMax ? [true] : [true, false]) {
                const head = [d, isMax, ceilMode, countPad];
                const forward = host.run('cpu', 'poolForward', [...head, x] as Value[]);
                const y = forward.outputs.y as Float32Array;
                check('poolForward', [...head, x] as Value[], 'exact', y.length);
                const argmax = isMax ? forward.outputs.argmax as Float32Array : new Float32Array(0);
                check('poolBackward', [...head, randoms(y.length, y.length), argmax] as Value[], 'exact', x.length);
              }
            }
          }
        }
      });

      it('leaky relu, ELU and GELU, forward and backward (oneDNN on the CPU)', function () {
        for (const n of [1, 257, 1500]) {
          const x = randoms(n, n + 5, 8);
          if (n > 3) x[0] = 0, x[1] = -0, x[2] = 1e-30;
          const dy = randoms(n, n + 6);
          const tol = { rtol: 1e-5, atol: 1e-6 };
          check('activationForward', ['leakyRelu', 0.1, x], 'exact', n);
          check('activationBackward', ['leakyRelu', 0.1, x, dy], 'exact', n);
          check('activationForward', ['gelu', 0, x], tol, n);
          check('activationBackward', ['gelu', 0, x, dy], tol, n);
          check('activationForward', ['elu', 0.7, x], tol, n);
          // oneDNN's ELU backward takes 0 < x < ~6e-8 as negative (slope alpha·eˣ, not 1): not here
          check('activationBackward', ['elu', 0.7, x.map((v) => (v > 0 && v < 1e-7 ? 0 : v)), dy], tol, n);
        }
      });

      it('batch norm with global statistics, forward statistics and backward', function () {
        for (const c of [1, 3, 300, 1000]) {
          const mean = randoms(c, c), variance = randoms(c, c + 1).map((v) => Math.abs(v) + 0.01);
          check('batchNormGlobalStats', [mean, variance, 1e-5], 'exact', c);
        }
        for (const [n, c, h, w] of [[1, 1, 1, 1], [2, 3, 4, 5], [1, 70, 1, 1], [4, 5, 9, 9], [3, 2, 10, 10]]) {
          const size = n * c * h * w;
          const x = randoms(size, size), dy = randoms(size, size + 1), gamma = randoms(c, c + 2);
          const mean = randoms(c, c + 3, 1), invStd = randoms(c, c + 4).map((v) => Math.abs(v) + 0.5);
          check('batchNormGlobalStatsBackward', [[n, c, h, w], x, gamma, dy, mean, invStd, 1e-5],
            { dx: { rtol: 1e-5, atol: 1e-6 }, dgamma: { rtol: 1e-4, atol: 1e-5 }, dbeta: { rtol: 1e-4, atol: 1e-5 } }, c);
        }
      });

      it('reductions over an axis: sums (double, another order), max and min with their indices (bit for bit)', function () {
        // (outer, r, inner): warp rows, block rows, block rows cut into chunks, columns, columns cut into chunks
        for (const dims of [[1, 1, 1], [37, 10, 1], [5, 600, 1], [3, 5000, 1], [4, 7, 45], [2, 3, 100], [1, 2500, 40]]) {
          const n = dims[0] * dims[1] * dims[2], outputs = dims[0] * dims[2], seed = n + dims[2];
          const x = randoms(n, seed);
          // few distinct values (ties everywhere) and some NaNs: the picked index must agree exactly
          const r = rng(seed + 1);
          const ties = Float32Array.from({ length: n }, () => (r() < 0.02 ? NaN : Math.floor(r() * 5)));
          const work = axisTiles(dims, true);
          for (const kind of ['sum', 'mean']) check('reduce', [kind, dims, x, 'y'], SUMMED, work);
          for (const kind of ['max', 'min']) {
            check('reduce', [kind, dims, x, 'both'], 'exact', work);
            check('reduce', [kind, dims, ties, 'both'], 'exact', work);
            check('reduce', [kind, dims, ties, 'indices'], 'exact', work);  // argmax, argmin
            check('reduce', [kind, dims, x, 'y'], 'exact', work);
          }
          const dy = randoms(outputs, seed + 2);
          const indices = Float32Array.from({ length: outputs }, (_, j) => (j * 7) % dims[1]);
          for (const kind of ['sum', 'mean']) check('reduceBackward', [kind, dims, dy, new Float32Array(0)], 'exact', n);
          for (const kind of ['max', 'min']) check('reduceBackward', [kind, dims, dy, indices], 'exact', n);
        }
      });

      it('softmax and log-softmax over an axis, forward and backward', function () {
        for (const dims of [[1, 1, 1], [37, 10, 1], [5, 600, 1], [4, 7, 45], [2, 3, 100], [1, 2500, 40]]) {
          const n = dims[0] * dims[1] * dims[2];
          const x = randoms(n, n + 3, 20), dy = randoms(n, n + 4);
          const work = axisTiles(dims, false);
          for (const log of [false, true]) {
            check('softmaxForward', [log, dims, x], { rtol: 1e-6, atol: 1e-7 }, work);
            const y = host.run('cpu', 'softmaxForward', [log, dims, x]).outputs.y as Float32Array;
            check('softmaxBackward', [log, dims, y, dy], { rtol: 1e-5, atol: 1e-6 }, work);
          }
        }
      });

      it('strided copies: transpose, slice with steps, broadcast, reversed, into a bigger dst (bit for bit)', function () {
        // [shape, srcStrides, srcOffset, srcSize, dstStrides, dstOffset, dstSize]
        const copies: [number[], number[], number, number, number[], number, number][] = [
          [[1000], [1], 0, 1000, [1], 0, 1000],                            // contiguous: one run
          [[3, 40, 50], [1, 150, 3], 0, 6000, [2000, 50, 1], 0, 6000],     // transpose (40,50,3) -> (3,40,50)
          [[5, 7, 33], [462, 33, 1], 4, 3000, [231, 33, 1], 0, 1155],      // slice with offset
          [[9, 20], [100, 3], 7, 1000, [20, 1], 0, 180],                   // slice with step 3
          [[30, 40], [0, 1], 0, 40, [40, 1], 0, 1200],                     // broadcast rows
          [[30, 40], [1, 0], 0, 30, [40, 1], 0, 1200],                     // broadcast columns
          [[25, 31], [-31, -1], 774, 775, [31, 1], 0, 775],                // reversed both axes
          [[6, 10, 12], [120, 12, 1], 0, 720, [168, 14, 1], 15, 1008],     // into a padded (6,12,14)
          [[2, 3, 2, 3, 2, 3, 2, 3], [1, 2, 6, 12, 36, 72, 216, 432], 0, 1296, [648, 216, 108, 36, 18, 6, 3, 1], 0, 1296],
          [[2, 20000], [0, 1], 0, 20000, [20000, 1], 0, 40000],            // rows longer than the CPU's pieces
          [[40000], [0], 0, 1, [1], 0, 40000],                             // one broadcast value
        ];
        for (const [shape, ss, so, srcSize, ds, dof, dstSize] of copies) {
          const size = shape.reduce((p, d) => p * d, 1);
          check('copyStrided', [shape, ss, so, randoms(srcSize, srcSize + 3), ds, dof, dstSize], 'exact', size);
        }
      });

      it('optimizer updates, every kernel variant (bit for bit)', function () {
        const steps: Record<string, unknown>[] = [
          { rule: 'sgd', lr: 0.1, rescale: 0.5 },
          { rule: 'sgd', lr: 0.1, momentum: 0.9, oneMinusDampening: 1, nesterov: true, weightDecay: 1e-3 },
          { rule: 'sgd', lr: 0.1, momentum: 0.9, oneMinusDampening: 0.8, firstStep: true, clipValue: 0.5 },
          { rule: 'adam', lr: 1e-3, beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, stepSize: 0.01,
            biasCorrection2Sqrt: 0.0447, eps: 1e-8, decayFactor: 0.999, maxNorm: 1 },
          { rule: 'adam', lr: 1e-3, beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, stepSize: 0.01,
            biasCorrection2Sqrt: 0.0447, eps: 1e-8, amsgrad: true },
          { rule: 'rmsprop', lr: 0.01, alpha: 0.99, oneMinusAlpha: 0.01, eps: 1e-8 },
          { rule: 'rmsprop', lr: 0.01, alpha: 0.99, oneMinusAlpha: 0.01, eps: 1e-8, momentum: 0.9, centered: true, maxNorm: 3 },
          { rule: 'adagrad', lr: 0.01, eps: 1e-10, weightDecay: 0.01 },
        ];
        for (const n of [1, 1000]) {
          const w = randoms(n, n), g = randoms(n, n + 1);
          const state = (k: number, used: boolean) => (used ? randoms(n, n + k).map((v) => Math.abs(v) + 0.1) : new Float32Array(0));
          for (const step of steps) {
            const rule = step.rule, momentum = step.momentum !== undefined;
            const s1 = state(2, rule !== 'sgd' || momentum);
            const s2 = state(3, rule === 'adam' || (rule === 'rmsprop' && momentum));
            const s3 = state(4, !!step.amsgrad || !!step.centered);
            check('optimizerUpdate', [step, w, g, s1, s2, s3, Float32Array.of(17)], 'exact', n);
          }
        }
      });
    });
  }

  // After both modes (mocha runs a describe's own tests before its nested ones).
  describe('coverage', function () {
  it('SumFinal folds more partials than its block has threads (kSumBlocks raised to 260)', function () {
    host.setOptions({ caps: { kSumBlocks: 260 } });
    try {
      const n = 260 * 256 + 17, x = randoms(n, 5);
      const gpu = host.run('gpu', 'sum', [x, true, false, Float32Array.of(0)]);
      const cpu = host.run('cpu', 'sum', [x, true, false, Float32Array.of(0)]);
      assert.deepEqual(gpu.launches.map((l) => [l.kernel, l.grid]), [['SumPartialsKernel<true>', 260], ['SumFinalKernel', 1]]);
      compare('sum', gpu.outputs.out, cpu.outputs.out, SUMMED);
    } finally {
      host.setOptions({});
    }
  });

  it('ReduceChunks merges more outputs than two blocks of threads hold (kMaxBlocks 2)', function () {
    host.setOptions({ caps: { kMaxBlocks: 2 }, reverse: true });
    try {
      const dims = [1, 2048, 600], x = randoms(2048 * 600, 11);
      for (const kind of ['sum', 'max']) {
        const args = [kind, dims, x, kind === 'sum' ? 'y' : 'both'];
        const gpu = host.run('gpu', 'reduce', args), cpu = host.run('cpu', 'reduce', args);
        assert.deepEqual(gpu.launches.map((l) => [l.kernel, l.grid]), [['ReduceKernel<kOp>', 2], ['ReduceChunksKernel<kOp>', 2]]);
        for (const name of Object.keys(cpu.outputs)) compare(`reduce ${kind} ${name}`, gpu.outputs[name], cpu.outputs[name], kind === 'sum' ? SUMMED : 'exact');
      }
    } finally {
      host.setOptions({});
    }
  });

  it('every launch in native/cuda/*.cu ran in both modes, and with small caps every loop went round more than once', function () {
    const dir = path.join(root, 'native', 'cuda');
    const sites: string[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cu'))) {
      for (const m of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/NC_LAUNCH\(([\w<>:]+),/g)) sites.push(m[1]);
    }
    assert.equal(new Set(sites).size, sites.length, 'one launch site per kernel');
    assert.ok(sites.length >= 27, `found ${sites.length} launches`);
    for (const mode of modes) assert.deepEqual([...(launched.get(mode.name) ?? [])].sort(), [...sites].sort(), mode.name);
    for (const kernel of sites.filter((k) => !NO_LOOP.has(k))) {
      assert.ok((rounds.get(kernel) ?? 0) > 1, `${kernel}: its loop never went round twice (${rounds.get(kernel)})`);
    }
    assert.deepEqual(Object.keys(host.caps()).sort(), ['kMaxBlocks', 'kSumBlocks']);
  });

  it('the emulator: shuffles exchange across the 32 lanes; broken kernels are reported, not run on', function () {
    const run = (kernel: string, block: number) => host.run('gpu', 'emulatorSelfTest', [kernel, block]).outputs.y as Float32Array;
    for (const reverse of [false, true]) {
      host.setOptions({ reverse });
      const xor = run('shuffleXor', 64), down = run('shuffleDown', 64);
      for (let t = 0; t < 64; ++t) {
        const lane = t % 32, warp = t - lane;
        assert.equal(xor[t], 32 * warp + 496, `xor sum, thread ${t}`);  // Σ of the warp's thread indices
        assert.equal(down[t], lane + 5 < 32 ? t + 5 : t, `down by 5, thread ${t}`);
      }
      assert.throws(() => run('divergentBarrier', 128), /deadlock in block 0: thread \d+ waits at a barrier .* that thread \d+ never reached/);
      assert.throws(() => run('shuffleXor', 48), /shuffle with the full mask in a warp of fewer than 32 threads/);
    }
    host.setOptions({});
  });

  it('a launch with a bad configuration fails as on the GPU', function () {
    // A cap of 0 makes a grid of 0 blocks: CUDA's "invalid configuration argument", which the
    // launcher's CUDA_CHECK_LAUNCH must turn into an error.
    host.setOptions({ caps: { kMaxBlocks: 0 } });
    try {
      assert.throws(() => host.run('gpu', 'fillConstant', [10, 1]), /cudaErrorInvalidConfiguration \(invalid configuration argument\)/);
    } finally {
      host.setOptions({});
    }
  });
  });
});

function describeArg(v: Value): string {
  if (v instanceof Float32Array || v instanceof Uint8Array) return `${v.constructor.name}(${v.length})`;
  return typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : String(Array.isArray(v) ? `[${v}]` : v);
}

function compare(what: string, actual: Float32Array | number, expected: Float32Array | number, tol: Tolerance): void {
  const a = typeof actual === 'number' ? [actual] : actual, e = typeof expected === 'number' ? [expected] : expected;
  assert.equal(a.length, e.length, `${what}: length`);
  for (let i = 0; i < e.length; ++i) {
    const ok = tol === 'exact'
      ? Object.is(a[i], e[i])
      : Object.is(a[i], e[i]) || Math.abs(a[i] - e[i]) <= tol.atol + tol.rtol * Math.abs(e[i]);
    if (!ok) assert.fail(`${what}[${i}]: GPU kernel ${a[i]}, CPU ${e[i]} (${tol === 'exact' ? 'bit for bit' : JSON.stringify(tol)})`);
  }
}
