// Unary op and clip kernels: one per op, compiled from unary.h's expressions (the CPU loops in
// cpu/unary.cc compute the same, element for element).
#include "cuda/grid.h"
#include "cuda/unary_kernels.h"

namespace nc::cuda {

namespace {

// kernels

template <UnaryOp kOp>
__global__ void UnaryKernel(int64_t n, const float* x, float* y) {
  GRID_STRIDE_LOOP(i, n) y[i] = ApplyUnary<kOp>(x[i]);
}

template <UnaryOp kOp>
__global__ void UnaryBackwardKernel(int64_t n, const float* x, const float* y, const float* dy, float* dx) {
  GRID_STRIDE_LOOP(i, n) dx[i] = dy[i] * UnaryGrad<kOp>(x[i], y[i]);
}

__global__ void ClipKernel(int64_t n, const float* x, float* y, float lo, float hi) {
  GRID_STRIDE_LOOP(i, n) y[i] = ClipValue(x[i], lo, hi);
}

__global__ void ClipBackwardKernel(int64_t n, const float* x, const float* dy, float* dx, float lo, float hi) {
  GRID_STRIDE_LOOP(i, n) dx[i] = dy[i] * ClipGrad(x[i], lo, hi);
}

}  // namespace

// launchers (n = 0 launches nothing: a grid of 0 blocks is an invalid configuration)

void LaunchUnary(cudaStream_t stream, UnaryOp op, int64_t n, const float* x, float* y) {
  if (n == 0) return;
  switch (op) {
#define NC_UNARY_LAUNCH(name, js, value, grad)                                           \
  case UnaryOp::name:                                                                    \
    NC_LAUNCH(UnaryKernel<UnaryOp::name>, GridFor(n), kBlock, stream)(n, x, y);          \
    CUDA_CHECK_LAUNCH(UnaryKernel);                                                      \
    return;
    NC_UNARY_OPS(NC_UNARY_LAUNCH)
#undef NC_UNARY_LAUNCH
  }
}

void LaunchUnaryBackward(cudaStream_t stream, UnaryOp op, int64_t n, const float* x, const float* y, const float* dy,
                         float* dx) {
  if (n == 0) return;
  switch (op) {
#define NC_UNARY_BACKWARD_LAUNCH(name, js, value, grad)                                          \
  case UnaryOp::name:                                                                            \
    NC_LAUNCH(UnaryBackwardKernel<UnaryOp::name>, GridFor(n), kBlock, stream)(n, x, y, dy, dx);  \
    CUDA_CHECK_LAUNCH(UnaryBackwardKernel);                                                      \
    return;
    NC_UNARY_OPS(NC_UNARY_BACKWARD_LAUNCH)
#undef NC_UNARY_BACKWARD_LAUNCH
  }
}

void LaunchClip(cudaStream_t stream, int64_t n, const float* x, float* y, float lo, float hi) {
  if (n == 0) return;
  NC_LAUNCH(ClipKernel, GridFor(n), kBlock, stream)(n, x, y, lo, hi);
  CUDA_CHECK_LAUNCH(ClipKernel);
}

void LaunchClipBackward(cudaStream_t stream, int64_t n, const float* x, const float* dy, float* dx, float lo, float hi) {
  if (n == 0) return;
  NC_LAUNCH(ClipBackwardKernel, GridFor(n), kBlock, stream)(n, x, dy, dx, lo, hi);
  CUDA_CHECK_LAUNCH(ClipBackwardKernel);
}

}  // namespace nc::cuda
