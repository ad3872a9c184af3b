// How the kernels over (outer, r, inner) (reduce.cu, softmax.cu) spread one output column (o, i) over
// a group of threads: the group's threads split k ∈ [0, r) between them, then combine their states
// through warp shuffles and shared memory, so that a long axis is read by many threads at once.
//  * Rows (inner == 1): a group is `width` consecutive threads taking consecutive k (coalesced): one
//    warp when r is short, the whole block when it is long.
//  * Columns (inner > 1): a block is 32 lanes (consecutive i: coalesced) × `width` warps; a group is
//    one lane's thread in each warp, each taking every width-th k.
// With few columns and a long r, r is also cut into `chunks` pieces, each a column of its own whose
// state a second pass merges (reduce.cu). A block takes tiles blockIdx.x, + gridDim.x, …: in rows
// mode a tile is blockDim.x / width rows, in columns mode one row of a chunk and 32 consecutive i.
// Every thread of a block runs the same tiles, so the barriers in Combine are reached by all.
// Everything here depends on the shape alone: so does each column's order of summation.
#pragma once
#include <cstdint>

#include "cuda/grid.h"
#include "reducers.h"

namespace nc::cuda {

namespace {

struct AxisGroups {
  AxisShape s;
  int64_t chunks, chunkLength;  // r = chunks pieces of chunkLength k (the last one shorter)
  bool columns;
  int width;       // rows: threads per group (32 or kBlock); columns: warps per block
  unsigned block;  // threads per block
  int64_t tiles;
};

// One thread's place in tile t: column (o, chunk c, i), and its part of the group.
struct AxisSlot {
  int64_t column;  // (o·chunks + c)·inner + i: where the column's state or result goes
  const float* at;  // x[o, k0, i], the column's first element
  int64_t k0, k1;  // the chunk's k range
  int part, parts;
  bool valid;      // false for the lanes and rows past the end, which still join the barriers
};

constexpr int64_t kLongRow = 512;        // rows from this long get a whole block each
constexpr int64_t kWantTiles = 512;      // fewer tiles than this leave SMs idle: cut r into chunks
constexpr int64_t kMinChunk = 1024;      // … no shorter than this
constexpr int64_t kMaxChunks = 256;

inline AxisGroups GroupsFor(const AxisShape& s, int64_t chunks) {
  AxisGroups g{};
  g.s = s;
  g.chunkLength = CEIL_DIV(s.r, chunks);
  g.chunks = CEIL_DIV(s.r, g.chunkLength);
  const int64_t rows = s.outer * g.chunks;
  g.columns = s.inner > 1;
  if (!g.columns) {
    g.width = g.chunkLength >= kLongRow ? kBlock : 32;
    g.block = kBlock;
    g.tiles = CEIL_DIV(rows, kBlock / g.width);
  } else {
    g.width = 1;  // warps per block: enough for the chunk's k, at most kBlock / 32
    while (g.width < kBlock / 32 && g.width < g.chunkLength) g.width *= 2;
    g.block = 32 * g.width;
    g.tiles = rows * CEIL_DIV(s.inner, 32);
  }
  return g;
}

// The groups for s; with `split`, r is cut into chunks when there are too few tiles otherwise.
inline AxisGroups MakeAxisGroups(const AxisShape& s, bool split) {
  const AxisGroups whole = GroupsFor(s, 1);
  if (!split || whole.tiles >= kWantTiles || s.r < 2 * kMinChunk) return whole;
  int64_t chunks = CEIL_DIV(kWantTiles, whole.tiles);
  if (chunks > s.r / kMinChunk) chunks = s.r / kMinChunk;
  return GroupsFor(s, chunks < kMaxChunks ? chunks : kMaxChunks);
}

__device__ inline AxisSlot SlotOf(const AxisGroups& g, int64_t tile, const float* x) {
  AxisSlot p;
  int64_t row, i;  // row: o·chunks + c
  if (!g.columns) {
    row = tile * (blockDim.x / g.width) + threadIdx.x / g.width;
    i = 0;
    p.part = static_cast<int>(threadIdx.x % g.width);
    p.parts = g.width;
  } else {
    const int64_t perRow = CEIL_DIV(g.s.inner, 32);
    row = tile / perRow;
    i = (tile % perRow) * 32 + threadIdx.x % 32;
    p.part = static_cast<int>(threadIdx.x / 32);
    p.parts = g.width;
  }
  p.valid = row < g.s.outer * g.chunks && i < g.s.inner;
  const int64_t o = row / g.chunks, c = row % g.chunks;
  p.column = row * g.s.inner + i;
  p.k0 = c * g.chunkLength;
  p.k1 = p.k0 + g.chunkLength < g.s.r ? p.k0 + g.chunkLength : g.s.r;
  p.at = x + (o * g.s.r + p.k0) * g.s.inner + i;
  return p;
}

__device__ inline SumState ShuffleXor(SumState a, int offset) { return {__shfl_xor_sync(kFullMask, a.sum, offset)}; }
__device__ inline ExtremumState ShuffleXor(ExtremumState a, int offset) {
  return {__shfl_xor_sync(kFullMask, a.value, offset), __shfl_xor_sync(kFullMask, a.index, offset)};
}

// The group's states merged, in every thread of the group: an xor butterfly within the warp (each
// lane merges the same pairs), then, across warps, every thread folds the warps' states in order.
// Reducer R's Merge (reducers.h); every thread of the block must call it.
template <typename R>
__device__ typename R::State Combine(const AxisGroups& g, typename R::State a) {
  using State = typename R::State;
  __shared__ State slots[kBlock];
  const int lane = static_cast<int>(threadIdx.x % 32), warp = static_cast<int>(threadIdx.x / 32);
  if (!g.columns) {
    for (int offset = 16; offset > 0; offset >>= 1) R::Merge(a, ShuffleXor(a, offset));
    if (g.width == 32) return a;  // a group is a warp: done, and no barrier (warps run different rows)
    if (lane == 0) slots[warp] = a;
    __syncthreads();
    a = slots[0];
    for (unsigned w = 1; w < blockDim.x / 32; ++w) R::Merge(a, slots[w]);
  } else {
    slots[threadIdx.x] = a;
    __syncthreads();
    a = slots[lane];
    for (int w = 1; w < g.width; ++w) R::Merge(a, slots[w * 32 + lane]);
  }
  __syncthreads();  // all have read the slots before the next Combine writes them
  return a;
}

}  // namespace

}  // namespace nc::cuda
