// Max and average pooling kernels (see pool.h): the loops of cpu/pool.cc, one output (forward) or one
// input cell (backward) per thread. The backward gathers instead of scattering, so it needs no
// atomics: each dx sums its windows' contributions in the CPU's order (rows, then columns), products
// and sums rounded separately (no FMA), so the results are the CPU's bit for bit.
#include "cuda/check.h"
#include "cuda/grid.h"
#include "cuda/pool.h"
#include "pool_window.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

__global__ void PoolForwardKernel(PoolShape s, bool isMax, const float* x, float* y, int32_t* argmax) {
  const int64_t total = s.n * s.c * s.oh * s.ow;
  GRID_STRIDE_LOOP(i, total) {
    const int64_t ox = i % s.ow, oy = i / s.ow % s.oh, plane = i / (s.ow * s.oh);
    const float* xp = x + plane * s.h * s.w;
    int64_t ya, yb, xa, xb;
    PoolClip(oy * s.sh - s.ph, s.kh, s.h, &ya, &yb);
    PoolClip(ox * s.sw - s.pw, s.kw, s.w, &xa, &xb);
    if (isMax) {
      float best = -INFINITY;
      int64_t at = ya * s.w + xa;
      for (int64_t iy = ya; iy < yb; ++iy) {
        for (int64_t ix = xa; ix < xb; ++ix) {
          const float v = xp[iy * s.w + ix];
          if (PoolTakes(v, best)) best = v, at = iy * s.w + ix;
        }
      }
      y[i] = best;
      if (argmax) argmax[i] = static_cast<int32_t>(at);
    } else {
      float sum = 0;
      for (int64_t iy = ya; iy < yb; ++iy)
        for (int64_t ix = xa; ix < xb; ++ix) sum += xp[iy * s.w + ix];
      y[i] = __fmul_rn(sum, PoolInverseCount(s, oy, ox, ya, yb, xa, xb));
    }
  }
}

// The outputs whose windows along one axis cover input cell `at`: [*from, *to).
__device__ inline void Covering(int64_t at, int64_t kernel, int64_t stride, int64_t pad, int64_t out, int64_t* from,
                                int64_t* to) {
  const int64_t lo = at + pad - kernel + 1;  // the first window start (padded) that reaches `at`
  *from = lo <= 0 ? 0 : (lo + stride - 1) / stride;
  const int64_t hi = (at + pad) / stride + 1;
  *to = hi < out ? hi : out;
}

__global__ void PoolBackwardKernel(PoolShape s, bool isMax, const float* dy, const int32_t* argmax, float* dx) {
  const int64_t total = s.n * s.c * s.h * s.w;
  GRID_STRIDE_LOOP(i, total) {
    const int64_t ix = i % s.w, iy = i / s.w % s.h, plane = i / (s.w * s.h);
    const float* dyp = dy + plane * s.oh * s.ow;
    int64_t oya, oyb, oxa, oxb;
    Covering(iy, s.kh, s.sh, s.ph, s.oh, &oya, &oyb);
    Covering(ix, s.kw, s.sw, s.pw, s.ow, &oxa, &oxb);
    const int32_t self = static_cast<int32_t>(iy * s.w + ix);
    float g = 0;
    for (int64_t oy = oya; oy < oyb; ++oy) {
      for (int64_t ox = oxa; ox < oxb; ++ox) {
        const int64_t o = oy * s.ow + ox;
        if (isMax) {
          if (argmax[plane * s.oh * s.ow + o] == self) g += dyp[o];
        } else {
          int64_t ya, yb, xa, xb;
          PoolClip(oy * s.sh - s.ph, s.kh, s.h, &ya, &yb);
          PoolClip(ox * s.sw - s.pw, s.kw, s.w, &xa, &xb);
          g = __fadd_rn(g, __fmul_rn(dyp[o], PoolInverseCount(s, oy, ox, ya, yb, xa, xb)));  // unfused, as the CPU
        }
      }
    }
    dx[i] = g;
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

void LaunchPoolForward(cudaStream_t stream, const PoolShape& s, bool isMax, const float* x, float* y,
                       int32_t* argmax) {
  const int64_t total = s.n * s.c * s.oh * s.ow;
  if (total == 0) return;
  NC_LAUNCH(PoolForwardKernel, GridFor(total, kBlock), kBlock, stream)(s, isMax, x, y, argmax);
  CUDA_CHECK_LAUNCH(PoolForwardKernel);
}

void LaunchPoolBackward(cudaStream_t stream, const PoolShape& s, bool isMax, const float* dy, const int32_t* argmax,
                        float* dx) {
  const int64_t total = s.n * s.c * s.h * s.w;
  if (total == 0) return;
  NC_LAUNCH(PoolBackwardKernel, GridFor(total, kBlock), kBlock, stream)(s, isMax, dy, argmax, dx);
  CUDA_CHECK_LAUNCH(PoolBackwardKernel);
}

}  // namespace nc::cuda
