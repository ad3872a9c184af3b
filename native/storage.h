// Storage: a block of native memory on one device, owned by a JS object.
// dispose() frees it at once; the finalizer frees what JS forgot. Every allocation is reported
// to V8 as external memory so that garbage collection keeps pace with native memory.
#pragma once
#include <napi.h>
#include <cstddef>
#include <cstdint>
#include <string>

namespace nc {

struct MemoryStats {
  int64_t liveBuffers = 0;
  int64_t liveBytes = 0;
  int64_t peakBytes = 0;
};

class Storage : public Napi::ObjectWrap<Storage> {
 public:
  static void Init(Napi::Env env);
  // Allocates `bytes` on `device` ("cpu") and returns the wrapping JS object.
  static Napi::Object Allocate(Napi::Env env, const std::string& device, size_t bytes);
  // The Storage behind `value`, or nullptr when `value` is not one (checked by type tag).
  static Storage* Unwrap(Napi::Value value);
  // Live tensors and bytes on `device` allocated by this JS environment (thread).
  static const MemoryStats& Stats(Napi::Env env, const std::string& device);

  explicit Storage(const Napi::CallbackInfo& info);
  ~Storage() override;

  // The tensor's bytes in plain row-major order: a CPU tensor that a layout-aware op left in one
  // of oneDNN's layouts is turned back first (cpu/layouts.h).
  void* data() const;
  // The bytes as they are, in whatever layout: for layout-aware CPU ops only (Args::layoutTensor).
  void* rawData() const { return data_; }
  size_t bytes() const { return bytes_; }
  bool disposed() const { return data_ == nullptr; }
  const std::string& device() const { return device_; }

  // While a native call works on this storage (pinned by its Args), dispose() refuses: a getter or
  // callback run while the call reads its arguments must not free memory the call will use.
  void Pin(const char* op) {
    ++pins_;
    pinnedBy_ = op;
  }
  void Unpin() { --pins_; }

 private:
  Napi::Value GetDevice(const Napi::CallbackInfo& info);
  Napi::Value GetByteLength(const Napi::CallbackInfo& info);
  Napi::Value GetDisposed(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  void Free(Napi::Env env, bool quietly);

  void* data_ = nullptr;
  size_t bytes_ = 0;
  int64_t gcBytes_ = 0;  // what bytes_ counts for in V8's external memory
  std::string device_;
  int pins_ = 0;
  const char* pinnedBy_ = nullptr;
};

}  // namespace nc
