// The entry points: each reads and checks its arguments (args.h), then runs the operation on the
// backend of the tensors' device.
#pragma once
#include <napi.h>

#include <initializer_list>

#include "args.h"
#include "ops/table.h"

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
// One handler per export (table.h); each lives in the ops/<file>.cc that table.h names.
#define NC_DECLARE_HANDLER(jsName, Handler, argumentCount) Napi::Value Handler(const Args&);
NC_OPS(NC_DECLARE_HANDLER)
#undef NC_DECLARE_HANDLER

}  // namespace nc::ops
