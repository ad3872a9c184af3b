// Arithmetic (see elementwise.h): axpby, multiply, a deterministic sum and byte conversion. They
// mirror cpu/elementwise.cc operation for operation, with __fmul_rn/__fadd_rn where the CPU multiplies
// then adds (no FMA on the CPU build), so axpby, multiply and byte conversion match it bit for bit;
// sums differ from the CPU's in summation order only.
#include "cuda/check.h"
#include "cuda/elementwise.h"
#include "cuda/grid.h"

namespace nc::cuda {

namespace {

NC_GRID_CAP(int, kSumBlocks, 256);  // fixed, so LaunchSum's order depends on n alone

// ------------------------------------------------------------------------------------------------
// kernels

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

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

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

}  // namespace nc::cuda
