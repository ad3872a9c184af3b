// The strided copy (strided_copy.h): one thread per element of the box, its two addresses from the merged
// dimensions (usually one or two after MakeStridedCopy). Bit for bit the CPU's: it only moves floats.
#include "cuda/copy.h"
#include "cuda/grid.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

// The StridedCopy travels by value in the kernel's parameters (about 200 bytes).
__global__ void CopyStridedKernel(StridedCopy s, const float* src, float* dst) {
  GRID_STRIDE_LOOP(i, s.size) {
    int64_t from, to;
    s.Offsets(i, &from, &to);
    dst[to] = src[from];
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

void LaunchCopyStrided(cudaStream_t stream, const StridedCopy& s, const float* src, float* dst) {
  if (s.size == 0) return;
  NC_LAUNCH(CopyStridedKernel, GridFor(s.size), kBlock, stream)(s, src, dst);
  CUDA_CHECK_LAUNCH(CopyStridedKernel);
}

}  // namespace nc::cuda
