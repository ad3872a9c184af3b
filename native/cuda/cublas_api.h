// Our own declarations of the part of the cuBLAS v2 C API that the addon calls. There is no
// cublas_v2.h at build time: loader.cc finds libcublas.so.13 (or .so.12) at run time and fills CublasApi
// with dlsym. Values and signatures follow NVIDIA's public cublas_api.h (cuBLAS 12.6, unchanged
// 11.4 → 13.0). cudaDataType_t and libraryPropertyType come from the toolkit's library_types.h.
// scripts/abi-check.sh compares every declaration here with NVIDIA's header, type for type. It reads
// handles as `using X = struct Tag*;`, enums as `enum X : int {` with one `NAME = VALUE,` a line
// (a comment "9.2+" marks one added in that version), and one struct field a line.
#pragma once
#include <cuda_runtime_api.h>  // cudaStream_t
#include <library_types.h>     // libraryPropertyType (MAJOR_VERSION = 0, ...), cudaDataType_t

namespace nc::cuda {

using cublasHandle_t = struct cublasContext*;
enum cublasStatus_t : int {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
  CUBLAS_STATUS_ARCH_MISMATCH = 8,
  CUBLAS_STATUS_MAPPING_ERROR = 11,
  CUBLAS_STATUS_EXECUTION_FAILED = 13,
  CUBLAS_STATUS_INTERNAL_ERROR = 14,
  CUBLAS_STATUS_NOT_SUPPORTED = 15,
  CUBLAS_STATUS_LICENSE_ERROR = 16,
};

// cuBLAS is column-major: a row-major C = A·B is computed as Cᵀ = Bᵀ·Aᵀ.
enum cublasOperation_t : int {
  CUBLAS_OP_N = 0,
  CUBLAS_OP_T = 1,
  CUBLAS_OP_C = 2,
};

// DISALLOW_REDUCED_PRECISION_REDUCTION is a flag to OR with one of the others.
enum cublasMath_t : int {
  CUBLAS_DEFAULT_MATH = 0,
  CUBLAS_TENSOR_OP_MATH = 1,  // deprecated
  CUBLAS_PEDANTIC_MATH = 2,
  CUBLAS_TF32_TENSOR_OP_MATH = 3,
  CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
};

// (for cublasGemmEx, if it is ever added: pass these, never a cudaDataType_t, as computeType)
enum cublasComputeType_t : int {
  CUBLAS_COMPUTE_16F = 64,
  CUBLAS_COMPUTE_16F_PEDANTIC = 65,
  CUBLAS_COMPUTE_32F = 68,
  CUBLAS_COMPUTE_32F_PEDANTIC = 69,
  CUBLAS_COMPUTE_32F_FAST_16F = 74,
  CUBLAS_COMPUTE_32F_FAST_16BF = 75,
  CUBLAS_COMPUTE_32F_FAST_TF32 = 77,
  CUBLAS_COMPUTE_64F = 70,
  CUBLAS_COMPUTE_64F_PEDANTIC = 71,
  CUBLAS_COMPUTE_32I = 72,
  CUBLAS_COMPUTE_32I_PEDANTIC = 73,
};

static_assert(sizeof(cublasStatus_t) == 4 && sizeof(cublasOperation_t) == 4, "cuBLAS enums are int-sized");

// The functions, under their real exported names (cublas_v2.h only #defines the short
// names onto the _v2 ones). After LoadLibraries() succeeds every pointer is non-null and stays valid for
// the life of the process. alpha/beta are host pointers (the default CUBLAS_POINTER_MODE_HOST).
struct CublasApi {
  cublasStatus_t (*cublasCreate_v2)(cublasHandle_t* handle) = nullptr;
  cublasStatus_t (*cublasDestroy_v2)(cublasHandle_t handle) = nullptr;
  cublasStatus_t (*cublasSetStream_v2)(cublasHandle_t handle, cudaStream_t streamId) = nullptr;
  cublasStatus_t (*cublasSetMathMode)(cublasHandle_t handle, cublasMath_t mode) = nullptr;
  cublasStatus_t (*cublasGetProperty)(libraryPropertyType type, int* value) = nullptr;  // needs no handle
  cublasStatus_t (*cublasSgemm_v2)(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc) = nullptr;
  const char* (*cublasGetStatusString)(cublasStatus_t status) = nullptr;
  // matmul: one call for a batch of products at fixed strides (stride 0 repeats an operand).
  cublasStatus_t (*cublasSgemmStridedBatched)(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha, const float* A, int lda, long long int strideA, const float* B, int ldb, long long int strideB, const float* beta, float* C, int ldc, long long int strideC, int batchCount) = nullptr;
};

}  // namespace nc::cuda
