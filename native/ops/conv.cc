// Convolution entry points: shapes are checked against each other before any backend runs.
#include "ops/ops.h"

namespace nc::ops {

namespace {

// x (N,C,H,W) and w (O,C/G,KH,KW) with stride, padding at `strideAt`, `strideAt + 1` and dilation,
// groups at `dilationAt`, `dilationAt + 1`.
ConvShape ReadConvShape(const Args& args, const TensorArg& x, const TensorArg& w, size_t strideAt, size_t dilationAt) {
  auto stride = args.pair(strideAt, "stride", 1);
  auto pad = args.pair(strideAt + 1, "padding", 0);
  auto dilation = args.pair(dilationAt, "dilation", 1);
  const int64_t groups = args.integer(dilationAt + 1, "groups", 1, int64_t{1} << 30);
  if (x.dim(1) % groups != 0 || w.dim(0) % groups != 0) {
    args.rangeError("groups " + std::to_string(groups) + " must divide both the input channels of " + x.name + " " +
                    x.shapeText() + " and the output channels of weight " + w.shapeText(), ErrorCode::Shape);
  }
  if (w.dim(1) * groups != x.dim(1)) {
    args.rangeError("weight " + w.shapeText() + " expects " + std::to_string(w.dim(1) * groups) + " input channels (" +
                    std::to_string(w.dim(1)) + " per group, " + std::to_string(groups) + " groups) but " + x.name +
                    " " + x.shapeText() + " has " + std::to_string(x.dim(1)), ErrorCode::Shape);
  }
  ConvShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 0, 0,
              stride[0], stride[1], pad[0], pad[1], dilation[0], dilation[1], groups};
  // A dilated kernel spans (k - 1)·d + 1 cells.
  const int64_t spanH = (s.kh - 1) * s.dilh + 1, spanW = (s.kw - 1) * s.dilw + 1;
  args.requireWindowFits(x, "kernel", spanH, spanW, s.ph, s.pw);
  s.oh = WindowOutput(s.h, spanH, s.sh, s.ph);
  s.ow = WindowOutput(s.w, spanW, s.sw, s.pw);
  return s;
}

}  // namespace

Napi::Value Conv2dForward(const Args& args) {
  TensorArg x = args.layoutTensor(0, "x", 4);
  TensorArg w = args.tensor(1, "weight", 4);
  TensorArg b = args.optionalTensor(2, "bias", 1);
  TensorArg y = args.layoutTensor(3, "y", 4);
  ConvShape s = ReadConvShape(args, x, w, 4, 7);
  Activation act = ParseActivation(args.choice(6, "activation", {"none", "relu", "sigmoid", "tanh"}));
  args.requireSameDevice({&x, &w, &b, &y});
  if (b.present()) args.requireShape(b, {s.o});
  args.requireShape(y, {s.n, s.o, s.oh, s.ow});
  const Backend backend = BackendFor(args, x.device);
  RequireCudnnRange(args, backend, {&x, &w, &y});
  RUN_ON(backend, Conv2dForward, s, x.data, w.data, b.present() ? b.data : nullptr, y.data, act);
  return args.env().Undefined();
}

Napi::Value Conv2dBackward(const Args& args) {
  TensorArg x = args.layoutTensor(0, "x", 4);
  TensorArg w = args.tensor(1, "weight", 4);
  TensorArg y = args.optionalLayoutTensor(2, "y", 4);
  TensorArg dy = args.layoutTensor(3, "dy", 4);
  TensorArg dx = args.optionalLayoutTensor(4, "dx", 4);
  TensorArg dw = args.tensor(5, "dweight", 4);
  TensorArg db = args.optionalTensor(6, "dbias", 1);
  ConvShape s = ReadConvShape(args, x, w, 7, 10);
  Activation act = ParseActivation(args.choice(9, "activation", {"none", "relu", "sigmoid", "tanh"}));
  args.requireSameDevice({&x, &w, &y, &dy, &dx, &dw, &db});
  const std::vector<int64_t> outShape = {s.n, s.o, s.oh, s.ow};
  args.requireShape(dy, outShape);
  if (act != Activation::None && !y.present()) args.typeError("the forward's output y is needed for its activation");
  if (y.present()) args.requireShape(y, outShape);
  if (dx.present()) args.requireShape(dx, x.shape);
  args.requireShape(dw, w.shape);
  if (db.present()) args.requireShape(db, {s.o});
  const Backend backend = BackendFor(args, x.device);
  RequireCudnnRange(args, backend, {&x, &w, &dy});
  RUN_ON(backend, Conv2dBackward, s, x.data, w.data, y.present() ? y.data : nullptr, dy.data, act,
         dx.present() ? dx.data : nullptr, dw.data, db.present() ? db.data : nullptr);
  return args.env().Undefined();
}

}  // namespace nc::ops
