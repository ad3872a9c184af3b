// The addon's export table. Every entry goes through Call(), which turns any C++ exception that a
// backend throws into a JS error prefixed with the operation's name: nothing aborts the process.

#include <napi.h>

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
};

const Entry kEntries[] = {
    {"alloc", ops::Alloc},
    {"upload", ops::Upload},
    {"uploadBytes", ops::UploadBytes},
    {"download", ops::Download},
    {"memoryInfo", ops::MemoryInfo},
    {"backendInfo", ops::BackendInfo},
    {"setGpuPrecision", ops::SetGpuPrecision},
    {"setDeterministic", ops::SetDeterministic},
    {"convolutionAlgorithms", ops::ConvolutionAlgorithms},
    {"fillConstant", ops::FillConstant},
    {"fillUniform", ops::FillUniform},
    {"fillNormal", ops::FillNormal},
    {"axpby", ops::Axpby},
    {"multiply", ops::Multiply},
    {"sum", ops::Sum},
    {"conv2dForward", ops::Conv2dForward},
    {"conv2dBackward", ops::Conv2dBackward},
    {"pool2dForward", ops::Pool2dForward},
    {"pool2dBackward", ops::Pool2dBackward},
    {"activationForward", ops::ActivationForward},
    {"activationBackward", ops::ActivationBackward},
    {"batchNormForward", ops::BatchNormForward},
    {"batchNormBackward", ops::BatchNormBackward},
    {"denseForward", ops::DenseForward},
    {"denseBackward", ops::DenseBackward},
    {"softmaxCrossEntropy", ops::SoftmaxCrossEntropy},
    {"softmaxCrossEntropyBackward", ops::SoftmaxCrossEntropyBackward},
    {"countCorrect", ops::CountCorrect},
    {"accumulateCorrect", ops::AccumulateCorrect},
    {"dropoutForward", ops::DropoutForward},
    {"optimizerUpdate", ops::OptimizerUpdate},
    {"sumSquares", ops::SumSquares},
    {"affineSample", ops::AffineSample},
    {"colorJitter", ops::ColorJitter},
};

Napi::Value Call(const Napi::CallbackInfo& info) {
  const auto* entry = static_cast<const Entry*>(info.Data());
  Args args(info, entry->name);
  Napi::Env env = info.Env();
  const std::string prefix = std::string(entry->name) + ": ";
  try {
    return entry->handler(args);
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(env, prefix + "oneDNN failed: " + e.what());
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, prefix + "out of host memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, prefix + e.what());
  }
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Storage::Init(env);
#if NC_WITH_CUDA
  // Handles, stream and pool go before the process does, while the driver is still there.
  env.AddCleanupHook([] { cuda::Shutdown(); });
#endif
  for (const Entry& entry : kEntries) {
    exports.Set(entry.name, Napi::Function::New(env, Call, entry.name, const_cast<Entry*>(&entry)));
  }
  return exports;
}

}  // namespace nc

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return nc::Init(env, exports); }

NODE_API_MODULE(node_cudnn, InitAddon)
