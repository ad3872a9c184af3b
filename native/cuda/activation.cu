// Leaky relu, ELU and exact GELU (see activation.h), elementwise in grid-stride loops. They follow
// oneDNN's definitions on the CPU: leaky relu' = alpha at x ≤ 0, elu' = alpha·eˣ at x ≤ 0,
// gelu(x) = x·Φ(x) with Φ(x) = (1 + erf(x/√2))/2 and gelu'(x) = Φ(x) + x·φ(x).
#include "cuda/activation.h"
#include "cuda/check.h"
#include "cuda/grid.h"

namespace nc::cuda {

namespace {

constexpr float kSqrtHalf = 0.70710678118654752f;     // 1/√2
constexpr float kInvSqrt2Pi = 0.39894228040143268f;   // 1/√(2π)

__global__ void LeakyReluForwardKernel(int64_t n, const float* x, float* y, float alpha) {
  GRID_STRIDE_LOOP(i, n) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : alpha * v;
  }
}

__global__ void LeakyReluBackwardKernel(int64_t n, const float* x, const float* dy, float* dx, float alpha) {
  // NaN takes the slope-1 branch, as oneDNN's backward does on the CPU.
  GRID_STRIDE_LOOP(i, n) dx[i] = !(x[i] <= 0.0f) ? dy[i] : alpha * dy[i];
}

__global__ void EluForwardKernel(int64_t n, const float* x, float* y, float alpha) {
  GRID_STRIDE_LOOP(i, n) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : alpha * expm1f(v);
  }
}

__global__ void EluBackwardKernel(int64_t n, const float* x, const float* dy, float* dx, float alpha) {
  GRID_STRIDE_LOOP(i, n) {
    const float v = x[i];
    dx[i] = !(v <= 0.0f) ? dy[i] : dy[i] * alpha * expf(v);  // NaN: slope 1, as oneDNN on the CPU
  }
}

__global__ void GeluForwardKernel(int64_t n, const float* x, float* y) {
  GRID_STRIDE_LOOP(i, n) {
    const float v = x[i];
    y[i] = v * (0.5f * (1.0f + erff(v * kSqrtHalf)));
  }
}

__global__ void GeluBackwardKernel(int64_t n, const float* x, const float* dy, float* dx) {
  GRID_STRIDE_LOOP(i, n) {
    const float v = x[i];
    const float cdf = 0.5f * (1.0f + erff(v * kSqrtHalf));
    const float pdf = kInvSqrt2Pi * expf(-0.5f * v * v);
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

}  // namespace

void LaunchInputActivationForward(cudaStream_t stream, Activation act, float alpha, int64_t n, const float* x,
                                  float* y) {
  if (n == 0) return;
  switch (act) {
    case Activation::LeakyRelu:
      NC_LAUNCH(LeakyReluForwardKernel, GridFor(n), kBlock, stream)(n, x, y, alpha);
      CUDA_CHECK_LAUNCH(LeakyReluForwardKernel);
      return;
    case Activation::Elu:
      NC_LAUNCH(EluForwardKernel, GridFor(n), kBlock, stream)(n, x, y, alpha);
      CUDA_CHECK_LAUNCH(EluForwardKernel);
      return;
    case Activation::Gelu:
      NC_LAUNCH(GeluForwardKernel, GridFor(n), kBlock, stream)(n, x, y);
      CUDA_CHECK_LAUNCH(GeluForwardKernel);
      return;
    default:
      throw GpuError(ErrorCode::Internal, "LaunchInputActivationForward: not an activation of x (leaky relu, elu, gelu)");
  }
}

void LaunchInputActivationBackward(cudaStream_t stream, Activation act, float alpha, int64_t n, const float* x,
                                   const float* dy, float* dx) {
  if (n == 0) return;
  switch (act) {
    case Activation::LeakyRelu:
      NC_LAUNCH(LeakyReluBackwardKernel, GridFor(n), kBlock, stream)(n, x, dy, dx, alpha);
      CUDA_CHECK_LAUNCH(LeakyReluBackwardKernel);
      return;
    case Activation::Elu:
      NC_LAUNCH(EluBackwardKernel, GridFor(n), kBlock, stream)(n, x, dy, dx, alpha);
      CUDA_CHECK_LAUNCH(EluBackwardKernel);
      return;
    case Activation::Gelu:
      NC_LAUNCH(GeluBackwardKernel, GridFor(n), kBlock, stream)(n, x, dy, dx);
      CUDA_CHECK_LAUNCH(GeluBackwardKernel);
      return;
    default:
      throw GpuError(ErrorCode::Internal, "LaunchInputActivationBackward: not an activation of x (leaky relu, elu, gelu)");
  }
}

}  // namespace nc::cuda
