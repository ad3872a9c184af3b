// The entry points: each reads and checks its arguments (args.h), then runs the operation on the
// backend of the tensors' device.
#pragma once
#include <napi.h>

#include <initializer_list>

#include "args.h"

#include "cpu/cpu.h"
#if NC_WITH_CUDA
#include "cuda/cuda.h"
#endif

// Runs backend function Fn (same name and signature in cpu/ and cuda/) on the chosen backend. A GPU
// call holds the process's GPU lock (cuda.h) until it returns: the temporary GpuLock lives to the end
// of the full expression. Entry points that call cuda:: directly take a GpuLock themselves.
#if NC_WITH_CUDA
#define RUN_ON(backend, Fn, ...)                                                           \
  ((backend) == ::nc::ops::Backend::Gpu ? (::nc::cuda::GpuLock{}, ::nc::cuda::Fn(__VA_ARGS__)) \
                                        : ::nc::cpu::Fn(__VA_ARGS__))
#else
#define RUN_ON(backend, Fn, ...) (static_cast<void>(backend), ::nc::cpu::Fn(__VA_ARGS__))
#endif

namespace nc::ops {

using Handler = Napi::Value (*)(const Args&);

enum class Backend { Cpu, Gpu };
// The backend that runs work on `device` ('cpu' or 'gpu:0'); throws a RangeError naming the op and
// the reason when that device cannot be used.
Backend BackendFor(const Args& args, const std::string& device);
// After a read that waited for the GPU: throws the bad label that an earlier loss call queued a
// check for (GPU work runs ahead of JavaScript, so that is where it surfaces).
void ReportRecordedLabelError(const Args& args);

// cudnn.cc
// On the GPU backend: throws a RangeError naming the op, the tensor and the value when a dimension
// or a tensor's element count exceeds the int that cuDNN takes (nothing on the CPU backend).
void RequireCudnnRange(const Args& args, Backend backend, std::initializer_list<const TensorArg*> tensors);
Napi::Value SetDeterministic(const Args&);
Napi::Value ConvolutionAlgorithms(const Args&);
// memory.cc
Napi::Value Alloc(const Args&);
Napi::Value Upload(const Args&);
Napi::Value UploadBytes(const Args&);
Napi::Value Download(const Args&);
Napi::Value MemoryInfo(const Args&);
// Gives cached blocks back to the system: on the CPU those idle for at least idleMs, on the GPU
// everything CUDA's pool holds unused.
Napi::Value EmptyCache(const Args&);
Napi::Value BackendInfo(const Args&);
Napi::Value SetGpuPrecision(const Args&);
// conv.cc
Napi::Value Conv2dForward(const Args&);
Napi::Value Conv2dBackward(const Args&);
// pool.cc
Napi::Value Pool2dForward(const Args&);
Napi::Value Pool2dBackward(const Args&);
// activation.cc
Napi::Value ActivationForward(const Args&);
Napi::Value ActivationBackward(const Args&);
// batchnorm.cc
Napi::Value BatchNormForward(const Args&);
Napi::Value BatchNormBackward(const Args&);
// dense.cc
Napi::Value DenseForward(const Args&);
Napi::Value DenseBackward(const Args&);
// loss.cc
Napi::Value SoftmaxCrossEntropy(const Args&);
Napi::Value SoftmaxCrossEntropyBackward(const Args&);
Napi::Value CountCorrect(const Args&);
Napi::Value AccumulateCorrect(const Args&);
// image.cc
Napi::Value AffineSample(const Args&);
Napi::Value ColorJitter(const Args&);
// elementwise.cc
Napi::Value FillConstant(const Args&);
Napi::Value FillUniform(const Args&);
Napi::Value FillNormal(const Args&);
Napi::Value Axpby(const Args&);
Napi::Value Multiply(const Args&);
Napi::Value Sum(const Args&);
Napi::Value DropoutForward(const Args&);
// arithmetic.cc
Napi::Value Binary(const Args&);
Napi::Value SumTo(const Args&);
// optim.cc
Napi::Value OptimizerUpdate(const Args&);
Napi::Value SumSquares(const Args&);

}  // namespace nc::ops
