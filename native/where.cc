// Shape rules of where (where.h): NumPy's broadcasting of three shapes, checked before any backend runs.
#include "where.h"

#include "args.h"

namespace nc {

bool MakeWhere(const std::vector<int64_t>& c, const std::vector<int64_t>& a, const std::vector<int64_t>& b,
               WhereShape* out, std::string* why) {
  // The output shape first (a with b, then with the condition); then each operand against it.
  Broadcast ab, all;
  if (!MakeBroadcast(a, b, &ab, why) || !MakeBroadcast(c, BroadcastShape(ab), &all, why)) {
    *why = "shapes " + ShapeText(c) + ", " + ShapeText(a) + " and " + ShapeText(b) + " do not broadcast";
    return false;
  }
  const std::vector<int64_t> shape = BroadcastShape(all);
  Broadcast each;  // an operand against the output shape: cannot fail now, only its strides are wanted
  WhereShape s;
  s.ndim = all.ndim;
  s.size = all.size;
  s.sameShape = c == a && a == b;
  for (const auto& [operand, stride] : {std::make_pair(&c, s.strideC), std::make_pair(&a, s.strideA),
                                        std::make_pair(&b, s.strideB)}) {
    MakeBroadcast(*operand, shape, &each, why);
    for (int d = 0; d < s.ndim; ++d) stride[d] = each.strideA[d];
  }
  for (int d = 0; d < s.ndim; ++d) s.extent[d] = all.extent[d];
  *out = s;
  return true;
}

std::vector<int64_t> WhereOutputShape(const WhereShape& s) { return std::vector<int64_t>(s.extent, s.extent + s.ndim); }

}  // namespace nc
