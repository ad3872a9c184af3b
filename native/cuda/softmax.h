// Custom kernels for softmax and log-softmax over the middle axis of (outer, r, inner) (softmax.cu),
// as cpu/softmax.cc. Pointers are device pointers; each launcher queues its kernel on `stream` and
// checks the launch (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "reducers.h"

namespace nc::cuda {

// y = softmax(x) along r, or log-softmax with `log`
void LaunchSoftmaxForward(cudaStream_t stream, const AxisShape& s, bool log, const float* x, float* y);
// dx from the forward's output y and dy: y·(dy − Σ dy·y), or dy − exp(y)·Σ dy with `log`
void LaunchSoftmaxBackward(cudaStream_t stream, const AxisShape& s, bool log, const float* y, const float* dy,
                           float* dx);

}  // namespace nc::cuda
