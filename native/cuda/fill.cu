// Fills, random numbers and dropout (see fill.h). They mirror cpu/fill.cc operation for operation;
// where the CPU multiplies then adds we write __fmul_rn/__fadd_rn so nvcc cannot fuse an FMA (the CPU
// build, -march=x86-64-v2, has none). Uniform fills and dropout thus match the CPU bit for bit;
// normal fills go through logf/cosf, whose CUDA and glibc versions may differ in the last place.
#include "cuda/check.h"
#include "cuda/fill.h"
#include "cuda/grid.h"
#include "random.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

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

}  // namespace nc::cuda
