// Reductions and softmax along a run of axes, shared by both backends. A contiguous tensor viewed as
// (outer, r, inner) — the axes before the run, the run itself, the axes after it — is reduced over r.
// Each output (o, i) folds k = 0 … r-1 of x[(o·r + k)·inner + i] with one Reducer below: the CPU
// loops (cpu/reduce.cc) and the CUDA kernels (cuda/reduce.cu) add and merge with the same code, so
// they agree on NaNs and on which element a max or min picks. (Several separate axes are reduced one
// run at a time by the caller: lib/ops/reduce.ts.)
#pragma once
#include <cstdint>
#include <vector>

#include "host_device.h"

namespace nc {

enum class ReduceOp { Sum, Mean, Max, Min };

struct AxisShape {
  int64_t outer = 1, r = 1, inner = 1;
};

// shape seen as (outer, r, inner) with r the product of the axes [start, end).
inline AxisShape AxisRun(const std::vector<int64_t>& shape, size_t start, size_t end) {
  AxisShape s;
  for (size_t d = 0; d < shape.size(); ++d) (d < start ? s.outer : d < end ? s.r : s.inner) *= shape[d];
  return s;
}

// Indices travel as floats (argmax's output, max's saved positions): exact up to 2^24.
constexpr int64_t kMaxIndexedExtent = int64_t{1} << 24;

// Max/Min: whether candidate (v, k) beats the best so far (b, j). A NaN beats any number (NaN
// propagates, as in NumPy and PyTorch); then the larger (Max) or smaller (Min) value; a tie goes to
// the smaller index, so the first extremum wins. Index -1 is "nothing yet". A strict total order on
// the pairs: merging partial results in any grouping picks the same element.
template <ReduceOp kOp>
NC_HOST_DEVICE inline bool Beats(float v, int64_t k, float b, int64_t j) {
  if (k < 0) return false;
  if (j < 0) return true;
  const bool vNan = v != v, bNan = b != b;
  if (vNan || bNan) return vNan && (!bNan || k < j);
  if (v == b) return k < j;
  return kOp == ReduceOp::Max ? v > b : v < b;
}

// The state of one output's fold. Plain structs (no constructors): CUDA keeps them in shared memory.
struct SumState {
  double sum;  // in double, so a long axis loses nothing to float rounding
};
struct ExtremumState {
  float value;
  int64_t index;  // k along r; -1 before the first element
};

// Max and Min.
template <ReduceOp kOp>
struct Reducer {
  using State = ExtremumState;
  NC_HOST_DEVICE static State Empty() { return {0.0f, -1}; }
  NC_HOST_DEVICE static void Add(State& a, float v, int64_t k) {
    if (Beats<kOp>(v, k, a.value, a.index)) a = {v, k};
  }
  NC_HOST_DEVICE static void Merge(State& a, const State& b) { Add(a, b.value, b.index); }
  // y and indices may each be null (argmax writes only the index; max without a gradient only y).
  NC_HOST_DEVICE static void Write(const State& a, int64_t /*r*/, float* y, float* indices, int64_t j) {
    if (y) y[j] = a.value;
    if (indices) indices[j] = static_cast<float>(a.index);
  }
};

template <>
struct Reducer<ReduceOp::Sum> {
  using State = SumState;
  NC_HOST_DEVICE static State Empty() { return {0.0}; }
  NC_HOST_DEVICE static void Add(State& a, float v, int64_t /*k*/) { a.sum += v; }
  NC_HOST_DEVICE static void Merge(State& a, const State& b) { a.sum += b.sum; }
  NC_HOST_DEVICE static void Write(const State& a, int64_t /*r*/, float* y, float* /*indices*/, int64_t j) {
    y[j] = static_cast<float>(a.sum);
  }
};

template <>
struct Reducer<ReduceOp::Mean> : Reducer<ReduceOp::Sum> {
  NC_HOST_DEVICE static void Write(const State& a, int64_t r, float* y, float* /*indices*/, int64_t j) {
    y[j] = static_cast<float>(a.sum / static_cast<double>(r));
  }
};

// The gradient of one element x[o, k, i] from dy[o, i]: Sum: dy; Mean: dy / r; Max/Min: dy where k
// is the index the forward picked, 0 elsewhere (one element per output gets it, as PyTorch's max(dim)).
NC_HOST_DEVICE inline float ReduceGradient(ReduceOp op, int64_t r, int64_t k, float dy, const float* indices,
                                           int64_t j) {
  switch (op) {
    case ReduceOp::Sum:
      return dy;
    case ReduceOp::Mean:
      return static_cast<float>(static_cast<double>(dy) / static_cast<double>(r));
    default:
      return static_cast<float>(k) == indices[j] ? dy : 0.0f;
  }
}

}  // namespace nc
