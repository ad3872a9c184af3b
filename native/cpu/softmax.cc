// Softmax and log-softmax along the middle axis of (outer, r, inner) on the CPU. Per output column
// (o, i): m = max over k, s = Σ exp(x − m) in double, then y = exp(x − m)/s or (x − m) − log s. With
// the maximum subtracted no exp overflows. Tasks are one o and up to kTile consecutive i, folded
// side by side (one contiguous row when inner == 1), as in reduce.cc; cuda/softmax.cu computes the
// same expressions.
#include <algorithm>
#include <cmath>

#include "cpu/cpu.h"

namespace nc::cpu {

namespace {

constexpr int64_t kParallelWork = 32768;
constexpr int64_t kTile = 64;

// Runs body(base, width) for each task: base points at x[o, 0, i0], width ≤ kTile columns.
template <typename Body>
void ForEachTask(const AxisShape& s, Body body) {
  const int64_t tiles = (s.inner + kTile - 1) / kTile;
#pragma omp parallel for if (s.outer * s.r * s.inner > kParallelWork)
  for (int64_t t = 0; t < s.outer * tiles; ++t) {
    const int64_t o = t / tiles, i0 = (t % tiles) * kTile;
    body(o * s.r * s.inner + i0, std::min(kTile, s.inner - i0));
  }
}

}  // namespace

void SoftmaxForward(const AxisShape& s, bool log, const float* x, float* y) {
  ForEachTask(s, [&](int64_t at, int64_t width) {
    float m[kTile];
    double sum[kTile] = {};
    for (int64_t w = 0; w < width; ++w) m[w] = x[at + w];
    for (int64_t k = 1; k < s.r; ++k) {
      const float* row = x + at + k * s.inner;
      for (int64_t w = 0; w < width; ++w) m[w] = row[w] > m[w] ? row[w] : m[w];
    }
    for (int64_t k = 0; k < s.r; ++k) {
      const float* row = x + at + k * s.inner;
      for (int64_t w = 0; w < width; ++w) sum[w] += std::exp(row[w] - m[w]);
    }
    if (log) {
      for (int64_t w = 0; w < width; ++w) sum[w] = std::log(sum[w]);
    }
    for (int64_t k = 0; k < s.r; ++k) {
      const float* row = x + at + k * s.inner;
      float* out = y + at + k * s.inner;
      for (int64_t w = 0; w < width; ++w) {
        const float shifted = row[w] - m[w];
        out[w] = static_cast<float>(log ? shifted - sum[w] : std::exp(shifted) / sum[w]);
      }
    }
  });
}

void SoftmaxBackward(const AxisShape& s, bool log, const float* y, const float* dy, float* dx) {
  ForEachTask(s, [&](int64_t at, int64_t width) {
    // softmax: Σ dy·y; log-softmax: Σ dy
    double sum[kTile] = {};
    for (int64_t k = 0; k < s.r; ++k) {
      const float *yr = y + at + k * s.inner, *dr = dy + at + k * s.inner;
      for (int64_t w = 0; w < width; ++w) sum[w] += log ? dr[w] : static_cast<double>(dr[w]) * yr[w];
    }
    for (int64_t k = 0; k < s.r; ++k) {
      const float *yr = y + at + k * s.inner, *dr = dy + at + k * s.inner;
      float* out = dx + at + k * s.inner;
      for (int64_t w = 0; w < width; ++w) {
        out[w] = static_cast<float>(log ? dr[w] - std::exp(yr[w]) * sum[w] : yr[w] * (dr[w] - sum[w]));
      }
    }
  });
}

}  // namespace nc::cpu
