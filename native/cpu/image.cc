// Image resampling and colour jitter for the data pipeline, on the CPU (see cuda/image.cu for the
// GPU's twins, which compute the same formulas).
#include <cmath>

#include "cpu/cpu.h"

namespace nc::cpu {

// y[n,c,v,u] = bilinear sample of x[n,c] at (sx, sy) = (m0*u + m1*v + m2, m3*u + m4*v + m5), with
// m the six numbers of image n. clampEdges: coordinates are clamped into the image (resizing, as
// PyTorch's align_corners=False: a coordinate below 0 becomes 0, neighbours past the edge repeat
// it); otherwise samples outside the image are 0 (rotations, crops past the border).
void AffineSample(const ImageShape& s, const float* x, const float* matrices, bool clampEdges, float* y) {
#pragma omp parallel for collapse(2)
  for (int64_t n = 0; n < s.n; ++n) {
    for (int64_t c = 0; c < s.c; ++c) {
      const float* m = matrices + n * 6;
      const float* plane = x + (n * s.c + c) * s.h * s.w;  // (H,W)
      float* out = y + (n * s.c + c) * s.oh * s.ow;         // (OH,OW)
      for (int64_t v = 0; v < s.oh; ++v) {
        for (int64_t u = 0; u < s.ow; ++u) {
          out[v * s.ow + u] = SampleBilinear(plane, s.h, s.w, m[0] * u + m[1] * v + m[2], m[3] * u + m[4] * v + m[5],
                                             clampEdges);
        }
      }
    }
  }
}

// y[n] = (x[n] - mean(x[n])) * contrast[n] + mean(x[n]) * brightness[n], per image over all its values:
// contrast scales the spread around the mean, brightness scales the mean.
void ColorJitter(int64_t n, int64_t size, const float* x, const float* brightness, const float* contrast, float* y) {
#pragma omp parallel for
  for (int64_t i = 0; i < n; ++i) {
    const float* xi = x + i * size;
    float* yi = y + i * size;
    double sum = 0;
    for (int64_t k = 0; k < size; ++k) sum += xi[k];
    const float mean = static_cast<float>(sum / static_cast<double>(size));
    for (int64_t k = 0; k < size; ++k) yi[k] = (xi[k] - mean) * contrast[i] + mean * brightness[i];
  }
}

}  // namespace nc::cpu
