// Entry points about how the GPU backend chooses cuDNN algorithms (deterministic mode, the report of
// the convolution algorithms chosen), and the check of cuDNN's int limits on shapes.
#include <atomic>
#include <climits>

#include "ops/ops.h"

namespace nc::ops {

void RequireCudnnRange(const Args& args, Backend backend, std::initializer_list<const TensorArg*> tensors) {
  if (backend != Backend::Gpu) return;  // oneDNN and our loops take 64-bit sizes
  for (const TensorArg* t : tensors) {
    if (!t->present()) continue;
    for (int64_t d : t->shape) {
      if (d > INT_MAX) {
        args.rangeError(std::string(t->name) + " of shape " + t->shapeText() + ": dimension " + std::to_string(d) +
                        " exceeds cuDNN's int range (" + std::to_string(INT_MAX) + ")");
      }
    }
    // cuDNN's legacy tensors hold at most INT_MAX elements (their strides are ints).
    if (t->size > INT_MAX) {
      args.rangeError(std::string(t->name) + " of shape " + t->shapeText() + " has " + std::to_string(t->size) +
                      " elements, more than cuDNN's limit of " + std::to_string(INT_MAX) + " per tensor");
    }
  }
}

Napi::Value SetDeterministic(const Args& args) {
  const bool on = args.boolean(0, "on");
#if NC_WITH_CUDA
  cuda::GpuLock lock;  // plans are chosen under this lock on other threads
  const bool was = cuda::Deterministic();
  cuda::SetDeterministic(on);
#else
  static std::atomic<bool> setting{false};  // kept so that the previous value can be returned; any thread
  const bool was = setting.exchange(on);
#endif
  return Napi::Boolean::New(args.env(), was);
}

Napi::Value ConvolutionAlgorithms(const Args& args) {
  Napi::Env env = args.env();
  Napi::Array out = Napi::Array::New(env);
#if NC_WITH_CUDA
  // Before any GPU convolution there are no plans, and no context to create.
  if (!cuda::Probe().available) return out;
  uint32_t i = 0;
  cuda::GpuLock lock;  // the plan cache may change under another thread's convolution
  for (const cuda::ConvAlgorithmChoice& c : cuda::ConvolutionAlgorithms()) {
    Napi::Object r = Napi::Object::New(env);
    r.Set("shape", c.shape);
    r.Set("direction", c.direction);
    r.Set("algo", c.algo);
    r.Set("mathType", c.mathType);
    r.Set("descriptorMathType", c.descriptorMathType);
    r.Set("workspaceBytes", static_cast<double>(c.workspaceBytes));
    r.Set("deterministic", c.deterministic);
    r.Set("timeMs", c.timeMs >= 0 ? Napi::Value(Napi::Number::New(env, c.timeMs)) : env.Null());
    r.Set("precision", c.precision);
    r.Set("deterministicMode", c.deterministicMode);
    out.Set(i++, r);
  }
#endif
  return out;
}

}  // namespace nc::ops
