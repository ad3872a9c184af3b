// Activation entry points.
#include "ops/ops.h"

namespace nc {

Activation ParseActivation(const std::string& name) {
  if (name == "relu") return Activation::Relu;
  if (name == "sigmoid") return Activation::Sigmoid;
  if (name == "tanh") return Activation::Tanh;
  return Activation::None;
}

namespace ops {

Napi::Value ActivationForward(const Args& args) {
  args.requireCount(3);
  Activation act = ParseActivation(args.choice(0, "kind", {"none", "relu", "sigmoid", "tanh"}));
  TensorArg x = args.tensor(1, "x", 0);
  TensorArg y = args.tensor(2, "y", 0);
  args.requireSameDevice({&x, &y});
  args.requireSameSize(x, y);
  RUN_ON(BackendFor(args, x.device), ActivationForward, act, x.size, x.data, y.data);
  return args.env().Undefined();
}

Napi::Value ActivationBackward(const Args& args) {
  args.requireCount(4);
  Activation act = ParseActivation(args.choice(0, "kind", {"none", "relu", "sigmoid", "tanh"}));
  TensorArg y = args.tensor(1, "y", 0);
  TensorArg dy = args.tensor(2, "dy", 0);
  TensorArg dx = args.tensor(3, "dx", 0);
  args.requireSameDevice({&y, &dy, &dx});
  args.requireSameSize(y, dy);
  args.requireSameSize(y, dx);
  RUN_ON(BackendFor(args, y.device), ActivationBackward, act, y.size, y.data, dy.data, dx.data);
  return args.env().Undefined();
}

}  // namespace ops
}  // namespace nc
