// Batch normalization with fixed statistics (see batchnorm.h). The backward runs one block per
// channel (grid-stride over channels), summing in double in a fixed order, so it is deterministic.
#include "cuda/batchnorm.h"
#include "cuda/check.h"
#include "cuda/grid.h"

namespace nc::cuda {

namespace {


__global__ void GlobalStatsKernel(int64_t c, const float* runningMean, const float* runningVar, float epsilon,
                                  float* saveMean, float* saveInvStd) {
  GRID_STRIDE_LOOP(k, c) {
    saveMean[k] = runningMean[k];
    saveInvStd[k] = 1.0f / sqrtf(runningVar[k] + epsilon);
  }
}

// Sums a and b over the block; the totals are valid in thread 0. Every thread must call it.
__device__ void BlockSum2(double& a, double& b) {
  __shared__ double warpA[32], warpB[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset >>= 1) {
    a += __shfl_xor_sync(kFullMask, a, offset);
    b += __shfl_xor_sync(kFullMask, b, offset);
  }
  if (lane == 0) {
    warpA[warp] = a;
    warpB[warp] = b;
  }
  __syncthreads();
  if (warp == 0) {
    const int warps = static_cast<int>(blockDim.x / 32);
    a = lane < warps ? warpA[lane] : 0.0;
    b = lane < warps ? warpB[lane] : 0.0;
    for (int offset = 16; offset > 0; offset >>= 1) {
      a += __shfl_xor_sync(kFullMask, a, offset);
      b += __shfl_xor_sync(kFullMask, b, offset);
    }
  }
  __syncthreads();  // the shared sums may be written again by the next call
}

__global__ void GlobalStatsBackwardKernel(int64_t n, int64_t c, int64_t hw, const float* x, const float* gamma,
                                          const float* dy, const float* mean, const float* invStd, float* dx,
                                          float* dgamma, float* dbeta) {
  const int64_t count = n * hw;
  for (int64_t ch = blockIdx.x; ch < c; ch += gridDim.x) {
    const float m = mean[ch], s = invStd[ch], scale = gamma[ch] * s;
    double sumDy = 0, sumDyXhat = 0;
    for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
      const int64_t at = ((j / hw) * c + ch) * hw + j % hw;
      const float g = dy[at];
      dx[at] = g * scale;
      sumDy += g;
      sumDyXhat += static_cast<double>(g) * ((x[at] - m) * s);
    }
    BlockSum2(sumDy, sumDyXhat);
    if (threadIdx.x == 0) {
      dgamma[ch] = static_cast<float>(sumDyXhat);
      dbeta[ch] = static_cast<float>(sumDy);
    }
  }
}

}  // namespace

void LaunchBatchNormGlobalStats(cudaStream_t stream, int64_t c, const float* runningMean, const float* runningVar,
                                float epsilon, float* saveMean, float* saveInvStd) {
  if (c == 0) return;
  NC_LAUNCH(GlobalStatsKernel, GridFor(c), kBlock, stream)(c, runningMean, runningVar, epsilon, saveMean, saveInvStd);
  CUDA_CHECK_LAUNCH(GlobalStatsKernel);
}

void LaunchBatchNormGlobalStatsBackward(cudaStream_t stream, const BatchNormShape& s, const float* x,
                                        const float* gamma, const float* dy, const float* mean, const float* invStd,
                                        float* dx, float* dgamma, float* dbeta) {
  if (s.c == 0) return;
  NC_LAUNCH(GlobalStatsBackwardKernel, GridFor(s.c, 1), kBlock, stream)(s.n, s.c, s.h * s.w, x, gamma, dy, mean, invStd,
                                                               dx, dgamma, dbeta);
  CUDA_CHECK_LAUNCH(GlobalStatsBackwardKernel);
}

}  // namespace nc::cuda
