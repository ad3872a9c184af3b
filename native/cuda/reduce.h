// Custom kernels for reductions over the middle axis of (outer, r, inner) (reduce.cu), as
// cpu/reduce.cc. Pointers are device pointers; each launcher queues its kernels on `stream` and
// checks the launches (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "reducers.h"

namespace nc::cuda {

// y (outer, inner) = Σ, mean, max or min over r; max/min write the picked k into `indices` (either
// of y and indices may be null for them). A long r with few outputs is cut into chunks whose states
// a second kernel merges (scratch from the stream's pool).
void LaunchReduce(cudaStream_t stream, ReduceOp op, const AxisShape& s, const float* x, float* y, float* indices);
// dx (outer, r, inner) from dy (outer, inner), per reducers.h's ReduceGradient
void LaunchReduceBackward(cudaStream_t stream, ReduceOp op, const AxisShape& s, const float* dy, const float* indices,
                          float* dx);

}  // namespace nc::cuda
