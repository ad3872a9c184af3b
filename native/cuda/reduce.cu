// Reductions over the middle axis of (outer, r, inner) (see reducers.h and axis_groups.h): a group of
// threads per output column folds its share of k with reducers.h's Reducers and combines the shares
// through shuffles and shared memory, as cpu/reduce.cc folds and merges the same states. Results
// match the CPU's exactly for max, min and their indices, and up to summation order for sums.
#include "cuda/axis_groups.h"
#include "cuda/check.h"
#include "cuda/grid.h"
#include "cuda/reduce.h"

namespace nc::cuda {

namespace {

// ------------------------------------------------------------------------------------------------
// kernels

// Each column's fold over its chunk of k. With one chunk the result is written (y, indices);
// otherwise the state goes to partial[column] for ReduceChunksKernel.
template <ReduceOp kOp>
__global__ void ReduceKernel(AxisGroups g, const float* x, float* y, float* indices,
                             typename Reducer<kOp>::State* partial) {
  using R = Reducer<kOp>;
  for (int64_t t = blockIdx.x; t < g.tiles; t += gridDim.x) {
    const AxisSlot p = SlotOf(g, t, x);
    typename R::State a = R::Empty();
    if (p.valid) {
      for (int64_t k = p.k0 + p.part; k < p.k1; k += p.parts) R::Add(a, p.at[(k - p.k0) * g.s.inner], k);
    }
    a = Combine<R>(g, a);
    if (!p.valid || p.part != 0) continue;
    if (partial) {
      partial[p.column] = a;
    } else {
      R::Write(a, g.s.r, y, indices, p.column);
    }
  }
}

// Output (o, i): its chunks' states merged in chunk order, then written.
template <ReduceOp kOp>
__global__ void ReduceChunksKernel(AxisShape s, int64_t chunks, const typename Reducer<kOp>::State* partial, float* y,
                                   float* indices) {
  using R = Reducer<kOp>;
  GRID_STRIDE_LOOP(j, s.outer * s.inner) {
    const int64_t o = j / s.inner, i = j % s.inner;
    typename R::State a = partial[o * chunks * s.inner + i];
    for (int64_t c = 1; c < chunks; ++c) R::Merge(a, partial[(o * chunks + c) * s.inner + i]);
    R::Write(a, s.r, y, indices, j);
  }
}

// One thread per element of dx: reducers.h's ReduceGradient, as the CPU.
__global__ void ReduceBackwardKernel(ReduceOp op, AxisShape s, const float* dy, const float* indices, float* dx) {
  GRID_STRIDE_LOOP(e, s.outer * s.r * s.inner) {
    const int64_t i = e % s.inner, ok = e / s.inner, k = ok % s.r, j = ok / s.r * s.inner + i;
    dx[e] = ReduceGradient(op, s.r, k, dy[j], indices, j);
  }
}

template <ReduceOp kOp>
void LaunchReduceOp(cudaStream_t stream, const AxisShape& s, const float* x, float* y, float* indices) {
  using State = typename Reducer<kOp>::State;
  const AxisGroups g = MakeAxisGroups(s, /*split=*/true);
  // Stream-ordered scratch for the chunks' states, as LaunchSum's partials (elementwise.cu).
  State* partial = nullptr;
  struct FreeOnExit {
    State** p;
    cudaStream_t s;
    ~FreeOnExit() {  // also when a launch check throws
      if (*p) static_cast<void>(cudaFreeAsync(*p, s));
    }
  } scratch{&partial, stream};
  if (g.chunks > 1) {
    CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&partial), s.outer * g.chunks * s.inner * sizeof(State), stream));
  }
  NC_LAUNCH(ReduceKernel<kOp>, GridFor(g.tiles, 1), g.block, stream)(g, x, y, indices, partial);
  CUDA_CHECK_LAUNCH(ReduceKernel);
  if (g.chunks == 1) return;
  NC_LAUNCH(ReduceChunksKernel<kOp>, GridFor(s.outer * s.inner), kBlock, stream)(s, g.chunks, partial, y, indices);
  CUDA_CHECK_LAUNCH(ReduceChunksKernel);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// launchers

void LaunchReduce(cudaStream_t stream, ReduceOp op, const AxisShape& s, const float* x, float* y, float* indices) {
  if (s.outer * s.r * s.inner == 0) return;
  switch (op) {
    case ReduceOp::Sum:
      return LaunchReduceOp<ReduceOp::Sum>(stream, s, x, y, indices);
    case ReduceOp::Mean:
      return LaunchReduceOp<ReduceOp::Mean>(stream, s, x, y, indices);
    case ReduceOp::Max:
      return LaunchReduceOp<ReduceOp::Max>(stream, s, x, y, indices);
    case ReduceOp::Min:
      return LaunchReduceOp<ReduceOp::Min>(stream, s, x, y, indices);
  }
}

void LaunchReduceBackward(cudaStream_t stream, ReduceOp op, const AxisShape& s, const float* dy, const float* indices,
                          float* dx) {
  const int64_t n = s.outer * s.r * s.inner;
  if (n == 0) return;
  NC_LAUNCH(ReduceBackwardKernel, GridFor(n), kBlock, stream)(op, s, dy, indices, dx);
  CUDA_CHECK_LAUNCH(ReduceBackwardKernel);
}

}  // namespace nc::cuda
