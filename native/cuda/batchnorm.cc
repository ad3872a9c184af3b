// Batch normalization on cuDNN (CUDNN_BATCHNORM_SPATIAL: per channel over N,H,W), descriptors cached
// per shape. Same conventions as the CPU backend (cpu/batchnorm.cc): Gluon's momentum, so cuDNN's
// exponential average factor is 1 − momentum; cuDNN keeps the running variance unbiased and saves
// the batch mean and 1/sqrt(var + eps) for the backward. With fixed statistics (prediction mode),
// the backward is our own kernel (batchnorm.cu), since cuDNN's differentiates through the batch's.
#include <string>

#include "cuda/batchnorm.h"
#include "cuda/context.h"
#include "cuda/cuda.h"
#include "cuda/descriptors.h"
#include "cuda/plan_cache.h"

namespace nc::cuda {

namespace {

constexpr float kOne = 1.0f, kZero = 0.0f;
constexpr cudnnBatchNormMode_t kMode = CUDNN_BATCHNORM_SPATIAL;

struct BatchNormPlan {
  cudnnTensorDescriptor_t x = nullptr;   // x, y, dy and dx: (N,C,H,W)
  cudnnTensorDescriptor_t bn = nullptr;  // gamma, beta, means, variances and their gradients: (1,C,1,1)
};

void DestroyPlan(BatchNormPlan& p) {
  const CudnnApi& api = Ctx().libs->cudnn;
  if (p.x) api.cudnnDestroyTensorDescriptor(p.x);
  if (p.bn) api.cudnnDestroyTensorDescriptor(p.bn);
}

BatchNormPlan& PlanFor(const BatchNormShape& s) {
  static PlanCache<BatchNormPlan> plans(DestroyPlan);
  const std::string key =
      std::to_string(s.n) + "," + std::to_string(s.c) + "," + std::to_string(s.h) + "," + std::to_string(s.w);
  return plans.Get(key, [&] {
    const CudnnApi& api = Ctx().libs->cudnn;
    BatchNormPlan p;
    try {
      p.x = NewTensor4d(s.n, s.c, s.h, s.w);
      CUDNN_CHECK(api.cudnnCreateTensorDescriptor(&p.bn));
      CUDNN_CHECK(api.cudnnDeriveBNTensorDescriptor(p.bn, p.x, kMode));
    } catch (...) {
      DestroyPlan(p);
      throw;
    }
    return p;
  });
}

}  // namespace

void BatchNormForward(const BatchNormShape& s, const float* x, const float* gamma, const float* beta,
                      float* runningMean, float* runningVar, float* y, float* saveMean, float* saveInvStd,
                      bool training, double momentum, double epsilon) {
  Context& c = Ctx();
  BatchNormPlan& p = PlanFor(s);
  const CudnnApi& api = c.libs->cudnn;
  if (training) {
    CUDNN_CHECK(api.cudnnBatchNormalizationForwardTraining(c.cudnn, kMode, &kOne, &kZero, p.x, x, p.x, y, p.bn, gamma,
                                                           beta, 1.0 - momentum, runningMean, runningVar, epsilon,
                                                           saveMean, saveInvStd));
    return;
  }
  CUDNN_CHECK(api.cudnnBatchNormalizationForwardInference(c.cudnn, kMode, &kOne, &kZero, p.x, x, p.x, y, p.bn, gamma,
                                                          beta, runningMean, runningVar, epsilon));
  // For a backward recorded in prediction mode: the statistics that normalised.
  if (saveMean && saveInvStd) {
    LaunchBatchNormGlobalStats(c.stream, s.c, runningMean, runningVar, static_cast<float>(epsilon), saveMean,
                               saveInvStd);
  }
}

void BatchNormBackward(const BatchNormShape& s, const float* x, const float* gamma, const float* dy,
                       const float* saveMean, const float* saveInvStd, bool training, double epsilon, float* dx,
                       float* dgamma, float* dbeta) {
  Context& c = Ctx();
  if (!training) {
    LaunchBatchNormGlobalStatsBackward(c.stream, s, x, gamma, dy, saveMean, saveInvStd, dx, dgamma, dbeta);
    return;
  }
  BatchNormPlan& p = PlanFor(s);
  CUDNN_CHECK(c.libs->cudnn.cudnnBatchNormalizationBackward(c.cudnn, kMode, &kOne, &kZero, &kOne, &kZero, p.x, x, p.x,
                                                            dy, p.x, dx, p.bn, gamma, dgamma, dbeta, epsilon,
                                                            saveMean, saveInvStd));
}

}  // namespace nc::cuda
