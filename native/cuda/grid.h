// Launch geometry and warp helpers shared by the kernel files (*.cu): grid-stride loops over 64-bit
// indices with a capped grid, so any n works with at most kMaxBlocks blocks.
#pragma once
#include <cstdint>

#include "cuda/check.h"

#define CEIL_DIV(M, N) (((M) + (N) - 1) / (N))

// Grid-stride loop over [0, n) with 64-bit indices.
#define GRID_STRIDE_LOOP(i, n)                                                           \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

namespace nc::cuda {

namespace {

constexpr int kBlock = 256;                // threads per block, a multiple of the warp size
NC_GRID_CAP(int64_t, kMaxBlocks, 65535);   // grid-stride loops cover the rest
constexpr unsigned kFullMask = 0xffffffffu;

// Blocks for `work` items at `perBlock` items a block, at most kMaxBlocks.
inline unsigned GridFor(int64_t work, int64_t perBlock = kBlock) {
  return static_cast<unsigned>(CEIL_DIV(work, perBlock) < kMaxBlocks ? CEIL_DIV(work, perBlock) : kMaxBlocks);
}

// Σ over the warp by an xor butterfly: every lane ends with the same, order-fixed total.
__device__ inline double WarpSum(double v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(kFullMask, v, offset);
  return v;
}

}  // namespace

}  // namespace nc::cuda
