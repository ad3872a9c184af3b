#include "storage.h"

#include <cstdlib>
#include <map>

#include "args.h"
#include "cpu/host_memory.h"
#include "cpu/layouts.h"

#if NC_WITH_CUDA
#include "cuda/cuda.h"
#endif

namespace nc {

namespace {
// Distinguishes our Storage objects from any other wrapped object passed in from JS.
const napi_type_tag kStorageTag = {0x6e6f64652d637564ULL, 0x6e6e2d73746f7261ULL};
// Per JS environment (main thread or worker): each thread counts its own tensors, with no lock.
struct AddonData {
  Napi::FunctionReference constructor;
  std::map<std::string, MemoryStats> stats;
};

MemoryStats& StatsOf(Napi::Env env, const std::string& device) {
  // Node runs the finalizers before it deletes the instance data; the fallback is for safety only.
  thread_local MemoryStats uncounted;
  auto* data = env.GetInstanceData<AddonData>();
  return data ? data->stats[device] : uncounted;
}
}  // namespace

void Storage::Init(Napi::Env env) {
  Napi::Function ctor = DefineClass(env, "Storage", {
      InstanceAccessor<&Storage::GetDevice>("device"),
      InstanceAccessor<&Storage::GetByteLength>("byteLength"),
      InstanceAccessor<&Storage::GetDisposed>("disposed"),
      InstanceMethod<&Storage::Dispose>("dispose"),
  });
  auto* data = new AddonData();
  data->constructor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(data);
}

Napi::Object Storage::Allocate(Napi::Env env, const std::string& device, size_t bytes) {
  // The constructor refuses calls from JS; the external pointer below is the native-only key.
  static int nativeKey;
  auto* data = env.GetInstanceData<AddonData>();
  Napi::Object obj = data->constructor.New({Napi::External<int>::New(env, &nativeKey)});
  Storage* self = Storage::Unwrap(obj);
  void* p = nullptr;
  if (device == "cpu") {
    // A request beyond what the system can give fails here, named, instead of being granted by
    // overcommit and killing the process when its pages are touched.
    constexpr size_t kCheckAbove = size_t{64} << 20;
    const int64_t available = bytes >= kCheckAbove ? cpu::HostAvailableBytes() + cpu::HostCachedBytes() : -1;
    if (available < 0 || bytes <= static_cast<size_t>(available)) p = cpu::HostAlloc(bytes);
    if (p == nullptr) {
      const int64_t left = available >= 0 ? available : cpu::HostAvailableBytes();
      throw WithCode(Napi::RangeError::New(env, "alloc: out of host memory: cannot allocate " + std::to_string(bytes) +
                                                    " bytes on cpu (" + (left >= 0 ? std::to_string(left) : "unknown") +
                                                    " bytes available: MemAvailable + SwapFree + cached)"),
                     ErrorCode::OutOfMemory);
    }
  } else {
#if NC_WITH_CUDA
    cuda::GpuLock lock;
    p = cuda::Alloc(bytes);  // GpuError names the bytes asked for and free
    self->gcBytes_ = cuda::GcWeightedBytes(bytes);
#else
    throw WithCode(Napi::RangeError::New(env, "alloc: no device '" + device + "' in this build"), ErrorCode::Device);
#endif
  }
  self->data_ = p;
  self->bytes_ = bytes;
  self->device_ = device;
  MemoryStats& s = StatsOf(env, device);
  s.liveBuffers += 1;
  s.liveBytes += static_cast<int64_t>(bytes);
  if (s.liveBytes > s.peakBytes) s.peakBytes = s.liveBytes;
  // Host and device bytes count against V8's external-memory budget, so that the GC collects
  // forgotten tensors before either memory runs out (device bytes scaled: see GcWeightedBytes).
  if (device == "cpu") self->gcBytes_ = static_cast<int64_t>(bytes);
  Napi::MemoryManagement::AdjustExternalMemory(env, self->gcBytes_);
  return obj;
}

Storage::Storage(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Storage>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw WithCode(Napi::TypeError::New(info.Env(), "Storage: not constructible from JavaScript; use alloc(device, bytes)"),
                   ErrorCode::Argument);
  }
  info.This().As<Napi::Object>().TypeTag(&kStorageTag);
}

Storage::~Storage() { Free(Env(), /*quietly=*/true); }

Storage* Storage::Unwrap(Napi::Value value) {
  if (!value.IsObject()) return nullptr;
  Napi::Object obj = value.As<Napi::Object>();
  if (!obj.CheckTypeTag(&kStorageTag)) return nullptr;
  return Napi::ObjectWrap<Storage>::Unwrap(obj);
}

void* Storage::data() const {
  if (data_ != nullptr && device_ == "cpu") cpu::MakePlain(data_);
  return data_;
}

const MemoryStats& Storage::Stats(Napi::Env env, const std::string& device) { return StatsOf(env, device); }

void Storage::Free(Napi::Env env, bool quietly) {
  if (data_ == nullptr) return;
  void* p = data_;
  data_ = nullptr;
  MemoryStats& s = StatsOf(env, device_);
  s.liveBuffers -= 1;
  s.liveBytes -= static_cast<int64_t>(bytes_);
  Napi::MemoryManagement::AdjustExternalMemory(env, -gcBytes_);
  if (device_ == "cpu") {
    cpu::ForgetLayout(p);
    cpu::HostFree(p, bytes_);
    return;
  }
#if NC_WITH_CUDA
  // A finalizer must not throw; dispose() reports a failure. The lock is recursive, so a finalizer
  // run on a thread that holds it already cannot deadlock (none does today: GPU calls run no JS).
  cuda::GpuLock lock;
  if (quietly) cuda::FreeQuietly(p);
  else cuda::Free(p, bytes_);
#else
  static_cast<void>(quietly);
#endif
}

Napi::Value Storage::GetDevice(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), device_); }
Napi::Value Storage::GetByteLength(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(bytes_));
}
Napi::Value Storage::GetDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), disposed()); }
Napi::Value Storage::Dispose(const Napi::CallbackInfo& info) {
  if (pins_ > 0) {
    throw WithCode(Napi::Error::New(info.Env(), std::string("dispose: this tensor is in use by ") + pinnedBy_ +
                                                    ", which is reading its arguments; dispose it after that call returns"),
                   ErrorCode::Argument);
  }
  Free(info.Env(), /*quietly=*/false);
  return info.Env().Undefined();
}

}  // namespace nc
