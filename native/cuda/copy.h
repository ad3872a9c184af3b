// The strided copy's kernel (copy.cu), as cpu/copy.cc. Pointers are device pointers; the launcher
// queues the kernel on `stream` and checks the launch (throws GpuError); it does not synchronise.
#pragma once
#include <cuda_runtime_api.h>

#include "strided_copy.h"

namespace nc::cuda {

// dst[dst offset of i] = src[src offset of i] for each element i of the box (strided_copy.h).
void LaunchCopyStrided(cudaStream_t stream, const StridedCopy& s, const float* src, float* dst);

}  // namespace nc::cuda
