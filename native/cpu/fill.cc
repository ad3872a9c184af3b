// Fills, random numbers (random.h, the same streams as the GPU's) and dropout: plain loops on every core.
#include "cpu/cpu.h"
#include "random.h"

namespace nc::cpu {

void FillConstant(int64_t n, float* y, float value) {
#pragma omp parallel for simd if (n > 32768)
  for (int64_t i = 0; i < n; ++i) y[i] = value;
}

void FillUniform(int64_t n, float* y, float low, float high, uint64_t seed) {
  const float width = high - low;
#pragma omp parallel for if (n > 32768)
  for (int64_t i = 0; i < n; ++i) y[i] = low + width * UniformAt(seed, static_cast<uint64_t>(i));
}

void FillNormal(int64_t n, float* y, float mean, float std, uint64_t seed) {
#pragma omp parallel for if (n > 32768)
  for (int64_t i = 0; i < n; ++i) y[i] = mean + std * NormalAt(seed, static_cast<uint64_t>(i));
}

// mask = [u >= p] / (1 - p); y = x * mask. The scaled mask is all the backward needs.
void DropoutForward(int64_t n, const float* x, float* y, float* mask, float p, uint64_t seed) {
  const float scale = 1.0f / (1.0f - p);
#pragma omp parallel for if (n > 32768)
  for (int64_t i = 0; i < n; ++i) {
    mask[i] = UniformAt(seed, static_cast<uint64_t>(i)) >= p ? scale : 0.0f;
    y[i] = x[i] * mask[i];
  }
}

}  // namespace nc::cpu
