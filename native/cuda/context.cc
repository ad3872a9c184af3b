// Probing the GPU (driver → devices → libraries) and the process's one GPU context.
#include "cuda/context.h"

#include <cstdint>
#include <memory>
#include <string>

#include "cuda/cuda.h"

namespace nc::cuda {

namespace {

// Guarded by GpuMutex(), as is everything in this backend.
Context* context = nullptr;
bool allowTf32 = true;

// Destroys what a (possibly partly made) context holds. Errors are ignored: this runs on failure
// paths and at exit, where there is nothing better to do than go on.
void Destroy(Context* c) noexcept {
  if (c->stream) cudaStreamSynchronize(c->stream);
  if (c->cublas) c->libs->cublas.cublasDestroy_v2(c->cublas);
  if (c->cudnn) c->libs->cudnn.cudnnDestroy(c->cudnn);
  if (c->stream) cudaStreamDestroy(c->stream);
  cudaGetLastError();
  delete c;
}

// Names of cuBLAS's status codes (cublasGetStatusString gives only the sentence).
const char* CublasStatusName(int status) {
  switch (status) {
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "unknown cuBLAS status";
  }
}

std::string VersionText(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

Status ProbeOnce() {
  Status s;
  cudaRuntimeGetVersion(&s.runtimeVersion);
  const bool driver = cudaDriverGetVersion(&s.driverVersion) == cudaSuccess && s.driverVersion != 0;
  // Libraries are looked for even without a driver, so backendInfo() can say what it found.
  std::string libraryReason;
  const Libraries* libs = LoadLibraries(&libraryReason);
  if (libs) {
    s.cudnnPath = libs->cudnnFolder;
    s.cublasPath = libs->cublasFolder;
    s.cudnnVersion = libs->cudnnVersion;
    s.cublasVersion = libs->cublasVersion;
    s.warning = libs->warning;
  }
  if (!driver) {
    s.reason = "no NVIDIA driver found (libcuda.so.1 is not loadable); install the NVIDIA driver for CUDA " +
               VersionText(s.runtimeVersion) + " or newer";
    if (!libs) s.reason += ". Also: " + libraryReason;
    return s;
  }
  cudaError_t e = cudaGetDeviceCount(&s.deviceCount);
  if (e != cudaSuccess || s.deviceCount == 0) {
    cudaGetLastError();
    s.reason = e == cudaErrorInsufficientDriver
                   ? "the NVIDIA driver supports CUDA " + VersionText(s.driverVersion) + " but this build needs CUDA " +
                         VersionText(s.runtimeVersion) + "; update the driver"
                   : "no CUDA device found (" + std::string(cudaGetErrorString(e)) + ")";
    s.deviceCount = 0;
    return s;
  }
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
    s.deviceName = prop.name;
    s.totalMemory = prop.totalGlobalMem;
    s.computeCapability = prop.major * 10 + prop.minor;
  }
  if (!libs) {
    s.reason = libraryReason;
    return s;
  }
  s.available = true;
  return s;
}

}  // namespace

const Status& Probe() {
  static const Status status = ProbeOnce();
  return status;
}

void RequireAvailable() {
  const Status& s = Probe();
  if (!s.available) throw GpuError("no usable GPU: " + s.reason);
}

// Threads (worker_threads) share this one context under GpuMutex(): one stream, one cuDNN and one
// cuBLAS handle. A cuDNN or cuBLAS handle must not be used by two threads at once, and work on one
// GPU is serialised anyway, so per-thread handles and streams would buy little and cost memory and
// cross-stream ordering for tensors passed between threads. The lock is held for whole backend
// calls (not single library calls) because a call's steps share plan caches and scratch memory.
std::recursive_mutex& GpuMutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

// Made all at once: if a step fails, what was made is destroyed and the error names the failing call.
// A failure is not remembered: the next GPU call tries again (cublasCreate can fail for want of
// memory and succeed later; a permanent failure costs one quick failed try per call, which fails
// anyway).
Context& Ctx() {
  if (context) return *context;
  RequireAvailable();
  std::unique_ptr<Context, void (*)(Context*)> c(new Context(), Destroy);
  c->libs = LoadLibraries(nullptr);
  try {
    const CudnnApi& cudnn = c->libs->cudnn;
    const CublasApi& cublas = c->libs->cublas;
    CUDA_CHECK(cudaSetDevice(c->device));
    CUDA_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
    // Freed memory stays in the stream-ordered pool instead of going back to the driver at each
    // synchronisation: a training step frees and reallocates the same sizes every batch, and memory
    // from the driver costs a mapping each time. What is kept goes back when an allocation fails
    // (Alloc) and before algorithm searches (TrimPool).
    cudaMemPool_t pool;
    CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, c->device));
    uint64_t keepAll = UINT64_MAX;
    CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keepAll));
    CUDNN_CHECK(cudnn.cudnnCreate(&c->cudnn));
    CUDNN_CHECK(cudnn.cudnnSetStream(c->cudnn, c->stream));
    CUBLAS_CHECK(cublas.cublasCreate_v2(&c->cublas));
    CUBLAS_CHECK(cublas.cublasSetStream_v2(c->cublas, c->stream));
    CUBLAS_CHECK(cublas.cublasSetMathMode(c->cublas, allowTf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  } catch (const GpuError& e) {
    throw GpuError(std::string("setting up gpu:0 failed (nothing kept; the next GPU call tries again): ") + e.what());
  }
  context = c.release();
  return *context;
}

bool Live() { return context != nullptr; }

void Shutdown() {
  if (!context) return;
  Destroy(context);
  context = nullptr;
}

void SetAllowTf32(bool allow) {
  allowTf32 = allow;
  if (context) {
    CUBLAS_CHECK(context->libs->cublas.cublasSetMathMode(context->cublas,
                                                         allow ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  }
}

bool AllowTf32() { return allowTf32; }

void ThrowCudnn(int status, const char* call, const char* file, int line) {
  const Libraries* libs = LoadLibraries(nullptr);  // also while Ctx() is being made
  std::string text = libs ? libs->cudnn.cudnnGetErrorString(static_cast<cudnnStatus_t>(status)) : "";
  throw GpuError(std::string(call) + " failed: cuDNN status " + std::to_string(status) + " (" + text + ") at " +
                 Where(file, line));
}

void ThrowCublas(int status, const char* call, const char* file, int line) {
  const Libraries* libs = LoadLibraries(nullptr);  // also while Ctx() is being made
  std::string text = libs ? libs->cublas.cublasGetStatusString(static_cast<cublasStatus_t>(status)) : "";
  throw GpuError(std::string(call) + " failed: " + CublasStatusName(status) + " (cuBLAS status " +
                 std::to_string(status) + ": " + text + ") at " + Where(file, line));
}

}  // namespace nc::cuda
