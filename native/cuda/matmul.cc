// Matrix products on cuBLAS. Our matrices are row-major; cuBLAS is column-major, so each product is
// computed transposed: yᵀ (N,M) = op(b)ᵀ · op(a)ᵀ, where a row-major (R, C) matrix is a column-major
// (C, R) one. The math mode on the handle (context.cc) decides TF32.
#include <cstdint>
#include <string>

#include "cuda/context.h"
#include "cuda/cuda.h"

namespace nc::cuda {

namespace {
constexpr float kOne = 1.0f, kZero = 0.0f;

int Int(int64_t v, const char* what) {
  if (v > INT32_MAX) {
    throw GpuError(ErrorCode::Argument, std::string(what) + " " + std::to_string(v) + " exceeds cuBLAS's int range");
  }
  return static_cast<int>(v);
}
}  // namespace

// The innermost merged batch dimension is one strided-batched call (stride 0 repeats a broadcast
// operand); the outer ones, which one stride cannot express, are a loop of such calls.
void Matmul(const MatmulShape& s, const float* a, const float* b, float* y) {
  Context& c = Ctx();
  const int m = Int(s.m, "matrix dimension"), n = Int(s.n, "matrix dimension"), k = Int(s.k, "matrix dimension");
  // a (M,K) is column-major (K,M) with leading dimension K; transposed, stored (K,M), it is (M,K) with
  // leading dimension M and cuBLAS transposes it back. Likewise b.
  const cublasOperation_t opA = s.transA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = s.transB ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int lda = s.transA ? m : k, ldb = s.transB ? k : n;
  const int inner = s.ndim - 1;  // -1: a single product
  const int64_t count = inner >= 0 ? s.extent[inner] : 1;
  const long long strideA = inner >= 0 ? s.strideA[inner] * s.m * s.k : 0;
  const long long strideB = inner >= 0 ? s.strideB[inner] * s.k * s.n : 0;
  const long long strideY = s.m * s.n;
  const int batchCount = Int(count, "batch of");
  for (int64_t outer = 0; outer < s.size / count; ++outer) {
    // The outer dimensions' offsets: product outer·count of the whole batch starts this call.
    int64_t offA = 0, offB = 0;
    s.Offsets(outer * count, &offA, &offB);
    CUBLAS_CHECK(c.libs->cublas.cublasSgemmStridedBatched(
        c.cublas, opB, opA, n, m, k, &kOne, b + offB * s.k * s.n, ldb, strideB, a + offA * s.m * s.k, lda, strideA,
        &kZero, y + outer * count * strideY, n, strideY, batchCount));
  }
}

}  // namespace nc::cuda
