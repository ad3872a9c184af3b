// Matrix product entry point: NumPy's matmul on operands of at least 2 dimensions (lib/ops/matmul.ts
// views 1-d operands as matrices).
#include "matmul.h"
#include "ops/ops.h"

namespace nc::ops {

// matmul(a, b, y, transposeA, transposeB): y (batch..., M, N) = op(a)·op(b), batch dimensions broadcast.
Napi::Value Matmul(const Args& args) {
  TensorArg a = args.tensor(0, "a", 0);
  TensorArg b = args.tensor(1, "b", 0);
  TensorArg y = args.tensor(2, "y", 0);
  const bool transA = args.boolean(3, "transposeA");
  const bool transB = args.boolean(4, "transposeB");
  args.requireSameDevice({&a, &b, &y});
  MatmulShape s;
  std::vector<int64_t> yShape;
  std::string why;
  if (!MakeMatmul(a.shape, b.shape, transA, transB, &s, &yShape, &why)) args.rangeError(why, ErrorCode::Shape);
  args.requireShape(y, yShape);
  RUN_ON(BackendFor(args, a.device), Matmul, s, a.data, b.data, y.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
