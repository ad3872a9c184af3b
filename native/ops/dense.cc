// Dense layer entry points.
#include "ops/ops.h"

namespace nc::ops {

namespace {
DenseShape ReadDenseShape(const Args& args, const TensorArg& x, const TensorArg& w) {
  if (w.dim(1) != x.dim(1)) {
    args.rangeError("weight " + w.shapeText() + " expects " + std::to_string(w.dim(1)) + " input features but " +
                    x.name + " " + x.shapeText() + " has " + std::to_string(x.dim(1)), ErrorCode::Shape);
  }
  return DenseShape{x.dim(0), x.dim(1), w.dim(0)};
}
}  // namespace

Napi::Value DenseForward(const Args& args) {
  TensorArg x = args.tensor(0, "x", 2);
  TensorArg w = args.tensor(1, "weight", 2);
  TensorArg b = args.optionalTensor(2, "bias", 1);
  TensorArg y = args.tensor(3, "y", 2);
  Activation act = ParseActivation(args.choice(4, "activation", {"none", "relu", "sigmoid", "tanh"}));
  DenseShape s = ReadDenseShape(args, x, w);
  args.requireSameDevice({&x, &w, &b, &y});
  if (b.present()) args.requireShape(b, {s.m});
  args.requireShape(y, {s.n, s.m});
  RUN_ON(BackendFor(args, x.device), DenseForward, s, x.data, w.data, b.present() ? b.data : nullptr, y.data, act);
  return args.env().Undefined();
}

Napi::Value DenseBackward(const Args& args) {
  TensorArg x = args.tensor(0, "x", 2);
  TensorArg w = args.tensor(1, "weight", 2);
  TensorArg dy = args.tensor(2, "dy", 2);
  TensorArg dx = args.optionalTensor(3, "dx", 2);
  TensorArg dw = args.tensor(4, "dweight", 2);
  TensorArg db = args.optionalTensor(5, "dbias", 1);
  DenseShape s = ReadDenseShape(args, x, w);
  args.requireSameDevice({&x, &w, &dy, &dx, &dw, &db});
  args.requireShape(dy, {s.n, s.m});
  if (dx.present()) args.requireShape(dx, {s.n, s.k});
  args.requireShape(dw, {s.m, s.k});
  if (db.present()) args.requireShape(db, {s.m});
  RUN_ON(BackendFor(args, x.device), DenseBackward, s, x.data, w.data, dy.data, dx.present() ? dx.data : nullptr,
         dw.data, db.present() ? db.data : nullptr);
  return args.env().Undefined();
}

}  // namespace nc::ops
