// Custom kernels for fills, random numbers and dropout (fill.cu), as cpu/fill.cc.
// Pointers are device pointers; each launcher queues its kernel on `stream` and checks the launch
// (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace nc::cuda {

// y[i] = value
void LaunchFillConstant(cudaStream_t stream, int64_t n, float* y, float value);
// y[i] = low + (high - low) * UniformAt(seed, i) — the CPU backend's numbers exactly (random.h).
void LaunchFillUniform(cudaStream_t stream, int64_t n, float* y, float low, float high, uint64_t seed);
// y[i] = mean + std * NormalAt(seed, i)
void LaunchFillNormal(cudaStream_t stream, int64_t n, float* y, float mean, float std, uint64_t seed);
// mask[i] = UniformAt(seed, i) >= p ? 1/(1-p) : 0; y[i] = x[i] * mask[i]
void LaunchDropoutForward(cudaStream_t stream, int64_t n, const float* x, float* y, float* mask, float p,
                          uint64_t seed);

}  // namespace nc::cuda
