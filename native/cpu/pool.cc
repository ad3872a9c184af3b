// Pooling in plain loops over NCHW planes, one plane per OpenMP iteration.
// Why not oneDNN: its 2.6 pooling kernels for plain NCHW run 3–5× slower than these loops on the
// LeNet/AlexNet shapes (measured: 256×6×24×24 max pooling 1.4 ms vs 0.3 ms on 2 cores), and the
// blocked layouts where it is fast cost more in reorders than they save.
// Max pooling ignores padded cells and keeps the first maximum of each window (row-major scan); a
// window holding a NaN gives NaN, with the gradient routed to its first NaN (NaN propagates, as
// PyTorch's max pooling and cuDNN's with CUDNN_PROPAGATE_NAN do). Average pooling divides by the
// window's cells inside the padded input (count_include_pad, Gluon's and PyTorch's default: the full
// window except where ceil mode's last window reaches past the padding), or by its cells of x.
#include <cstdint>
#include <cstring>
#include <limits>

#include "cpu/cpu.h"
#include "pool_window.h"

namespace nc::cpu {

// Max pooling in training keeps, per output element, the argmax's offset within its input plane.
size_t Pool2dWorkspaceBytes(const PoolShape& s, bool isMax, bool training) {
  return isMax && training ? static_cast<size_t>(s.n * s.c * s.oh * s.ow) * 4 : 0;
}

namespace {

// The common 2×2, stride 2, unpadded max pooling (LeNet's, and most CNNs'), without the general
// loop's window bounds: four loads and three branch-free selects per output.
template <bool KeepArgmax>
void MaxPool2x2(const PoolShape& s, const float* x, float* y, int32_t* argmax) {
  const int64_t planes = s.n * s.c;
#pragma omp parallel for
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * s.h * s.w;
    float* yp = y + p * s.oh * s.ow;
    int32_t* ap = KeepArgmax ? argmax + p * s.oh * s.ow : nullptr;
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      const float* r0 = xp + 2 * oy * s.w;
      const float* r1 = r0 + s.w;
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        float best = r0[2 * ox];
        int32_t at = 0;
        if (PoolTakes(r0[2 * ox + 1], best)) best = r0[2 * ox + 1], at = 1;
        if (PoolTakes(r1[2 * ox], best)) best = r1[2 * ox], at = static_cast<int32_t>(s.w);
        if (PoolTakes(r1[2 * ox + 1], best)) best = r1[2 * ox + 1], at = static_cast<int32_t>(s.w + 1);
        yp[oy * s.ow + ox] = best;
        if (KeepArgmax) ap[oy * s.ow + ox] = static_cast<int32_t>(2 * oy * s.w + 2 * ox) + at;
      }
    }
  }
}

}  // namespace

void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y, void* workspace) {
  if (isMax && s.kh == 2 && s.kw == 2 && s.sh == 2 && s.sw == 2 && s.ph == 0 && s.pw == 0 && s.eh == 0 && s.ew == 0) {
    if (workspace) MaxPool2x2<true>(s, x, y, static_cast<int32_t*>(workspace));
    else MaxPool2x2<false>(s, x, y, nullptr);
    return;
  }
  const int64_t planes = s.n * s.c;
  auto* argmax = static_cast<int32_t*>(workspace);
#pragma omp parallel for
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * s.h * s.w;  // this plane of x (H,W)
    float* yp = y + p * s.oh * s.ow;      // this plane of y (OH,OW)
    int32_t* ap = argmax ? argmax + p * s.oh * s.ow : nullptr;
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      int64_t ya, yb;
      PoolClip(oy * s.sh - s.ph, s.kh, s.h, &ya, &yb);
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        int64_t xa, xb;
        PoolClip(ox * s.sw - s.pw, s.kw, s.w, &xa, &xb);
        if (isMax) {
          float best = -std::numeric_limits<float>::infinity();
          int64_t at = ya * s.w + xa;
          for (int64_t iy = ya; iy < yb; ++iy) {
            for (int64_t ix = xa; ix < xb; ++ix) {
              const float v = xp[iy * s.w + ix];
              const bool greater = PoolTakes(v, best);  // branch-free: selects compile to blends
              best = greater ? v : best;
              at = greater ? iy * s.w + ix : at;
            }
          }
          yp[oy * s.ow + ox] = best;
          if (ap) ap[oy * s.ow + ox] = static_cast<int32_t>(at);
        } else {
          float sum = 0;
          for (int64_t iy = ya; iy < yb; ++iy)
            for (int64_t ix = xa; ix < xb; ++ix) sum += xp[iy * s.w + ix];
          yp[oy * s.ow + ox] = sum * PoolInverseCount(s, oy, ox, ya, yb, xa, xb);
        }
      }
    }
  }
}

void Pool2dBackward(const PoolShape& s, bool isMax, const float* /*x*/, const float* /*y*/, const float* dy, float* dx,
                    const void* workspace) {
  const int64_t planes = s.n * s.c;
  const auto* argmax = static_cast<const int32_t*>(workspace);
#pragma omp parallel for
  for (int64_t p = 0; p < planes; ++p) {
    float* dxp = dx + p * s.h * s.w;
    const float* dyp = dy + p * s.oh * s.ow;
    std::memset(dxp, 0, sizeof(float) * s.h * s.w);
    if (isMax) {
      const int32_t* ap = argmax + p * s.oh * s.ow;
      for (int64_t o = 0; o < s.oh * s.ow; ++o) dxp[ap[o]] += dyp[o];
      continue;
    }
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      int64_t ya, yb;
      PoolClip(oy * s.sh - s.ph, s.kh, s.h, &ya, &yb);
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        int64_t xa, xb;
        PoolClip(ox * s.sw - s.pw, s.kw, s.w, &xa, &xb);
        const float g = dyp[oy * s.ow + ox] * PoolInverseCount(s, oy, ox, ya, yb, xa, xb);
        for (int64_t iy = ya; iy < yb; ++iy)
          for (int64_t ix = xa; ix < xb; ++ix) dxp[iy * s.w + ix] += g;
      }
    }
  }
}

}  // namespace nc::cpu
