// Device selection, allocation, host copies and reports.
#include <dnnl.h>

#include <chrono>
#include <cstring>

#include "cpu/host_memory.h"
#include "cpu/layouts.h"
#include "ops/ops.h"

namespace nc::ops {

namespace {
// Far beyond any real tensor; stops a mistaken size before it reaches the allocator.
constexpr int64_t kMaxAllocation = int64_t{1} << 40;

// Reads a Float32Array argument (the host side of a copy).
Napi::Float32Array ReadFloat32Array(const Args& args, Napi::Value v, const char* name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    args.invalid(name, "a Float32Array", v, false);
  }
  return v.As<Napi::Float32Array>();
}
}  // namespace

Backend BackendFor(const Args& args, const std::string& device) {
  if (device == "cpu") return Backend::Cpu;
#if NC_WITH_CUDA
  if (device == "gpu:0") {
    const cuda::Status& status = cuda::Probe();
    if (!status.available) args.rangeError("the GPU cannot be used: " + status.reason, ErrorCode::Device);
    return Backend::Gpu;
  }
  if (device.rfind("gpu:", 0) == 0) args.rangeError("device '" + device + "': this build drives gpu:0 only", ErrorCode::Device);
  args.rangeError("unknown device '" + device + "' (expected 'cpu' or 'gpu:0')", ErrorCode::Device);
#else
  args.rangeError("no backend for device '" + device + "' in this build (it was compiled without CUDA: only 'cpu')", ErrorCode::Device);
#endif
}

void ReportRecordedLabelError([[maybe_unused]] const Args& args) {
#if NC_WITH_CUDA
  const int64_t bad = (cuda::GpuLock{}, cuda::TakeRecordedBadLabel());
  if (bad >= 0) {
    args.rangeError("an earlier softmaxCrossEntropy on the GPU had labels[" + std::to_string(bad) +
                    "] that is not a class index (GPU work runs ahead of JavaScript, so it is reported at this read)");
  }
#endif
}

Napi::Value Alloc(const Args& args) {
  std::string device = args.string(0, "device");
  BackendFor(args, device);
  int64_t bytes = args.integer(1, "byteLength", 1, kMaxAllocation);
  return Storage::Allocate(args.env(), device, static_cast<size_t>(bytes));
}

// An upload fills the whole storage: a shorter source would leave the tail holding whatever the
// block held before (another tensor's freed values, from the host cache). The length is read here,
// after every argument was read (a getter may have detached the source's buffer, which makes its
// length 0), right before the copy, whatever the JS side checked.
void RequireSameBytes(const Args& args, size_t srcBytes, const Storage* dst) {
  if (srcBytes != dst->bytes()) {
    args.rangeError("src fills " + std::to_string(srcBytes) + " bytes as floats but dst holds " +
                    std::to_string(dst->bytes()) + " bytes (an upload fills the whole tensor)", ErrorCode::Shape);
  }
}

Napi::Value Upload(const Args& args) {
  Storage* dst = args.storage(0, "dst", false);
  Napi::Float32Array src = ReadFloat32Array(args, args.value(1), "src");
  RequireSameBytes(args, src.ByteLength(), dst);
#if NC_WITH_CUDA
  if (BackendFor(args, dst->device()) == Backend::Gpu) {
    cuda::GpuLock lock;
    cuda::Upload(dst->data(), src.Data(), src.ByteLength());
    return args.env().Undefined();
  }
#endif
  std::memcpy(dst->data(), src.Data(), src.ByteLength());
  return args.env().Undefined();
}

Napi::Value UploadBytes(const Args& args) {
  Storage* dst = args.storage(0, "dst", false);
  Napi::Value v = args.value(1);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    args.invalid("src", "a Uint8Array", v, false);
  }
  Napi::Uint8Array src = v.As<Napi::Uint8Array>();
  const double scale = args.number(2, "scale");
  RequireSameBytes(args, src.ElementLength() * sizeof(float), dst);  // each byte becomes one float
  const auto n = static_cast<int64_t>(src.ElementLength());
  auto* out = static_cast<float*>(dst->data());
#if NC_WITH_CUDA
  if (BackendFor(args, dst->device()) == Backend::Gpu) {
    cuda::GpuLock lock;
    cuda::UploadBytesAsFloat(out, src.Data(), n, static_cast<float>(scale));
    return args.env().Undefined();
  }
#endif
  cpu::BytesToFloat(n, src.Data(), out, static_cast<float>(scale));
  return args.env().Undefined();
}

Napi::Value Download(const Args& args) {
  Storage* src = args.storage(0, "src", false);
  Napi::Float32Array dst = ReadFloat32Array(args, args.value(1), "dst");
  if (dst.ByteLength() > src->bytes()) {
    args.rangeError("dst asks for " + std::to_string(dst.ByteLength()) + " bytes but src holds only " +
                    std::to_string(src->bytes()), ErrorCode::Shape);
  }
#if NC_WITH_CUDA
  if (BackendFor(args, src->device()) == Backend::Gpu) {
    cuda::GpuLock lock;  // held through the label check too: it reads what this download waited for
    cuda::Download(dst.Data(), src->data(), dst.ByteLength());
    ReportRecordedLabelError(args);
    return args.env().Undefined();
  }
#endif
  std::memcpy(dst.Data(), src->data(), dst.ByteLength());
  return args.env().Undefined();
}

// The layout a tensor's bytes are in: 'plain', or the oneDNN layout a CPU op left it in.
Napi::Value TensorLayout(const Args& args) {
  TensorArg t = args.layoutTensor(0, "t", 0);
  return Napi::String::New(args.env(), t.device == "cpu" ? cpu::LayoutName(t.data) : "plain");
}

Napi::Value MemoryInfo(const Args& args) {
  std::string device = args.string(0, "device");
  const Backend backend = BackendFor(args, device);
  const MemoryStats& s = Storage::Stats(args.env(), device);
  Napi::Object out = Napi::Object::New(args.env());
  out.Set("device", device);
  out.Set("liveBuffers", static_cast<double>(s.liveBuffers));
  out.Set("liveBytes", static_cast<double>(s.liveBytes));
  out.Set("peakBytes", static_cast<double>(s.peakBytes));
  if (backend == Backend::Cpu) out.Set("cachedBytes", static_cast<double>(cpu::HostCachedBytes()));
#if NC_WITH_CUDA
  if (backend == Backend::Gpu) {
    const cuda::DeviceMemory m = (cuda::GpuLock{}, cuda::MemoryReport());
    out.Set("deviceFreeBytes", static_cast<double>(m.freeBytes));
    out.Set("deviceTotalBytes", static_cast<double>(m.totalBytes));
    out.Set("poolReservedBytes", static_cast<double>(m.poolReservedBytes));
  }
#else
  static_cast<void>(backend);
#endif
  return out;
}

// Gives cached blocks back to the system: on the CPU those idle for at least idleMs, on the GPU
// everything CUDA's pool holds unused.
Napi::Value EmptyCache(const Args& args) {
  std::string device = args.string(0, "device");
  const Backend backend = BackendFor(args, device);
  const int64_t idleMs = args.integer(1, "idleMs", 0, int64_t{1} << 50);
  if (backend == Backend::Cpu) {
    cpu::HostTrimCache(std::chrono::milliseconds{idleMs});
    return args.env().Undefined();
  }
#if NC_WITH_CUDA
  // CUDA's pool does not say how long a block has been free: on the GPU everything unused goes.
  cuda::GpuLock lock;
  cuda::TrimPool();
#endif
  return args.env().Undefined();
}

Napi::Value SetGpuPrecision(const Args& args) {
  const bool tf32 = args.choice(0, "precision", {"tf32", "fp32"}) == "tf32";
#if NC_WITH_CUDA
  cuda::GpuLock lock;
  cuda::SetAllowTf32(tf32);
#else
  static_cast<void>(tf32);
#endif
  return args.env().Undefined();
}

Napi::Value BackendInfo(const Args& args) {
  Napi::Env env = args.env();
  Napi::Object cpuInfo = Napi::Object::New(env);
  const dnnl_version_t* v = dnnl_version();
  cpuInfo.Set("engine", std::string(cpu::EngineName()) + " " + std::to_string(v->major) + "." +
                            std::to_string(v->minor) + "." + std::to_string(v->patch));
  cpuInfo.Set("threads", cpu::Threads());
  Napi::Object cudaInfo = Napi::Object::New(env);
#if NC_WITH_CUDA
  const cuda::Status& s = cuda::Probe();
  cudaInfo.Set("compiled", true);
  cudaInfo.Set("available", s.available);
  cudaInfo.Set("reason", s.reason);
  if (!s.warning.empty()) cudaInfo.Set("warning", s.warning);
  cudaInfo.Set("precision", (cuda::GpuLock{}, cuda::AllowTf32()) ? "tf32" : "fp32");
  cudaInfo.Set("runtimeVersion", s.runtimeVersion);
  cudaInfo.Set("driverVersion", s.driverVersion);
  if (!s.driverRelease.empty()) cudaInfo.Set("driverRelease", s.driverRelease);
  Napi::Object minDriver = Napi::Object::New(env);
  minDriver.Set("cudaVersion", s.minDriverVersion);
  minDriver.Set("release", s.minDriverRelease);
  cudaInfo.Set("minimumDriver", minDriver);
  cudaInfo.Set("deviceCount", s.deviceCount);
  if (!s.deviceName.empty()) {
    Napi::Object device = Napi::Object::New(env);
    device.Set("name", s.deviceName);
    device.Set("memoryBytes", static_cast<double>(s.totalMemory));
    device.Set("computeCapability", std::to_string(s.computeCapability / 10) + "." + std::to_string(s.computeCapability % 10));
    cudaInfo.Set("device", device);
  }
  if (s.cudnnVersion) {
    Napi::Object cudnn = Napi::Object::New(env);
    cudnn.Set("version", std::to_string(s.cudnnVersion / 10000) + "." + std::to_string(s.cudnnVersion / 100 % 100) + "." +
                             std::to_string(s.cudnnVersion % 100));
    cudnn.Set("path", s.cudnnPath);
    cudaInfo.Set("cudnn", cudnn);
    Napi::Object cublas = Napi::Object::New(env);
    cublas.Set("version", std::to_string(s.cublasVersion / 10000) + "." + std::to_string(s.cublasVersion / 100 % 100) + "." +
                              std::to_string(s.cublasVersion % 100));
    cublas.Set("path", s.cublasPath);
    cudaInfo.Set("cublas", cublas);
    if (!s.nvrtcPath.empty()) {
      Napi::Object nvrtc = Napi::Object::New(env);
      nvrtc.Set("version", std::to_string(s.nvrtcVersion / 1000) + "." + std::to_string(s.nvrtcVersion % 1000 / 10));
      nvrtc.Set("path", s.nvrtcPath);
      cudaInfo.Set("nvrtc", nvrtc);
    }
  }
#else
  cudaInfo.Set("compiled", false);
  cudaInfo.Set("available", false);
  cudaInfo.Set("reason", "this build of the addon was compiled without CUDA (no nvcc was found by CMake)");
#endif
  Napi::Object out = Napi::Object::New(env);
  out.Set("version", "0.1.0");
  out.Set("cpu", cpuInfo);
  out.Set("cuda", cudaInfo);
  return out;
}

}  // namespace nc::ops
