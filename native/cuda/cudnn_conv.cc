// Convolution on cuDNN: one plan per problem (descriptors + the algorithm cudnnFind* measured as
// fastest for each direction, once), workspaces from the stream-ordered pool. The forward search
// runs on our buffers (FindEx); the backward searches allocate their own (the facts we declare from
// cover only the plain Find for those). Bias and activation follow
// the convolution as cuDNN tensor ops.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"
#include "cuda/scratch.h"

namespace nc::cuda {

namespace {

constexpr float kOne = 1.0f, kZero = 0.0f;

struct ConvPlan {
  cudnnTensorDescriptor_t x, y, bias;
  cudnnFilterDescriptor_t w;
  cudnnConvolutionDescriptor_t conv;
  // Chosen on first use of each direction; -1 until then.
  int fwdAlgo = -1, dataAlgo = -1, filterAlgo = -1;
  size_t fwdBytes = 0, dataBytes = 0, filterBytes = 0;
};

ConvPlan& PlanFor(const ConvShape& s) {
  static std::unordered_map<std::string, ConvPlan> plans;
  const std::string key = std::to_string(s.n) + "," + std::to_string(s.c) + "," + std::to_string(s.h) + "," +
                          std::to_string(s.w) + "," + std::to_string(s.o) + "," + std::to_string(s.kh) + "," +
                          std::to_string(s.kw) + "," + std::to_string(s.sh) + "," + std::to_string(s.sw) + "," +
                          std::to_string(s.ph) + "," + std::to_string(s.pw) + (AllowTf32() ? ",tf32" : ",fp32");
  auto it = plans.find(key);
  if (it != plans.end()) return it->second;
  const CudnnApi& api = Ctx().libs->cudnn;
  ConvPlan p;
  p.x = NewTensor4d(s.n, s.c, s.h, s.w);
  p.y = NewTensor4d(s.n, s.o, s.oh, s.ow);
  p.bias = NewTensor4d(1, s.o, 1, 1);
  CUDNN_CHECK(api.cudnnCreateFilterDescriptor(&p.w));
  CUDNN_CHECK(api.cudnnSetFilter4dDescriptor(p.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, static_cast<int>(s.o),
                                             static_cast<int>(s.c), static_cast<int>(s.kh), static_cast<int>(s.kw)));
  CUDNN_CHECK(api.cudnnCreateConvolutionDescriptor(&p.conv));
  CUDNN_CHECK(api.cudnnSetConvolution2dDescriptor(p.conv, static_cast<int>(s.ph), static_cast<int>(s.pw),
                                                  static_cast<int>(s.sh), static_cast<int>(s.sw), 1, 1,
                                                  CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  // Default math lets cuDNN use TF32 tensor cores for float (as PyTorch allows by default).
  CUDNN_CHECK(api.cudnnSetConvolutionMathType(p.conv, AllowTf32() ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  return plans.emplace(key, p).first->second;
}

// The workspace that cudnnFind* may use while it times the candidates: generous, but bounded by
// what the device has free.
size_t SearchWorkspaceBytes() {
  size_t freeBytes = 0, totalBytes = 0;
  CUDA_CHECK(cudaMemGetInfo(&freeBytes, &totalBytes));
  return std::min<size_t>(size_t{512} << 20, freeBytes / 4);
}

// Picks the fastest algorithm that ran successfully from cudnnFind*'s sorted results.
template <typename Perf>
void Choose(const Perf* results, int count, const char* what, int* algo, size_t* bytes) {
  for (int i = 0; i < count; ++i) {
    if (results[i].status == 0) {
      *algo = static_cast<int>(results[i].algo);
      *bytes = results[i].memory;
      return;
    }
  }
  throw GpuError(std::string("cuDNN found no working ") + what + " algorithm for this convolution");
}

}  // namespace

void Conv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  Context& c = Ctx();
  const CudnnApi& api = c.libs->cudnn;
  ConvPlan& p = PlanFor(s);
  if (p.fwdAlgo < 0) {
    Scratch search(SearchWorkspaceBytes());
    cudnnConvolutionFwdAlgoPerf_t results[8];
    int count = 0;
    CUDNN_CHECK(api.cudnnFindConvolutionForwardAlgorithmEx(c.cudnn, p.x, x, p.w, w, p.conv, p.y, y, 8, &count, results,
                                                            search.data, search.bytes));
    Choose(results, count, "forward", &p.fwdAlgo, &p.fwdBytes);
  }
  Scratch workspace(p.fwdBytes);
  CUDNN_CHECK(api.cudnnConvolutionForward(c.cudnn, &kOne, p.x, x, p.w, w, p.conv,
                                          static_cast<cudnnConvolutionFwdAlgo_t>(p.fwdAlgo), workspace.data,
                                          workspace.bytes, &kZero, p.y, y));
  if (b) CUDNN_CHECK(api.cudnnAddTensor(c.cudnn, &kOne, p.bias, b, &kOne, p.y, y));
  if (act != Activation::None) {
    CUDNN_CHECK(api.cudnnActivationForward(c.cudnn, ActivationDesc(act), &kOne, p.y, y, &kZero, p.y, y));
  }
}

void Conv2dBackward(const ConvShape& s, const float* x, const float* w, const float* y, const float* dy,
                    Activation act, float* dx, float* dw, float* db) {
  Context& c = Ctx();
  const CudnnApi& api = c.libs->cudnn;
  ConvPlan& p = PlanFor(s);
  // dz = dy · act'(y): cuDNN's activation backward reads y (and x, which for these modes it may
  // take to be y).
  const float* dz = dy;
  Scratch activationGrad(act == Activation::None ? 0 : sizeof(float) * s.n * s.o * s.oh * s.ow);
  if (act != Activation::None) {
    CUDNN_CHECK(api.cudnnActivationBackward(c.cudnn, ActivationDesc(act), &kOne, p.y, y, p.y, dy, p.y, y, &kZero, p.y,
                                            activationGrad.data));
    dz = static_cast<const float*>(activationGrad.data);
  }
  if (dx) {
    if (p.dataAlgo < 0) {
      cudnnConvolutionBwdDataAlgoPerf_t results[6];
      int count = 0;
      CUDNN_CHECK(api.cudnnFindConvolutionBackwardDataAlgorithm(c.cudnn, p.w, p.y, p.conv, p.x, 6, &count, results));
      Choose(results, count, "backward-data", &p.dataAlgo, &p.dataBytes);
    }
    Scratch workspace(p.dataBytes);
    CUDNN_CHECK(api.cudnnConvolutionBackwardData(c.cudnn, &kOne, p.w, w, p.y, dz, p.conv,
                                                 static_cast<cudnnConvolutionBwdDataAlgo_t>(p.dataAlgo), workspace.data,
                                                 workspace.bytes, &kZero, p.x, dx));
  }
  if (p.filterAlgo < 0) {
    cudnnConvolutionBwdFilterAlgoPerf_t results[7];
    int count = 0;
    CUDNN_CHECK(api.cudnnFindConvolutionBackwardFilterAlgorithm(c.cudnn, p.x, p.y, p.conv, p.w, 7, &count, results));
    Choose(results, count, "backward-filter", &p.filterAlgo, &p.filterBytes);
  }
  Scratch workspace(p.filterBytes);
  CUDNN_CHECK(api.cudnnConvolutionBackwardFilter(c.cudnn, &kOne, p.x, x, p.y, dz, p.conv,
                                                 static_cast<cudnnConvolutionBwdFilterAlgo_t>(p.filterAlgo),
                                                 workspace.data, workspace.bytes, &kZero, p.w, dw));
  if (db) CUDNN_CHECK(api.cudnnConvolutionBackwardBias(c.cudnn, &kOne, p.y, dz, &kZero, p.bias, db));
}

}  // namespace nc::cuda
