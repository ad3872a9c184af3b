// Softmax entry points: along one axis of x, seen as (outer, r, inner) (reducers.h).
#include "ops/ops.h"
#include "reducers.h"

namespace nc::ops {

namespace {
// t seen through its axis at argument i.
AxisShape ReadAxis(const Args& args, size_t i, const TensorArg& t) {
  const int64_t axis = args.integer(i, "axis", 0, static_cast<int64_t>(t.shape.size()) - 1);
  return AxisRun(t.shape, static_cast<size_t>(axis), static_cast<size_t>(axis) + 1);
}
}  // namespace

// softmaxForward(x, y, axis, log): y = softmax(x) along axis, or log-softmax with log.
Napi::Value SoftmaxForward(const Args& args) {
  TensorArg x = args.tensor(0, "x", 0);
  TensorArg y = args.tensor(1, "y", 0);
  args.requireSameDevice({&x, &y});
  args.requireShape(y, x.shape);
  const AxisShape s = ReadAxis(args, 2, x);
  const bool log = args.boolean(3, "log");
  RUN_ON(BackendFor(args, x.device), SoftmaxForward, s, log, x.data, y.data);
  return args.env().Undefined();
}

// softmaxBackward(y, dy, dx, axis, log): dx from the forward's output y and dy.
Napi::Value SoftmaxBackward(const Args& args) {
  TensorArg y = args.tensor(0, "y", 0);
  TensorArg dy = args.tensor(1, "dy", 0);
  TensorArg dx = args.tensor(2, "dx", 0);
  args.requireSameDevice({&y, &dy, &dx});
  args.requireShape(dy, y.shape);
  args.requireShape(dx, y.shape);
  const AxisShape s = ReadAxis(args, 3, y);
  const bool log = args.boolean(4, "log");
  RUN_ON(BackendFor(args, y.device), SoftmaxBackward, s, log, y.data, dy.data, dx.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
