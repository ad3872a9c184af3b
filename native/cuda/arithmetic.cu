// Broadcast arithmetic kernels: one per op, compiled from arithmetic.h's expressions (the CPU loops in
// cpu/arithmetic.cc compute the same, element for element).
#include "arithmetic.h"
#include "cuda/elementwise.h"
#include "cuda/grid.h"

namespace nc::cuda {

namespace {

// The Broadcast travels by value in the kernel's parameters (a few hundred bytes).
template <BinaryOp kOp>
__global__ void BinaryKernel(Broadcast s, const float* a, const float* b, float* y) {
  GRID_STRIDE_LOOP(i, s.size) {
    int64_t ia = i, ib = i;
    if (!s.sameShape) s.Offsets(i, &ia, &ib);
    y[i] = ApplyBinary<kOp>(a[ia], b[ib]);
  }
}

template <BinaryOp kOp>
__global__ void BinaryBackwardKernel(Broadcast s, const float* a, const float* b, const float* dy, float* da, float* db) {
  GRID_STRIDE_LOOP(i, s.size) {
    int64_t ia = i, ib = i;
    if (!s.sameShape) s.Offsets(i, &ia, &ib);
    if (da) da[i] = dy[i] * BinaryGradA<kOp>(a[ia], b[ib]);
    if (db) db[i] = dy[i] * BinaryGradB<kOp>(a[ia], b[ib]);
  }
}

__global__ void SumToKernel(SumToShape s, const float* x, float* y) {
  GRID_STRIDE_LOOP(j, s.ySize) y[j] = s.SumAt(x, j);
}

}  // namespace

void LaunchBinary(cudaStream_t stream, BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y) {
  switch (op) {
#define NC_BINARY_LAUNCH(name, js, value, gradA, gradB)                                               \
  case BinaryOp::name:                                                                      \
    NC_LAUNCH(BinaryKernel<BinaryOp::name>, GridFor(s.size), kBlock, stream)(s, a, b, y);   \
    CUDA_CHECK_LAUNCH(BinaryKernel);                                                        \
    return;
    NC_BINARY_OPS(NC_BINARY_LAUNCH)
#undef NC_BINARY_LAUNCH
  }
}

void LaunchBinaryBackward(cudaStream_t stream, BinaryOp op, const Broadcast& s, const float* a, const float* b,
                          const float* dy, float* da, float* db) {
  switch (op) {
#define NC_BINARY_BACKWARD_LAUNCH(name, js, value, gradA, gradB)                                                          \
  case BinaryOp::name:                                                                                          \
    NC_LAUNCH(BinaryBackwardKernel<BinaryOp::name>, GridFor(s.size), kBlock, stream)(s, a, b, dy, da, db);      \
    CUDA_CHECK_LAUNCH(BinaryBackwardKernel);                                                                    \
    return;
    NC_BINARY_OPS(NC_BINARY_BACKWARD_LAUNCH)
#undef NC_BINARY_BACKWARD_LAUNCH
  }
}

void LaunchSumTo(cudaStream_t stream, const SumToShape& s, const float* x, float* y) {
  NC_LAUNCH(SumToKernel, GridFor(s.ySize), kBlock, stream)(s, x, y);
  CUDA_CHECK_LAUNCH(SumToKernel);
}

}  // namespace nc::cuda
