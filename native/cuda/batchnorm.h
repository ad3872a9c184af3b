// Custom CUDA kernels for batch normalization with fixed (running) statistics, which cuDNN's
// backward does not cover: it always differentiates through the batch statistics.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "shapes.h"

namespace nc::cuda {

// saveMean = runningMean, saveInvStd = 1/sqrt(runningVar + epsilon), per channel (c values).
void LaunchBatchNormGlobalStats(cudaStream_t stream, int64_t c, const float* runningMean, const float* runningVar,
                                float epsilon, float* saveMean, float* saveInvStd);
// The backward of y = gamma·(x − mean)·invStd + beta with mean and invStd constants:
// dx = dy·gamma·invStd, dgamma = Σ dy·(x − mean)·invStd, dbeta = Σ dy (sums over N,H,W per channel).
void LaunchBatchNormGlobalStatsBackward(cudaStream_t stream, const BatchNormShape& s, const float* x,
                                        const float* gamma, const float* dy, const float* mean, const float* invStd,
                                        float* dx, float* dgamma, float* dbeta);

}  // namespace nc::cuda
