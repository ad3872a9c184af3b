// Fill, arithmetic and dropout entry points. Value ranges (low <= high, std >= 0, p in [0, 1)) are
// the caller's rules: outside them the loops still only touch their own tensors.
#include <cstdint>

#include "ops/ops.h"

namespace nc::ops {

namespace {
// Seeds are integers that JS numbers hold exactly.
constexpr int64_t kMaxSeed = (int64_t{1} << 53) - 1;

// The tensor at argument i, and the backend of its device.
TensorArg OnBackend(const Args& args, size_t i, const char* name, Backend* backend) {
  TensorArg t = args.tensor(i, name, 0);
  *backend = BackendFor(args, t.device);
  return t;
}
}  // namespace

Napi::Value FillConstant(const Args& args) {
  Backend backend;
  TensorArg y = OnBackend(args, 0, "y", &backend);
  RUN_ON(backend, FillConstant, y.size, y.data, static_cast<float>(args.number(1, "value")));
  return args.env().Undefined();
}

Napi::Value FillUniform(const Args& args) {
  Backend backend;
  TensorArg y = OnBackend(args, 0, "y", &backend);
  double low = args.number(1, "low");
  double high = args.number(2, "high");
  uint64_t seed = static_cast<uint64_t>(args.integer(3, "seed", 0, kMaxSeed));
  RUN_ON(backend, FillUniform, y.size, y.data, static_cast<float>(low), static_cast<float>(high), seed);
  return args.env().Undefined();
}

Napi::Value FillNormal(const Args& args) {
  Backend backend;
  TensorArg y = OnBackend(args, 0, "y", &backend);
  double mean = args.number(1, "mean");
  double std = args.number(2, "std");
  uint64_t seed = static_cast<uint64_t>(args.integer(3, "seed", 0, kMaxSeed));
  RUN_ON(backend, FillNormal, y.size, y.data, static_cast<float>(mean), static_cast<float>(std), seed);
  return args.env().Undefined();
}

Napi::Value Axpby(const Args& args) {
  TensorArg x = args.layoutTensor(0, "x", 0);
  const Backend backend = BackendFor(args, x.device);
  TensorArg y = args.layoutTensor(1, "y", 0);
  args.requireSameDevice({&x, &y});
  args.requireSameSize(x, y);
  // y is read too unless b is 0 (then it is only written: its layout does not matter).
  TensorArg unread;
  ElementwiseLayouts({&x, args.number(3, "b") == 0 ? &unread : &y}, {&y});
  RUN_ON(backend, Axpby, x.size, x.data, y.data, static_cast<float>(args.number(2, "a")), static_cast<float>(args.number(3, "b")));
  return args.env().Undefined();
}

Napi::Value Multiply(const Args& args) {
  Backend backend;
  TensorArg x1 = OnBackend(args, 0, "x1", &backend);
  TensorArg x2 = args.tensor(1, "x2", 0);
  TensorArg y = args.tensor(2, "y", 0);
  args.requireSameDevice({&x1, &x2, &y});
  args.requireSameSize(x1, x2);
  args.requireSameSize(x1, y);
  RUN_ON(backend, Multiply, x1.size, x1.data, x2.data, y.data);
  return args.env().Undefined();
}

Napi::Value Sum(const Args& args) {
  Backend backend;
  TensorArg x = OnBackend(args, 0, "x", &backend);
  TensorArg y = args.tensor(1, "y", 0);
  args.requireSameDevice({&x, &y});
  args.requireOneElement(y);
  RUN_ON(backend, Sum, x.size, x.data, y.data);
  return args.env().Undefined();
}

Napi::Value DropoutForward(const Args& args) {
  Backend backend;
  TensorArg x = OnBackend(args, 0, "x", &backend);
  TensorArg y = args.tensor(1, "y", 0);
  TensorArg mask = args.tensor(2, "mask", 0);
  double p = args.number(3, "p");
  uint64_t seed = static_cast<uint64_t>(args.integer(4, "seed", 0, kMaxSeed));
  args.requireSameDevice({&x, &y, &mask});
  args.requireSameSize(x, y);
  args.requireSameSize(x, mask);
  RUN_ON(backend, DropoutForward, x.size, x.data, y.data, mask.data, static_cast<float>(p), seed);
  return args.env().Undefined();
}

}  // namespace nc::ops
