// Custom kernels for resampling and colour jitter (image.cu), as cpu/image.cc.
// Pointers are device pointers; each launcher queues its kernel on `stream` and checks the launch
// (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "shapes.h"

namespace nc::cuda {

void LaunchAffineSample(cudaStream_t stream, const ImageShape& s, const float* x, const float* matrices,
                        bool clampEdges, float* y);
void LaunchColorJitter(cudaStream_t stream, int64_t n, int64_t size, const float* x, const float* brightness,
                       const float* contrast, float* y);

}  // namespace nc::cuda
