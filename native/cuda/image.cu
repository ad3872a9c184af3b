// Resampling and colour jitter for the data pipeline (see image.h), the same formulas as cpu/image.cc.
#include "cuda/check.h"
#include "cuda/grid.h"
#include "cuda/image.h"
#include "shapes.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

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

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

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
