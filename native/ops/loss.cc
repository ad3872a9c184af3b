// Loss and accuracy entry points. Labels are class indices stored as floats; each is checked.
#include <cmath>

#include "cpu/cpu.h"
#include "ops/ops.h"

namespace nc::ops {

namespace {
// logits (N,C) and labels (N) with every label an integer class index in [0, C).
void CheckLogitsAndLabels(const Args& args, const TensorArg& logits, const TensorArg& labels) {
  args.requireShape(labels, {logits.dim(0)});
  args.requireSameDevice({&logits, &labels});
  RequireBackend(args, logits.device);
  const int64_t classes = logits.dim(1);
  for (int64_t i = 0; i < labels.size; ++i) {
    float v = labels.data[i];
    if (!(v >= 0 && v < static_cast<float>(classes) && std::floor(v) == v)) {
      args.rangeError("labels[" + std::to_string(i) + "] = " + std::to_string(v) + " is not a class index in [0, " +
                      std::to_string(classes) + ")");
    }
  }
}
}  // namespace

Napi::Value SoftmaxCrossEntropy(const Args& args) {
  args.requireCount(3);
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  TensorArg loss = args.tensor(2, "loss", 1);
  CheckLogitsAndLabels(args, logits, labels);
  args.requireSameDevice({&logits, &loss});
  args.requireShape(loss, {logits.dim(0)});
  cpu::SoftmaxCrossEntropy(logits.dim(0), logits.dim(1), logits.data, labels.data, loss.data);
  return args.env().Undefined();
}

Napi::Value SoftmaxCrossEntropyBackward(const Args& args) {
  args.requireCount(4);
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  TensorArg dloss = args.tensor(2, "dloss", 1);
  TensorArg dlogits = args.tensor(3, "dlogits", 2);
  CheckLogitsAndLabels(args, logits, labels);
  args.requireSameDevice({&logits, &dloss, &dlogits});
  args.requireShape(dloss, {logits.dim(0)});
  args.requireShape(dlogits, logits.shape);
  cpu::SoftmaxCrossEntropyBackward(logits.dim(0), logits.dim(1), logits.data, labels.data, dloss.data, dlogits.data);
  return args.env().Undefined();
}

Napi::Value CountCorrect(const Args& args) {
  args.requireCount(2);
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  CheckLogitsAndLabels(args, logits, labels);
  return Napi::Number::New(args.env(),
                           static_cast<double>(cpu::CountCorrect(logits.dim(0), logits.dim(1), logits.data, labels.data)));
}

}  // namespace nc::ops
