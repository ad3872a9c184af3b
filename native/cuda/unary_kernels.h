// Custom kernels of the element-wise ops beyond the binary ones: unary ops and clip (unary.cu) and
// where (where.cu), as cpu/unary.cc and cpu/where.cc. (Not cuda/unary.h: from this folder, "unary.h"
// would find that instead of native/unary.h.) Pointers are device pointers; each launcher queues its
// kernel on `stream` and checks the launch (throws GpuError); none synchronises.
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

#include "unary.h"
#include "where.h"

namespace nc::cuda {

// y = op(x), and dx = dy·op'(x) from x and the forward's y (expressions: unary.h)
void LaunchUnary(cudaStream_t stream, UnaryOp op, int64_t n, const float* x, float* y);
void LaunchUnaryBackward(cudaStream_t stream, UnaryOp op, int64_t n, const float* x, const float* y, const float* dy,
                         float* dx);
// y = clip(x, lo, hi), and dx = dy where lo ≤ x ≤ hi, else 0
void LaunchClip(cudaStream_t stream, int64_t n, const float* x, float* y, float lo, float hi);
void LaunchClipBackward(cudaStream_t stream, int64_t n, const float* x, const float* dy, float* dx, float lo, float hi);
// y = cond ≠ 0 ? a : b broadcast; da = dy where cond ≠ 0, db = dy elsewhere (dy's shape; either null)
void LaunchWhere(cudaStream_t stream, const WhereShape& s, const float* cond, const float* a, const float* b, float* y);
void LaunchWhereBackward(cudaStream_t stream, const WhereShape& s, const float* cond, const float* dy, float* da,
                         float* db);

}  // namespace nc::cuda
