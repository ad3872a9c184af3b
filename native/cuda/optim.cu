// The optimizer update on the GPU: one fused kernel per parameter tensor, running the same
// per-element rules as the CPU loop (optim.h), and a deterministic sum of squares for global-norm
// clipping. The clipping factor is computed by every thread from the sum in device memory, so
// clipping never waits for the GPU.
#include "cuda/check.h"
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "optim.h"

namespace nc::cuda {

namespace {

constexpr int kBlock = 256;            // threads per block, a multiple of the warp size
constexpr int64_t kMaxBlocks = 65535;  // grid-stride loops cover the rest
constexpr int kSumBlocks = 256;        // fixed, so the summation order depends on n alone
constexpr unsigned kFullMask = 0xffffffffu;

#define OPTIM_GRID_STRIDE_LOOP(i, n)                                                     \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

unsigned GridFor(int64_t n) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  return static_cast<unsigned>(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

// V: an optim::Variant that fixes the rule and which states it touches; the other options are
// tested at run time (uniform branches).
template <typename V>
__global__ void OptimizerUpdateKernel(OptimizerStep h, int64_t n, float* w, const float* g, float* s1, float* s2,
                                      float* s3, const float* normSq) {
  const float coef = optim::ClipCoefficient(h, normSq);  // reads *normSq only with norm clipping
  OPTIM_GRID_STRIDE_LOOP(i, n) optim::UpdateElement<V>(h, coef, i, w, g, s1, s2, s3);
}

// Σ over the block in a fixed order; valid in thread 0.
__device__ double BlockSum(double v) {
  __shared__ double warpSums[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  if (lane == 0) warpSums[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < static_cast<int>(blockDim.x / 32) ? warpSums[lane] : 0.0;
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  }
  return v;
}

// Pass 1: block b sums the squares of its grid-stride slice in double into partials[b].
__global__ void SumSquaresPartialsKernel(int64_t n, const float* x, double* partials) {
  double s = 0.0;
  OPTIM_GRID_STRIDE_LOOP(i, n) {
    const double v = x[i];
    s += v * v;
  }
  s = BlockSum(s);
  if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

// Pass 2: one block folds the partials; *out = Σ (+ *out when accumulating), as the CPU does.
__global__ void SumSquaresFinalKernel(int count, const double* partials, float* out, bool accumulate) {
  double s = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) s += partials[i];
  s = BlockSum(s);
  if (threadIdx.x == 0) *out = static_cast<float>(accumulate ? static_cast<double>(*out) + s : s);
}

template <typename V>
void LaunchOptimizerUpdate(cudaStream_t stream, const OptimizerStep& h, int64_t n, float* w, const float* g,
                           float* s1, float* s2, float* s3, const float* normSq) {
  OptimizerUpdateKernel<V><<<GridFor(n), kBlock, 0, stream>>>(h, n, w, g, s1, s2, s3, normSq);
  CUDA_CHECK_LAUNCH(OptimizerUpdateKernel);
}

void LaunchSumSquares(cudaStream_t stream, int64_t n, const float* x, float* out, bool accumulate) {
  const int64_t wanted = (n + kBlock - 1) / kBlock;
  const int blocks = static_cast<int>(wanted < kSumBlocks ? wanted : kSumBlocks);
  double* partials = nullptr;
  CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&partials), blocks * sizeof(double), stream));
  struct FreeOnExit {
    double* p;
    cudaStream_t s;
    ~FreeOnExit() { static_cast<void>(cudaFreeAsync(p, s)); }  // also when a launch check throws
  } scratch{partials, stream};
  SumSquaresPartialsKernel<<<blocks, kBlock, 0, stream>>>(n, x, partials);
  CUDA_CHECK_LAUNCH(SumSquaresPartialsKernel);
  SumSquaresFinalKernel<<<1, kBlock, 0, stream>>>(blocks, partials, out, accumulate);
  CUDA_CHECK_LAUNCH(SumSquaresFinalKernel);
}

}  // namespace

void OptimizerUpdate(const OptimizerStep& h, int64_t n, float* w, const float* g, float* s1, float* s2, float* s3,
                     const float* normSq) {
  if (n == 0) return;
  const cudaStream_t stream = Ctx().stream;
  optim::Dispatch<optim::kStructural>(h, [&](auto variant) {
    LaunchOptimizerUpdate<decltype(variant)>(stream, h, n, w, g, s1, s2, s3, normSq);
  });
}

void SumSquares(int64_t n, const float* x, float* out, bool accumulate) {
  const cudaStream_t stream = Ctx().stream;
  if (n == 0) {  // the empty sum still lands in *out
    if (!accumulate) CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(float), stream));
    return;
  }
  LaunchSumSquares(stream, n, x, out, accumulate);
}

}  // namespace nc::cuda
