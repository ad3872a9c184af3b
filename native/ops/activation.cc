// Activation entry points.
#include "ops/ops.h"

namespace nc {

Activation ParseActivation(const std::string& name) {
  if (name == "relu") return Activation::Relu;
  if (name == "sigmoid") return Activation::Sigmoid;
  if (name == "tanh") return Activation::Tanh;
  if (name == "leaky_relu") return Activation::LeakyRelu;
  if (name == "elu") return Activation::Elu;
  if (name == "gelu") return Activation::Gelu;
  return Activation::None;
}

namespace ops {

namespace {

Activation ReadKind(const Args& args) {
  return ParseActivation(
      args.choice(0, "kind", {"none", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu"}));
}

}  // namespace

// activationForward(kind, x, y, alpha)
Napi::Value ActivationForward(const Args& args) {
  Activation act = ReadKind(args);
  TensorArg x = args.layoutTensor(1, "x", 0);
  TensorArg y = args.layoutTensor(2, "y", 0);
  const float alpha = static_cast<float>(args.number(3, "alpha"));
  args.requireSameDevice({&x, &y});
  args.requireSameSize(x, y);
  ElementwiseLayouts({&x}, {&y});
  const Backend backend = BackendFor(args, x.device);
  if (act != Activation::None && !BackwardNeedsInput(act)) RequireCudnnRange(args, backend, {&x});  // on cuDNN
  if (BackwardNeedsInput(act)) {
    RUN_ON(backend, InputActivationForward, act, alpha, x.size, x.data, y.data);
  } else {
    RUN_ON(backend, ActivationForward, act, x.size, x.data, y.data);
  }
  return args.env().Undefined();
}

// activationBackward(kind, x, y, dy, dx, alpha): x is needed by leaky_relu, elu and gelu, y by the
// others; the one not needed may be null.
Napi::Value ActivationBackward(const Args& args) {
  Activation act = ReadKind(args);
  TensorArg x = args.optionalLayoutTensor(1, "x", 0);
  TensorArg y = args.optionalLayoutTensor(2, "y", 0);
  TensorArg dy = args.layoutTensor(3, "dy", 0);
  TensorArg dx = args.layoutTensor(4, "dx", 0);
  const float alpha = static_cast<float>(args.number(5, "alpha"));
  const bool fromInput = BackwardNeedsInput(act);
  TensorArg& source = fromInput ? x : y;
  if (!source.present() && act != Activation::None) {
    args.typeError(fromInput ? "the forward's input x is needed for the backward of " + args.string(0, "kind")
                             : "the forward's output y is needed for the backward of " + args.string(0, "kind"));
  }
  args.requireSameDevice({&dy, &dx});
  args.requireSameSize(dy, dx);
  if (source.present()) {
    args.requireSameDevice({&source, &dy});
    args.requireSameSize(source, dy);
  }
  ElementwiseLayouts({&x, &y, &dy}, {&dx});
  const Backend backend = BackendFor(args, dy.device);
  if (act != Activation::None && !fromInput) RequireCudnnRange(args, backend, {&dy});  // on cuDNN
  if (fromInput) {
    RUN_ON(backend, InputActivationBackward, act, alpha, dy.size, x.data, dy.data, dx.data);
  } else {
    RUN_ON(backend, ActivationBackward, act, dy.size, y.data, dy.data, dx.data);
  }
  return args.env().Undefined();
}

}  // namespace ops
}  // namespace nc
