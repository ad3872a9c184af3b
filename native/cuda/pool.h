// Our pooling kernels (pool.cu), for what cuDNN cannot express: ceil mode's last windows reaching
// past the right/bottom padding (cuDNN's padding is symmetric, and a count-include-padding average
// there would count the reach). The same results as cpu/pool.cc, bit for bit.
// Pointers are device pointers; each launcher queues its kernel on `stream` and checks the launch
// (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "shapes.h"

namespace nc::cuda {

// x (N,C,H,W) -> y (N,C,OH,OW). Max pooling writes each output's argmax (its offset in the input
// plane) into argmax when not null.
void LaunchPoolForward(cudaStream_t stream, const PoolShape& s, bool isMax, const float* x, float* y,
                       int32_t* argmax);
// dx from dy: max pooling routes each dy to its argmax (the forward's), average pooling spreads it.
void LaunchPoolBackward(cudaStream_t stream, const PoolShape& s, bool isMax, const float* dy, const int32_t* argmax,
                        float* dx);

}  // namespace nc::cuda
