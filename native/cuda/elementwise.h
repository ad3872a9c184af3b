// Custom kernels for arithmetic (elementwise.cu, arithmetic.cu), as cpu/elementwise.cc and cpu/arithmetic.cc.
// Pointers are device pointers; each launcher queues its kernel on `stream` and checks the launch
// (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "arithmetic.h"

namespace nc::cuda {

// y = a*x + b*y (b == 0: y is only written, so garbage or NaN in y does not matter)
void LaunchAxpby(cudaStream_t stream, int64_t n, const float* x, float* y, float a, float b);
// y = x1 * x2
void LaunchMultiply(cudaStream_t stream, int64_t n, const float* x1, const float* x2, float* y);
// *out = Σ x, or Σ x² with `squares` (+ *out with `accumulate`): one float in device memory,
// summed in double in an order that depends on n alone.
void LaunchSum(cudaStream_t stream, int64_t n, const float* x, float* out, bool squares, bool accumulate);
// dst[i] = src[i] * scale (src: bytes in device memory)
// y = a <op> b with NumPy broadcasting, and y = x summed back to a broadcast operand's shape (arithmetic.cu)
void LaunchBinary(cudaStream_t stream, BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y);
// da = dy·∂y/∂a, db = dy·∂y/∂b per output element (either may be null)
void LaunchBinaryBackward(cudaStream_t stream, BinaryOp op, const Broadcast& s, const float* a, const float* b,
                          const float* dy, float* da, float* db);
void LaunchSumTo(cudaStream_t stream, const SumToShape& s, const float* x, float* y);
void LaunchBytesToFloat(cudaStream_t stream, int64_t n, const uint8_t* src, float* dst, float scale);

}  // namespace nc::cuda
