// Pooling in loops over planes, one plane per OpenMP iteration. A plane holds V channels innermost:
// V = 1 for plain NCHW; V = 16 for the nChw16c layout a convolution leaves its output in
// (cpu/layouts.h), whose 16 channels of a pixel the loops read as one vector, and whose layout
// the output and gradients keep (the workspace is registered in it too, so the backward knows).
// Why not oneDNN: its 2.6 pooling kernels for plain NCHW run 3–5× slower than these loops on the
// LeNet/AlexNet shapes (measured: 256×6×24×24 max pooling 1.4 ms vs 0.3 ms on 2 cores).
// Max pooling ignores padded cells and keeps the first maximum of each window (row-major scan); a
// window holding a NaN gives NaN, with the gradient routed to its first NaN (NaN propagates, as
// PyTorch's max pooling and cuDNN's with CUDNN_PROPAGATE_NAN do). Average pooling divides by the
// window's cells inside the padded input (count_include_pad, Gluon's and PyTorch's default: the full
// window except where ceil mode's last window reaches past the padding), or by its cells of x.
#include <cstdint>
#include <cstring>
#include <limits>

#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"
#include "cpu/layout_registry.h"
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

// The channel-blocked layout of an (n, c, h, w) tensor, when c allows it without padding.
std::optional<dnnl::memory::desc> Blocked16(int64_t n, int64_t c, int64_t h, int64_t w) {
  if (c % 16 != 0) return std::nullopt;
  return dnnl::memory::desc({n, c, h, w}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nChw16c);
}

// True when `t` is in the blocked layout `blocked`; otherwise `t` is made plain.
bool ReadBlocked(const void* t, const std::optional<dnnl::memory::desc>& blocked) {
  const std::optional<dnnl::memory::desc> layout = LayoutOf(t);
  if (blocked && layout && *layout == *blocked) return true;
  MakePlain(t);
  return false;
}

// Records the layout an output was written in (blocked, or plain when `blocked` is not used).
void WroteIn(const void* t, const std::optional<dnnl::memory::desc>& blocked, bool isBlocked) {
  if (t == nullptr) return;
  if (isBlocked) SetLayout(t, *blocked);
  else ForgetLayout(t);
}

template <int V>
void PoolForwardPlanes(const PoolShape& s, bool isMax, const float* x, float* y, int32_t* argmax) {
  const int64_t planes = s.n * s.c / V;
#pragma omp parallel for
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * s.h * s.w * V;  // this plane of x (H,W,V)
    float* yp = y + p * s.oh * s.ow * V;      // this plane of y (OH,OW,V)
    int32_t* ap = argmax ? argmax + p * s.oh * s.ow * V : nullptr;
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      int64_t ya, yb;
      PoolClip(oy * s.sh - s.ph, s.kh, s.h, &ya, &yb);
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        int64_t xa, xb;
        PoolClip(ox * s.sw - s.pw, s.kw, s.w, &xa, &xb);
        float acc[V];
        int32_t at[V];
        for (int l = 0; l < V; ++l) {
          acc[l] = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
          at[l] = static_cast<int32_t>(ya * s.w + xa);
        }
        for (int64_t iy = ya; iy < yb; ++iy) {
          for (int64_t ix = xa; ix < xb; ++ix) {
            const float* xv = xp + (iy * s.w + ix) * V;
            const auto pos = static_cast<int32_t>(iy * s.w + ix);
            if (isMax) {
#pragma omp simd
              for (int l = 0; l < V; ++l) {
                const bool greater = PoolTakes(xv[l], acc[l]);  // branch-free: selects compile to blends
                acc[l] = greater ? xv[l] : acc[l];
                at[l] = greater ? pos : at[l];
              }
            } else {
#pragma omp simd
              for (int l = 0; l < V; ++l) acc[l] += xv[l];
            }
          }
        }
        const float scale = isMax ? 1.0f : PoolInverseCount(s, oy, ox, ya, yb, xa, xb);
        float* yv = yp + (oy * s.ow + ox) * V;
        for (int l = 0; l < V; ++l) yv[l] = isMax ? acc[l] : acc[l] * scale;
        if (ap) {
          for (int l = 0; l < V; ++l) ap[(oy * s.ow + ox) * V + l] = at[l];
        }
      }
    }
  }
}

template <int V>
void PoolBackwardPlanes(const PoolShape& s, bool isMax, const float* dy, float* dx, const int32_t* argmax) {
  const int64_t planes = s.n * s.c / V;
#pragma omp parallel for
  for (int64_t p = 0; p < planes; ++p) {
    float* dxp = dx + p * s.h * s.w * V;
    const float* dyp = dy + p * s.oh * s.ow * V;
    std::memset(dxp, 0, sizeof(float) * s.h * s.w * V);
    if (isMax) {
      const int32_t* ap = argmax + p * s.oh * s.ow * V;
      for (int64_t o = 0; o < s.oh * s.ow; ++o) {
        for (int l = 0; l < V; ++l) dxp[ap[o * V + l] * V + l] += dyp[o * V + l];
      }
      continue;
    }
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      int64_t ya, yb;
      PoolClip(oy * s.sh - s.ph, s.kh, s.h, &ya, &yb);
      for (int64_t ox = 0; ox < s.ow; ++ox) {
        int64_t xa, xb;
        PoolClip(ox * s.sw - s.pw, s.kw, s.w, &xa, &xb);
        const float scale = PoolInverseCount(s, oy, ox, ya, yb, xa, xb);
        float g[V];
        for (int l = 0; l < V; ++l) g[l] = dyp[(oy * s.ow + ox) * V + l] * scale;
        for (int64_t iy = ya; iy < yb; ++iy) {
          for (int64_t ix = xa; ix < xb; ++ix) {
            float* dxv = dxp + (iy * s.w + ix) * V;
#pragma omp simd
            for (int l = 0; l < V; ++l) dxv[l] += g[l];
          }
        }
      }
    }
  }
}

}  // namespace

void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y, void* workspace) {
  const auto blockedX = Blocked16(s.n, s.c, s.h, s.w), blockedY = Blocked16(s.n, s.c, s.oh, s.ow);
  const bool blocked = ReadBlocked(x, blockedX);
  WroteIn(y, blockedY, blocked);
  WroteIn(workspace, blockedY, blocked);  // the argmax, in y's order
  auto* argmax = static_cast<int32_t*>(workspace);
  if (blocked) {
    PoolForwardPlanes<16>(s, isMax, x, y, argmax);
    return;
  }
  if (isMax && s.kh == 2 && s.kw == 2 && s.sh == 2 && s.sw == 2 && s.ph == 0 && s.pw == 0 && s.eh == 0 && s.ew == 0) {
    if (workspace) MaxPool2x2<true>(s, x, y, argmax);
    else MaxPool2x2<false>(s, x, y, nullptr);
    return;
  }
  PoolForwardPlanes<1>(s, isMax, x, y, argmax);
}

void Pool2dBackward(const PoolShape& s, bool isMax, const float* /*x*/, const float* /*y*/, const float* dy, float* dx,
                    const void* workspace) {
  const auto blockedX = Blocked16(s.n, s.c, s.h, s.w), blockedY = Blocked16(s.n, s.c, s.oh, s.ow);
  // Max pooling's argmax fixes the layout (the forward's); average pooling follows dy's.
  const std::optional<dnnl::memory::desc> argmaxLayout = isMax ? LayoutOf(workspace) : std::nullopt;
  const bool blocked = isMax ? argmaxLayout.has_value() : ReadBlocked(dy, blockedY);
  if (isMax && blocked) MakeLayout(dy, *blockedY);
  else if (isMax) MakePlain(dy);
  WroteIn(dx, blockedX, blocked);
  const auto* argmax = static_cast<const int32_t*>(workspace);
  if (blocked) PoolBackwardPlanes<16>(s, isMax, dy, dx, argmax);
  else PoolBackwardPlanes<1>(s, isMax, dy, dx, argmax);
}

}  // namespace nc::cpu
