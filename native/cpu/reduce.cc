// Reductions over the middle axis of (outer, r, inner) on the CPU, with reducers.h's Reducers. The work
// is split into tasks of one o and up to kTile consecutive i, each folding k in order, so that
//  * inner == 1 reads one contiguous row per output (a vectorised sum),
//  * inner > 1 reads kTile contiguous floats per k and folds them side by side (vectorised too).
// When there are too few tasks to keep the cores busy (a sum of everything: outer = inner = 1), r is
// also cut into chunks whose partial states are merged afterwards in chunk order. Tiles and chunks
// depend on the shape alone, so results do not depend on the number of threads.
#include <algorithm>
#include <vector>

#include "cpu/cpu.h"

namespace nc::cpu {

namespace {

constexpr int64_t kParallelWork = 32768;  // fewer elements are not worth waking the team for
constexpr int64_t kTile = 64;              // inner positions one task folds side by side
constexpr int64_t kMinChunk = 16384;       // r is cut into chunks no shorter than this
constexpr int64_t kMaxChunks = 64;

// Chunks per task: 1 unless the tasks are too few for the cores and r is long.
int64_t ChunksFor(const AxisShape& s, int64_t tasks) {
  if (tasks >= 16 || s.r < 2 * kMinChunk) return 1;
  return std::min(kMaxChunks, s.r / kMinChunk);
}

// Folds k ∈ [k0, k1) of the outputs (o, i0 … i0 + width - 1) into out[0 … width - 1].
template <ReduceOp kOp>
void Fold(const AxisShape& s, const float* x, int64_t o, int64_t i0, int64_t width, int64_t k0, int64_t k1,
          typename Reducer<kOp>::State* out) {
  using R = Reducer<kOp>;
  const float* base = x + o * s.r * s.inner + i0;
  if constexpr (kOp == ReduceOp::Sum || kOp == ReduceOp::Mean) {
    if (s.inner == 1) {  // one contiguous row
      double sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t k = k0; k < k1; ++k) sum += base[k];
      out[0] = {sum};
      return;
    }
    double sums[kTile] = {};
    for (int64_t k = k0; k < k1; ++k) {
      const float* row = base + k * s.inner;
#pragma omp simd
      for (int64_t w = 0; w < width; ++w) sums[w] += row[w];
    }
    for (int64_t w = 0; w < width; ++w) out[w] = {sums[w]};
  } else {
    for (int64_t w = 0; w < width; ++w) out[w] = R::Empty();
    for (int64_t k = k0; k < k1; ++k) {
      const float* row = base + k * s.inner;
      for (int64_t w = 0; w < width; ++w) R::Add(out[w], row[w], k);
    }
  }
}

template <ReduceOp kOp>
void ReduceLoop(const AxisShape& s, const float* x, float* y, float* indices) {
  using R = Reducer<kOp>;
  using State = typename R::State;
  const int64_t tiles = (s.inner + kTile - 1) / kTile, tasks = s.outer * tiles;
  const int64_t chunks = ChunksFor(s, tasks);
  const bool parallel = s.outer * s.r * s.inner > kParallelWork;
  // Task t: o = t / tiles, its tile's first i and width.
  const auto tile = [&](int64_t t, int64_t* o, int64_t* i0) {
    *o = t / tiles;
    *i0 = (t % tiles) * kTile;
    return std::min(kTile, s.inner - *i0);
  };
  if (chunks == 1) {
#pragma omp parallel for if (parallel)
    for (int64_t t = 0; t < tasks; ++t) {
      int64_t o, i0;
      const int64_t width = tile(t, &o, &i0);
      State states[kTile];
      Fold<kOp>(s, x, o, i0, width, 0, s.r, states);
      for (int64_t w = 0; w < width; ++w) R::Write(states[w], s.r, y, indices, o * s.inner + i0 + w);
    }
    return;
  }
  // Chunk c of task t covers k ∈ [r·c/chunks, r·(c+1)/chunks); its states go to partial[(t·chunks + c)·kTile …].
  std::vector<State> partial(static_cast<size_t>(tasks * chunks * kTile));
#pragma omp parallel for if (parallel)
  for (int64_t u = 0; u < tasks * chunks; ++u) {
    int64_t o, i0;
    const int64_t width = tile(u / chunks, &o, &i0), c = u % chunks;
    Fold<kOp>(s, x, o, i0, width, s.r * c / chunks, s.r * (c + 1) / chunks, &partial[u * kTile]);
  }
  for (int64_t t = 0; t < tasks; ++t) {  // tasks < 16 here: a serial merge in chunk order
    int64_t o, i0;
    const int64_t width = tile(t, &o, &i0);
    for (int64_t w = 0; w < width; ++w) {
      State a = partial[t * chunks * kTile + w];
      for (int64_t c = 1; c < chunks; ++c) R::Merge(a, partial[(t * chunks + c) * kTile + w]);
      R::Write(a, s.r, y, indices, o * s.inner + i0 + w);
    }
  }
}

// dx row (o, k) of `inner` elements from dy row o: a copy, a scaled copy or a masked copy.
template <ReduceOp kOp>
void BackwardLoop(const AxisShape& s, const float* dy, const float* indices, float* dx) {
#pragma omp parallel for if (s.outer * s.r * s.inner > kParallelWork)
  for (int64_t ok = 0; ok < s.outer * s.r; ++ok) {
    const int64_t o = ok / s.r, k = ok % s.r;
    const float* d = dy + o * s.inner;
    float* out = dx + ok * s.inner;
#pragma omp simd
    for (int64_t i = 0; i < s.inner; ++i) out[i] = ReduceGradient(kOp, s.r, k, d[i], indices, o * s.inner + i);
  }
}

}  // namespace

void Reduce(ReduceOp op, const AxisShape& s, const float* x, float* y, float* indices) {
  switch (op) {
    case ReduceOp::Sum:
      return ReduceLoop<ReduceOp::Sum>(s, x, y, indices);
    case ReduceOp::Mean:
      return ReduceLoop<ReduceOp::Mean>(s, x, y, indices);
    case ReduceOp::Max:
      return ReduceLoop<ReduceOp::Max>(s, x, y, indices);
    case ReduceOp::Min:
      return ReduceLoop<ReduceOp::Min>(s, x, y, indices);
  }
}

void ReduceBackward(ReduceOp op, const AxisShape& s, const float* dy, const float* indices, float* dx) {
  switch (op) {
    case ReduceOp::Sum:
      return BackwardLoop<ReduceOp::Sum>(s, dy, indices, dx);
    case ReduceOp::Mean:
      return BackwardLoop<ReduceOp::Mean>(s, dy, indices, dx);
    case ReduceOp::Max:
    case ReduceOp::Min:  // the same scatter: indices say where
      return BackwardLoop<ReduceOp::Max>(s, dy, indices, dx);
  }
}

}  // namespace nc::cpu
