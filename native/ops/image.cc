// Data-pipeline entry points: resampling (resize, flip, crop, rotation in one affine sampler) and
// colour jitter, run where the images are.
#include "ops/ops.h"

namespace nc::ops {

Napi::Value AffineSample(const Args& args) {
  TensorArg x = args.tensor(0, "x", 4);
  TensorArg y = args.tensor(1, "y", 4);
  TensorArg m = args.tensor(2, "matrices", 2);
  const bool clampEdges = args.boolean(3, "clampEdges");
  args.requireSameDevice({&x, &y, &m});
  if (y.dim(0) != x.dim(0) || y.dim(1) != x.dim(1)) {
    args.rangeError("y " + y.shapeText() + " must have the images and channels of x " + x.shapeText(), ErrorCode::Shape);
  }
  args.requireShape(m, {x.dim(0), 6});
  const ImageShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), y.dim(2), y.dim(3)};
  RUN_ON(BackendFor(args, x.device), AffineSample, s, x.data, m.data, clampEdges, y.data);
  return args.env().Undefined();
}

Napi::Value ColorJitter(const Args& args) {
  TensorArg x = args.tensor(0, "x", 0);
  TensorArg y = args.tensor(1, "y", 0);
  TensorArg brightness = args.tensor(2, "brightness", 1);
  TensorArg contrast = args.tensor(3, "contrast", 1);
  args.requireSameDevice({&x, &y, &brightness, &contrast});
  args.requireSameSize(x, y);
  const int64_t n = x.dim(0);
  if (n > INT32_MAX) args.rangeError("too many images: " + std::to_string(n));
  args.requireShape(brightness, {n});
  args.requireShape(contrast, {n});
  RUN_ON(BackendFor(args, x.device), ColorJitter, n, x.size / n, x.data, brightness.data, contrast.data, y.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
