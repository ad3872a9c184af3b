// Resampling and colour jitter on our kernels (image.cu), queued on the context's stream.
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/image.h"

namespace nc::cuda {

void AffineSample(const ImageShape& s, const float* x, const float* matrices, bool clampEdges, float* y) {
  LaunchAffineSample(Ctx().stream, s, x, matrices, clampEdges, y);
}
void ColorJitter(int64_t n, int64_t size, const float* x, const float* brightness, const float* contrast, float* y) {
  LaunchColorJitter(Ctx().stream, n, size, x, brightness, contrast, y);
}

}  // namespace nc::cuda
