// The addon's exports, built from the op table (ops/table.h). Every entry goes through Call(), which
// checks the argument count and turns any C++ exception that a backend throws into a JS error
// prefixed with the operation's name: nothing aborts the process.

#include <napi.h>

#include <dlfcn.h>

#include <dnnl.hpp>
#include <new>

#include "ops/ops.h"
#include "storage.h"
#if NC_WITH_CUDA
#include "cuda/cuda.h"
#endif

namespace nc {

namespace {

struct Entry {
  const char* name;
  ops::Handler handler;
  size_t argumentCount;
};

#define NC_ENTRY(jsName, Handler, argumentCount) {#jsName, ops::Handler, argumentCount},
const Entry kEntries[] = {NC_OPS(NC_ENTRY)};
#undef NC_ENTRY

Napi::Value Call(const Napi::CallbackInfo& info) {
  const auto* entry = static_cast<const Entry*>(info.Data());
  cpu::QuietThreadTeam();  // before this thread's first parallel region (cpu/cpu.h)
  Args args(info, entry->name);
  args.requireCount(entry->argumentCount);
  Napi::Env env = info.Env();
  const std::string prefix = std::string(entry->name) + ": ";
  try {
    return entry->handler(args);
  } catch (const Napi::Error&) {
    throw;  // thrown by the argument checks (args.h), code already set
  } catch (const CodedError& e) {
    throw WithCode(Napi::Error::New(env, prefix + e.what()), e.code());
  } catch (const dnnl::error& e) {
    throw WithCode(Napi::Error::New(env, prefix + "oneDNN failed: " + e.what()), ErrorCode::Onednn);
  } catch (const std::bad_alloc&) {
    throw WithCode(Napi::RangeError::New(env, prefix + "out of host memory"), ErrorCode::OutOfMemory);
  } catch (const std::exception& e) {
    throw WithCode(Napi::Error::New(env, prefix + e.what()), ErrorCode::Internal);
  }
}

// Keeps this library loaded for the process's life. Node unloads an addon when the last environment
// that loaded it ends (a worker's exit or terminate()), which would run its static destructors and
// the static CUDA runtime's teardown while other threads, OpenMP's pool among them, may still use it.
void StayLoaded() {
  static const bool once = [] {
    Dl_info self{};
    // RTLD_NOLOAD: only marks the already loaded object; the reference it adds is never dropped.
    return dladdr(reinterpret_cast<void*>(&StayLoaded), &self) != 0 && self.dli_fname != nullptr &&
           dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE) != nullptr;
  }();
  static_cast<void>(once);  // on failure the addon still works; it may just be unloaded with its last environment
}

#if NC_WITH_CUDA
// JS environments (main thread, workers) that loaded the addon; guarded by cuda::GpuMutex().
int environments = 0;
#endif

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  StayLoaded();
  Storage::Init(env);
#if NC_WITH_CUDA
  // Only the last environment to end frees the GPU handles and stream (while the driver is still
  // there): a worker's exit must not take the GPU from the main thread. A later environment makes a
  // new context. At process.exit() no hook runs; the driver reclaims everything.
  {
    cuda::GpuLock lock;
    ++environments;
  }
  env.AddCleanupHook([] {
    cuda::GpuLock lock;
    if (--environments == 0) cuda::Shutdown();
  });
#endif
  for (const Entry& entry : kEntries) {
    exports.Set(entry.name, Napi::Function::New(env, Call, entry.name, const_cast<Entry*>(&entry)));
  }
  return exports;
}

}  // namespace nc

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return nc::Init(env, exports); }

NODE_API_MODULE(node_cudnn, InitAddon)
