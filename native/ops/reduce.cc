// Reduction entry points: x viewed as (outer, r, inner) by a run of its axes [start, end) (reducers.h).
// The caller chooses y's shape (kept dimensions or not): only its element count is checked.
#include <string>

#include "ops/ops.h"
#include "reducers.h"

namespace nc::ops {

namespace {

// The run [start, end) of t's axes at arguments i and i + 1, and t seen through it.
AxisShape ReadAxisRun(const Args& args, size_t i, const TensorArg& t) {
  const int64_t ndim = static_cast<int64_t>(t.shape.size());
  const int64_t start = args.integer(i, "start", 0, ndim - 1);
  const int64_t end = args.integer(i + 1, "end", start + 1, ndim);
  return AxisRun(t.shape, static_cast<size_t>(start), static_cast<size_t>(end));
}

// t holds one value per output (o, i) of s.
void RequireOutputs(const Args& args, const TensorArg& t, const TensorArg& full, const AxisShape& s) {
  if (t.size != s.outer * s.inner) {
    args.rangeError(t.name + " has " + std::to_string(t.size) + " elements " + t.shapeText() + " but reducing " +
                        full.name + " " + full.shapeText() + " leaves " + std::to_string(s.outer * s.inner),
                    ErrorCode::Shape);
  }
}

// Max, min and their arg forms keep k as a float (reducers.h): r must be exact in one.
void RequireIndexable(const Args& args, const AxisShape& s) {
  if (s.r > kMaxIndexedExtent) {
    args.rangeError("the reduced axes hold " + std::to_string(s.r) + " elements; indices are exact only up to " +
                    std::to_string(kMaxIndexedExtent));
  }
}

ReduceOp OpNamed(const std::string& kind) {
  if (kind == "sum") return ReduceOp::Sum;
  if (kind == "mean") return ReduceOp::Mean;
  return kind == "max" || kind == "argmax" ? ReduceOp::Max : ReduceOp::Min;
}

}  // namespace

// reduce(kind, x, y, indices, start, end): y = Σ, mean, max or min of x over axes [start, end); max
// and min also write the picked position along the run into `indices` (or null); argmax and argmin
// write it into y.
Napi::Value Reduce(const Args& args) {
  const std::string kind = args.choice(0, "kind", {"sum", "mean", "max", "min", "argmax", "argmin"});
  TensorArg x = args.tensor(1, "x", 0);
  TensorArg y = args.tensor(2, "y", 0);
  TensorArg indices = args.optionalTensor(3, "indices", 0);
  args.requireSameDevice({&x, &y, &indices});
  const AxisShape s = ReadAxisRun(args, 4, x);
  RequireOutputs(args, y, x, s);
  const ReduceOp op = OpNamed(kind);
  const bool arg = kind == "argmax" || kind == "argmin";
  if (indices.present() && (arg || op == ReduceOp::Sum || op == ReduceOp::Mean)) {
    args.typeError("indices must be null for '" + kind + "'");
  }
  if (indices.present()) RequireOutputs(args, indices, x, s);
  if (op == ReduceOp::Max || op == ReduceOp::Min) RequireIndexable(args, s);
  RUN_ON(BackendFor(args, x.device), Reduce, op, s, x.data, arg ? nullptr : y.data,
         arg ? y.data : indices.present() ? indices.data : nullptr);
  return args.env().Undefined();
}

// reduceBackward(kind, dy, indices, dx, start, end): dx (x's shape) from dy (one value per output);
// max and min route dy to the positions in `indices`, sum and mean (null indices) spread it.
Napi::Value ReduceBackward(const Args& args) {
  const std::string kind = args.choice(0, "kind", {"sum", "mean", "max", "min"});
  TensorArg dy = args.tensor(1, "dy", 0);
  TensorArg indices = args.optionalTensor(2, "indices", 0);
  TensorArg dx = args.tensor(3, "dx", 0);
  args.requireSameDevice({&dy, &indices, &dx});
  const AxisShape s = ReadAxisRun(args, 4, dx);
  RequireOutputs(args, dy, dx, s);
  const ReduceOp op = OpNamed(kind);
  const bool routed = op == ReduceOp::Max || op == ReduceOp::Min;
  if (routed != indices.present()) {
    args.typeError(routed ? "'" + kind + "' needs the forward's indices" : "indices must be null for '" + kind + "'");
  }
  if (routed) RequireOutputs(args, indices, dx, s);
  RUN_ON(BackendFor(args, dy.device), ReduceBackward, op, s, dy.data, routed ? indices.data : nullptr, dx.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
