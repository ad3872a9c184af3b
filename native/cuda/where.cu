// where kernels: a select with NumPy broadcasting and its backward (cpu/where.cc computes the same).
#include "cuda/grid.h"
#include "cuda/unary_kernels.h"

namespace nc::cuda {

namespace {

// kernels (the WhereShape travels by value in the parameters, as arithmetic.cu's Broadcast)

__global__ void WhereKernel(WhereShape s, const float* cond, const float* a, const float* b, float* y) {
  GRID_STRIDE_LOOP(i, s.size) {
    int64_t ic = i, ia = i, ib = i;
    if (!s.sameShape) s.Offsets(i, &ic, &ia, &ib);
    y[i] = cond[ic] != 0.0f ? a[ia] : b[ib];
  }
}

__global__ void WhereBackwardKernel(WhereShape s, const float* cond, const float* dy, float* da, float* db) {
  GRID_STRIDE_LOOP(i, s.size) {
    int64_t ic = i, ia = i, ib = i;  // a's and b's offsets go unused
    if (!s.sameShape) s.Offsets(i, &ic, &ia, &ib);
    const bool pickA = cond[ic] != 0.0f;
    if (da) da[i] = pickA ? dy[i] : 0.0f;
    if (db) db[i] = pickA ? 0.0f : dy[i];
  }
}

}  // namespace

// launchers

void LaunchWhere(cudaStream_t stream, const WhereShape& s, const float* cond, const float* a, const float* b, float* y) {
  if (s.size == 0) return;
  NC_LAUNCH(WhereKernel, GridFor(s.size), kBlock, stream)(s, cond, a, b, y);
  CUDA_CHECK_LAUNCH(WhereKernel);
}

void LaunchWhereBackward(cudaStream_t stream, const WhereShape& s, const float* cond, const float* dy, float* da,
                         float* db) {
  if (s.size == 0) return;
  NC_LAUNCH(WhereBackwardKernel, GridFor(s.size), kBlock, stream)(s, cond, dy, da, db);
  CUDA_CHECK_LAUNCH(WhereBackwardKernel);
}

}  // namespace nc::cuda
