// The optimizer update on the GPU: one fused kernel per parameter tensor, running the same
// per-element rules as the CPU loop (optim.h); global-norm clipping sums squares with elementwise.cu's
// deterministic LaunchSum. The clipping factor is computed by every thread from the sum in device
// memory, so clipping never waits for the GPU.
#include "cuda/check.h"
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/elementwise.h"
#include "cuda/grid.h"
#include "optim.h"

namespace nc::cuda {

namespace {

// V: an optim::Variant that fixes the rule and which states it touches; the other options are
// tested at run time (uniform branches).
template <typename V>
__global__ void OptimizerUpdateKernel(OptimizerStep h, int64_t n, float* w, const float* g, float* s1, float* s2,
                                      float* s3, const float* normSq) {
  const float coef = optim::ClipCoefficient(h, normSq);  // reads *normSq only with norm clipping
  GRID_STRIDE_LOOP(i, n) optim::UpdateElement<V>(h, coef, i, w, g, s1, s2, s3);
}

template <typename V>
void LaunchOptimizerUpdate(cudaStream_t stream, const OptimizerStep& h, int64_t n, float* w, const float* g,
                           float* s1, float* s2, float* s3, const float* normSq) {
  NC_LAUNCH(OptimizerUpdateKernel<V>, GridFor(n), kBlock, stream)(h, n, w, g, s1, s2, s3, normSq);
  CUDA_CHECK_LAUNCH(OptimizerUpdateKernel);
}

}  // namespace

void OptimizerUpdate(const OptimizerStep& h, int64_t n, float* w, const float* g, float* s1, float* s2, float* s3,
                     const float* normSq) {
  if (n == 0) return;
  const cudaStream_t stream = Ctx().stream;
  optim::Dispatch<optim::kStructural>(h, [&](auto variant) {
    LaunchOptimizerUpdate<decltype(variant)>(stream, h, n, w, g, s1, s2, s3, normSq);
  });
}

void SumSquares(int64_t n, const float* x, float* out, bool accumulate) {
  LaunchSum(Ctx().stream, n, x, out, /*squares=*/true, accumulate);
}

}  // namespace nc::cuda
