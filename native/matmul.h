// Batched matrix products with NumPy broadcasting of the batch dimensions, shared by both backends:
// y (batch..., M, N) = op(a) (batch_a..., M, K) · op(b) (batch_b..., K, N), where op transposes the last
// two axes of an operand stored the other way round (a as (K, M), b as (N, K)).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arithmetic.h"  // kMaxBroadcastDims

namespace nc {

struct MatmulShape {
  int64_t m = 1, n = 1, k = 1;
  bool transA = false, transB = false;  // a stored (K,M), b stored (N,K)
  // y's batch dimensions, with extent-1 ones dropped and neighbours merged where every operand steps
  // alike, so that a plain batch is one dimension. Strides count matrices (M·K of a, K·N of b), 0
  // where the operand is broadcast; y is contiguous. ndim 0: a single product.
  int ndim = 0;
  int64_t batch = 1;  // products in all: the product of the extents
  int64_t extent[kMaxBroadcastDims]{};
  int64_t strideA[kMaxBroadcastDims]{};
  int64_t strideB[kMaxBroadcastDims]{};

  // The matrix offsets into a and b of product i (0 <= i < batch), in y's row-major batch order.
  void Offsets(int64_t i, int64_t* a, int64_t* b) const {
    int64_t oa = 0, ob = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t at = i % extent[d];
      i /= extent[d];
      oa += at * strideA[d];
      ob += at * strideB[d];
    }
    *a = oa;
    *b = ob;
  }
};

// The product of shapes a and b (each at least 2-d) and y's shape, or false (with *why) when the inner
// dimensions differ or the batch dimensions do not broadcast.
bool MakeMatmul(const std::vector<int64_t>& a, const std::vector<int64_t>& b, bool transA, bool transB,
                MatmulShape* out, std::vector<int64_t>* yShape, std::string* why);

}  // namespace nc
