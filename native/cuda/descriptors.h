// cuDNN descriptors built from our shapes. Descriptors are created once per shape and kept in
// bounded caches (plan_cache.h).
#pragma once
#include <cstdint>

#include "cuda/context.h"
#include "shapes.h"

namespace nc::cuda {

// v as the int that cuDNN takes; throws GpuError naming `what` and v when it does not fit.
int CudnnInt(const char* what, int64_t v);
// A float NCHW tensor descriptor; throws GpuError naming the shape when a dimension or the element
// count exceeds cuDNN's int range.
cudnnTensorDescriptor_t NewTensor4d(int64_t n, int64_t c, int64_t h, int64_t w);
// The process-wide descriptor of an activation (null for Activation::None).
cudnnActivationDescriptor_t ActivationDesc(Activation act);
// Cached descriptors: a flat tensor of n elements (activations on any shape), and a (rows, cols)
// matrix seen as (rows, cols, 1, 1) (dense layers' bias and its gradient).
cudnnTensorDescriptor_t FlatTensor(int64_t n);
cudnnTensorDescriptor_t MatrixTensor(int64_t rows, int64_t cols);

}  // namespace nc::cuda
