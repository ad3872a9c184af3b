// Probing the GPU (driver → devices → libraries) and the process's one GPU context.
#include "cuda/context.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "cuda/cuda.h"

namespace nc::cuda {

namespace {

Context* context = nullptr;
bool shutDown = false;
bool allowTf32 = true;

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
  // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 ..."
  const char* p = strstr(line, "Kernel Module");
  char release[64] = {};
  if (!p || sscanf(p + strlen("Kernel Module"), " %63s", release) != 1) return "";
  return release;
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
  if (!s.available) throw GpuError("no usable GPU: " + s.reason);
}

Context& Ctx() {
  if (context) return *context;
  if (shutDown) throw GpuError("the GPU context was shut down (the process is exiting)");
  RequireAvailable();
  auto* c = new Context();
  c->libs = LoadLibraries(nullptr);
  CUDA_CHECK(cudaSetDevice(c->device));
  CUDA_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
  // Keep freed memory in the stream-ordered pool instead of returning it to the driver at each sync.
  cudaMemPool_t pool;
  CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, c->device));
  uint64_t keepAll = UINT64_MAX;
  CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keepAll));
  CUDNN_CHECK(c->libs->cudnn.cudnnCreate(&c->cudnn));
  CUDNN_CHECK(c->libs->cudnn.cudnnSetStream(c->cudnn, c->stream));
  CUBLAS_CHECK(c->libs->cublas.cublasCreate_v2(&c->cublas));
  CUBLAS_CHECK(c->libs->cublas.cublasSetStream_v2(c->cublas, c->stream));
  CUBLAS_CHECK(c->libs->cublas.cublasSetMathMode(c->cublas, allowTf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  context = c;
  return *context;
}

bool ShutDown() { return shutDown; }

void Shutdown() {
  shutDown = true;
  if (!context) return;
  // Errors are ignored here: the process is exiting and there is no JS left to report them to.
  cudaStreamSynchronize(context->stream);
  context->libs->cublas.cublasDestroy_v2(context->cublas);
  context->libs->cudnn.cudnnDestroy(context->cudnn);
  cudaStreamDestroy(context->stream);
  delete context;
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
  const Libraries* libs = context ? context->libs : nullptr;
  std::string text = libs ? libs->cudnn.cudnnGetErrorString(static_cast<cudnnStatus_t>(status)) : "";
  throw GpuError(std::string(call) + " failed: cuDNN status " + std::to_string(status) + " (" + text + ") at " +
                 Where(file, line));
}

void ThrowCublas(int status, const char* call, const char* file, int line) {
  const Libraries* libs = context ? context->libs : nullptr;
  std::string text = libs ? libs->cublas.cublasGetStatusString(static_cast<cublasStatus_t>(status)) : "";
  throw GpuError(std::string(call) + " failed: cuBLAS status " + std::to_string(status) + " (" + text + ") at " +
                 Where(file, line));
}

}  // namespace nc::cuda
