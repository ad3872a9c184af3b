// Probing the GPU (driver → devices → libraries) and the process's one GPU context.
#include "cuda/context.h"

#include <cstdint>
#include <string>

#include "cuda/cuda.h"

namespace nc::cuda {

namespace {

Context* context = nullptr;
bool shutDown = false;
bool allowTf32 = true;

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
