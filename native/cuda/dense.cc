// Dense layers on cuBLAS. Our matrices are row-major; cuBLAS is column-major, so each product is
// computed transposed: a row-major (R, C) matrix is a column-major (C, R) one.
#include <cstdint>
#include <string>

#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"

namespace nc::cuda {

namespace {
constexpr float kOne = 1.0f, kZero = 0.0f;

int Int(int64_t v) {
  if (v > INT32_MAX) throw GpuError(ErrorCode::Argument, "matrix dimension " + std::to_string(v) + " exceeds cuBLAS's int range");
  return static_cast<int>(v);
}
}  // namespace

// y (N,M) = act(x (N,K) · wᵀ + b), w (M,K): column-major yᵀ (M,N) = w (M,K as wᵀ stored) · xᵀ (K,N).
void DenseForward(const DenseShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  Context& c = Ctx();
  const int n = Int(s.n), k = Int(s.k), m = Int(s.m);
  CUBLAS_CHECK(c.libs->cublas.cublasSgemm_v2(c.cublas, CUBLAS_OP_T, CUBLAS_OP_N, m, n, k, &kOne, w, k, x, k, &kZero, y, m));
  cudnnTensorDescriptor_t out = MatrixTensor(s.n, s.m);
  if (b) CUDNN_CHECK(c.libs->cudnn.cudnnAddTensor(c.cudnn, &kOne, MatrixTensor(1, s.m), b, &kOne, out, y));
  if (act != Activation::None) ActivationForward(act, s.n * s.m, y, y);
}

// dy is the gradient of the affine output (the caller applied the activation's derivative).
// dx (N,K) = dy (N,M) · w (M,K):   column-major dxᵀ (K,N) = wᵀ (K,M) · dyᵀ (M,N), both stored as is.
// dw (M,K) = dyᵀ (M,N) · x (N,K):  column-major dwᵀ (K,M) = xᵀ (K,N) · (dyᵀ)ᵀ.
// db (M)   = Σ over rows of dy.
void DenseBackward(const DenseShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                   float* db) {
  Context& c = Ctx();
  const int n = Int(s.n), k = Int(s.k), m = Int(s.m);
  if (dx) {
    CUBLAS_CHECK(c.libs->cublas.cublasSgemm_v2(c.cublas, CUBLAS_OP_N, CUBLAS_OP_N, k, n, m, &kOne, w, k, dy, m, &kZero,
                                               dx, k));
  }
  CUBLAS_CHECK(c.libs->cublas.cublasSgemm_v2(c.cublas, CUBLAS_OP_N, CUBLAS_OP_T, k, m, n, &kOne, x, k, dy, m, &kZero,
                                             dw, k));
  if (db) {
    CUDNN_CHECK(c.libs->cudnn.cudnnConvolutionBackwardBias(c.cudnn, &kOne, MatrixTensor(s.n, s.m), dy, &kZero,
                                                           MatrixTensor(1, s.m), db));
  }
}

}  // namespace nc::cuda
