// Pooling and activations on cuDNN, descriptors cached per shape; leaky relu, ELU and GELU, which
// cuDNN lacks (or cannot differentiate from x), on our own kernels (activations.cu).
#include <string>

#include "cuda/activations.h"
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"
#include "cuda/plan_cache.h"

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
  const cudnnPoolingMode_t mode = !isMax          ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
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
      // Average pooling counts padded cells in the divisor, as the CPU backend, Gluon and PyTorch do.
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

}  // namespace

void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y) {
  Context& c = Ctx();
  PoolPlan& p = PlanFor(s, isMax);
  CUDNN_CHECK(c.libs->cudnn.cudnnPoolingForward(c.cudnn, p.pool, &kOne, p.x, x, &kZero, p.y, y));
}

void Pool2dBackward(const PoolShape& s, bool isMax, const float* x, const float* y, const float* dy, float* dx) {
  Context& c = Ctx();
  PoolPlan& p = PlanFor(s, isMax);
  CUDNN_CHECK(c.libs->cudnn.cudnnPoolingBackward(c.cudnn, p.pool, &kOne, p.y, y, p.y, dy, p.x, x, &kZero, p.x, dx));
}

void ActivationForward(Activation act, int64_t n, const float* x, float* y) {
  if (act == Activation::None) {
    Axpby(n, x, y, 1.0f, 0.0f);
    return;
  }
  Context& c = Ctx();
  cudnnTensorDescriptor_t d = FlatTensor(n);
  CUDNN_CHECK(c.libs->cudnn.cudnnActivationForward(c.cudnn, ActivationDesc(act), &kOne, d, x, &kZero, d, y));
}

void ActivationBackward(Activation act, int64_t n, const float* y, const float* dy, float* dx) {
  if (act == Activation::None) {
    Axpby(n, dy, dx, 1.0f, 0.0f);
    return;
  }
  Context& c = Ctx();
  cudnnTensorDescriptor_t d = FlatTensor(n);
  // Relu, sigmoid and tanh derivatives are functions of y; y stands in for x.
  CUDNN_CHECK(c.libs->cudnn.cudnnActivationBackward(c.cudnn, ActivationDesc(act), &kOne, d, y, d, dy, d, y, &kZero, d,
                                                    dx));
}

void InputActivationForward(Activation act, float alpha, int64_t n, const float* x, float* y) {
  LaunchInputActivationForward(Ctx().stream, act, alpha, n, x, y);
}

void InputActivationBackward(Activation act, float alpha, int64_t n, const float* x, const float* dy, float* dx) {
  LaunchInputActivationBackward(Ctx().stream, act, alpha, n, x, dy, dx);
}

}  // namespace nc::cuda
