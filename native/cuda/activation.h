// Custom CUDA kernels for the activations cuDNN lacks: leaky relu (cuDNN's relu has no negative
// slope), ELU with its backward from x, and the exact GELU (with erf). Pointers are device pointers;
// each launcher queues its kernel on `stream` and checks the launch (throws GpuError).
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "shapes.h"

namespace nc::cuda {

// y = act(x) for act LeakyRelu (slope alpha below 0), Elu (alpha·(eˣ − 1) below 0) or Gelu (x·Φ(x)).
void LaunchInputActivationForward(cudaStream_t stream, Activation act, float alpha, int64_t n, const float* x,
                                  float* y);
// dx = dy · act'(x), for the same activations.
void LaunchInputActivationBackward(cudaStream_t stream, Activation act, float alpha, int64_t n, const float* x,
                                   const float* dy, float* dx);

}  // namespace nc::cuda
