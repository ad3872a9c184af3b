// The entry points: each reads and checks its arguments (args.h), then runs the operation on the
// backend of the tensors' device.
#pragma once
#include <napi.h>

#include "args.h"

namespace nc::ops {

using Handler = Napi::Value (*)(const Args&);

// Throws unless a backend for `device` is built into this addon.
void RequireBackend(const Args& args, const std::string& device);

// memory.cc
Napi::Value Alloc(const Args&);
Napi::Value Upload(const Args&);
Napi::Value UploadBytes(const Args&);
Napi::Value Download(const Args&);
Napi::Value MemoryInfo(const Args&);
Napi::Value BackendInfo(const Args&);
// conv.cc
Napi::Value Conv2dForward(const Args&);
Napi::Value Conv2dBackward(const Args&);
// pool.cc
Napi::Value Pool2dForward(const Args&);
Napi::Value Pool2dBackward(const Args&);
// activation.cc
Napi::Value ActivationForward(const Args&);
Napi::Value ActivationBackward(const Args&);
// dense.cc
Napi::Value DenseForward(const Args&);
Napi::Value DenseBackward(const Args&);
// loss.cc
Napi::Value SoftmaxCrossEntropy(const Args&);
Napi::Value SoftmaxCrossEntropyBackward(const Args&);
Napi::Value CountCorrect(const Args&);
// elementwise.cc
Napi::Value FillConstant(const Args&);
Napi::Value FillUniform(const Args&);
Napi::Value FillNormal(const Args&);
Napi::Value Axpby(const Args&);
Napi::Value Multiply(const Args&);
Napi::Value Sum(const Args&);
Napi::Value DropoutForward(const Args&);
Napi::Value SgdUpdate(const Args&);

}  // namespace nc::ops
