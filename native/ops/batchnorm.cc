// Batch normalization entry points: per channel (axis 1) of x (N,C,H,W) or (N,C).
#include "ops/ops.h"

namespace nc::ops {

namespace {

// x (N,C,H,W) or (N,C) as (N,C,1,1).
BatchNormShape ReadShape(const Args& args, const TensorArg& x) {
  if (x.shape.size() != 2 && x.shape.size() != 4) {
    args.rangeError("expected x of shape (N,C,H,W) or (N,C) but received " + x.shapeText(), ErrorCode::Shape);
  }
  return x.shape.size() == 4 ? BatchNormShape{x.dim(0), x.dim(1), x.dim(2), x.dim(3)}
                             : BatchNormShape{x.dim(0), x.dim(1), 1, 1};
}

// A (C) tensor of per-channel values; optional ones may be null.
TensorArg ChannelTensor(const Args& args, size_t i, const char* name, const BatchNormShape& s, bool optional) {
  TensorArg t = optional ? args.optionalTensor(i, name, 0) : args.tensor(i, name, 0);
  if (t.present()) args.requireShape(t, {s.c});
  return t;
}

// cuDNN rejects epsilon below its minimum and 0 makes 1/sqrt(var + eps) infinite: kept native, so
// that both backends refuse the same values.
double Epsilon(const Args& args, size_t i) {
  const double eps = args.number(i, "epsilon");
  if (!(eps > 0)) args.invalid("epsilon", "a positive number", args.value(i), true);
  return eps;
}

}  // namespace

// batchNormForward(x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd, training, momentum, epsilon)
Napi::Value BatchNormForward(const Args& args) {
  TensorArg x = args.layoutTensor(0, "x", 0);
  const BatchNormShape s = ReadShape(args, x);
  TensorArg gamma = ChannelTensor(args, 1, "gamma", s, false);
  TensorArg beta = ChannelTensor(args, 2, "beta", s, false);
  TensorArg runningMean = ChannelTensor(args, 3, "runningMean", s, false);
  TensorArg runningVar = ChannelTensor(args, 4, "runningVar", s, false);
  TensorArg y = args.layoutTensor(5, "y", 0);
  TensorArg saveMean = ChannelTensor(args, 6, "saveMean", s, true);
  TensorArg saveInvStd = ChannelTensor(args, 7, "saveInvStd", s, true);
  const bool training = args.boolean(8, "training");
  const double momentum = args.number(9, "momentum");
  const double epsilon = Epsilon(args, 10);
  args.requireShape(y, x.shape);
  if (saveMean.present() != saveInvStd.present()) {
    args.typeError("saveMean and saveInvStd must be given together (or both be null)");
  }
  if (training && !saveMean.present()) args.typeError("training needs saveMean and saveInvStd");
  if (training && s.n * s.h * s.w < 2) {
    args.rangeError("training needs more than one value per channel, but x " + x.shapeText() + " has " +
                    std::to_string(s.n * s.h * s.w));
  }
  args.requireSameDevice({&x, &gamma, &beta, &runningMean, &runningVar, &y, &saveMean, &saveInvStd});
  const Backend backend = BackendFor(args, x.device);
  RequireCudnnRange(args, backend, {&x});
  RUN_ON(backend, BatchNormForward, s, x.data, gamma.data, beta.data, runningMean.data,
         runningVar.data, y.data, saveMean.data, saveInvStd.data, training, momentum, epsilon);
  return args.env().Undefined();
}

// batchNormBackward(x, gamma, dy, saveMean, saveInvStd, dx, dgamma, dbeta, training, epsilon)
Napi::Value BatchNormBackward(const Args& args) {
  TensorArg x = args.layoutTensor(0, "x", 0);
  const BatchNormShape s = ReadShape(args, x);
  TensorArg gamma = ChannelTensor(args, 1, "gamma", s, false);
  TensorArg dy = args.layoutTensor(2, "dy", 0);
  TensorArg saveMean = ChannelTensor(args, 3, "saveMean", s, false);
  TensorArg saveInvStd = ChannelTensor(args, 4, "saveInvStd", s, false);
  TensorArg dx = args.layoutTensor(5, "dx", 0);
  TensorArg dgamma = ChannelTensor(args, 6, "dgamma", s, false);
  TensorArg dbeta = ChannelTensor(args, 7, "dbeta", s, false);
  const bool training = args.boolean(8, "training");
  const double epsilon = Epsilon(args, 9);
  args.requireShape(dy, x.shape);
  args.requireShape(dx, x.shape);
  args.requireSameDevice({&x, &gamma, &dy, &saveMean, &saveInvStd, &dx, &dgamma, &dbeta});
  const Backend backend = BackendFor(args, x.device);
  RequireCudnnRange(args, backend, {&x});
  RUN_ON(backend, BatchNormBackward, s, x.data, gamma.data, dy.data, saveMean.data,
         saveInvStd.data, training, epsilon, dx.data, dgamma.data, dbeta.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
