// Broadcast arithmetic on the GPU: one kernel per op, compiled from arithmetic.h's expressions (the
// CPU loops in cpu/arithmetic.cc compute the same, element for element).
#include "arithmetic.h"
#include "cuda/check.h"
#include "cuda/context.h"
#include "cuda/cuda.h"

namespace nc::cuda {

namespace {

constexpr int kBlock = 256;
NC_GRID_CAP(int64_t, kMaxBlocks, 65535);  // the grid-stride loops cover the rest

int GridFor(int64_t n) { return static_cast<int>((n + kBlock - 1) / kBlock < kMaxBlocks ? (n + kBlock - 1) / kBlock : kMaxBlocks); }

// The Broadcast travels by value in the kernel's parameters (a few hundred bytes).
template <BinaryOp kOp>
__global__ void BinaryKernel(Broadcast s, const float* a, const float* b, float* y) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < s.size;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t ia = i, ib = i;
    if (!s.sameShape) s.Offsets(i, &ia, &ib);
    y[i] = ApplyBinary<kOp>(a[ia], b[ib]);
  }
}

__global__ void SumToKernel(SumToShape s, const float* x, float* y) {
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < s.ySize;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    y[j] = s.SumAt(x, j);
  }
}

}  // namespace

void Binary(BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y) {
  switch (op) {
#define NC_BINARY_LAUNCH(name, js, expression)                                                 \
  case BinaryOp::name:                                                                         \
    NC_LAUNCH(BinaryKernel<BinaryOp::name>, GridFor(s.size), kBlock, Ctx().stream)(s, a, b, y);  \
    CUDA_CHECK_LAUNCH(BinaryKernel);                                                           \
    return;
    NC_BINARY_OPS(NC_BINARY_LAUNCH)
#undef NC_BINARY_LAUNCH
  }
}

void SumTo(const SumToShape& s, const float* x, float* y) {
  NC_LAUNCH(SumToKernel, GridFor(s.ySize), kBlock, Ctx().stream)(s, x, y);
  CUDA_CHECK_LAUNCH(SumToKernel);
}

}  // namespace nc::cuda
