// Optimizer entry points: one fused update per parameter tensor (SGD with momentum/Nesterov, Adam
// and AdamW, RMSProp, AdaGrad, all with gradient rescaling, clipping and weight decay), and the sum
// of squares that global-norm clipping needs.
#include <cmath>
#include <string>

#include "ops/ops.h"
#include "optim.h"

namespace nc::ops {

namespace {

constexpr double kMaxFloat = 3.4028234663852886e38;  // the largest finite float32

// Reads the fields of the `hyper` object; messages name them `hyper.<field>`.
class HyperReader {
 public:
  HyperReader(const Args& args, size_t index) : args_(args) {
    Napi::Value v = args.value(index);
    if (v.Type() != napi_object || v.IsArray()) args.invalid("hyper", "an object of hyperparameters", v, false);
    obj_ = v.As<Napi::Object>();
  }

  // A finite number that fits a float; 0 when absent and not required. Ranges (lr >= 0,
  // betas in [0, 1), ...) are the caller's rules: any finite value only changes the numbers.
  double number(const char* key, bool required) const {
    Napi::Value v = obj_.Get(key);
    const std::string name = std::string("hyper.") + key;
    if (v.IsUndefined() && !required) return 0;
    if (!v.IsNumber()) args_.invalid(name.c_str(), "a finite number", v, false);
    const double x = v.As<Napi::Number>().DoubleValue();
    if (!(std::fabs(x) <= kMaxFloat)) args_.invalid(name.c_str(), "a finite number", v, true);
    return x;
  }

  // A boolean; false when absent.
  bool flag(const char* key) const {
    Napi::Value v = obj_.Get(key);
    if (v.IsUndefined()) return false;
    if (!v.IsBoolean()) args_.invalid((std::string("hyper.") + key).c_str(), "a boolean", v, false);
    return v.As<Napi::Boolean>();
  }

 private:
  const Args& args_;
  Napi::Object obj_;
};

// A state tensor the rule needs (`needed`) or must not be given (null); `why` says when it is used.
TensorArg StateArg(const Args& args, size_t i, const char* name, bool needed, const char* why) {
  TensorArg t = args.optionalTensor(i, name, 0);
  if (needed && !t.present()) args.invalid(name, std::string("a Tensor (") + why + ")", args.value(i), false);
  if (!needed && t.present()) args.rangeError(std::string("expected null for ") + name + " (" + why + ")");
  return t;
}

}  // namespace

Napi::Value OptimizerUpdate(const Args& args) {
  const std::string rule = args.choice(0, "rule", {"sgd", "adam", "rmsprop", "adagrad"});
  TensorArg w = args.tensor(1, "weight", 0);
  TensorArg g = args.tensor(2, "grad", 0);
  HyperReader hyper(args, 6);

  OptimizerStep h;
  const double lr = hyper.number("lr", true);
  h.lr = static_cast<float>(lr);
  h.rescale = static_cast<float>(hyper.number("rescale", true));
  h.clipValue = static_cast<float>(hyper.number("clipValue", false));
  h.maxNorm = static_cast<float>(hyper.number("maxNorm", false));
  const double weightDecay = hyper.number("weightDecay", false);
  if (hyper.flag("decoupledWeightDecay")) {
    h.decayFactor = static_cast<float>(1.0 - lr * weightDecay);  // as torch: a double, then float
  } else {
    h.weightDecay = static_cast<float>(weightDecay);
  }

  // The states each rule reads and writes (null where a rule or setting has none).
  bool need1 = false, need2 = false, need3 = false;
  const char *why1 = "unused by this rule", *why2 = why1, *why3 = why1;
  if (rule == "sgd") {
    h.rule = OptimizerRule::Sgd;
    const double momentum = hyper.number("momentum", false);
    const double dampening = hyper.number("dampening", false);
    h.momentum = static_cast<float>(momentum);
    h.oneMinusDampening = static_cast<float>(1.0 - dampening);
    h.nesterov = hyper.flag("nesterov");
    h.firstStep = hyper.flag("firstStep");
    need1 = momentum != 0;
    why1 = "the momentum buffer, used when momentum is not 0";
  } else if (rule == "adam") {
    h.rule = OptimizerRule::Adam;
    const double beta1 = hyper.number("beta1", true);
    const double beta2 = hyper.number("beta2", true);
    h.eps = static_cast<float>(hyper.number("epsilon", true));
    const double step = hyper.number("step", true);
    h.beta1 = static_cast<float>(beta1);
    h.oneMinusBeta1 = static_cast<float>(1.0 - beta1);
    h.beta2 = static_cast<float>(beta2);
    h.oneMinusBeta2 = static_cast<float>(1.0 - beta2);
    h.stepSize = static_cast<float>(lr / (1.0 - std::pow(beta1, step)));
    h.biasCorrection2Sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
    h.amsgrad = hyper.flag("amsgrad");
    need1 = need2 = true;
    need3 = h.amsgrad;
    why1 = "the first moment";
    why2 = "the second moment";
    why3 = "the maximum second moment, used with amsgrad";
  } else if (rule == "rmsprop") {
    h.rule = OptimizerRule::RmsProp;
    const double alpha = hyper.number("alpha", true);
    h.alpha = static_cast<float>(alpha);
    h.oneMinusAlpha = static_cast<float>(1.0 - alpha);
    h.eps = static_cast<float>(hyper.number("epsilon", true));
    h.momentum = static_cast<float>(hyper.number("momentum", false));
    h.centered = hyper.flag("centered");
    need1 = true;
    need2 = h.momentum > 0;
    need3 = h.centered;
    why1 = "the square average";
    why2 = "the momentum buffer, used when momentum > 0";
    why3 = "the gradient average, used when centered";
  } else {
    h.rule = OptimizerRule::AdaGrad;
    h.eps = static_cast<float>(hyper.number("epsilon", true));
    need1 = true;
    why1 = "the sum of squared gradients";
  }

  TensorArg s1 = StateArg(args, 3, "state1", need1, why1);
  TensorArg s2 = StateArg(args, 4, "state2", need2, why2);
  TensorArg s3 = StateArg(args, 5, "state3", need3, why3);
  TensorArg normSq = args.optionalTensor(7, "normSq", 0);
  if (h.maxNorm > 0 && !normSq.present()) {
    args.invalid("normSq", "a one-element Tensor (the sum of squared gradients, for maxNorm)", args.value(7), false);
  }
  if (!(h.maxNorm > 0) && normSq.present()) args.rangeError("expected null for normSq (used only when hyper.maxNorm > 0)");
  if (normSq.present()) args.requireOneElement(normSq);
  args.requireSameDevice({&w, &g, &s1, &s2, &s3, &normSq});
  args.requireSameSize(w, g);
  for (const TensorArg* s : {&s1, &s2, &s3}) {
    if (s->present()) args.requireSameSize(w, *s);
  }
  const Backend backend = BackendFor(args, w.device);
  RUN_ON(backend, OptimizerUpdate, h, w.size, w.data, g.data, s1.data, s2.data, s3.data, normSq.data);
  return args.env().Undefined();
}

Napi::Value SumSquares(const Args& args) {
  TensorArg x = args.tensor(0, "x", 0);
  TensorArg y = args.tensor(1, "y", 0);
  const bool accumulate = args.boolean(2, "accumulate");
  args.requireSameDevice({&x, &y});
  args.requireOneElement(y);
  const Backend backend = BackendFor(args, x.device);
  RUN_ON(backend, SumSquares, x.size, x.data, y.data, accumulate);
  return args.env().Undefined();
}

}  // namespace nc::ops
