// Checks and normalises a strided copy (strided_copy.h) before any backend runs it: an address outside a
// buffer or a dst element written twice is an error here, never a stray write in a kernel.
#include "strided_copy.h"

#include <algorithm>
#include <numeric>


namespace nc {

namespace {

using Wide = __int128;  // extents and strides are below 2^53: their products and sums fit

// "[1,2]" with open "[" and close "]", or "(1,2)" for a shape. (Not args.h's ShapeText: the kernels'
// host harness links this file without the Node-API layer.)
std::string List(const std::vector<int64_t>& v, const char* open = "[", const char* close = "]") {
  std::string s = open;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + close;
}

// Whether offset + Σ at·stride stays in [0, size) for every position of the box.
bool InBounds(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides, int64_t offset, int64_t size) {
  Wide lo = offset, hi = offset;
  for (size_t d = 0; d < shape.size(); ++d) {
    const Wide reach = static_cast<Wide>(shape[d] - 1) * strides[d];
    (reach < 0 ? lo : hi) += reach;
  }
  return lo >= 0 && hi < size;
}

// Whether no two positions of the box share an address: sorted by |stride|, each stride must step
// over everything the smaller ones reach (a sufficient condition, and every layout the ops make).
bool OneToOne(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  std::vector<size_t> order(shape.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return (strides[a] < 0 ? -strides[a] : strides[a]) < (strides[b] < 0 ? -strides[b] : strides[b]);
  });
  Wide span = 0;  // the farthest any smaller dimension reaches
  for (size_t d : order) {
    if (shape[d] == 1) continue;
    const Wide stride = strides[d] < 0 ? -static_cast<Wide>(strides[d]) : strides[d];
    if (stride <= span) return false;
    span += stride * (shape[d] - 1);
  }
  return true;
}

}  // namespace

bool MakeStridedCopy(const std::vector<int64_t>& shape, const std::vector<int64_t>& srcStrides, int64_t srcOffset,
                     int64_t srcSize, const std::vector<int64_t>& dstStrides, int64_t dstOffset, int64_t dstSize,
                     StridedCopy* out, std::string* why) {
  const std::string box = "a box of shape " + List(shape, "(", ")");
  if (shape.empty() || shape.size() > static_cast<size_t>(kMaxCopyDims)) {
    *why = "shape must have 1 to " + std::to_string(kMaxCopyDims) + " dimensions, not " + std::to_string(shape.size());
    return false;
  }
  if (srcStrides.size() != shape.size() || dstStrides.size() != shape.size()) {
    *why = "srcStrides " + List(srcStrides) + " and dstStrides " + List(dstStrides) + " must have one entry per dimension of " + box;
    return false;
  }
  if (!InBounds(shape, srcStrides, srcOffset, srcSize)) {
    *why = box + " at offset " + std::to_string(srcOffset) + " with strides " + List(srcStrides) +
           " reaches outside src (" + std::to_string(srcSize) + " elements)";
    return false;
  }
  if (!InBounds(shape, dstStrides, dstOffset, dstSize)) {
    *why = box + " at offset " + std::to_string(dstOffset) + " with strides " + List(dstStrides) +
           " reaches outside dst (" + std::to_string(dstSize) + " elements)";
    return false;
  }
  if (!OneToOne(shape, dstStrides)) {
    *why = "dstStrides " + List(dstStrides) + " write some element of dst twice in " + box;
    return false;
  }
  // Drop extent-1 dimensions, then merge each dimension into the previous one where both sides
  // step over it contiguously (srcStride[d-1] == extent[d]·srcStride[d], and the same for dst).
  StridedCopy s;
  s.ndim = 0;
  s.srcOffset = srcOffset;
  s.dstOffset = dstOffset;
  for (size_t d = 0; d < shape.size(); ++d) {
    s.size *= shape[d];
    if (shape[d] == 1) continue;
    const int k = s.ndim - 1;
    if (k >= 0 && s.srcStride[k] == shape[d] * srcStrides[d] && s.dstStride[k] == shape[d] * dstStrides[d]) {
      s.extent[k] *= shape[d];
      s.srcStride[k] = srcStrides[d];
      s.dstStride[k] = dstStrides[d];
      continue;
    }
    s.extent[s.ndim] = shape[d];
    s.srcStride[s.ndim] = srcStrides[d];
    s.dstStride[s.ndim] = dstStrides[d];
    ++s.ndim;
  }
  if (s.ndim == 0) {  // one element
    s.ndim = 1;
    s.extent[0] = 1;
  }
  *out = s;
  return true;
}

}  // namespace nc
