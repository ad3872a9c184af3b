// Activations on oneDNN's eltwise primitives. The backward is computed from the forward's output y
// (sigmoid' = y(1-y), tanh' = 1-y², relu' = [y>0]), so layers that fuse the activation into a
// convolution or dense forward never need the pre-activation values.
#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"

namespace nc::cpu {

using dnnl::algorithm;
using dnnl::prop_kind;

namespace {

algorithm UseDstAlgorithm(Activation act) {
  switch (act) {
    case Activation::Relu: return algorithm::eltwise_relu_use_dst_for_bwd;
    case Activation::Sigmoid: return algorithm::eltwise_logistic_use_dst_for_bwd;
    default: return algorithm::eltwise_tanh_use_dst_for_bwd;
  }
}

dnnl::eltwise_forward::primitive_desc ForwardPd(Activation act, int64_t n) {
  dnnl::eltwise_forward::desc desc(prop_kind::forward_training, UseDstAlgorithm(act), PlainDesc({n}), 0.0f, 0.0f);
  return dnnl::eltwise_forward::primitive_desc(desc, Engine());
}

}  // namespace

void ActivationForward(Activation act, int64_t n, const float* x, float* y) {
  if (act == Activation::None) {
    Axpby(n, x, y, 1.0f, 0.0f);
    return;
  }
  const auto& entry = CachedOrBuild(Key("eltwise_fwd", {static_cast<int64_t>(act), n}), [&] {
    CachedPrimitive e{dnnl::eltwise_forward(ForwardPd(act, n)), {}, {}};
    e.Arg(DNNL_ARG_SRC, PlainDesc({n}));
    e.Arg(DNNL_ARG_DST, PlainDesc({n}));
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}});
}

void ActivationBackward(Activation act, int64_t n, const float* y, const float* dy, float* dx) {
  if (act == Activation::None) {
    Axpby(n, dy, dx, 1.0f, 0.0f);
    return;
  }
  const auto& entry = CachedOrBuild(Key("eltwise_bwd", {static_cast<int64_t>(act), n}), [&] {
    dnnl::eltwise_backward::desc desc(UseDstAlgorithm(act), PlainDesc({n}), PlainDesc({n}), 0.0f, 0.0f);
    dnnl::eltwise_backward::primitive_desc pd(desc, Engine(), ForwardPd(act, n));
    CachedPrimitive e{dnnl::eltwise_backward(pd), {}, {}};
    for (int arg : {DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}) e.Arg(arg, PlainDesc({n}));
    return e;
  });
  Execute(entry, {{DNNL_ARG_DST, y}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}});
}

}  // namespace nc::cpu
