// Fills, random numbers and dropout on our kernels (fill.cu), queued on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/fill.h"

namespace nc::cuda {

void FillConstant(int64_t n, float* y, float value) { LaunchFillConstant(Ctx().stream, n, y, value); }
void FillUniform(int64_t n, float* y, float low, float high, uint64_t seed) {
  LaunchFillUniform(Ctx().stream, n, y, low, high, seed);
}
void FillNormal(int64_t n, float* y, float mean, float std, uint64_t seed) {
  LaunchFillNormal(Ctx().stream, n, y, mean, std, seed);
}
void DropoutForward(int64_t n, const float* x, float* y, float* mask, float p, uint64_t seed) {
  LaunchDropoutForward(Ctx().stream, n, x, y, mask, p, seed);
}

}  // namespace nc::cuda
