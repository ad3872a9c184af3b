// Shape rules of the broadcast arithmetic (arithmetic.h): NumPy's, checked before any backend runs.
#include "arithmetic.h"

#include "args.h"

namespace nc {

namespace {
const char* const kBinaryNames[] = {
#define NC_BINARY_NAME(op, name, value, gradA, gradB) name,
    NC_BINARY_OPS(NC_BINARY_NAME)
#undef NC_BINARY_NAME
};
}  // namespace

bool ParseBinaryOp(const std::string& name, BinaryOp* op) {
  for (size_t i = 0; i < sizeof(kBinaryNames) / sizeof(kBinaryNames[0]); ++i) {
    if (name == kBinaryNames[i]) {
      *op = static_cast<BinaryOp>(i);
      return true;
    }
  }
  return false;
}

std::string BinaryOpNames() {
  std::string names;
  for (const char* name : kBinaryNames) names += std::string(names.empty() ? "" : ", ") + "'" + name + "'";
  return names;
}

bool MakeBroadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b, Broadcast* out, std::string* why) {
  const size_t ndim = a.size() > b.size() ? a.size() : b.size();
  if (ndim > static_cast<size_t>(kMaxBroadcastDims)) {
    *why = "more than " + std::to_string(kMaxBroadcastDims) + " dimensions";
    return false;
  }
  Broadcast s;
  s.ndim = static_cast<int>(ndim);
  s.sameShape = a == b;
  int64_t strideA = 1, strideB = 1;
  for (int d = s.ndim - 1; d >= 0; --d) {
    // Right-aligned: a missing leading dimension has extent 1.
    const size_t fromEnd = ndim - 1 - d;
    const int64_t ea = fromEnd < a.size() ? a[a.size() - 1 - fromEnd] : 1;
    const int64_t eb = fromEnd < b.size() ? b[b.size() - 1 - fromEnd] : 1;
    if (ea != eb && ea != 1 && eb != 1) {
      *why = "shapes " + ShapeText(a) + " and " + ShapeText(b) + " do not broadcast";
      return false;
    }
    s.extent[d] = ea == 1 ? eb : ea;
    s.strideA[d] = ea == 1 ? 0 : strideA;
    s.strideB[d] = eb == 1 ? 0 : strideB;
    strideA *= ea;
    strideB *= eb;
    s.size *= s.extent[d];
  }
  *out = s;
  return true;
}

std::vector<int64_t> BroadcastShape(const Broadcast& s) { return std::vector<int64_t>(s.extent, s.extent + s.ndim); }

bool MakeSumTo(const std::vector<int64_t>& x, const std::vector<int64_t>& y, SumToShape* out, std::string* why) {
  Broadcast b;
  if (!MakeBroadcast(x, y, &b, why) || BroadcastShape(b) != x) {
    *why = "shape " + ShapeText(y) + " does not broadcast to " + ShapeText(x);
    return false;
  }
  SumToShape s;
  s.ndim = b.ndim;
  int64_t stride = 1;
  for (int d = s.ndim - 1; d >= 0; --d) {
    s.extent[d] = b.extent[d];
    s.xStride[d] = stride;
    stride *= b.extent[d];
    s.reduced[d] = b.strideB[d] == 0 && b.extent[d] > 1;
    (s.reduced[d] ? s.reducedSize : s.ySize) *= b.extent[d];
  }
  *out = s;
  return true;
}

}  // namespace nc
