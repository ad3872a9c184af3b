// A test-only addon (build/kernels-host/node_cudnn_kernels_host.node, never shipped): runs each CUDA
// launcher of native/cuda/*.cu, compiled as host C++ (cuda_runtime_api.h here), or the CPU backend's
// function for the same operation, on copies of the caller's arrays; test/28.kernels-host.test.ts
// compares the two.
//
//   run(backend: 'gpu' | 'cpu', op: string, args: unknown[]) -> { outputs, launches, liveAllocations }
//   setOptions({ reverse?: boolean, caps?: { [name]: number } })   caps not named go back to default
//   caps() -> { [name]: default }
//
// Every array lives between guard zones, as device memory would: a NaN pattern that kernels reading
// past an end pull into their results, and that is checked after each call, so a write past an
// end fails the call. Pure outputs start as NaN, so an element never written shows.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cpu/cpu.h"
#include "cuda/activation.h"
#include "cuda/batchnorm.h"
#include "cuda/context.h"
#include "cuda/copy.h"
#include "cuda/cuda.h"
#include "cuda/elementwise.h"
#include "cuda/fill.h"
#include "cuda/image.h"
#include "cuda/loss.h"
#include "cuda/pool.h"
#include "cuda/unary_kernels.h"
#include "emulator.h"
// reductions and softmax along an axis
#include "cuda/reduce.h"
#include "cuda/softmax.h"

namespace nc::cuda {
// optim.cu takes its stream from the GPU context (context.cc, not built here).
Context& Ctx() {
  static Context context;
  return context;
}
}  // namespace nc::cuda

namespace {

using nc::Activation;

constexpr cudaStream_t kStream = nullptr;
constexpr size_t kGuardBytes = 256;
constexpr uint32_t kGuardWord = 0x7fc0deadu;  // a NaN as float

// One array in "device memory": bytes between two guard zones.
class Buffer {
 public:
  enum Kind { F32, U8, I64, U64 };
  Buffer(Kind kind, size_t count, const void* init) : kind_(kind), count_(count) {
    const size_t bytes = count * Size(kind);
    storage_.resize((2 * kGuardBytes + bytes + 7) / 8);
    unsigned char* base = reinterpret_cast<unsigned char*>(storage_.data());
    for (size_t k = 0; k < storage_.size() * 8; k += 4) std::memcpy(base + k, &kGuardWord, 4);
    if (init) {
      std::memcpy(data(), init, bytes);
    } else {
      std::memset(data(), 0xff, bytes);  // NaN as float
    }
  }
  unsigned char* data() { return reinterpret_cast<unsigned char*>(storage_.data()) + kGuardBytes; }
  size_t count() const { return count_; }
  Kind kind() const { return kind_; }
  // Throws when a byte of either guard zone changed.
  void CheckGuards(const std::string& name) const {
    const unsigned char* base = reinterpret_cast<const unsigned char*>(storage_.data());
    const size_t end = kGuardBytes + count_ * Size(kind_), total = storage_.size() * 8;
    unsigned char pattern[4];
    std::memcpy(pattern, &kGuardWord, 4);
    for (size_t k = 0; k < total; k = k + 1 == kGuardBytes ? end : k + 1) {
      if (base[k] == pattern[k % 4]) continue;
      const long long offset = static_cast<long long>(k) - static_cast<long long>(kGuardBytes);
      const long long size = static_cast<long long>(Size(kind_));
      const long long at = offset >= 0 ? offset / size : -((-offset + size - 1) / size);
      throw std::runtime_error("written outside " + name + " (" + std::to_string(count_) + " elements), at element " +
                               std::to_string(at));
    }
  }
  static size_t Size(Kind kind) { return kind == F32 ? 4 : kind == U8 ? 1 : 8; }

 private:
  Kind kind_;
  size_t count_;
  std::vector<uint64_t> storage_;
};

// The arguments and results of one run().
class Call {
 public:
  Call(Napi::Env env, Napi::Array args) : env_(env), args_(args) {}

  double Num(uint32_t i) const { return Arg(i).As<Napi::Number>().DoubleValue(); }
  float F(uint32_t i) const { return static_cast<float>(Num(i)); }
  int64_t Int(uint32_t i) const { return Arg(i).As<Napi::Number>().Int64Value(); }
  bool Bool(uint32_t i) const { return Arg(i).As<Napi::Boolean>().Value(); }
  std::string Str(uint32_t i) const { return Arg(i).As<Napi::String>().Utf8Value(); }
  Napi::Object Obj(uint32_t i) const { return Arg(i).As<Napi::Object>(); }
  int64_t Length(uint32_t i) const { return static_cast<int64_t>(Arg(i).As<Napi::TypedArray>().ElementLength()); }
  std::vector<int64_t> Ints(uint32_t i) const {
    Napi::Array a = Arg(i).As<Napi::Array>();
    std::vector<int64_t> v;
    for (uint32_t k = 0; k < a.Length(); ++k) v.push_back(a.Get(k).As<Napi::Number>().Int64Value());
    return v;
  }

  // A copy of Float32Array argument i (nullptr when it is empty: an unused optimizer state).
  const float* In(uint32_t i) { return InOut(nullptr, i); }
  const uint8_t* Bytes(uint32_t i) {
    Napi::Uint8Array a = Arg(i).As<Napi::Uint8Array>();
    return Add(nullptr, Buffer::U8, a.ElementLength(), a.Data());
  }
  // A copy of argument i that is also returned as output `name`.
  float* InOut(const char* name, uint32_t i) {
    Napi::Float32Array a = Arg(i).As<Napi::Float32Array>();
    if (a.ElementLength() == 0) return nullptr;
    return reinterpret_cast<float*>(Add(name, Buffer::F32, a.ElementLength(), a.Data()));
  }
  float* Out(const char* name, int64_t n) {
    return reinterpret_cast<float*>(Add(name, Buffer::F32, static_cast<size_t>(n), nullptr));
  }
  // One 64-bit integer, starting as `init`, returned as a number.
  template <typename T>
  T* Scalar(const char* name, T init) {
    static_assert(sizeof(T) == 8, "64-bit scalars only");
    return reinterpret_cast<T*>(Add(name, std::is_signed_v<T> ? Buffer::I64 : Buffer::U64, 1, &init));
  }

  Napi::Object Result() {
    Napi::Object outputs = Napi::Object::New(env_);
    for (size_t k = 0; k < buffers_.size(); ++k) {
      Buffer& b = *buffers_[k];
      b.CheckGuards(names_[k].empty() ? "input " + std::to_string(k) : names_[k]);
      if (names_[k].empty()) continue;
      if (b.kind() == Buffer::F32) {
        Napi::Float32Array a = Napi::Float32Array::New(env_, b.count());
        std::memcpy(a.Data(), b.data(), b.count() * 4);
        outputs.Set(names_[k], a);
      } else {
        int64_t v;
        std::memcpy(&v, b.data(), 8);
        outputs.Set(names_[k], Napi::Number::New(env_, static_cast<double>(v)));
      }
    }
    return outputs;
  }

 private:
  Napi::Value Arg(uint32_t i) const {
    if (i >= args_.Length()) throw Napi::TypeError::New(env_, "missing argument " + std::to_string(i));
    return args_.Get(i);
  }
  unsigned char* Add(const char* name, Buffer::Kind kind, size_t count, const void* init) {
    buffers_.push_back(std::make_unique<Buffer>(kind, count, init));
    names_.push_back(name ? name : "");
    return buffers_.back()->data();
  }

  Napi::Env env_;
  Napi::Array args_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::vector<std::string> names_;
};

Activation ParseInputActivation(const std::string& name) {
  if (name == "leakyRelu") return Activation::LeakyRelu;
  if (name == "elu") return Activation::Elu;
  if (name == "gelu") return Activation::Gelu;
  throw std::runtime_error("unknown activation " + name);
}

// A pooling problem from ([n, c, h, w, kh, kw, sh, sw, ph, pw], isMax, ceilMode, countPad) as
// native/ops/pool.cc reads it.
nc::PoolShape PoolShapeOf(const Call& c) {
  const std::vector<int64_t> d = c.Ints(0);
  const bool ceilMode = c.Bool(2);
  nc::PoolShape s{d.at(0), d.at(1), d.at(2), d.at(3), 0, 0, d.at(4), d.at(5), d.at(6), d.at(7), d.at(8), d.at(9)};
  s.countPad = c.Bool(3);
  s.oh = ceilMode ? nc::CeilWindowOutput(s.h, s.kh, s.sh, s.ph) : nc::WindowOutput(s.h, s.kh, s.sh, s.ph);
  s.ow = ceilMode ? nc::CeilWindowOutput(s.w, s.kw, s.sw, s.pw) : nc::WindowOutput(s.w, s.kw, s.sw, s.pw);
  s.eh = nc::PoolCeilExtra(s.h, s.kh, s.sh, s.ph, s.oh);
  s.ew = nc::PoolCeilExtra(s.w, s.kw, s.sw, s.pw, s.ow);
  return s;
}
// Reductions and softmax: the kind ("sum", "mean", "max", "min") and (outer, r, inner) at arguments 0 and 1.
nc::ReduceOp ParseReduceOp(const std::string& kind) {
  if (kind == "sum") return nc::ReduceOp::Sum;
  if (kind == "mean") return nc::ReduceOp::Mean;
  if (kind == "max") return nc::ReduceOp::Max;
  if (kind == "min") return nc::ReduceOp::Min;
  throw std::runtime_error("unknown reduction " + kind);
}
nc::AxisShape AxisCall(const std::vector<int64_t>& d) { return {d.at(0), d.at(1), d.at(2)}; }

nc::OptimizerStep ParseStep(Napi::Object o) {
  nc::OptimizerStep h;
  const std::string rule = o.Get("rule").As<Napi::String>().Utf8Value();
  h.rule = rule == "sgd"       ? nc::OptimizerRule::Sgd
           : rule == "adam"    ? nc::OptimizerRule::Adam
           : rule == "rmsprop" ? nc::OptimizerRule::RmsProp
           : rule == "adagrad" ? nc::OptimizerRule::AdaGrad
                               : throw std::runtime_error("unknown rule " + rule);
  const auto num = [&](const char* key, float& field) {
    if (o.Has(key)) field = o.Get(key).As<Napi::Number>().FloatValue();
  };
  const auto flag = [&](const char* key, bool& field) {
    if (o.Has(key)) field = o.Get(key).As<Napi::Boolean>().Value();
  };
  num("lr", h.lr), num("rescale", h.rescale), num("clipValue", h.clipValue), num("maxNorm", h.maxNorm);
  num("weightDecay", h.weightDecay), num("decayFactor", h.decayFactor), num("momentum", h.momentum);
  num("oneMinusDampening", h.oneMinusDampening), num("beta1", h.beta1), num("oneMinusBeta1", h.oneMinusBeta1);
  num("beta2", h.beta2), num("oneMinusBeta2", h.oneMinusBeta2), num("stepSize", h.stepSize);
  num("biasCorrection2Sqrt", h.biasCorrection2Sqrt), num("alpha", h.alpha), num("oneMinusAlpha", h.oneMinusAlpha);
  num("eps", h.eps);
  flag("nesterov", h.nesterov), flag("firstStep", h.firstStep), flag("amsgrad", h.amsgrad);
  flag("centered", h.centered);
  return h;
}

// The first label that is not a class index, as ops/loss.cc checks on the CPU, or -1.
long long FirstBadLabel(int64_t n, int64_t c, const float* labels) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = labels[i];
    if (!(v >= 0 && v < static_cast<float>(c) && std::floor(v) == v)) return i;
  }
  return -1;
}

// Kernels of the emulator's own test: shuffles with known answers, and two broken kernels whose
// faults the emulator must report instead of hanging or running on.
__global__ void ShuffleXorKernel(float* y) {
  float v = static_cast<float>(threadIdx.x);
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  y[threadIdx.x] = v;  // the warp's sum of lane indices, in every lane
}
__global__ void ShuffleDownKernel(float* y) {
  y[threadIdx.x] = __shfl_down_sync(0xffffffffu, static_cast<float>(threadIdx.x), 5);  // lane + 5, or its own
}
__global__ void DivergentBarrierKernel(float* y) {
  if (threadIdx.x < 64) __syncthreads();
  y[threadIdx.x] = 1;
}

void EmulatorSelfTest(const std::string& kernel, unsigned block, float* y) {
  if (kernel == "shuffleXor") NC_LAUNCH(ShuffleXorKernel, 1, block, kStream)(y);
  if (kernel == "shuffleDown") NC_LAUNCH(ShuffleDownKernel, 1, block, kStream)(y);
  if (kernel == "divergentBarrier") NC_LAUNCH(DivergentBarrierKernel, 1, block, kStream)(y);
}

namespace cuda = nc::cuda;
namespace cpu = nc::cpu;
using Op = std::function<void(Call&, bool gpu)>;

// Each op: its arguments (as the test passes them) -> its outputs; the GPU's launcher or the CPU's function.
// The kind (argument 0) and the broadcast of the shapes at arguments 1 and 3 of a binary op's call.
nc::Broadcast BinaryCall(Call& c, nc::BinaryOp* op) {
  std::string why;
  nc::Broadcast s;
  if (!nc::ParseBinaryOp(c.Str(0), op) || !nc::MakeBroadcast(c.Ints(1), c.Ints(3), &s, &why)) {
    throw std::runtime_error("bad binary kind or shapes " + why);
  }
  return s;
}

// The unary kind at argument 0.
nc::UnaryOp UnaryKind(Call& c) {
  nc::UnaryOp op;
  if (!nc::ParseUnaryOp(c.Str(0), &op)) throw std::runtime_error("bad unary kind " + c.Str(0));
  return op;
}

// The broadcast of the condition's shape (argument 0) with a's and b's.
nc::WhereShape WhereCall(Call& c, const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::string why;
  nc::WhereShape s;
  if (!nc::MakeWhere(c.Ints(0), a, b, &s, &why)) throw std::runtime_error("bad where shapes " + why);
  return s;
}

const std::map<std::string, Op>& Ops() {
  static const std::map<std::string, Op> ops = {
      // (kernel, block) -> y: the emulator's own test
      {"emulatorSelfTest",
       [](Call& c, bool gpu) {
         float* y = c.Out("y", c.Int(1));
         if (gpu) EmulatorSelfTest(c.Str(0), static_cast<unsigned>(c.Int(1)), y);
       }},
      // (n, value) -> y
      {"fillConstant",
       [](Call& c, bool gpu) {
         const int64_t n = c.Int(0);
         float* y = c.Out("y", n);
         gpu ? cuda::LaunchFillConstant(kStream, n, y, c.F(1)) : cpu::FillConstant(n, y, c.F(1));
       }},
      // (n, low, high, seed) -> y
      {"fillUniform",
       [](Call& c, bool gpu) {
         const int64_t n = c.Int(0);
         float* y = c.Out("y", n);
         const uint64_t seed = static_cast<uint64_t>(c.Int(3));
         gpu ? cuda::LaunchFillUniform(kStream, n, y, c.F(1), c.F(2), seed) : cpu::FillUniform(n, y, c.F(1), c.F(2), seed);
       }},
      // (n, mean, std, seed) -> y
      {"fillNormal",
       [](Call& c, bool gpu) {
         const int64_t n = c.Int(0);
         float* y = c.Out("y", n);
         const uint64_t seed = static_cast<uint64_t>(c.Int(3));
         gpu ? cuda::LaunchFillNormal(kStream, n, y, c.F(1), c.F(2), seed) : cpu::FillNormal(n, y, c.F(1), c.F(2), seed);
       }},
      // (x, p, seed) -> y, mask
      {"dropout",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float* x = c.In(0);
         float *y = c.Out("y", n), *mask = c.Out("mask", n);
         const uint64_t seed = static_cast<uint64_t>(c.Int(2));
         gpu ? cuda::LaunchDropoutForward(kStream, n, x, y, mask, c.F(1), seed)
             : cpu::DropoutForward(n, x, y, mask, c.F(1), seed);
       }},
      // (x, y, a, b) -> y
      {"axpby",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float* x = c.In(0);
         float* y = c.InOut("y", 1);
         gpu ? cuda::LaunchAxpby(kStream, n, x, y, c.F(2), c.F(3)) : cpu::Axpby(n, x, y, c.F(2), c.F(3));
       }},
      // (x1, x2) -> y
      {"multiply",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float *x1 = c.In(0), *x2 = c.In(1);
         float* y = c.Out("y", n);
         gpu ? cuda::LaunchMultiply(kStream, n, x1, x2, y) : cpu::Multiply(n, x1, x2, y);
       }},
      // (kind, aShape, a, bShape, b) -> y, NumPy-broadcast
      {"binary",
       [](Call& c, bool gpu) {
         nc::BinaryOp op;
         const nc::Broadcast s = BinaryCall(c, &op);
         const float *a = c.In(2), *b = c.In(4);
         float* y = c.Out("y", s.size);
         gpu ? cuda::LaunchBinary(kStream, op, s, a, b, y) : cpu::Binary(op, s, a, b, y);
       }},
      // (kind, aShape, a, bShape, b, dy) -> da, db of dy's (the broadcast) shape
      {"binaryBackward",
       [](Call& c, bool gpu) {
         nc::BinaryOp op;
         const nc::Broadcast s = BinaryCall(c, &op);
         const float *a = c.In(2), *b = c.In(4), *dy = c.In(5);
         float *da = c.Out("da", s.size), *db = c.Out("db", s.size);
         gpu ? cuda::LaunchBinaryBackward(kStream, op, s, a, b, dy, da, db) : cpu::BinaryBackward(op, s, a, b, dy, da, db);
       }},
      // (xShape, x, yShape) -> y, x summed back to yShape
      {"sumTo",
       [](Call& c, bool gpu) {
         nc::SumToShape s;
         std::string why;
         if (!nc::MakeSumTo(c.Ints(0), c.Ints(2), &s, &why)) throw std::runtime_error("sumTo: " + why);
         const float* x = c.In(1);
         float* y = c.Out("y", s.ySize);
         gpu ? cuda::LaunchSumTo(kStream, s, x, y) : cpu::SumTo(s, x, y);
       }},
      // (x, squares, accumulate, out: [value]) -> out
      {"sum",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float* x = c.In(0);
         const bool squares = c.Bool(1), accumulate = c.Bool(2);
         float* out = c.InOut("out", 3);
         if (gpu) return cuda::LaunchSum(kStream, n, x, out, squares, accumulate);
         if (squares) return cpu::SumSquares(n, x, out, accumulate);
         float s;
         cpu::Sum(n, x, &s);
         out[0] = accumulate ? out[0] + s : s;
       }},
      // (x, accumulate, out: [value]) -> out: optim.cu's SumSquares
      {"sumSquares",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float* x = c.In(0);
         float* out = c.InOut("out", 2);
         gpu ? cuda::SumSquares(n, x, out, c.Bool(1)) : cpu::SumSquares(n, x, out, c.Bool(1));
       }},
      // (src: Uint8Array, scale) -> y
      {"bytesToFloat",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const uint8_t* src = c.Bytes(0);
         float* y = c.Out("y", n);
         gpu ? cuda::LaunchBytesToFloat(kStream, n, src, y, c.F(1)) : cpu::BytesToFloat(n, src, y, c.F(1));
       }},
      // (classes, logits, labels) -> loss
      {"softmaxCrossEntropy",
       [](Call& c, bool gpu) {
         const int64_t classes = c.Int(0), n = c.Length(2);
         const float *logits = c.In(1), *labels = c.In(2);
         float* loss = c.Out("loss", n);
         gpu ? cuda::LaunchSoftmaxCrossEntropy(kStream, n, classes, logits, labels, loss)
             : cpu::SoftmaxCrossEntropy(n, classes, logits, labels, loss);
       }},
      // (classes, logits, labels, dloss) -> dlogits
      {"softmaxCrossEntropyBackward",
       [](Call& c, bool gpu) {
         const int64_t classes = c.Int(0), n = c.Length(2);
         const float *logits = c.In(1), *labels = c.In(2), *dloss = c.In(3);
         float* dlogits = c.Out("dlogits", n * classes);
         gpu ? cuda::LaunchSoftmaxCrossEntropyBackward(kStream, n, classes, logits, labels, dloss, dlogits)
             : cpu::SoftmaxCrossEntropyBackward(n, classes, logits, labels, dloss, dlogits);
       }},
      // (classes, logits, labels) -> count
      {"countCorrect",
       [](Call& c, bool gpu) {
         const int64_t classes = c.Int(0), n = c.Length(2), k = c.Int(3);
         const float *logits = c.In(1), *labels = c.In(2);
         auto* count = c.Scalar<unsigned long long>("count", 0xa5a5a5a5ull);  // the launcher zeroes it
         if (gpu) return cuda::LaunchCountCorrect(kStream, n, classes, k, logits, labels, count);
         *count = static_cast<unsigned long long>(cpu::CountCorrect(n, classes, k, logits, labels));
       }},
      // (classes, logits, labels, total: [value]) -> total, as cuda/loss.cc's AccumulateCorrect
      {"accumulateCorrect",
       [](Call& c, bool gpu) {
         const int64_t classes = c.Int(0), n = c.Length(2), k = c.Int(4);
         const float *logits = c.In(1), *labels = c.In(2);
         float* total = c.InOut("total", 3);
         if (!gpu) return cpu::AccumulateCorrect(n, classes, k, logits, labels, total);
         auto* count = c.Scalar<unsigned long long>(nullptr, 0xa5a5a5a5ull);
         cuda::LaunchCountCorrect(kStream, n, classes, k, logits, labels, count);
         cuda::LaunchAddCount(kStream, count, total);
       }},
      // (classes, labels, reset, start) -> index: the smallest bad index (unsigned, so -1 is none)
      {"findBadLabel",
       [](Call& c, bool gpu) {
         const int64_t classes = c.Int(0), n = c.Length(1);
         const float* labels = c.In(1);
         const bool reset = c.Bool(2);
         long long* index = c.Scalar<long long>("index", c.Int(3));
         if (gpu) return cuda::LaunchFindBadLabel(kStream, n, classes, labels, index, reset);
         const unsigned long long first = static_cast<unsigned long long>(FirstBadLabel(n, classes, labels));
         const unsigned long long start = reset ? ~0ull : static_cast<unsigned long long>(*index);
         *index = static_cast<long long>(first < start ? first : start);
       }},
      // ([n, c, h, w, oh, ow], x, matrices, clampEdges) -> y
      {"affineSample",
       [](Call& c, bool gpu) {
         const std::vector<int64_t> d = c.Ints(0);
         const nc::ImageShape s{d.at(0), d.at(1), d.at(2), d.at(3), d.at(4), d.at(5)};
         const float *x = c.In(1), *matrices = c.In(2);
         float* y = c.Out("y", s.n * s.c * s.oh * s.ow);
         gpu ? cuda::LaunchAffineSample(kStream, s, x, matrices, c.Bool(3), y)
             : cpu::AffineSample(s, x, matrices, c.Bool(3), y);
       }},
      // (n, x, brightness, contrast) -> y
      {"colorJitter",
       [](Call& c, bool gpu) {
         const int64_t n = c.Int(0), size = n ? c.Length(1) / n : 0;
         const float *x = c.In(1), *brightness = c.In(2), *contrast = c.In(3);
         float* y = c.Out("y", n * size);
         gpu ? cuda::LaunchColorJitter(kStream, n, size, x, brightness, contrast, y)
             : cpu::ColorJitter(n, size, x, brightness, contrast, y);
       }},
      // (activation, alpha, x) -> y
      {"activationForward",
       [](Call& c, bool gpu) {
         const Activation act = ParseInputActivation(c.Str(0));
         const int64_t n = c.Length(2);
         const float* x = c.In(2);
         float* y = c.Out("y", n);
         gpu ? cuda::LaunchInputActivationForward(kStream, act, c.F(1), n, x, y)
             : cpu::InputActivationForward(act, c.F(1), n, x, y);
       }},
      // (activation, alpha, x, dy) -> dx
      {"activationBackward",
       [](Call& c, bool gpu) {
         const Activation act = ParseInputActivation(c.Str(0));
         const int64_t n = c.Length(2);
         const float *x = c.In(2), *dy = c.In(3);
         float* dx = c.Out("dx", n);
         gpu ? cuda::LaunchInputActivationBackward(kStream, act, c.F(1), n, x, dy, dx)
             : cpu::InputActivationBackward(act, c.F(1), n, x, dy, dx);
       }},
      // ([n, c, h, w, kh, kw, sh, sw, ph, pw], isMax, ceilMode, countPad, x) -> y, argmax (max only, int32
      // as float bits): pool.cu, which the GPU runs when ceil mode's last windows reach past the padding.
      {"poolForward",
       [](Call& c, bool gpu) {
         const nc::PoolShape s = PoolShapeOf(c);
         const float* x = c.In(4);
         float* y = c.Out("y", s.n * s.c * s.oh * s.ow);
         auto* argmax = c.Bool(1) ? reinterpret_cast<int32_t*>(c.Out("argmax", s.n * s.c * s.oh * s.ow)) : nullptr;
         gpu ? cuda::LaunchPoolForward(kStream, s, c.Bool(1), x, y, argmax) : cpu::Pool2dForward(s, c.Bool(1), x, y, argmax);
       }},
      // (the same four, dy, argmax: poolForward's, or empty for average pooling) -> dx
      {"poolBackward",
       [](Call& c, bool gpu) {
         const nc::PoolShape s = PoolShapeOf(c);
         const float* dy = c.In(4);
         const auto* argmax = reinterpret_cast<const int32_t*>(c.In(5));
         float* dx = c.Out("dx", s.n * s.c * s.h * s.w);
         gpu ? cuda::LaunchPoolBackward(kStream, s, c.Bool(1), dy, argmax, dx)
             : cpu::Pool2dBackward(s, c.Bool(1), nullptr, nullptr, dy, dx, argmax);
       }},
      // (runningMean, runningVar, epsilon) -> saveMean, saveInvStd; the CPU's from its inference forward
      {"batchNormGlobalStats",
       [](Call& c, bool gpu) {
         const int64_t ch = c.Length(0);
         const float *mean = c.In(0), *var = c.In(1);
         const float eps = c.F(2);  // as cuda/batchnorm.cc passes it
         float *saveMean = c.Out("saveMean", ch), *saveInvStd = c.Out("saveInvStd", ch);
         if (gpu) return cuda::LaunchBatchNormGlobalStats(kStream, ch, mean, var, eps, saveMean, saveInvStd);
         const std::vector<float> x(ch, 0.0f), gamma(ch, 1.0f), beta(ch, 0.0f);
         std::vector<float> y(ch), runningMean(mean, mean + ch), runningVar(var, var + ch);
         cpu::BatchNormForward({1, ch, 1, 1}, x.data(), gamma.data(), beta.data(), runningMean.data(), runningVar.data(),
                               y.data(), saveMean, saveInvStd, /*training=*/false, 0.9, eps);
       }},
      // ([n, c, h, w], x, gamma, dy, mean, invStd, epsilon) -> dx, dgamma, dbeta
      {"batchNormGlobalStatsBackward",
       [](Call& c, bool gpu) {
         const std::vector<int64_t> d = c.Ints(0);
         const nc::BatchNormShape s{d.at(0), d.at(1), d.at(2), d.at(3)};
         const float *x = c.In(1), *gamma = c.In(2), *dy = c.In(3), *mean = c.In(4), *invStd = c.In(5);
         float *dx = c.Out("dx", s.n * s.c * s.h * s.w), *dgamma = c.Out("dgamma", s.c), *dbeta = c.Out("dbeta", s.c);
         gpu ? cuda::LaunchBatchNormGlobalStatsBackward(kStream, s, x, gamma, dy, mean, invStd, dx, dgamma, dbeta)
             : cpu::BatchNormBackward(s, x, gamma, dy, mean, invStd, /*training=*/false, c.Num(6), dx, dgamma, dbeta);
       }},
      // (shape, srcStrides, srcOffset, src, dstStrides, dstOffset, dstSize) -> dst (NaN where not written)
      {"copyStrided",
       [](Call& c, bool gpu) {
         nc::StridedCopy s;
         std::string why;
         const int64_t dstSize = c.Int(6);
         if (!nc::MakeStridedCopy(c.Ints(0), c.Ints(1), c.Int(2), c.Length(3), c.Ints(4), c.Int(5), dstSize, &s, &why)) {
           throw std::runtime_error("copyStrided: " + why);
         }
         const float* src = c.In(3);
         float* dst = c.Out("dst", dstSize);
         gpu ? cuda::LaunchCopyStrided(kStream, s, src, dst) : cpu::CopyStrided(s, src, dst);
       }},
      // (step, w, g, s1, s2, s3, normSq: [value]) -> w, s1, s2, s3 (empty states are not passed)
      {"optimizerUpdate",
       [](Call& c, bool gpu) {
         const nc::OptimizerStep h = ParseStep(c.Obj(0));
         const int64_t n = c.Length(1);
         float* w = c.InOut("w", 1);
         const float* g = c.In(2);
         float *s1 = c.InOut("s1", 3), *s2 = c.InOut("s2", 4), *s3 = c.InOut("s3", 5);
         const float* normSq = c.In(6);
         gpu ? cuda::OptimizerUpdate(h, n, w, g, s1, s2, s3, normSq) : cpu::OptimizerUpdate(h, n, w, g, s1, s2, s3, normSq);
       }},
      // Unary ops, clip and where (unary.cu, where.cu)
      // (kind, x) -> y
      {"unary",
       [](Call& c, bool gpu) {
         const nc::UnaryOp op = UnaryKind(c);
         const int64_t n = c.Length(1);
         const float* x = c.In(1);
         float* y = c.Out("y", n);
         gpu ? cuda::LaunchUnary(kStream, op, n, x, y) : cpu::Unary(op, n, x, y);
       }},
      // (kind, x, y, dy) -> dx
      {"unaryBackward",
       [](Call& c, bool gpu) {
         const nc::UnaryOp op = UnaryKind(c);
         const int64_t n = c.Length(1);
         const float *x = c.In(1), *y = c.In(2), *dy = c.In(3);
         float* dx = c.Out("dx", n);
         gpu ? cuda::LaunchUnaryBackward(kStream, op, n, x, y, dy, dx) : cpu::UnaryBackward(op, n, x, y, dy, dx);
       }},
      // (x, min, max) -> y
      {"clip",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float* x = c.In(0);
         float* y = c.Out("y", n);
         gpu ? cuda::LaunchClip(kStream, n, x, y, c.F(1), c.F(2)) : cpu::Clip(n, x, y, c.F(1), c.F(2));
       }},
      // (x, dy, min, max) -> dx
      {"clipBackward",
       [](Call& c, bool gpu) {
         const int64_t n = c.Length(0);
         const float *x = c.In(0), *dy = c.In(1);
         float* dx = c.Out("dx", n);
         gpu ? cuda::LaunchClipBackward(kStream, n, x, dy, dx, c.F(2), c.F(3))
             : cpu::ClipBackward(n, x, dy, dx, c.F(2), c.F(3));
       }},
      // (condShape, cond, aShape, a, bShape, b) -> y, NumPy-broadcast
      {"where",
       [](Call& c, bool gpu) {
         const nc::WhereShape s = WhereCall(c, c.Ints(2), c.Ints(4));
         const float *cond = c.In(1), *a = c.In(3), *b = c.In(5);
         float* y = c.Out("y", s.size);
         gpu ? cuda::LaunchWhere(kStream, s, cond, a, b, y) : cpu::Where(s, cond, a, b, y);
       }},
      // (condShape, cond, dyShape, dy) -> da, db of dy's shape
      {"whereBackward",
       [](Call& c, bool gpu) {
         const nc::WhereShape s = WhereCall(c, c.Ints(2), c.Ints(2));
         const float *cond = c.In(1), *dy = c.In(3);
         float *da = c.Out("da", s.size), *db = c.Out("db", s.size);
         gpu ? cuda::LaunchWhereBackward(kStream, s, cond, dy, da, db) : cpu::WhereBackward(s, cond, dy, da, db);
       }},
      // reductions and softmax along an axis
      // (kind, [outer, r, inner], x, outputs: 'both' | 'y' | 'indices') -> y and/or indices
      {"reduce",
       [](Call& c, bool gpu) {
         const nc::ReduceOp op = ParseReduceOp(c.Str(0));
         const nc::AxisShape s = AxisCall(c.Ints(1));
         const float* x = c.In(2);
         const std::string outputs = c.Str(3);
         float* y = outputs != "indices" ? c.Out("y", s.outer * s.inner) : nullptr;
         float* indices = outputs != "y" ? c.Out("indices", s.outer * s.inner) : nullptr;
         gpu ? cuda::LaunchReduce(kStream, op, s, x, y, indices) : cpu::Reduce(op, s, x, y, indices);
       }},
      // (kind, [outer, r, inner], dy, indices) -> dx
      {"reduceBackward",
       [](Call& c, bool gpu) {
         const nc::ReduceOp op = ParseReduceOp(c.Str(0));
         const nc::AxisShape s = AxisCall(c.Ints(1));
         const float *dy = c.In(2), *indices = c.In(3);
         float* dx = c.Out("dx", s.outer * s.r * s.inner);
         gpu ? cuda::LaunchReduceBackward(kStream, op, s, dy, indices, dx) : cpu::ReduceBackward(op, s, dy, indices, dx);
       }},
      // (log, [outer, r, inner], x) -> y
      {"softmaxForward",
       [](Call& c, bool gpu) {
         const nc::AxisShape s = AxisCall(c.Ints(1));
         const float* x = c.In(2);
         float* y = c.Out("y", s.outer * s.r * s.inner);
         gpu ? cuda::LaunchSoftmaxForward(kStream, s, c.Bool(0), x, y) : cpu::SoftmaxForward(s, c.Bool(0), x, y);
       }},
      // (log, [outer, r, inner], y, dy) -> dx
      {"softmaxBackward",
       [](Call& c, bool gpu) {
         const nc::AxisShape s = AxisCall(c.Ints(1));
         const float *y = c.In(2), *dy = c.In(3);
         float* dx = c.Out("dx", s.outer * s.r * s.inner);
         gpu ? cuda::LaunchSoftmaxBackward(kStream, s, c.Bool(0), y, dy, dx) : cpu::SoftmaxBackward(s, c.Bool(0), y, dy, dx);
       }},
  };
  return ops;
}

Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string backend = info[0].As<Napi::String>().Utf8Value(), name = info[1].As<Napi::String>().Utf8Value();
  const auto op = Ops().find(name);
  if (op == Ops().end()) throw Napi::TypeError::New(env, "unknown op " + name);
  if (backend != "gpu" && backend != "cpu") throw Napi::TypeError::New(env, "backend must be 'gpu' or 'cpu'");
  Call call(env, info[2].As<Napi::Array>());
  nc_host::TakeLog();
  Napi::Object result = Napi::Object::New(env);
  try {
    op->second(call, backend == "gpu");
    result.Set("outputs", call.Result());
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, name + " (" + backend + "): " + e.what());
  }
  Napi::Array launches = Napi::Array::New(env);
  for (const nc_host::LaunchRecord& r : nc_host::TakeLog()) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kernel", r.kernel);
    o.Set("grid", r.grid);
    o.Set("block", r.block);
    launches.Set(launches.Length(), o);
  }
  result.Set("launches", launches);
  result.Set("liveAllocations", Napi::Number::New(env, static_cast<double>(nc_host::LiveAllocations())));
  return result;
}

Napi::Value SetOptions(const Napi::CallbackInfo& info) {
  Napi::Object o = info[0].As<Napi::Object>();
  nc_host::CurrentOptions().reverse = o.Has("reverse") && o.Get("reverse").ToBoolean().Value();
  Napi::Object caps = o.Has("caps") ? o.Get("caps").As<Napi::Object>() : Napi::Object::New(info.Env());
  for (auto& [name, entry] : nc_host::Caps()) {
    entry.value = caps.Has(name) ? caps.Get(name).As<Napi::Number>().Int64Value() : entry.defaultValue;
  }
  Napi::Array names = caps.GetPropertyNames();
  for (uint32_t k = 0; k < names.Length(); ++k) {
    const std::string name = names.Get(k).As<Napi::String>().Utf8Value();
    if (!nc_host::Caps().count(name)) throw Napi::TypeError::New(info.Env(), "no grid cap named " + name);
  }
  return info.Env().Undefined();
}

Napi::Value Caps(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  for (const auto& [name, entry] : nc_host::Caps()) o.Set(name, Napi::Number::New(info.Env(), entry.defaultValue));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("setOptions", Napi::Function::New(env, SetOptions));
  exports.Set("caps", Napi::Function::New(env, Caps));
  return exports;
}

}  // namespace

NODE_API_MODULE(node_cudnn_kernels_host, Init)
