// Convolution on oneDNN. Tensors stay in plain NCHW/OIHW; oneDNN picks its kernels for that layout.
#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"

namespace nc::cpu {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

struct ConvDescs {
  memory::desc src, weights, bias, dst;
  memory::dims strides, padding;
};

ConvDescs Descs(const ConvShape& s) {
  return {PlainDesc({s.n, s.c, s.h, s.w}), PlainDesc({s.o, s.c, s.kh, s.kw}), PlainDesc({s.o}),
          PlainDesc({s.n, s.o, s.oh, s.ow}), {s.sh, s.sw}, {s.ph, s.pw}};
}

std::string ShapeKey(const char* op, const ConvShape& s, int64_t extra) {
  return Key(op, {s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw, extra});
}

// The forward descriptor is also the hint that backward primitives are built against.
dnnl::convolution_forward::primitive_desc ForwardPd(const ConvShape& s, bool withBias, Activation act) {
  ConvDescs d = Descs(s);
  dnnl::convolution_forward::desc desc(prop_kind::forward_training, algorithm::convolution_direct, d.src, d.weights,
                                       withBias ? d.bias : memory::desc(), d.dst, d.strides, d.padding, d.padding);
  return dnnl::convolution_forward::primitive_desc(desc, ActivationAttr(act), Engine());
}

}  // namespace

void Conv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  const bool withBias = b != nullptr;
  const auto& entry = CachedOrBuild(ShapeKey("conv_fwd", s, static_cast<int64_t>(act) * 2 + withBias), [&] {
    return CachedPrimitive{dnnl::convolution_forward(ForwardPd(s, withBias, act)), {}};
  });
  ConvDescs d = Descs(s);
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, Wrap(d.src, x)}, {DNNL_ARG_WEIGHTS, Wrap(d.weights, w)}, {DNNL_ARG_DST, Wrap(d.dst, y)}};
  if (withBias) args.emplace(DNNL_ARG_BIAS, Wrap(d.bias, b));
  entry.primitive.execute(Stream(), args);
  Stream().wait();
}

void Conv2dBackwardData(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const auto& entry = CachedOrBuild(ShapeKey("conv_bwd_data", s, 0), [&] {
    ConvDescs d = Descs(s);
    dnnl::convolution_backward_data::desc desc(algorithm::convolution_direct, d.src, d.weights, d.dst, d.strides,
                                               d.padding, d.padding);
    dnnl::convolution_backward_data::primitive_desc pd(desc, Engine(), ForwardPd(s, false, Activation::None));
    return CachedPrimitive{dnnl::convolution_backward_data(pd), {}};
  });
  ConvDescs d = Descs(s);
  entry.primitive.execute(Stream(), {{DNNL_ARG_DIFF_DST, Wrap(d.dst, dy)},
                                     {DNNL_ARG_WEIGHTS, Wrap(d.weights, w)},
                                     {DNNL_ARG_DIFF_SRC, Wrap(d.src, dx)}});
  Stream().wait();
}

void Conv2dBackwardWeights(const ConvShape& s, const float* x, const float* dy, float* dw, float* db) {
  const bool withBias = db != nullptr;
  const auto& entry = CachedOrBuild(ShapeKey("conv_bwd_weights", s, withBias), [&] {
    ConvDescs d = Descs(s);
    dnnl::convolution_backward_weights::desc desc(algorithm::convolution_direct, d.src, d.weights,
                                                  withBias ? d.bias : memory::desc(), d.dst, d.strides, d.padding,
                                                  d.padding);
    dnnl::convolution_backward_weights::primitive_desc pd(desc, Engine(), ForwardPd(s, withBias, Activation::None));
    return CachedPrimitive{dnnl::convolution_backward_weights(pd), {}};
  });
  ConvDescs d = Descs(s);
  std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, Wrap(d.src, x)},
                                          {DNNL_ARG_DIFF_DST, Wrap(d.dst, dy)},
                                          {DNNL_ARG_DIFF_WEIGHTS, Wrap(d.weights, dw)}};
  if (withBias) args.emplace(DNNL_ARG_DIFF_BIAS, Wrap(d.bias, db));
  entry.primitive.execute(Stream(), args);
  Stream().wait();
}

}  // namespace nc::cpu
