// Relu, sigmoid and tanh on cuDNN; leaky relu, ELU and GELU, which cuDNN lacks (or cannot
// differentiate from x), on our own kernels (activation.cu).
#include "cuda/activation.h"
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"

namespace nc::cuda {

namespace {
constexpr float kOne = 1.0f, kZero = 0.0f;
}  // namespace

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
