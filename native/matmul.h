// Batched matrix products with NumPy broadcasting of the batch dimensions, shared by both backends:
// y (batch..., M, N) = op(a) (batch_a..., M, K) · op(b) (batch_b..., K, N), where op transposes the last
// two axes of an operand stored the other way round (a as (K, M), b as (N, K)).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arithmetic.h"  // Broadcast

namespace nc {

// y's batch dimensions are a Broadcast (size: the products in all), with extent-1 ones dropped and
// neighbours merged where every operand steps alike, so that a plain batch is one dimension. Its
// strides count matrices (M·K of a, K·N of b), 0 where the operand is broadcast; y is contiguous.
// ndim 0: a single product. Offsets(i) gives product i's matrix offsets, in y's row-major batch order.
struct MatmulShape : Broadcast {
  int64_t m = 1, n = 1, k = 1;
  bool transA = false, transB = false;  // a stored (K,M), b stored (N,K)
};

// The product of shapes a and b (each at least 2-d) and y's shape, or false (with *why) when the inner
// dimensions differ or the batch dimensions do not broadcast.
bool MakeMatmul(const std::vector<int64_t>& a, const std::vector<int64_t>& b, bool transA, bool transB,
                MatmulShape* out, std::vector<int64_t>* yShape, std::string* why);

}  // namespace nc
