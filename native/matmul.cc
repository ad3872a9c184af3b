// Shape rules of matmul (matmul.h): NumPy's, checked before any backend runs.
#include "matmul.h"

#include "args.h"  // ShapeText

namespace nc {

bool MakeMatmul(const std::vector<int64_t>& a, const std::vector<int64_t>& b, bool transA, bool transB,
                MatmulShape* out, std::vector<int64_t>* yShape, std::string* why) {
  const std::string shapes = "a " + ShapeText(a) + " and b " + ShapeText(b);
  if (a.size() < 2 || b.size() < 2) {
    *why = "expected a and b of at least 2 dimensions but received " + shapes;
    return false;
  }
  MatmulShape s;
  s.transA = transA;
  s.transB = transB;
  const int64_t a0 = a[a.size() - 2], a1 = a.back(), b0 = b[b.size() - 2], b1 = b.back();
  s.m = transA ? a1 : a0;
  s.k = transA ? a0 : a1;
  s.n = transB ? b0 : b1;
  const int64_t kb = transB ? b1 : b0;
  if (s.k != kb) {
    *why = "the inner dimensions of " + shapes + " differ (" + std::to_string(s.k) + " and " + std::to_string(kb) + ")";
    return false;
  }
  Broadcast batch;
  if (!MakeBroadcast({a.begin(), a.end() - 2}, {b.begin(), b.end() - 2}, &batch, why)) {
    *why = "the batch dimensions of " + shapes + " do not broadcast";
    return false;
  }
  *yShape = BroadcastShape(batch);
  yShape->push_back(s.m);
  yShape->push_back(s.n);
  // Outer to inner: skip extent-1 dimensions; merge a dimension into the previous one kept when both
  // operands step over it as over the inner part of one longer dimension.
  for (int d = 0; d < batch.ndim; ++d) {
    const int64_t e = batch.extent[d];
    if (e == 1) continue;
    s.size *= e;
    const int last = s.ndim - 1;
    if (last >= 0 && s.strideA[last] == batch.strideA[d] * e && s.strideB[last] == batch.strideB[d] * e) {
      s.extent[last] *= e;
      s.strideA[last] = batch.strideA[d];
      s.strideB[last] = batch.strideB[d];
      continue;
    }
    s.extent[s.ndim] = e;
    s.strideA[s.ndim] = batch.strideA[d];
    s.strideB[s.ndim] = batch.strideB[d];
    ++s.ndim;
  }
  *out = s;
  return true;
}

}  // namespace nc
