// Broadcast arithmetic entry points: shapes follow NumPy's broadcasting (arithmetic.h).
#include "arithmetic.h"
#include "ops/ops.h"

namespace nc::ops {

namespace {

// The kind at argument 0, and the broadcast of a and b.
Broadcast ReadBroadcast(const Args& args, BinaryOp* op, const TensorArg& a, const TensorArg& b) {
  if (!ParseBinaryOp(args.string(0, "kind"), op)) args.invalid("kind", "one of " + BinaryOpNames(), args.value(0), true);
  Broadcast s;
  std::string why;
  if (!MakeBroadcast(a.shape, b.shape, &s, &why)) args.rangeError(why);
  return s;
}

}  // namespace

// binary(kind, a, b, y): y = a <kind> b, y of the broadcast shape of a and b.
Napi::Value Binary(const Args& args) {
  TensorArg a = args.layoutTensor(1, "a", 0);
  TensorArg b = args.layoutTensor(2, "b", 0);
  TensorArg y = args.layoutTensor(3, "y", 0);
  args.requireSameDevice({&a, &b, &y});
  BinaryOp op;
  const Broadcast s = ReadBroadcast(args, &op, a, b);
  args.requireShape(y, BroadcastShape(s));
  ElementwiseLayouts({&a, &b}, {&y});  // shared only without broadcasting (equal shapes)
  RUN_ON(BackendFor(args, a.device), Binary, op, s, a.data, b.data, y.data);
  return args.env().Undefined();
}

// binaryBackward(kind, a, b, dy, da, db): da = dy·∂y/∂a, db = dy·∂y/∂b, each of dy's (the broadcast)
// shape or null.
Napi::Value BinaryBackward(const Args& args) {
  TensorArg a = args.layoutTensor(1, "a", 0);
  TensorArg b = args.layoutTensor(2, "b", 0);
  TensorArg dy = args.layoutTensor(3, "dy", 0);
  TensorArg da = args.optionalLayoutTensor(4, "da", 0);
  TensorArg db = args.optionalLayoutTensor(5, "db", 0);
  args.requireSameDevice({&a, &b, &dy, &da, &db});
  BinaryOp op;
  const Broadcast s = ReadBroadcast(args, &op, a, b);
  args.requireShape(dy, BroadcastShape(s));
  if (da.present()) args.requireShape(da, dy.shape);
  if (db.present()) args.requireShape(db, dy.shape);
  ElementwiseLayouts({&a, &b, &dy}, {&da, &db});
  RUN_ON(BackendFor(args, a.device), BinaryBackward, op, s, a.data, b.data, dy.data, da.present() ? da.data : nullptr,
         db.present() ? db.data : nullptr);
  return args.env().Undefined();
}

// sumTo(x, y): y = x summed over the dimensions that y's shape broadcasts along.
Napi::Value SumTo(const Args& args) {
  TensorArg x = args.tensor(0, "x", 0);
  TensorArg y = args.tensor(1, "y", 0);
  args.requireSameDevice({&x, &y});
  SumToShape s;
  std::string why;
  if (!MakeSumTo(x.shape, y.shape, &s, &why)) args.rangeError(why);
  RUN_ON(BackendFor(args, x.device), SumTo, s, x.data, y.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
