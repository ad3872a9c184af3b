// Batch normalization on oneDNN's batch_normalization primitive, in plain NCHW (a dense layer's
// (N,C) output comes as (N,C,1,1)), with separate scale (gamma) and shift (beta) arguments.
//
// Conventions shared with the CUDA backend (cuDNN's):
//  * the forward in training saves the batch mean and the inverse standard deviation
//    1/sqrt(var + eps) of the biased batch variance, which is what normalises;
//  * running = momentum·running + (1 − momentum)·batch (Gluon's momentum; cuDNN's exponential
//    average factor is 1 − momentum), with the unbiased batch variance (× M/(M−1), M = N·H·W) for
//    the running variance, as cuDNN and PyTorch do;
//  * the backward takes the saved mean and inverse standard deviation. oneDNN wants a variance, so
//    it gets 1/invStd² − eps back, which oneDNN turns into invStd again.
#include <cmath>
#include <cstring>
#include <vector>

#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"
#include "cpu/layout_registry.h"

namespace nc::cpu {

using dnnl::normalization_flags;
using dnnl::prop_kind;

namespace {

int64_t Bits(double value) {
  const float f = static_cast<float>(value);
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

normalization_flags Flags(bool globalStats) {
  normalization_flags flags = normalization_flags::use_scale | normalization_flags::use_shift;
  return globalStats ? flags | normalization_flags::use_global_stats : flags;
}

dnnl::memory::desc Data(const BatchNormShape& s) { return PlainDesc({s.n, s.c, s.h, s.w}); }

// The layout to normalise in: that of the tensor a convolution left in its own (nChw16c, where
// oneDNN's batch normalization is several times faster than on plain NCHW), else plain.
dnnl::memory::desc LayoutFor(const BatchNormShape& s, const void* x, const void* orElse) {
  std::optional<dnnl::memory::desc> layout = LayoutOf(x);
  if (!layout && orElse) layout = LayoutOf(orElse);
  return layout ? *layout : Data(s);
}

dnnl::batch_normalization_forward::primitive_desc ForwardPd(const dnnl::memory::desc& data, prop_kind kind,
                                                             bool globalStats, float epsilon) {
  dnnl::batch_normalization_forward::desc desc(kind, data, epsilon, Flags(globalStats));
  return dnnl::batch_normalization_forward::primitive_desc(desc, UserScratchpad(), Engine());
}

}  // namespace

void BatchNormForward(const BatchNormShape& s, const float* x, const float* gamma, const float* beta,
                      float* runningMean, float* runningVar, float* y, float* saveMean, float* saveInvStd,
                      bool training, double momentum, double epsilon) {
  const float eps = static_cast<float>(epsilon);
  const dnnl::memory::desc data = LayoutFor(s, x, nullptr);
  const auto& entry = CachedOrBuild(
      Key("bnorm_fwd", {s.n, s.c, s.h, s.w, training ? 1 : 0, Bits(epsilon)}) + LayoutKey(data), [&] {
        // Training computes the batch statistics; inference normalises with the running ones.
        auto pd = ForwardPd(data, training ? prop_kind::forward_training : prop_kind::forward_inference, !training, eps);
        CachedPrimitive e{dnnl::batch_normalization_forward(pd)};
        e.Arg(DNNL_ARG_SRC, Data(s), data, false);
        e.Arg(DNNL_ARG_DST, Data(s), data, true, OutputLayout::Keep);
        for (int arg : {DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE}) e.Arg(arg, PlainDesc({s.c}));
        return e;
      });
  const size_t c = static_cast<size_t>(s.c);
  if (!training) {
    Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}, {DNNL_ARG_SCALE, gamma}, {DNNL_ARG_SHIFT, beta},
                    {DNNL_ARG_MEAN, runningMean}, {DNNL_ARG_VARIANCE, runningVar}});
    // For a backward recorded in prediction mode: the statistics that normalised.
    if (saveMean && saveInvStd) {
      for (size_t k = 0; k < c; ++k) {
        saveMean[k] = runningMean[k];
        saveInvStd[k] = 1.0f / std::sqrt(runningVar[k] + eps);
      }
    }
    return;
  }
  std::vector<float> variance(c);
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}, {DNNL_ARG_SCALE, gamma}, {DNNL_ARG_SHIFT, beta},
                  {DNNL_ARG_MEAN, saveMean}, {DNNL_ARG_VARIANCE, variance.data()}});
  const double count = static_cast<double>(s.n * s.h * s.w);  // > 1, checked by the entry point
  const float keep = static_cast<float>(momentum), take = static_cast<float>(1.0 - momentum);
  const float unbias = static_cast<float>(count / (count - 1.0));
  for (size_t k = 0; k < c; ++k) {
    saveInvStd[k] = 1.0f / std::sqrt(variance[k] + eps);
    runningMean[k] = keep * runningMean[k] + take * saveMean[k];
    runningVar[k] = keep * runningVar[k] + take * (variance[k] * unbias);
  }
}

void BatchNormBackward(const BatchNormShape& s, const float* x, const float* gamma, const float* dy,
                       const float* saveMean, const float* saveInvStd, bool training, double epsilon, float* dx,
                       float* dgamma, float* dbeta) {
  const float eps = static_cast<float>(epsilon);
  const dnnl::memory::desc data = LayoutFor(s, x, dy);
  const auto& entry = CachedOrBuild(
      Key("bnorm_bwd", {s.n, s.c, s.h, s.w, training ? 1 : 0, Bits(epsilon)}) + LayoutKey(data), [&] {
        // Without training the statistics were constants (use_global_stats): dx = dy·gamma·invStd.
        dnnl::batch_normalization_backward::desc desc(prop_kind::backward, data, data, eps, Flags(!training));
        dnnl::batch_normalization_backward::primitive_desc pd(
            desc, UserScratchpad(), Engine(), ForwardPd(data, prop_kind::forward_training, !training, eps));
        CachedPrimitive e{dnnl::batch_normalization_backward(pd)};
        e.Arg(DNNL_ARG_SRC, Data(s), data, false);
        e.Arg(DNNL_ARG_DIFF_DST, Data(s), data, false);
        e.Arg(DNNL_ARG_DIFF_SRC, Data(s), data, true, OutputLayout::Keep);
        for (int arg : {DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_DIFF_SCALE,
                        DNNL_ARG_DIFF_SHIFT}) {
          e.Arg(arg, PlainDesc({s.c}));
        }
        return e;
      });
  std::vector<float> variance(static_cast<size_t>(s.c));
  for (size_t k = 0; k < variance.size(); ++k) variance[k] = 1.0f / (saveInvStd[k] * saveInvStd[k]) - eps;
  // oneDNN wants the shift here too, though no gradient depends on it.
  const std::vector<float> shift(static_cast<size_t>(s.c), 0.0f);
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}, {DNNL_ARG_MEAN, saveMean},
                  {DNNL_ARG_VARIANCE, variance.data()}, {DNNL_ARG_SCALE, gamma}, {DNNL_ARG_SHIFT, shift.data()},
                  {DNNL_ARG_DIFF_SCALE, dgamma}, {DNNL_ARG_DIFF_SHIFT, dbeta}});
}

}  // namespace nc::cpu
