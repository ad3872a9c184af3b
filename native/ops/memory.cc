// Allocation, host copies and reports.
#include <dnnl.h>

#include <cstring>

#include "cpu/cpu.h"
#include "ops/ops.h"

namespace nc::ops {

namespace {
// Far beyond any real tensor; stops a mistaken size before it reaches the allocator.
constexpr int64_t kMaxAllocation = int64_t{1} << 40;
}  // namespace

void RequireBackend(const Args& args, const std::string& device) {
  if (device != "cpu") {
    args.rangeError("no backend for device '" + device + "' in this build (only 'cpu')");
  }
}

Napi::Value Alloc(const Args& args) {
  args.requireCount(2);
  std::string device = args.string(0, "device");
  RequireBackend(args, device);
  int64_t bytes = args.integer(1, "byteLength", 1, kMaxAllocation);
  return Storage::Allocate(args.env(), device, static_cast<size_t>(bytes));
}

namespace {
// Reads a Float32Array argument (the host side of a copy).
Napi::Float32Array ReadFloat32Array(const Args& args, Napi::Value v, const char* name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    args.invalid(name, "a Float32Array", v, false);
  }
  return v.As<Napi::Float32Array>();
}
}  // namespace

Napi::Value Upload(const Args& args) {
  args.requireCount(2);
  Storage* dst = args.storage(0, "dst", false);
  Napi::Float32Array src = ReadFloat32Array(args, args.value(1), "src");
  if (src.ByteLength() > dst->bytes()) {
    args.rangeError("src holds " + std::to_string(src.ByteLength()) + " bytes but dst only " +
                    std::to_string(dst->bytes()));
  }
  std::memcpy(dst->data(), src.Data(), src.ByteLength());
  return args.env().Undefined();
}

Napi::Value UploadBytes(const Args& args) {
  args.requireCount(3);
  Storage* dst = args.storage(0, "dst", false);
  Napi::Value v = args.value(1);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    args.invalid("src", "a Uint8Array", v, false);
  }
  Napi::Uint8Array src = v.As<Napi::Uint8Array>();
  const double scale = args.number(2, "scale");
  if (src.ElementLength() * sizeof(float) > dst->bytes()) {
    args.rangeError("src holds " + std::to_string(src.ElementLength()) + " values but dst only " +
                    std::to_string(dst->bytes() / sizeof(float)));
  }
  RequireBackend(args, dst->device());
  cpu::BytesToFloat(static_cast<int64_t>(src.ElementLength()), src.Data(), static_cast<float*>(dst->data()),
                    static_cast<float>(scale));
  return args.env().Undefined();
}

Napi::Value Download(const Args& args) {
  args.requireCount(2);
  Storage* src = args.storage(0, "src", false);
  Napi::Float32Array dst = ReadFloat32Array(args, args.value(1), "dst");
  if (dst.ByteLength() > src->bytes()) {
    args.rangeError("dst asks for " + std::to_string(dst.ByteLength()) + " bytes but src holds only " +
                    std::to_string(src->bytes()));
  }
  std::memcpy(dst.Data(), src->data(), dst.ByteLength());
  return args.env().Undefined();
}

Napi::Value MemoryInfo(const Args& args) {
  args.requireCount(1);
  std::string device = args.string(0, "device");
  const MemoryStats& s = Storage::Stats(device);
  Napi::Object out = Napi::Object::New(args.env());
  out.Set("device", device);
  out.Set("liveBuffers", static_cast<double>(s.liveBuffers));
  out.Set("liveBytes", static_cast<double>(s.liveBytes));
  out.Set("peakBytes", static_cast<double>(s.peakBytes));
  return out;
}

Napi::Value BackendInfo(const Args& args) {
  args.requireCount(0);
  Napi::Env env = args.env();
  Napi::Object cpuInfo = Napi::Object::New(env);
  const dnnl_version_t* v = dnnl_version();
  cpuInfo.Set("engine", std::string(cpu::EngineName()) + " " + std::to_string(v->major) + "." +
                            std::to_string(v->minor) + "." + std::to_string(v->patch));
  cpuInfo.Set("threads", cpu::Threads());
  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("compiled", false);
  cuda.Set("available", false);
  cuda.Set("reason", "this build has no CUDA backend (it is not written yet)");
  Napi::Object out = Napi::Object::New(env);
  out.Set("version", "0.1.0");
  out.Set("cpu", cpuInfo);
  out.Set("cuda", cuda);
  return out;
}

}  // namespace nc::ops
