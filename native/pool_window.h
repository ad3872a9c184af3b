// Pooling's per-window rules, shared by cpu/pool.cc and cuda/pool.cu so that both backends give
// the same bits: which cells a window covers, which value wins a max, what an average divides by.
#pragma once
#include <cstdint>

#include "host_device.h"
#include "shapes.h"

namespace nc {

// The window [start, start + size) clipped to [0, limit): padded cells are skipped.
NC_HOST_DEVICE inline void PoolClip(int64_t start, int64_t size, int64_t limit, int64_t* from, int64_t* to) {
  *from = start < 0 ? 0 : start;
  *to = start + size > limit ? limit : start + size;
}

// Whether v replaces best in a max-pooling scan: a larger value, or the window's first NaN.
NC_HOST_DEVICE inline bool PoolTakes(float v, float best) { return v > best || (v != v && best == best); }

// 1 / an average window's divisor: its cells inside the padded input when s.countPad (PyTorch's
// count_include_pad: ceil mode's reach past the padding never counts), else its cells of x
// [ya, yb) × [xa, xb) (PoolClip's).
NC_HOST_DEVICE inline float PoolInverseCount(const PoolShape& s, int64_t oy, int64_t ox, int64_t ya, int64_t yb,
                                             int64_t xa, int64_t xb) {
  if (!s.countPad) return 1.0f / static_cast<float>((yb - ya) * (xb - xa));
  const int64_t y0 = oy * s.sh - s.ph, x0 = ox * s.sw - s.pw;
  const int64_t rows = (y0 + s.kh > s.h + s.ph ? s.h + s.ph : y0 + s.kh) - y0;
  const int64_t cols = (x0 + s.kw > s.w + s.pw ? s.w + s.pw : x0 + s.kw) - x0;
  return 1.0f / static_cast<float>(rows * cols);
}

}  // namespace nc
