// Probing the GPU (driver → devices → libraries) and the process's one GPU context.
#include "cuda/context.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
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

// CMakeLists.txt's CUDA_ARCHITECTURES start at 75 (Turing): older GPUs have no kernel image to run.
constexpr int kMinComputeCapability = 75;

// The oldest driver a runtime of this CUDA major runs on (minor-version compatibility: any driver for
// MAJOR.0), as NVIDIA's compatibility table gives it.
struct MinDriver {
  int cudaVersion;
  const char* release;
  const char* advice;  // what "install a driver ..." adds
};
MinDriver MinDriverFor(int runtimeVersion) {
  switch (runtimeVersion / 1000) {
    case 11: return {11000, "450.80.02", "R450+; any 11.x, 12.x or 13.x driver works"};
    case 12: return {12000, "525.60.13", "R525+; any 12.x or 13.x driver works"};
    default: return {runtimeVersion / 1000 * 1000, "580.65.06", "R580+"};
  }
}

// The kernel module's version ("550.54.15") from /proc/driver/nvidia/version, or "".
std::string DriverRelease() {
  FILE* f = fopen("/proc/driver/nvidia/version", "r");
  if (!f) return "";
  char line[512] = {};
  const bool read = fgets(line, sizeof line, f) != nullptr;
  fclose(f);
  if (!read) return "";
  // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 ..." or, for the open
  // modules, "... Open Kernel Module for x86_64  580.159.04  Release Build ...": the first word
  // after "Kernel Module" that starts with a digit.
  const char* p = strstr(line, "Kernel Module");
  if (!p) return "";
  std::istringstream words(p + strlen("Kernel Module"));
  for (std::string word; words >> word;)
    if (isdigit(static_cast<unsigned char>(word[0]))) return word;
  return "";
}

Status ProbeOnce() {
  Status s;
  cudaRuntimeGetVersion(&s.runtimeVersion);
  const MinDriver need = MinDriverFor(s.runtimeVersion);
  s.minDriverVersion = need.cudaVersion;
  s.minDriverRelease = need.release;
  const std::string install = "install an NVIDIA driver for CUDA " + VersionText(need.cudaVersion) +
                              " or newer (" + need.advice + ")";
  const bool driver = cudaDriverGetVersion(&s.driverVersion) == cudaSuccess && s.driverVersion != 0;
  s.driverRelease = DriverRelease();
  // Libraries are looked for even without a driver, so backendInfo() can say what it found.
  std::string libraryReason;
  const Libraries* libs = LoadLibraries(&libraryReason);
  if (libs) {
    s.cudnnPath = libs->cudnnFolder;
    s.cublasPath = libs->cublasFolder;
    s.cudnnVersion = libs->cudnnVersion;
    s.cublasVersion = libs->cublasVersion;
    s.nvrtcPath = libs->nvrtcFolder;
    s.nvrtcVersion = libs->nvrtcVersion;
    s.warning = libs->warning;
  }
  // Without a usable driver or device the libraries cannot start either; show cuBLAS's own answer
  // (no context is created: there is nothing to create it on).
  auto librariesToo = [&]() -> std::string {
    if (!libs) return ". Also: " + libraryReason;
    cublasHandle_t handle = nullptr;
    const cublasStatus_t status = libs->cublas.cublasCreate_v2(&handle);
    if (status == CUBLAS_STATUS_SUCCESS) {
      libs->cublas.cublasDestroy_v2(handle);
      return ".";
    }
    auto text = [](size_t v) {  // MAJOR*10000 + MINOR*100 + PATCH
      return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
    };
    return ". cuBLAS " + text(libs->cublasVersion) + " (in " + libs->cublasFolder + ") and cuDNN " +
           text(libs->cudnnVersion) + " (in " + libs->cudnnFolder + ") were found but cannot start either: "
           "cublasCreate failed with status " + std::to_string(status) + " (" +
           libs->cublas.cublasGetStatusString(status) + ").";
  };
  if (!driver) {
    s.reason = "no NVIDIA driver found (libcuda.so.1 is not loadable); " + install + librariesToo();
    return s;
  }
  const std::string release = s.driverRelease.empty() ? "" : " " + s.driverRelease;
  if (s.driverVersion < need.cudaVersion) {
    s.reason = "the NVIDIA driver" + release + " supports CUDA " + VersionText(s.driverVersion) +
               ", but this build (CUDA " + VersionText(s.runtimeVersion) + ") needs CUDA " +
               VersionText(need.cudaVersion) + " or newer; update it: " + install + librariesToo();
    return s;
  }
  cudaError_t e = cudaGetDeviceCount(&s.deviceCount);
  if (e != cudaSuccess || s.deviceCount == 0) {
    cudaGetLastError();
    s.reason = e == cudaErrorInsufficientDriver
                   ? "the NVIDIA driver" + release + " supports CUDA " + VersionText(s.driverVersion) +
                         ", too old for this build (CUDA " + VersionText(s.runtimeVersion) + "); update it: " + install
                   : "no CUDA device found (" + std::string(cudaGetErrorString(e)) + ")";
    s.reason += librariesToo();
    s.deviceCount = 0;
    return s;
  }
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
    s.deviceName = prop.name;
    s.totalMemory = prop.totalGlobalMem;
    s.computeCapability = prop.major * 10 + prop.minor;
  }
  if (s.computeCapability != 0 && s.computeCapability < kMinComputeCapability) {
    s.reason = "the GPU " + s.deviceName + " has compute capability " + std::to_string(prop.major) + "." +
               std::to_string(prop.minor) + ", but this build has no kernel image for it: its machine code is "
               "for 7.5 (Turing) to 9.0 (Hopper), plus PTX for newer GPUs; a GPU of compute capability 7.5 or "
               "newer is needed";
    return s;
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
  if (!s.available) throw GpuError(ErrorCode::Device, "no usable GPU: " + s.reason);
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
    size_t freeBytes = 0;
    CUDA_CHECK(cudaMemGetInfo(&freeBytes, &c->totalBytes));
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
    throw GpuError(e.code(), std::string("setting up gpu:0 failed (nothing kept; the next GPU call tries again): ") + e.what());
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
  const bool outOfMemory = status == CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED ||
                           status == CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
  throw GpuError(outOfMemory ? ErrorCode::OutOfMemory : ErrorCode::Cudnn,
                 std::string(call) + " failed: cuDNN status " + std::to_string(status) + " (" + text + ") at " +
                 Where(file, line));
}

void ThrowCublas(int status, const char* call, const char* file, int line) {
  const Libraries* libs = LoadLibraries(nullptr);  // also while Ctx() is being made
  std::string text = libs ? libs->cublas.cublasGetStatusString(static_cast<cublasStatus_t>(status)) : "";
  throw GpuError(status == CUBLAS_STATUS_ALLOC_FAILED ? ErrorCode::OutOfMemory : ErrorCode::Cublas,
                 std::string(call) + " failed: " + CublasStatusName(status) + " (cuBLAS status " +
                 std::to_string(status) + ": " + text + ") at " + Where(file, line));
}

}  // namespace nc::cuda
