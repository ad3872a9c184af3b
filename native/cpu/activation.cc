// Activations on oneDNN's eltwise primitives. The backward of relu, sigmoid and tanh is computed from
// the forward's output y (sigmoid' = y(1-y), tanh' = 1-y², relu' = [y>0]), so layers that fuse the
// activation into a convolution or dense forward never need the pre-activation values. Leaky relu,
// ELU and GELU are not functions of y alone: their backward uses oneDNN's from-source algorithms on x.
#include <cstring>

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
  return dnnl::eltwise_forward::primitive_desc(desc, UserScratchpad(), Engine());
}

// Leaky relu is oneDNN's relu with a negative slope alpha; ELU takes alpha; GELU is the exact (erf) one.
algorithm InputAlgorithm(Activation act) {
  switch (act) {
    case Activation::LeakyRelu: return algorithm::eltwise_relu;
    case Activation::Elu: return algorithm::eltwise_elu;
    default: return algorithm::eltwise_gelu_erf;
  }
}

dnnl::eltwise_forward::primitive_desc InputForwardPd(Activation act, float alpha, int64_t n) {
  dnnl::eltwise_forward::desc desc(prop_kind::forward_training, InputAlgorithm(act), PlainDesc({n}), alpha, 0.0f);
  return dnnl::eltwise_forward::primitive_desc(desc, UserScratchpad(), Engine());
}

// The bits of alpha, for cache keys.
int64_t Bits(float alpha) {
  uint32_t bits;
  std::memcpy(&bits, &alpha, sizeof bits);
  return bits;
}

}  // namespace

void InputActivationForward(Activation act, float alpha, int64_t n, const float* x, float* y) {
  const auto& entry = CachedOrBuild(Key("eltwise_x_fwd", {static_cast<int64_t>(act), n, Bits(alpha)}), [&] {
    CachedPrimitive e{dnnl::eltwise_forward(InputForwardPd(act, alpha, n))};
    e.anyLayout = true;  // flat, in the caller's layout
    e.Arg(DNNL_ARG_SRC, PlainDesc({n}));
    e.Arg(DNNL_ARG_DST, PlainDesc({n}));
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}});
}

void InputActivationBackward(Activation act, float alpha, int64_t n, const float* x, const float* dy, float* dx) {
  const auto& entry = CachedOrBuild(Key("eltwise_x_bwd", {static_cast<int64_t>(act), n, Bits(alpha)}), [&] {
    dnnl::eltwise_backward::desc desc(InputAlgorithm(act), PlainDesc({n}), PlainDesc({n}), alpha, 0.0f);
    dnnl::eltwise_backward::primitive_desc pd(desc, UserScratchpad(), Engine(), InputForwardPd(act, alpha, n));
    CachedPrimitive e{dnnl::eltwise_backward(pd)};
    e.anyLayout = true;  // flat, in the caller's layout
    for (int arg : {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}) e.Arg(arg, PlainDesc({n}));
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}});
}

void ActivationForward(Activation act, int64_t n, const float* x, float* y) {
  if (act == Activation::None) {
    Axpby(n, x, y, 1.0f, 0.0f);
    return;
  }
  const auto& entry = CachedOrBuild(Key("eltwise_fwd", {static_cast<int64_t>(act), n}), [&] {
    CachedPrimitive e{dnnl::eltwise_forward(ForwardPd(act, n))};
    e.anyLayout = true;  // flat, in the caller's layout
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
    dnnl::eltwise_backward::primitive_desc pd(desc, UserScratchpad(), Engine(), ForwardPd(act, n));
    CachedPrimitive e{dnnl::eltwise_backward(pd)};
    e.anyLayout = true;  // flat, in the caller's layout
    for (int arg : {DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}) e.Arg(arg, PlainDesc({n}));
    return e;
  });
  Execute(entry, {{DNNL_ARG_DST, y}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}});
}

}  // namespace nc::cpu
