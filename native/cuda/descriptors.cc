#include "cuda/descriptors.h"

#include <climits>
#include <string>
#include <unordered_map>

namespace nc::cuda {

namespace {
int Dim(int64_t v) {
  if (v > INT_MAX) throw GpuError("dimension " + std::to_string(v) + " exceeds cuDNN's int range");
  return static_cast<int>(v);
}
}  // namespace

cudnnTensorDescriptor_t NewTensor4d(int64_t n, int64_t c, int64_t h, int64_t w) {
  const CudnnApi& api = Ctx().libs->cudnn;
  cudnnTensorDescriptor_t d;
  CUDNN_CHECK(api.cudnnCreateTensorDescriptor(&d));
  CUDNN_CHECK(api.cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, Dim(n), Dim(c), Dim(h), Dim(w)));
  return d;
}

cudnnActivationDescriptor_t ActivationDesc(Activation act) {
  static cudnnActivationDescriptor_t descs[4] = {};
  const int i = static_cast<int>(act);
  if (act == Activation::None) return nullptr;
  // Leaky relu, ELU and GELU run on our own kernels (activations.cu), never through cuDNN.
  if (i >= 4) throw GpuError("no cuDNN activation descriptor for activation " + std::to_string(i));
  if (!descs[i]) {
    const CudnnApi& api = Ctx().libs->cudnn;
    const cudnnActivationMode_t mode = act == Activation::Relu      ? CUDNN_ACTIVATION_RELU
                                       : act == Activation::Sigmoid ? CUDNN_ACTIVATION_SIGMOID
                                                                    : CUDNN_ACTIVATION_TANH;
    CUDNN_CHECK(api.cudnnCreateActivationDescriptor(&descs[i]));
    CUDNN_CHECK(api.cudnnSetActivationDescriptor(descs[i], mode, CUDNN_NOT_PROPAGATE_NAN, 0.0));
  }
  return descs[i];
}

namespace {
cudnnTensorDescriptor_t CachedTensor4d(int64_t n, int64_t c, int64_t h, int64_t w) {
  static std::unordered_map<std::string, cudnnTensorDescriptor_t> cache;
  const std::string key = std::to_string(n) + "," + std::to_string(c) + "," + std::to_string(h) + "," + std::to_string(w);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, NewTensor4d(n, c, h, w)).first;
  return it->second;
}
}  // namespace

cudnnTensorDescriptor_t FlatTensor(int64_t n) { return CachedTensor4d(1, 1, 1, n); }
cudnnTensorDescriptor_t MatrixTensor(int64_t rows, int64_t cols) { return CachedTensor4d(rows, cols, 1, 1); }

}  // namespace nc::cuda
