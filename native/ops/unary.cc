// Unary op and clip entry points: element-wise, every tensor of x's shape.
#include <cmath>

#include "ops/ops.h"
#include "unary.h"

namespace nc::ops {

namespace {

UnaryOp ReadKind(const Args& args) {
  UnaryOp op;
  if (!ParseUnaryOp(args.string(0, "kind"), &op)) args.invalid("kind", "one of " + UnaryOpNames(), args.value(0), true);
  return op;
}

// A bound of clip: a number (±infinity allowed), or null for none (`absent`: ∓infinity).
float ReadBound(const Args& args, size_t i, const char* name, float absent) {
  Napi::Value v = args.value(i);
  if (v.IsNull()) return absent;
  if (!v.IsNumber()) args.invalid(name, "a number or null", v, false);
  const double bound = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(bound)) args.invalid(name, "a number or null", v, true);
  return static_cast<float>(bound);
}

}  // namespace

// unary(kind, x, y): y = kind(x).
Napi::Value Unary(const Args& args) {
  const UnaryOp op = ReadKind(args);
  TensorArg x = args.tensor(1, "x", 0);
  TensorArg y = args.tensor(2, "y", 0);
  args.requireSameDevice({&x, &y});
  args.requireShape(y, x.shape);
  RUN_ON(BackendFor(args, x.device), Unary, op, x.size, x.data, y.data);
  return args.env().Undefined();
}

// unaryBackward(kind, x, y, dy, dx): dx = dy·kind'(x), from the forward's input x and output y.
Napi::Value UnaryBackward(const Args& args) {
  const UnaryOp op = ReadKind(args);
  TensorArg x = args.tensor(1, "x", 0);
  TensorArg y = args.tensor(2, "y", 0);
  TensorArg dy = args.tensor(3, "dy", 0);
  TensorArg dx = args.tensor(4, "dx", 0);
  args.requireSameDevice({&x, &y, &dy, &dx});
  for (const TensorArg* t : {&y, &dy, &dx}) args.requireShape(*t, x.shape);
  RUN_ON(BackendFor(args, x.device), UnaryBackward, op, x.size, x.data, y.data, dy.data, dx.data);
  return args.env().Undefined();
}

// clip(x, y, min, max): y = min(max(x, min), max); a null bound is none.
Napi::Value Clip(const Args& args) {
  TensorArg x = args.tensor(0, "x", 0);
  TensorArg y = args.tensor(1, "y", 0);
  const float lo = ReadBound(args, 2, "min", -INFINITY), hi = ReadBound(args, 3, "max", INFINITY);
  args.requireSameDevice({&x, &y});
  args.requireShape(y, x.shape);
  RUN_ON(BackendFor(args, x.device), Clip, x.size, x.data, y.data, lo, hi);
  return args.env().Undefined();
}

// clipBackward(x, dy, dx, min, max): dx = dy where min ≤ x ≤ max, 0 elsewhere.
Napi::Value ClipBackward(const Args& args) {
  TensorArg x = args.tensor(0, "x", 0);
  TensorArg dy = args.tensor(1, "dy", 0);
  TensorArg dx = args.tensor(2, "dx", 0);
  const float lo = ReadBound(args, 3, "min", -INFINITY), hi = ReadBound(args, 4, "max", INFINITY);
  args.requireSameDevice({&x, &dy, &dx});
  args.requireShape(dy, x.shape);
  args.requireShape(dx, x.shape);
  RUN_ON(BackendFor(args, x.device), ClipBackward, x.size, x.data, dy.data, dx.data, lo, hi);
  return args.env().Undefined();
}

}  // namespace nc::ops
