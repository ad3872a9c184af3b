// The strided copy, shared by both backends: an N-d box (N ≤ 8) copied from src to dst, each side with
// its own element strides and offset. Every shape op (transpose, slice, concat, pad, broadcastTo, …)
// and its backward is one or a few of these copies (lib/ops/shape.ts).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host_device.h"

namespace nc {

constexpr int kMaxCopyDims = 8;

// Box element i (row-major over extent) is dst[dstOffset + Σ at_d·dstStride_d] =
// src[srcOffset + Σ at_d·srcStride_d]. Made by MakeStridedCopy, which checks that every address
// lies inside both buffers and that no dst element is written twice, then drops extent-1 dimensions
// and merges neighbours that are contiguous on both sides (so the last dimension is the longest run).
struct StridedCopy {
  int ndim = 1;
  int64_t size = 1;  // elements in the box
  int64_t extent[kMaxCopyDims]{1};
  int64_t srcStride[kMaxCopyDims]{};
  int64_t dstStride[kMaxCopyDims]{};
  int64_t srcOffset = 0, dstOffset = 0;

  // The element offsets of box element i in src and dst.
  NC_HOST_DEVICE void Offsets(int64_t i, int64_t* src, int64_t* dst) const {
    int64_t s = srcOffset, d = dstOffset;
    for (int k = ndim - 1; k >= 0; --k) {
      const int64_t at = i % extent[k];
      i /= extent[k];
      s += at * srcStride[k];
      d += at * dstStride[k];
    }
    *src = s;
    *dst = d;
  }
};

// The copy of a box of `shape` (1 to 8 positive extents) between a src of srcSize elements and a
// dst of dstSize elements, or false with *why (strides may be negative; 0 on src broadcasts).
bool MakeStridedCopy(const std::vector<int64_t>& shape, const std::vector<int64_t>& srcStrides, int64_t srcOffset,
                     int64_t srcSize, const std::vector<int64_t>& dstStrides, int64_t dstOffset, int64_t dstSize,
                     StridedCopy* out, std::string* why);

}  // namespace nc
