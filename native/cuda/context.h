// The GPU context shared by the CUDA backend's files: one device, one stream, one cuDNN and one
// cuBLAS handle, created at first use; and the checks for cuDNN and cuBLAS status codes.
#pragma once
#include <cuda_runtime_api.h>

#include "cuda/check.h"
#include "cuda/loader.h"

namespace nc::cuda {

struct Context {
  int device = 0;
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  cublasHandle_t cublas = nullptr;
  const Libraries* libs = nullptr;
  size_t totalBytes = 0;  // the device's memory
};

// The context, created on first use (and again after Shutdown()); throws GpuError (with Probe()'s
// reason, or the library call that failed) when no GPU is usable. Call with GpuMutex() held.
Context& Ctx();
// Whether a context exists now (false before first use and after Shutdown()).
bool Live();

[[noreturn]] void ThrowCudnn(int status, const char* call, const char* file, int line);
[[noreturn]] void ThrowCublas(int status, const char* call, const char* file, int line);

}  // namespace nc::cuda

#define CUDNN_CHECK(call)                                                          \
  do {                                                                             \
    int status_ = static_cast<int>(call);                                          \
    if (status_ != 0) ::nc::cuda::ThrowCudnn(status_, #call, __FILE__, __LINE__); \
  } while (0)

#define CUBLAS_CHECK(call)                                                          \
  do {                                                                              \
    int status_ = static_cast<int>(call);                                           \
    if (status_ != 0) ::nc::cuda::ThrowCublas(status_, #call, __FILE__, __LINE__);  \
  } while (0)
