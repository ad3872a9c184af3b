#include "cuda/descriptors.h"

#include <climits>
#include <string>

#include "cuda/plan_cache.h"

namespace nc::cuda {

int CudnnInt(const char* what, int64_t v) {
  if (v < 0 || v > INT_MAX) {
    throw GpuError(ErrorCode::Argument, std::string(what) + " " + std::to_string(v) + " exceeds cuDNN's int range (" +
                   std::to_string(INT_MAX) + ")");
  }
  return static_cast<int>(v);
}

cudnnTensorDescriptor_t NewTensor4d(int64_t n, int64_t c, int64_t h, int64_t w) {
  const std::string shape = "(" + std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(h) + "," +
                            std::to_string(w) + ")";
  const std::string what = "dimension of tensor " + shape;
  const int dims[] = {CudnnInt(what.c_str(), n), CudnnInt(what.c_str(), c), CudnnInt(what.c_str(), h),
                      CudnnInt(what.c_str(), w)};
  // cuDNN's legacy tensors hold at most INT_MAX elements (their strides are ints).
  if (n * c * h * w > INT_MAX) {
    throw GpuError(ErrorCode::Argument, "tensor " + shape + " has " + std::to_string(n * c * h * w) + " elements, more than cuDNN's " +
                   std::to_string(INT_MAX));
  }
  const CudnnApi& api = Ctx().libs->cudnn;
  cudnnTensorDescriptor_t d;
  CUDNN_CHECK(api.cudnnCreateTensorDescriptor(&d));
  const int status = api.cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, dims[0], dims[1], dims[2],
                                                    dims[3]);
  if (status != CUDNN_STATUS_SUCCESS) {
    api.cudnnDestroyTensorDescriptor(d);
    CUDNN_CHECK(status);
  }
  return d;
}

cudnnActivationDescriptor_t ActivationDesc(Activation act) {
  static cudnnActivationDescriptor_t descs[4] = {};
  const int i = static_cast<int>(act);
  if (act == Activation::None) return nullptr;
  // Leaky relu, ELU and GELU run on our own kernels (activation.cu), never through cuDNN.
  if (i >= 4) throw GpuError(ErrorCode::Internal, "no cuDNN activation descriptor for activation " + std::to_string(i));
  if (!descs[i]) {
    const CudnnApi& api = Ctx().libs->cudnn;
    const cudnnActivationMode_t mode = act == Activation::Relu      ? CUDNN_ACTIVATION_RELU
                                       : act == Activation::Sigmoid ? CUDNN_ACTIVATION_SIGMOID
                                                                    : CUDNN_ACTIVATION_TANH;
    CUDNN_CHECK(api.cudnnCreateActivationDescriptor(&descs[i]));
    // NaN as on the CPU backend, so non-finite checks see the same on both devices: oneDNN's relu
    // (and Gluon's) maps NaN to 0, so relu does not propagate it; sigmoid and tanh of NaN are NaN
    // whatever this option says (test/26.gpu-cudnn.test.ts compares both devices).
    CUDNN_CHECK(api.cudnnSetActivationDescriptor(descs[i], mode, CUDNN_NOT_PROPAGATE_NAN, 0.0));
  }
  return descs[i];
}

namespace {
void DestroyTensor(cudnnTensorDescriptor_t& d) { Ctx().libs->cudnn.cudnnDestroyTensorDescriptor(d); }

cudnnTensorDescriptor_t CachedTensor4d(int64_t n, int64_t c, int64_t h, int64_t w) {
  static PlanCache<cudnnTensorDescriptor_t> cache(DestroyTensor);
  const std::string key = std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(h) + "," + std::to_string(w);
  return cache.Get(key, [&] { return NewTensor4d(n, c, h, w); });
}
}  // namespace

cudnnTensorDescriptor_t FlatTensor(int64_t n) { return CachedTensor4d(1, 1, 1, n); }
cudnnTensorDescriptor_t MatrixTensor(int64_t rows, int64_t cols) { return CachedTensor4d(rows, cols, 1, 1); }

}  // namespace nc::cuda
