#include "cuda/check.h"

namespace nc::cuda {

std::string Where(const char* file, int line) {
  std::string base = file;
  return base.substr(base.find_last_of('/') + 1) + ":" + std::to_string(line);
}

void ThrowCuda(cudaError_t status, const char* call, const char* file, int line) {
  // Clear a non-sticky error so that the library keeps working after, e.g., out of memory.
  cudaGetLastError();
  const ErrorCode code = status == cudaErrorMemoryAllocation ? ErrorCode::OutOfMemory : ErrorCode::Cuda;
  throw GpuError(code, std::string(call) + " failed: " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) +
                 ") at " + Where(file, line));
}

}  // namespace nc::cuda
