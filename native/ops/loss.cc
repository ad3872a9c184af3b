// Loss and accuracy entry points. Labels are class indices stored as floats; each is checked.
#include <cmath>
#include <cstdint>

#include "ops/ops.h"

namespace nc::ops {

namespace {
// logits (N,C) and labels (N) with every label an integer class index in [0, C).
// Returns the backend, after checking logits (N,C) against labels (N) whose every value must be an
// integer class index in [0, C). The CPU checks at once. A GPU check would have to wait for the
// GPU, so there it is queued (`checkValues`: once per loss, in the forward) and a bad label is
// reported at the next read that waits anyway (ReportRecordedLabelError); the kernels never read
// outside a row meanwhile.
Backend CheckLogitsAndLabels(const Args& args, const TensorArg& logits, const TensorArg& labels,
                             [[maybe_unused]] bool checkValues = true) {
  args.requireShape(labels, {logits.dim(0)});
  args.requireSameDevice({&logits, &labels});
  const Backend backend = BackendFor(args, logits.device);
  const int64_t classes = logits.dim(1);
#if NC_WITH_CUDA
  if (backend == Backend::Gpu) {
    if (checkValues) (cuda::GpuLock{}, cuda::RecordBadLabels(labels.size, classes, labels.data));
    return backend;
  }
#endif
  for (int64_t i = 0; i < labels.size; ++i) {
    const float v = labels.data[i];
    if (!(v >= 0 && v < static_cast<float>(classes) && std::floor(v) == v)) {
      args.rangeError("labels[" + std::to_string(i) + "] = " + std::to_string(v) + " is not a class index in [0, " +
                      std::to_string(classes) + ")");
    }
  }
  return backend;
}

}  // namespace

Napi::Value SoftmaxCrossEntropy(const Args& args) {
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  TensorArg loss = args.tensor(2, "loss", 1);
  args.requireSameDevice({&logits, &loss});
  args.requireShape(loss, {logits.dim(0)});
  const Backend backend = CheckLogitsAndLabels(args, logits, labels);
  RUN_ON(backend, SoftmaxCrossEntropy, logits.dim(0), logits.dim(1), logits.data, labels.data, loss.data);
  return args.env().Undefined();
}

Napi::Value SoftmaxCrossEntropyBackward(const Args& args) {
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  TensorArg dloss = args.tensor(2, "dloss", 1);
  TensorArg dlogits = args.tensor(3, "dlogits", 2);
  args.requireSameDevice({&logits, &dloss, &dlogits});
  args.requireShape(dloss, {logits.dim(0)});
  args.requireShape(dlogits, logits.shape);
  const Backend backend = CheckLogitsAndLabels(args, logits, labels, /*checkValues=*/false);
  RUN_ON(backend, SoftmaxCrossEntropyBackward, logits.dim(0), logits.dim(1), logits.data, labels.data, dloss.data,
         dlogits.data);
  return args.env().Undefined();
}

Napi::Value CountCorrect(const Args& args) {
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  const int64_t k = args.integer(2, "k", 1, INT32_MAX);
  const Backend backend = CheckLogitsAndLabels(args, logits, labels);
  const int64_t correct = RUN_ON(backend, CountCorrect, logits.dim(0), logits.dim(1), k, logits.data, labels.data);
  if (backend == Backend::Gpu) ReportRecordedLabelError(args);  // the count waited for the GPU
  return Napi::Number::New(args.env(), static_cast<double>(correct));
}

Napi::Value AccumulateCorrect(const Args& args) {
  TensorArg logits = args.tensor(0, "logits", 2);
  TensorArg labels = args.tensor(1, "labels", 1);
  TensorArg total = args.tensor(2, "total", 0);
  const int64_t k = args.integer(3, "k", 1, INT32_MAX);
  args.requireSameDevice({&logits, &total});
  args.requireOneElement(total);
  const Backend backend = CheckLogitsAndLabels(args, logits, labels, /*checkValues=*/false);
  RUN_ON(backend, AccumulateCorrect, logits.dim(0), logits.dim(1), k, logits.data, labels.data, total.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
