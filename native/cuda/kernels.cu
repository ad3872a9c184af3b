// Custom CUDA kernels (see kernels.h): fills, dropout, arithmetic, a deterministic sum and the
// softmax cross-entropy family. Element-wise kernels mirror the CPU loops (cpu/elementwise.cc,
// cpu/loss.cc) operation for operation; where the CPU multiplies then adds we write __fmul_rn/__fadd_rn
// so nvcc cannot fuse an FMA (the CPU build, -march=x86-64-v2, has none). Uniform fills, dropout,
// axpby, multiply, SGD and byte conversion thus match bit for bit; normal fills go through logf/cosf,
// whose CUDA and glibc versions may differ in the last place; reductions differ in summation order.
#include <climits>
#include <cmath>

#include "cuda/check.h"
#include "cuda/kernels.h"
#include "shapes.h"
#include "random.h"

#define CEIL_DIV(M, N) (((M) + (N) - 1) / (N))

namespace nc::cuda {

namespace {

constexpr int kBlock = 256;                    // threads per block, a multiple of the warp size
constexpr int kWarpsPerBlock = kBlock / 32;    // row kernels: one warp per row
NC_GRID_CAP(int64_t, kMaxBlocks, 65535);    // grid-stride loops cover the rest, so any n works
NC_GRID_CAP(int, kSumBlocks, 256);          // fixed, so LaunchSum's order depends on n alone
constexpr unsigned kFullMask = 0xffffffffu;

// ------------------------------------------------------------------------------------------------
// kernels

// Grid-stride loop over [0, n) with 64-bit indices.
#define GRID_STRIDE_LOOP(i, n)                                                           \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

__device__ double WarpSum(double v) {
  // xor butterfly: every lane ends with the same, order-fixed total
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

__device__ float WarpMax(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_xor_sync(kFullMask, v, offset));
  return v;
}

// Σ over the block in a fixed tree; the result is valid in thread 0. Call once per kernel.
__device__ double BlockSum(double v) {
  __shared__ double warpSums[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = WarpSum(v);
  if (lane == 0) warpSums[warp] = v;
  __syncthreads();
  if (warp == 0) v = WarpSum(lane < static_cast<int>(blockDim.x / 32) ? warpSums[lane] : 0.0);
  return v;
}

__global__ void FillConstantKernel(int64_t n, float* y, float value) {
  GRID_STRIDE_LOOP(i, n) y[i] = value;
}

__global__ void FillUniformKernel(int64_t n, float* y, float low, float width, uint64_t seed) {
  GRID_STRIDE_LOOP(i, n) y[i] = __fadd_rn(low, __fmul_rn(width, UniformAt(seed, static_cast<uint64_t>(i))));
}

__global__ void FillNormalKernel(int64_t n, float* y, float mean, float std, uint64_t seed) {
  GRID_STRIDE_LOOP(i, n) y[i] = __fadd_rn(mean, __fmul_rn(std, NormalAt(seed, static_cast<uint64_t>(i))));
}

__global__ void DropoutForwardKernel(int64_t n, const float* x, float* y, float* mask, float p, float scale,
                                     uint64_t seed) {
  GRID_STRIDE_LOOP(i, n) {
    const float m = UniformAt(seed, static_cast<uint64_t>(i)) >= p ? scale : 0.0f;
    mask[i] = m;
    y[i] = x[i] * m;
  }
}

// b == 0 has its own kernel: y is never read, so garbage or NaN in it cannot leak through 0*NaN.
__global__ void ScaleKernel(int64_t n, const float* x, float* y, float a) {
  GRID_STRIDE_LOOP(i, n) y[i] = a * x[i];
}

__global__ void AxpbyKernel(int64_t n, const float* x, float* y, float a, float b) {
  GRID_STRIDE_LOOP(i, n) y[i] = __fadd_rn(__fmul_rn(a, x[i]), __fmul_rn(b, y[i]));
}

__global__ void MultiplyKernel(int64_t n, const float* x1, const float* x2, float* y) {
  GRID_STRIDE_LOOP(i, n) y[i] = x1[i] * x2[i];
}

// Pass 1: block b sums its fixed grid-stride slice (of x, or of x² with Squares) in double into
// partials[b].
template <bool Squares>
__global__ void SumPartialsKernel(int64_t n, const float* x, double* partials) {
  double s = 0.0;
  GRID_STRIDE_LOOP(i, n) {
    const double v = x[i];
    s += Squares ? v * v : v;
  }
  s = BlockSum(s);
  if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

// Pass 2: one block folds the partials in a fixed order; *out = Σ (+ *out when accumulating).
__global__ void SumFinalKernel(int count, const double* partials, float* out, bool accumulate) {
  double s = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) s += partials[i];
  s = BlockSum(s);
  if (threadIdx.x == 0) *out = static_cast<float>(accumulate ? static_cast<double>(*out) + s : s);
}

__global__ void BytesToFloatKernel(int64_t n, const uint8_t* src, float* dst, float scale) {
  GRID_STRIDE_LOOP(i, n) dst[i] = static_cast<float>(src[i]) * scale;
}

// Row kernels: warp w of block b takes rows b*kWarpsPerBlock + w, then strides by the grid's warps.
// The row index is warp-uniform, so full-mask shuffles inside the loop are safe.
#define ROW_LOOP(r, n)                                                                                        \
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32; r < (n);            \
       r += static_cast<int64_t>(gridDim.x) * kWarpsPerBlock)

// As cpu/loss.cc's LogSumExp: m = row max; log Σ exp(double(row[j] - m)) + m, in double.
__device__ double RowLogSumExp(const float* row, int64_t c, int lane) {
  float m = -INFINITY;
  for (int64_t j = lane; j < c; j += 32) m = fmaxf(m, row[j]);
  m = WarpMax(m);
  double s = 0.0;
  for (int64_t j = lane; j < c; j += 32) s += ::exp(static_cast<double>(row[j] - m));
  return ::log(WarpSum(s)) + m;
}

// The label as an index, or -1 if it is none (the caller validates; this only keeps reads in bounds).
__device__ int64_t LabelIndex(float label, int64_t c) {
  return label >= 0.0f && label < static_cast<float>(c) ? static_cast<int64_t>(label) : -1;
}

__global__ void SoftmaxCrossEntropyKernel(int64_t n, int64_t c, const float* logits, const float* labels,
                                          float* loss) {
  const int lane = threadIdx.x % 32;
  ROW_LOOP(r, n) {
    const float* row = logits + r * c;
    const double lse = RowLogSumExp(row, c, lane);
    const int64_t label = LabelIndex(labels[r], c);
    if (lane == 0) loss[r] = label < 0 ? NAN : static_cast<float>(lse - row[label]);
  }
}

__global__ void SoftmaxCrossEntropyBackwardKernel(int64_t n, int64_t c, const float* logits, const float* labels,
                                                  const float* dloss, float* dlogits) {
  const int lane = threadIdx.x % 32;
  ROW_LOOP(r, n) {
    const float* row = logits + r * c;
    float* out = dlogits + r * c;
    const double lse = RowLogSumExp(row, c, lane);
    const int64_t label = LabelIndex(labels[r], c);
    const double d = dloss[r];
    for (int64_t j = lane; j < c; j += 32) {
      const double p = ::exp(static_cast<double>(row[j]) - lse);
      out[j] = static_cast<float>(d * (p - (j == label ? 1.0 : 0.0)));
    }
  }
}

// The CPU's scan `best = row[j] > row[best] ? j : best` picks the first maximum, skips NaNs, and
// sticks at 0 when row[0] is NaN. Each lane scans its columns the same way, then the lanes merge
// (value, index) pairs: larger value wins, ties go to the smaller index, -1 means "no candidate".
__global__ void CountCorrectKernel(int64_t n, int64_t c, const float* logits, const float* labels,
                                   unsigned long long* count) {
  const int lane = threadIdx.x % 32;
  unsigned long long correct = 0;
  ROW_LOOP(r, n) {
    const float* row = logits + r * c;
    float bestValue = 0.0f;
    long long best = -1;
    for (int64_t j = lane; j < c; j += 32) {
      const float v = row[j];
      if (!isnan(v) && (best < 0 || v > bestValue)) bestValue = v, best = j;
    }
    for (int offset = 16; offset > 0; offset >>= 1) {
      const float otherValue = __shfl_xor_sync(kFullMask, bestValue, offset);
      const long long other = __shfl_xor_sync(kFullMask, best, offset);
      if (other >= 0 && (best < 0 || otherValue > bestValue || (otherValue == bestValue && other < best))) {
        bestValue = otherValue, best = other;
      }
    }
    if (isnan(row[0])) best = 0;  // also covers an all-NaN row (best == -1)
    correct += lane == 0 && best == LabelIndex(labels[r], c);
  }
  if (correct > 0) atomicAdd(count, correct);  // one atomic per warp at most
}

// *badIndex starts at all ones: -1 as signed, ULLONG_MAX as unsigned, so an unsigned atomicMin of
// any real index replaces it and "none found" reads back as -1 with no extra pass.
__global__ void FindBadLabelKernel(int64_t n, float classes, const float* labels, unsigned long long* badIndex) {
  unsigned long long first = ULLONG_MAX;
  GRID_STRIDE_LOOP(i, n) {
    const float v = labels[i];
    if (!(v >= 0.0f && v < classes && floorf(v) == v)) {  // as ops/loss.cc; NaN is bad
      first = static_cast<unsigned long long>(i);
      break;  // later indices of this thread are larger
    }
  }
  for (int offset = 16; offset > 0; offset >>= 1) {
    const unsigned long long other = __shfl_xor_sync(kFullMask, first, offset);
    first = other < first ? other : first;
  }
  if (threadIdx.x % 32 == 0 && first != ULLONG_MAX) atomicMin(badIndex, first);
}

// total[0] += count[0]: a running accuracy count kept on the device (exact below 2^24).
__global__ void AddCountKernel(const unsigned long long* count, float* total) {
  total[0] += static_cast<float>(count[0]);
}

// One thread per output pixel; the same sampling as the CPU (shapes.h SampleBilinear).
__global__ void AffineSampleKernel(ImageShape s, const float* x, const float* matrices, bool clampEdges, float* y) {
  const int64_t total = s.n * s.c * s.oh * s.ow;
  GRID_STRIDE_LOOP(i, total) {
    const int64_t u = i % s.ow, v = i / s.ow % s.oh, plane = i / (s.ow * s.oh), n = plane / s.c;
    const float* m = matrices + n * 6;
    y[i] = SampleBilinear(x + plane * s.h * s.w, s.h, s.w, m[0] * u + m[1] * v + m[2], m[3] * u + m[4] * v + m[5],
                          clampEdges);
  }
}

// One block per image: the mean over the image, then y = (x - mean)·contrast + mean·brightness.
__global__ void ColorJitterKernel(int64_t size, const float* x, const float* brightness, const float* contrast,
                                  float* y) {
  __shared__ double partial[kBlock];
  const int64_t image = blockIdx.x;
  const float* xi = x + image * size;
  double sum = 0;
  for (int64_t k = threadIdx.x; k < size; k += blockDim.x) sum += xi[k];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride >>= 1) {
    if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  const float mean = static_cast<float>(partial[0] / static_cast<double>(size));
  for (int64_t k = threadIdx.x; k < size; k += blockDim.x) {
    y[image * size + k] = (xi[k] - mean) * contrast[image] + mean * brightness[image];
  }
}

unsigned GridFor(int64_t work, int64_t perBlock) {
  return static_cast<unsigned>(CEIL_DIV(work, perBlock) < kMaxBlocks ? CEIL_DIV(work, perBlock) : kMaxBlocks);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

void LaunchFillConstant(cudaStream_t stream, int64_t n, float* y, float value) {
  if (n == 0) return;
  NC_LAUNCH(FillConstantKernel, GridFor(n, kBlock), kBlock, stream)(n, y, value);
  CUDA_CHECK_LAUNCH(FillConstantKernel);
}

void LaunchFillUniform(cudaStream_t stream, int64_t n, float* y, float low, float high, uint64_t seed) {
  if (n == 0) return;
  NC_LAUNCH(FillUniformKernel, GridFor(n, kBlock), kBlock, stream)(n, y, low, high - low, seed);
  CUDA_CHECK_LAUNCH(FillUniformKernel);
}

void LaunchFillNormal(cudaStream_t stream, int64_t n, float* y, float mean, float std, uint64_t seed) {
  if (n == 0) return;
  NC_LAUNCH(FillNormalKernel, GridFor(n, kBlock), kBlock, stream)(n, y, mean, std, seed);
  CUDA_CHECK_LAUNCH(FillNormalKernel);
}

void LaunchDropoutForward(cudaStream_t stream, int64_t n, const float* x, float* y, float* mask, float p,
                          uint64_t seed) {
  if (n == 0) return;
  const float scale = 1.0f / (1.0f - p);  // computed on the host exactly as the CPU does
  NC_LAUNCH(DropoutForwardKernel, GridFor(n, kBlock), kBlock, stream)(n, x, y, mask, p, scale, seed);
  CUDA_CHECK_LAUNCH(DropoutForwardKernel);
}

void LaunchAxpby(cudaStream_t stream, int64_t n, const float* x, float* y, float a, float b) {
  if (n == 0) return;
  if (b == 0.0f) {
    NC_LAUNCH(ScaleKernel, GridFor(n, kBlock), kBlock, stream)(n, x, y, a);
    CUDA_CHECK_LAUNCH(ScaleKernel);
    return;
  }
  NC_LAUNCH(AxpbyKernel, GridFor(n, kBlock), kBlock, stream)(n, x, y, a, b);
  CUDA_CHECK_LAUNCH(AxpbyKernel);
}

void LaunchMultiply(cudaStream_t stream, int64_t n, const float* x1, const float* x2, float* y) {
  if (n == 0) return;
  NC_LAUNCH(MultiplyKernel, GridFor(n, kBlock), kBlock, stream)(n, x1, x2, y);
  CUDA_CHECK_LAUNCH(MultiplyKernel);
}

void LaunchSum(cudaStream_t stream, int64_t n, const float* x, float* out, bool squares, bool accumulate) {
  if (n == 0) {  // the empty sum is 0 and still has to land in *out
    if (!accumulate) CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(float), stream));
    return;
  }
  // Block count is a function of n only, so the summation order (and result) is reproducible.
  const int blocks = static_cast<int>(CEIL_DIV(n, kBlock) < kSumBlocks ? CEIL_DIV(n, kBlock) : kSumBlocks);
  // Stream-ordered scratch: no shared state between streams, threads or devices.
  double* partials = nullptr;
  CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&partials), blocks * sizeof(double), stream));
  struct FreeOnExit {
    double* p;
    cudaStream_t s;
    ~FreeOnExit() { static_cast<void>(cudaFreeAsync(p, s)); }  // also when a launch check throws
  } scratch{partials, stream};
  if (squares) {
    NC_LAUNCH(SumPartialsKernel<true>, blocks, kBlock, stream)(n, x, partials);
  } else {
    NC_LAUNCH(SumPartialsKernel<false>, blocks, kBlock, stream)(n, x, partials);
  }
  CUDA_CHECK_LAUNCH(SumPartialsKernel);
  NC_LAUNCH(SumFinalKernel, 1, kBlock, stream)(blocks, partials, out, accumulate);
  CUDA_CHECK_LAUNCH(SumFinalKernel);
}

void LaunchBytesToFloat(cudaStream_t stream, int64_t n, const uint8_t* src, float* dst, float scale) {
  if (n == 0) return;
  NC_LAUNCH(BytesToFloatKernel, GridFor(n, kBlock), kBlock, stream)(n, src, dst, scale);
  CUDA_CHECK_LAUNCH(BytesToFloatKernel);
}

void LaunchSoftmaxCrossEntropy(cudaStream_t stream, int64_t n, int64_t c, const float* logits, const float* labels,
                               float* loss) {
  if (n == 0 || c == 0) return;  // c == 0 with n > 0 cannot pass label validation
  NC_LAUNCH(SoftmaxCrossEntropyKernel, GridFor(n, kWarpsPerBlock), kBlock, stream)(n, c, logits, labels, loss);
  CUDA_CHECK_LAUNCH(SoftmaxCrossEntropyKernel);
}

void LaunchSoftmaxCrossEntropyBackward(cudaStream_t stream, int64_t n, int64_t c, const float* logits,
                                       const float* labels, const float* dloss, float* dlogits) {
  if (n == 0 || c == 0) return;
  NC_LAUNCH(SoftmaxCrossEntropyBackwardKernel, GridFor(n, kWarpsPerBlock), kBlock, stream)(n, c, logits, labels,
                                                                                           dloss, dlogits);
  CUDA_CHECK_LAUNCH(SoftmaxCrossEntropyBackwardKernel);
}

void LaunchCountCorrect(cudaStream_t stream, int64_t n, int64_t c, const float* logits, const float* labels,
                        unsigned long long* count) {
  CUDA_CHECK(cudaMemsetAsync(count, 0, sizeof(*count), stream));
  if (n == 0 || c == 0) return;
  NC_LAUNCH(CountCorrectKernel, GridFor(n, kWarpsPerBlock), kBlock, stream)(n, c, logits, labels, count);
  CUDA_CHECK_LAUNCH(CountCorrectKernel);
}

void LaunchFindBadLabel(cudaStream_t stream, int64_t n, int64_t c, const float* labels, long long* badIndex,
                        bool reset) {
  if (reset) CUDA_CHECK(cudaMemsetAsync(badIndex, 0xff, sizeof(*badIndex), stream));  // -1: none found (yet)
  if (n == 0) return;
  // static_cast<float>(c), as ops/loss.cc compares; unsigned view of the same 8 bytes for atomicMin.
  NC_LAUNCH(FindBadLabelKernel, GridFor(n, kBlock), kBlock, stream)(
      n, static_cast<float>(c), labels, reinterpret_cast<unsigned long long*>(badIndex));
  CUDA_CHECK_LAUNCH(FindBadLabelKernel);
}

void LaunchAddCount(cudaStream_t stream, const unsigned long long* count, float* total) {
  NC_LAUNCH(AddCountKernel, 1, 1, stream)(count, total);
  CUDA_CHECK_LAUNCH(AddCountKernel);
}

void LaunchAffineSample(cudaStream_t stream, const ImageShape& s, const float* x, const float* matrices,
                        bool clampEdges, float* y) {
  const int64_t total = s.n * s.c * s.oh * s.ow;
  if (total == 0) return;
  NC_LAUNCH(AffineSampleKernel, GridFor(total, kBlock), kBlock, stream)(s, x, matrices, clampEdges, y);
  CUDA_CHECK_LAUNCH(AffineSampleKernel);
}

void LaunchColorJitter(cudaStream_t stream, int64_t n, int64_t size, const float* x, const float* brightness,
                       const float* contrast, float* y) {
  if (n == 0 || size == 0) return;
  // The grid is one block per image (n ≤ 2^31 - 1 is checked by the caller).
  NC_LAUNCH(ColorJitterKernel, static_cast<unsigned>(n), kBlock, stream)(size, x, brightness, contrast, y);
  CUDA_CHECK_LAUNCH(ColorJitterKernel);
}

}  // namespace nc::cuda
