// Softmax and log-softmax over the middle axis of (outer, r, inner), forward and backward, with the
// thread groups of axis_groups.h (one group per column (o, i); never cut into chunks: each column
// needs its own totals before it writes). The expressions are cpu/softmax.cc's: m = max, s = Σ exp(x −
// m) in double, y = exp(x − m)/s or (x − m) − log s; they differ from it in summation order only.
#include <cmath>

#include "cuda/axis_groups.h"
#include "cuda/check.h"
#include "cuda/grid.h"
#include "cuda/softmax.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

using MaxReducer = Reducer<ReduceOp::Max>;
using SumReducer = Reducer<ReduceOp::Sum>;

// Element k of the thread's column: p.at[(k - p.k0)·inner] with k0 = 0 (one chunk).
#define COLUMN_LOOP(k, p) for (int64_t k = (p).part; k < g.s.r; k += (p).parts)

__global__ void SoftmaxForwardKernel(AxisGroups g, bool log, const float* x, float* y) {
  for (int64_t t = blockIdx.x; t < g.tiles; t += gridDim.x) {
    const AxisSlot p = SlotOf(g, t, x);
    ExtremumState m = MaxReducer::Empty();
    if (p.valid) COLUMN_LOOP(k, p) MaxReducer::Add(m, p.at[k * g.s.inner], k);
    m = Combine<MaxReducer>(g, m);
    SumState s = SumReducer::Empty();
    if (p.valid) COLUMN_LOOP(k, p) s.sum += expf(p.at[k * g.s.inner] - m.value);
    s = Combine<SumReducer>(g, s);
    if (!p.valid) continue;
    const double logSum = log ? ::log(s.sum) : 0.0;
    float* out = y + (p.at - x);
    COLUMN_LOOP(k, p) {
      const float shifted = p.at[k * g.s.inner] - m.value;
      out[k * g.s.inner] = static_cast<float>(log ? shifted - logSum : expf(shifted) / s.sum);
    }
  }
}

// softmax: dx = y·(dy − Σ dy·y); log-softmax: dx = dy − exp(y)·Σ dy.
__global__ void SoftmaxBackwardKernel(AxisGroups g, bool log, const float* y, const float* dy, float* dx) {
  for (int64_t t = blockIdx.x; t < g.tiles; t += gridDim.x) {
    const AxisSlot p = SlotOf(g, t, y);
    const int64_t offset = p.at - y;
    const float *yc = y + offset, *dc = dy + offset;
    SumState s = SumReducer::Empty();
    if (p.valid) {
      COLUMN_LOOP(k, p) {
        const int64_t e = k * g.s.inner;
        s.sum += log ? dc[e] : static_cast<double>(dc[e]) * yc[e];
      }
    }
    s = Combine<SumReducer>(g, s);
    if (!p.valid) continue;
    COLUMN_LOOP(k, p) {
      const int64_t e = k * g.s.inner;
      dx[offset + e] = static_cast<float>(log ? dc[e] - expf(yc[e]) * s.sum : yc[e] * (dc[e] - s.sum));
    }
  }
}

#undef COLUMN_LOOP

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

void LaunchSoftmaxForward(cudaStream_t stream, const AxisShape& s, bool log, const float* x, float* y) {
  if (s.outer * s.r * s.inner == 0) return;
  const AxisGroups g = MakeAxisGroups(s, /*split=*/false);
  NC_LAUNCH(SoftmaxForwardKernel, GridFor(g.tiles, 1), g.block, stream)(g, log, x, y);
  CUDA_CHECK_LAUNCH(SoftmaxForwardKernel);
}

void LaunchSoftmaxBackward(cudaStream_t stream, const AxisShape& s, bool log, const float* y, const float* dy,
                           float* dx) {
  if (s.outer * s.r * s.inner == 0) return;
  const AxisGroups g = MakeAxisGroups(s, /*split=*/false);
  NC_LAUNCH(SoftmaxBackwardKernel, GridFor(g.tiles, 1), g.block, stream)(g, log, y, dy, dx);
  CUDA_CHECK_LAUNCH(SoftmaxBackwardKernel);
}

}  // namespace nc::cuda
