// Pooling on cuDNN, descriptors cached per shape; ceil mode's windows that reach past the padding
// (which cuDNN's symmetric padding cannot express) run our kernels (pool.cu) instead.
#include <cstdint>
#include <string>

#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"
#include "cuda/plan_cache.h"
#include "cuda/pool.h"

namespace nc::cuda {

namespace {

constexpr float kOne = 1.0f, kZero = 0.0f;

struct PoolPlan {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnPoolingDescriptor_t pool = nullptr;
};

void DestroyPlan(PoolPlan& p) {
  const CudnnApi& api = Ctx().libs->cudnn;
  if (p.x) api.cudnnDestroyTensorDescriptor(p.x);
  if (p.y) api.cudnnDestroyTensorDescriptor(p.y);
  if (p.pool) api.cudnnDestroyPoolingDescriptor(p.pool);
}

PoolPlan& PlanFor(const PoolShape& s, bool isMax) {
  static PlanCache<PoolPlan> plans(DestroyPlan);
  // cuDNN's plain max pooling backward adds gradients with atomics, so with overlapping windows
  // (AlexNet's 3x3, stride 2) the sums' order varies from run to run; MAX_DETERMINISTIC does not.
  const cudnnPoolingMode_t mode = !isMax           ? (s.countPad ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                                                                : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING)
                                   : Deterministic() ? CUDNN_POOLING_MAX_DETERMINISTIC
                                                     : CUDNN_POOLING_MAX;
  const std::string key = std::to_string(s.n) + "," + std::to_string(s.c) + "," + std::to_string(s.h) + "," +
                          std::to_string(s.w) + "," + std::to_string(s.kh) + "," + std::to_string(s.kw) + "," +
                          std::to_string(s.sh) + "," + std::to_string(s.sw) + "," + std::to_string(s.ph) + "," +
                          std::to_string(s.pw) + ",mode" + std::to_string(static_cast<int>(mode));
  return plans.Get(key, [&] {
    const CudnnApi& api = Ctx().libs->cudnn;
    PoolPlan p;
    try {
      p.x = NewTensor4d(s.n, s.c, s.h, s.w);
      p.y = NewTensor4d(s.n, s.c, s.oh, s.ow);
      CUDNN_CHECK(api.cudnnCreatePoolingDescriptor(&p.pool));
      // Average pooling counts padded cells in the divisor unless countPad is off, as the CPU backend.
      // NaN propagates, as on the CPU backend (a window holding a NaN gives NaN).
      CUDNN_CHECK(api.cudnnSetPooling2dDescriptor(p.pool, mode, CUDNN_PROPAGATE_NAN, CudnnInt("window", s.kh),
                                                  CudnnInt("window", s.kw), CudnnInt("padding", s.ph),
                                                  CudnnInt("padding", s.pw), CudnnInt("stride", s.sh),
                                                  CudnnInt("stride", s.sw)));
    } catch (...) {
      DestroyPlan(p);
      throw;
    }
    return p;
  });
}

// Whether cuDNN can run s: its windows stay inside the symmetric padding.
bool CudnnCanPool(const PoolShape& s) { return s.eh == 0 && s.ew == 0; }

}  // namespace

// cuDNN's backward works from x and y: no workspace. Our kernels' max pooling keeps the argmax.
size_t Pool2dWorkspaceBytes(const PoolShape& s, bool isMax, bool training) {
  if (CudnnCanPool(s) || !isMax || !training) return 0;
  return static_cast<size_t>(s.n * s.c * s.oh * s.ow) * sizeof(int32_t);
}

void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y, void* workspace) {
  Context& c = Ctx();
  if (!CudnnCanPool(s)) {
    LaunchPoolForward(c.stream, s, isMax, x, y, static_cast<int32_t*>(workspace));
    return;
  }
  PoolPlan& p = PlanFor(s, isMax);
  CUDNN_CHECK(c.libs->cudnn.cudnnPoolingForward(c.cudnn, p.pool, &kOne, p.x, x, &kZero, p.y, y));
}

void Pool2dBackward(const PoolShape& s, bool isMax, const float* x, const float* y, const float* dy, float* dx,
                    const void* workspace) {
  Context& c = Ctx();
  if (!CudnnCanPool(s)) {
    LaunchPoolBackward(c.stream, s, isMax, dy, static_cast<const int32_t*>(workspace), dx);
    return;
  }
  PoolPlan& p = PlanFor(s, isMax);
  CUDNN_CHECK(c.libs->cudnn.cudnnPoolingBackward(c.cudnn, p.pool, &kOne, p.y, y, p.y, dy, p.x, x, &kZero, p.x, dx));
}

}  // namespace nc::cuda
