// Pooling entry points. When the backend keeps one (Pool2dWorkspaceBytes), the forward in training
// returns a workspace Storage for the backward; otherwise null.
#include "ops/ops.h"

namespace nc::ops {

namespace {

// Window, stride, padding at `windowAt`..`windowAt + 2`; ceilMode, countIncludePad at `modeAt`, `modeAt + 1`.
PoolShape ReadPoolShape(const Args& args, const TensorArg& x, size_t windowAt, size_t modeAt) {
  auto window = args.pair(windowAt, "window", 1);
  auto stride = args.pair(windowAt + 1, "stride", 1);
  auto pad = args.pair(windowAt + 2, "padding", 0);
  const bool ceilMode = args.boolean(modeAt, "ceilMode");
  PoolShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3), 0, 0, window[0], window[1], stride[0], stride[1], pad[0], pad[1]};
  s.countPad = args.boolean(modeAt + 1, "countIncludePad");
  // A window wholly in the bottom or right padding would point the CPU's argmax past the plane.
  // (At most half the window, as PyTorch asks, is the caller's rule.)
  if (s.ph >= s.kh || s.pw >= s.kw) {
    args.rangeError("padding (" + std::to_string(s.ph) + "," + std::to_string(s.pw) +
                    ") must be smaller than the window (" + std::to_string(s.kh) + "," + std::to_string(s.kw) + ")");
  }
  args.requireWindowFits(x, "window", s.kh, s.kw, s.ph, s.pw);
  s.oh = ceilMode ? CeilWindowOutput(s.h, s.kh, s.sh, s.ph) : WindowOutput(s.h, s.kh, s.sh, s.ph);
  s.ow = ceilMode ? CeilWindowOutput(s.w, s.kw, s.sw, s.pw) : WindowOutput(s.w, s.kw, s.sw, s.pw);
  s.eh = PoolCeilExtra(s.h, s.kh, s.sh, s.ph, s.oh);
  s.ew = PoolCeilExtra(s.w, s.kw, s.sw, s.pw, s.ow);
  return s;
}

}  // namespace

Napi::Value Pool2dForward(const Args& args) {
  const bool isMax = args.choice(0, "kind", {"max", "avg"}) == "max";
  TensorArg x = args.layoutTensor(1, "x", 4);
  TensorArg y = args.layoutTensor(2, "y", 4);
  PoolShape s = ReadPoolShape(args, x, 3, 7);
  const bool training = args.boolean(6, "training");
  args.requireSameDevice({&x, &y});
  args.requireShape(y, {s.n, s.c, s.oh, s.ow});
  const Backend backend = BackendFor(args, x.device);
  RequireCudnnRange(args, backend, {&x, &y});
  const size_t workspaceBytes = RUN_ON(backend, Pool2dWorkspaceBytes, s, isMax, training);
  if (workspaceBytes == 0) {
    RUN_ON(backend, Pool2dForward, s, isMax, x.data, y.data, nullptr);
    return args.env().Null();
  }
  Napi::Object workspace = Storage::Allocate(args.env(), x.device, workspaceBytes);
  RUN_ON(backend, Pool2dForward, s, isMax, x.data, y.data, Storage::Unwrap(workspace)->rawData());
  return workspace;
}

Napi::Value Pool2dBackward(const Args& args) {
  const bool isMax = args.choice(0, "kind", {"max", "avg"}) == "max";
  TensorArg x = args.layoutTensor(1, "x", 4);
  TensorArg y = args.layoutTensor(2, "y", 4);
  TensorArg dy = args.layoutTensor(3, "dy", 4);
  TensorArg dx = args.layoutTensor(4, "dx", 4);
  Storage* workspace = args.storage(5, "workspace", true);
  PoolShape s = ReadPoolShape(args, x, 6, 9);
  args.requireSameDevice({&x, &y, &dy, &dx});
  args.requireShape(y, {s.n, s.c, s.oh, s.ow});
  args.requireShape(dy, y.shape);
  args.requireShape(dx, x.shape);
  const Backend backend = BackendFor(args, x.device);
  RequireCudnnRange(args, backend, {&x, &y});
  const size_t workspaceBytes = RUN_ON(backend, Pool2dWorkspaceBytes, s, isMax, /*training=*/true);
  if (workspaceBytes > 0 && (workspace == nullptr || workspace->device() != x.device || workspace->bytes() < workspaceBytes)) {
    args.rangeError("max pooling's backward needs the workspace returned by its forward in training");
  }
  RUN_ON(backend, Pool2dBackward, s, isMax, x.data, y.data, dy.data, dx.data,
         workspaceBytes > 0 ? workspace->rawData() : nullptr);  // its layout is y's (cpu/pool.cc)
  return args.env().Undefined();
}

}  // namespace nc::ops
