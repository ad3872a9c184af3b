// Dense (fully connected) layers on oneDNN's inner product: y = act(x wᵀ + b), w stored (out, in)
// as in Gluon and PyTorch.
#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"

namespace nc::cpu {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

struct DenseDescs {
  memory::desc src, weights, bias, dst;
};

DenseDescs Descs(const DenseShape& s) {
  return {PlainDesc({s.n, s.k}), PlainDesc({s.m, s.k}), PlainDesc({s.m}), PlainDesc({s.n, s.m})};
}

dnnl::inner_product_forward::primitive_desc ForwardPd(const DenseShape& s, bool withBias, Activation act) {
  DenseDescs d = Descs(s);
  dnnl::inner_product_forward::desc desc(prop_kind::forward_training, d.src, d.weights,
                                         withBias ? d.bias : memory::desc(), d.dst);
  return dnnl::inner_product_forward::primitive_desc(desc, ActivationAttr(act), Engine());
}

// Declares the plain layouts of a dense primitive's arguments.
CachedPrimitive Plain(dnnl::primitive primitive, const DenseShape& s, std::initializer_list<std::pair<int, int>> args) {
  DenseDescs d = Descs(s);
  CachedPrimitive e{primitive};
  for (auto [arg, which] : args) e.Arg(arg, which == 0 ? d.src : which == 1 ? d.weights : which == 2 ? d.bias : d.dst);
  return e;
}

}  // namespace

void DenseForward(const DenseShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  const bool withBias = b != nullptr;
  const auto& entry = CachedOrBuild(Key("dense_fwd", {s.n, s.k, s.m, static_cast<int64_t>(act), withBias}), [&] {
    return Plain(dnnl::inner_product_forward(ForwardPd(s, withBias, act)), s,
                 {{DNNL_ARG_SRC, 0}, {DNNL_ARG_WEIGHTS, 1}, {DNNL_ARG_BIAS, 2}, {DNNL_ARG_DST, 3}});
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, y}});
}

void DenseBackward(const DenseShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                   float* db) {
  DenseDescs d = Descs(s);
  const bool withBias = db != nullptr;
  if (dx != nullptr) {
    const auto& entry = CachedOrBuild(Key("dense_bwd_data", {s.n, s.k, s.m}), [&] {
      dnnl::inner_product_backward_data::desc desc(d.src, d.weights, d.dst);
      dnnl::inner_product_backward_data::primitive_desc pd(desc, UserScratchpad(), Engine(), ForwardPd(s, false, Activation::None));
      return Plain(dnnl::inner_product_backward_data(pd), s,
                   {{DNNL_ARG_DIFF_DST, 3}, {DNNL_ARG_WEIGHTS, 1}, {DNNL_ARG_DIFF_SRC, 0}});
    });
    Execute(entry, {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, dx}});
  }
  const auto& entry = CachedOrBuild(Key("dense_bwd_weights", {s.n, s.k, s.m, withBias}), [&] {
    dnnl::inner_product_backward_weights::desc desc(d.src, d.weights, withBias ? d.bias : memory::desc(), d.dst);
    dnnl::inner_product_backward_weights::primitive_desc pd(desc, UserScratchpad(), Engine(), ForwardPd(s, withBias, Activation::None));
    return Plain(dnnl::inner_product_backward_weights(pd), s,
                 {{DNNL_ARG_SRC, 0}, {DNNL_ARG_DIFF_DST, 3}, {DNNL_ARG_DIFF_WEIGHTS, 1}, {DNNL_ARG_DIFF_BIAS, 2}});
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw}, {DNNL_ARG_DIFF_BIAS, db}});
}

}  // namespace nc::cpu
