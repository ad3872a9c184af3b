// where(condition, a, b): y = condition ≠ 0 ? a : b element-wise, the three broadcast together as
// NumPy does (arithmetic.h's rules, for three operands). Shared by both backends.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arithmetic.h"

namespace nc {

// The output index space (the broadcast shape of condition, a and b) and each operand's element
// stride along each output dimension (0 where it is broadcast).
struct WhereShape {
  int ndim = 0;
  int64_t size = 1;                     // elements of the output
  int64_t extent[kMaxBroadcastDims]{};  // the output's shape
  int64_t strideC[kMaxBroadcastDims]{};
  int64_t strideA[kMaxBroadcastDims]{};
  int64_t strideB[kMaxBroadcastDims]{};
  bool sameShape = false;  // all three and the output have one shape: plain element-wise

  // The operands' element offsets of output element i.
  NC_HOST_DEVICE void Offsets(int64_t i, int64_t* c, int64_t* a, int64_t* b) const {
    int64_t oc = 0, oa = 0, ob = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t at = i % extent[d];
      i /= extent[d];
      oc += at * strideC[d];
      oa += at * strideA[d];
      ob += at * strideB[d];
    }
    *c = oc;
    *a = oa;
    *b = ob;
  }
};

// The broadcast of the three shapes, or false (with *why) when they do not broadcast. The backward
// passes dy's shape for a and b: only the condition's strides matter there.
bool MakeWhere(const std::vector<int64_t>& c, const std::vector<int64_t>& a, const std::vector<int64_t>& b,
               WhereShape* out, std::string* why);
// The broadcast shape itself.
std::vector<int64_t> WhereOutputShape(const WhereShape& s);

}  // namespace nc
