// Errors from the CUDA runtime, cuDNN and cuBLAS. Each failed call throws GpuError with the call,
// the status's name and text and where it happened, and its code (NC_CUDA, NC_CUDNN, NC_CUBLAS, or
// NC_OUT_OF_MEMORY for an allocation failure); the addon's guard (addon.cc) turns it into a JS
// Error prefixed with the operation's name. Nothing calls exit() or abort().
#pragma once
#include <cuda_runtime_api.h>

#include <string>

#include "errors.h"

namespace nc::cuda {

// A GPU-side failure; its code (errors.h) says which library failed, or that memory ran out.
class GpuError : public CodedError {
 public:
  using CodedError::CodedError;
};

[[noreturn]] void ThrowCuda(cudaError_t status, const char* call, const char* file, int line);
// "file.cc:123", for messages.
std::string Where(const char* file, int line);

}  // namespace nc::cuda

#define CUDA_CHECK(call)                                                         \
  do {                                                                           \
    cudaError_t status_ = (call);                                                \
    if (status_ != cudaSuccess) ::nc::cuda::ThrowCuda(status_, #call, __FILE__, __LINE__); \
  } while (0)

// After a kernel launch: reports a bad configuration at once (execution errors surface at the
// next synchronising call).
#define CUDA_CHECK_LAUNCH(kernel) CUDA_CHECK((static_cast<void>(#kernel), cudaGetLastError()))

// Launches are written NC_LAUNCH(kernel, grid, block, stream)(args...), and launchers cap their grids
// with NC_GRID_CAP(type, name, value), so that test/kernels-host/cuda_runtime_api.h (which defines
// both first) can run the .cu files as host C++ with caps that its tests force small. Under nvcc they
// are a plain <<<...>>> launch and a constexpr.
#ifndef NC_LAUNCH
#define NC_LAUNCH(kernel, grid, block, stream) kernel<<<(grid), (block), 0, (stream)>>>
#endif
#ifndef NC_GRID_CAP
#define NC_GRID_CAP(type, name, value) constexpr type name = value
#endif
