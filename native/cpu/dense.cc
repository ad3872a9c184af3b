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

}  // namespace

void DenseForward(const DenseShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  const bool withBias = b != nullptr;
  const auto& entry = CachedOrBuild(Key("dense_fwd", {s.n, s.k, s.m, static_cast<int64_t>(act), withBias}), [&] {
    return CachedPrimitive{dnnl::inner_product_forward(ForwardPd(s, withBias, act)), {}};
  });
  DenseDescs d = Descs(s);
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, Wrap(d.src, x)}, {DNNL_ARG_WEIGHTS, Wrap(d.weights, w)}, {DNNL_ARG_DST, Wrap(d.dst, y)}};
  if (withBias) args.emplace(DNNL_ARG_BIAS, Wrap(d.bias, b));
  entry.primitive.execute(Stream(), args);
  Stream().wait();
}

void DenseBackward(const DenseShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                   float* db) {
  DenseDescs d = Descs(s);
  const bool withBias = db != nullptr;
  if (dx != nullptr) {
    const auto& entry = CachedOrBuild(Key("dense_bwd_data", {s.n, s.k, s.m}), [&] {
      dnnl::inner_product_backward_data::desc desc(d.src, d.weights, d.dst);
      dnnl::inner_product_backward_data::primitive_desc pd(desc, Engine(), ForwardPd(s, false, Activation::None));
      return CachedPrimitive{dnnl::inner_product_backward_data(pd), {}};
    });
    entry.primitive.execute(Stream(), {{DNNL_ARG_DIFF_DST, Wrap(d.dst, dy)},
                                       {DNNL_ARG_WEIGHTS, Wrap(d.weights, w)},
                                       {DNNL_ARG_DIFF_SRC, Wrap(d.src, dx)}});
  }
  const auto& entry = CachedOrBuild(Key("dense_bwd_weights", {s.n, s.k, s.m, withBias}), [&] {
    dnnl::inner_product_backward_weights::desc desc(d.src, d.weights, withBias ? d.bias : memory::desc(), d.dst);
    dnnl::inner_product_backward_weights::primitive_desc pd(desc, Engine(),
                                                            ForwardPd(s, withBias, Activation::None));
    return CachedPrimitive{dnnl::inner_product_backward_weights(pd), {}};
  });
  std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, Wrap(d.src, x)},
                                          {DNNL_ARG_DIFF_DST, Wrap(d.dst, dy)},
                                          {DNNL_ARG_DIFF_WEIGHTS, Wrap(d.weights, dw)}};
  if (withBias) args.emplace(DNNL_ARG_DIFF_BIAS, Wrap(d.bias, db));
  entry.primitive.execute(Stream(), args);
  Stream().wait();
}

}  // namespace nc::cpu
