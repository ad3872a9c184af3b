// Problem sizes shared by the binding layer and every backend.
#pragma once
#include <cstdint>
#include <cmath>
#include <string>

namespace nc {

// None..Tanh can be fused into convolutions and dense layers, and their derivatives are functions
// of the output y. LeakyRelu, Elu and Gelu (exact, with erf) run only as standalone activations with
// a parameter alpha (the negative slope, ELU's alpha; unused by Gelu), and their backward needs x.
enum class Activation { None, Relu, Sigmoid, Tanh, LeakyRelu, Elu, Gelu };
Activation ParseActivation(const std::string& name);  // name already validated
// True for the activations whose backward works from the input x rather than the output y.
inline bool BackwardNeedsInput(Activation act) {
  return act == Activation::LeakyRelu || act == Activation::Elu || act == Activation::Gelu;
}

// x (N,C,H,W) * w (O,C/G,KH,KW) -> y (N,O,OH,OW). Kernel taps dilh, dilw apart (1: adjacent);
// G groups: output channels [g·O/G, (g+1)·O/G) see input channels [g·C/G, (g+1)·C/G) only.
struct ConvShape {
  int64_t n, c, h, w;
  int64_t o, kh, kw;
  int64_t oh, ow;
  int64_t sh, sw, ph, pw;
  int64_t dilh = 1, dilw = 1, groups = 1;
};

// x (N,C,H,W) -> y (N,C,OH,OW). Ceil mode's last windows may reach past the right/bottom padding
// by eh, ew cells (PoolCeilExtra); those cells never count. countPad: an average divides by the
// window's cells inside the padded input (PyTorch's count_include_pad), else by its cells of x.
struct PoolShape {
  int64_t n, c, h, w;
  int64_t oh, ow;
  int64_t kh, kw, sh, sw, ph, pw;
  int64_t eh = 0, ew = 0;
  bool countPad = true;
};

// x (N,K) w (M,K) -> y (N,M)
struct DenseShape {
  int64_t n, k, m;
};

// x (N,C,H,W) -> y (N,C,OH,OW), resampled image by image
struct ImageShape {
  int64_t n, c, h, w;
  int64_t oh, ow;
};

// Batch normalization per channel: x (N,C,H,W), or (N,C) seen as (N,C,1,1); statistics over N,H,W.
struct BatchNormShape {
  int64_t n, c, h, w;
};

// Bilinear sample of a (H,W) plane at (sx, sy), pixel centres at integers. clampEdges: sx, sy below
// 0 count as 0 and neighbours past the last row or column repeat it (PyTorch's align_corners=False
// resize); otherwise each neighbour outside the plane contributes 0.
#if defined(__CUDACC__)
__host__ __device__
#endif
inline float SampleBilinear(const float* plane, int64_t h, int64_t w, float sx, float sy, bool clampEdges) {
  // Coordinates far outside (or NaN, from a NaN matrix) become just outside: converting them to
  // an integer would be undefined and index anywhere.
  const float limitX = static_cast<float>(w) + 1, limitY = static_cast<float>(h) + 1;
  sx = sx > -2 ? (sx < limitX ? sx : limitX) : -2;
  sy = sy > -2 ? (sy < limitY ? sy : limitY) : -2;
  if (clampEdges) {
    sx = sx < 0 ? 0 : sx;
    sy = sy < 0 ? 0 : sy;
  }
  const float fx = floorf(sx), fy = floorf(sy);
  const int64_t x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
  const float ax = sx - fx, ay = sy - fy;
  float sum = 0;
  for (int dy = 0; dy < 2; ++dy) {
    for (int dx = 0; dx < 2; ++dx) {
      int64_t xi = x0 + dx, yi = y0 + dy;
      if (clampEdges) {
        xi = xi < w ? xi : w - 1;
        yi = yi < h ? yi : h - 1;
      } else if (xi < 0 || yi < 0 || xi >= w || yi >= h) {
        continue;
      }
      const float weight = (dx ? ax : 1 - ax) * (dy ? ay : 1 - ay);
      sum += weight * plane[yi * w + xi];
    }
  }
  return sum;
}

// Output size of a sliding window, as PyTorch and Gluon compute it (floor).
inline int64_t WindowOutput(int64_t in, int64_t kernel, int64_t stride, int64_t pad) {
  return (in + 2 * pad - kernel) / stride + 1;
}

// The output size in ceil mode, PyTorch's rule: round the last partial window up, but drop it when
// it would start past the input and its left padding (start >= in + pad).
inline int64_t CeilWindowOutput(int64_t in, int64_t kernel, int64_t stride, int64_t pad) {
  int64_t out = (in + 2 * pad - kernel + stride - 1) / stride + 1;
  if ((out - 1) * stride >= in + pad) --out;
  return out;
}

// How far the last of `out` windows reaches past the right padding (0 when it does not).
inline int64_t PoolCeilExtra(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t out) {
  const int64_t reach = (out - 1) * stride + kernel - (in + 2 * pad);
  return reach > 0 ? reach : 0;
}

}  // namespace nc
