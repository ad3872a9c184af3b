// Convolution on oneDNN. Users hold plain NCHW/OIHW tensors; the primitives run in the layouts
// where oneDNN has direct AVX-512 kernels, and the arguments are reordered on the way in and out.
// Plain NCHW itself would select oneDNN's im2col+GEMM path, 2–3× slower on LeNet's layers.
#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"
#include "cpu/layout_registry.h"

#include <vector>

namespace nc::cpu {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

struct ConvDescs {
  memory::desc src, weights, bias, dst;
  memory::dims strides, dilates, padding;
};

// Grouped weights are 5-d for oneDNN: (G, O/G, C/G, KH, KW), the same bytes as our (O, C/G, KH, KW).
memory::dims WeightDims(const ConvShape& s) {
  if (s.groups == 1) return {s.o, s.c, s.kh, s.kw};
  return {s.groups, s.o / s.groups, s.c / s.groups, s.kh, s.kw};
}

// oneDNN counts dilation as the cells skipped between taps: 0 for a plain kernel.
memory::dims Dilates(const ConvShape& s) { return {s.dilh - 1, s.dilw - 1}; }

// Our weights as stored: plain row-major, 4-d or (grouped) 5-d.
memory::desc PlainWeights(const ConvShape& s) {
  return memory::desc(WeightDims(s), memory::data_type::f32,
                      s.groups == 1 ? memory::format_tag::oihw : memory::format_tag::goihw);
}

ConvDescs PlainDescs(const ConvShape& s) {
  return {PlainDesc({s.n, s.c, s.h, s.w}), PlainWeights(s), PlainDesc({s.o}),
          PlainDesc({s.n, s.o, s.oh, s.ow}), {s.sh, s.sw}, Dilates(s), {s.ph, s.pw}};
}

// The same problem in the layouts the kernels run in. The forward takes oneDNN's choice (`any`).
// The backward kernels with few channels (LeNet's 6→16) run faster on channels-last activations than
// on the 16-channel blocked ones, which pad 6 channels to 16 (measured on LeNet's second layer:
// forward + backward 1.7 ms with this choice, 1.8 ms all channels-last, 2.4 ms all blocked).
bool NarrowChannels(const ConvShape& s) { return s.c < 16 || s.o < 16; }

// Activations stay in the kernels' layout (cpu/layouts.h) between wide layers only: a narrow one's
// backward runs channels-last, and its neighbours (LeNet's pooling and flatten) want plain data.
OutputLayout ActivationLayout(const ConvShape& s) { return NarrowChannels(s) ? OutputLayout::Plain : OutputLayout::Keep; }

ConvDescs KernelDescs(const ConvShape& s, bool backward) {
  const bool narrowChannels = NarrowChannels(s);
  const auto activations = backward && narrowChannels ? memory::format_tag::nhwc : memory::format_tag::any;
  auto desc = [](const memory::dims& d, memory::format_tag tag) { return memory::desc(d, memory::data_type::f32, tag); };
  return {desc({s.n, s.c, s.h, s.w}, activations), desc(WeightDims(s), memory::format_tag::any),
          PlainDesc({s.o}), desc({s.n, s.o, s.oh, s.ow}, activations), {s.sh, s.sw}, Dilates(s), {s.ph, s.pw}};
}

std::string ShapeKey(const char* op, const ConvShape& s, int64_t extra) {
  return Key(op, {s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw, s.dilh, s.dilw, s.groups, extra});
}

// The forward descriptor is also the hint that backward primitives are built against.
dnnl::convolution_forward::primitive_desc ForwardPd(const ConvShape& s, bool withBias, Activation act) {
  ConvDescs d = KernelDescs(s, false);
  dnnl::convolution_forward::desc desc(prop_kind::forward_training, algorithm::convolution_direct, d.src, d.weights,
                                       withBias ? d.bias : memory::desc(), d.dst, d.strides, d.dilates, d.padding,
                                       d.padding);
  return dnnl::convolution_forward::primitive_desc(desc, ActivationAttr(act), Engine());
}

}  // namespace

void Conv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y, Activation act) {
  if (IsNarrowConv(s)) {  // plain loops: plain input and output
    MakePlain(x);
    ForgetLayout(y);
    NarrowConv2dForward(s, x, w, b, y);
    if (act != Activation::None) ActivationForward(act, s.n * s.o * s.oh * s.ow, y, y);
    return;
  }
  const bool withBias = b != nullptr;
  const auto& entry = CachedOrBuild(ShapeKey("conv_fwd", s, static_cast<int64_t>(act) * 2 + withBias), [&] {
    auto pd = ForwardPd(s, withBias, act);
    ConvDescs d = PlainDescs(s);
    CachedPrimitive e{dnnl::convolution_forward(pd)};
    e.Arg(DNNL_ARG_SRC, d.src, pd.src_desc(), false);
    e.Arg(DNNL_ARG_WEIGHTS, d.weights, pd.weights_desc(), false);
    e.Arg(DNNL_ARG_BIAS, d.bias);
    e.Arg(DNNL_ARG_DST, d.dst, pd.dst_desc(), true, ActivationLayout(s));
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, y}});
}

namespace {

void BackwardData(const ConvShape& s, const float* dy, const float* w, float* dx) {
  const auto& entry = CachedOrBuild(ShapeKey("conv_bwd_data", s, 0), [&] {
    ConvDescs a = KernelDescs(s, true);
    dnnl::convolution_backward_data::desc desc(algorithm::convolution_direct, a.src, a.weights, a.dst, a.strides,
                                               a.dilates, a.padding, a.padding);
    dnnl::convolution_backward_data::primitive_desc pd(desc, UserScratchpad(), Engine(), ForwardPd(s, false, Activation::None));
    ConvDescs d = PlainDescs(s);
    CachedPrimitive e{dnnl::convolution_backward_data(pd)};
    e.Arg(DNNL_ARG_DIFF_DST, d.dst, pd.diff_dst_desc(), false);
    e.Arg(DNNL_ARG_WEIGHTS, d.weights, pd.weights_desc(), false);
    e.Arg(DNNL_ARG_DIFF_SRC, d.src, pd.diff_src_desc(), true, ActivationLayout(s));
    return e;
  });
  Execute(entry, {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, dx}});
}

void BackwardWeights(const ConvShape& s, const float* x, const float* dy, float* dw, float* db) {
  const bool withBias = db != nullptr;
  const auto& entry = CachedOrBuild(ShapeKey("conv_bwd_weights", s, withBias), [&] {
    ConvDescs a = KernelDescs(s, true);
    dnnl::convolution_backward_weights::desc desc(algorithm::convolution_direct, a.src, a.weights,
                                                  withBias ? a.bias : memory::desc(), a.dst, a.strides, a.dilates,
                                                  a.padding, a.padding);
    dnnl::convolution_backward_weights::primitive_desc pd(desc, UserScratchpad(), Engine(), ForwardPd(s, withBias, Activation::None));
    ConvDescs d = PlainDescs(s);
    CachedPrimitive e{dnnl::convolution_backward_weights(pd)};
    e.Arg(DNNL_ARG_SRC, d.src, pd.src_desc(), false);
    e.Arg(DNNL_ARG_DIFF_DST, d.dst, pd.diff_dst_desc(), false);
    e.Arg(DNNL_ARG_DIFF_WEIGHTS, d.weights, pd.diff_weights_desc(), true);
    e.Arg(DNNL_ARG_DIFF_BIAS, d.bias);
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw}, {DNNL_ARG_DIFF_BIAS, db}});
}

}  // namespace

void Conv2dBackward(const ConvShape& s, const float* x, const float* w, const float* y, const float* dy,
                    Activation act, float* dx, float* dw, float* db) {
  // The narrow kernels read plain tensors; the activation's derivative, y and dy in one layout.
  if (IsNarrowConv(s)) {
    MakePlain(x);
    MakePlain(dy);
  }
  if (act != Activation::None && !SameLayout(y, dy)) {
    MakePlain(y);
    MakePlain(dy);
  }
  // A first layer needs no dx: its activation's derivative is folded into the weight gradient.
  if (IsNarrowConv(s) && dx == nullptr) {
    NarrowConv2dBackwardWeights(s, x, y, dy, act, dw, db);
    return;
  }
  const float* dz = dy;
  thread_local std::vector<float> activationGrad;  // reused across calls; per thread (worker_threads)
  if (act != Activation::None) {
    const int64_t n = s.n * s.o * s.oh * s.ow;
    if (static_cast<int64_t>(activationGrad.size()) < n) activationGrad.resize(n);
    ActivationBackward(act, n, y, dy, activationGrad.data());  // element-wise: in dy's layout
    dz = activationGrad.data();
    CopyLayout(dy, dz);
  }
  if (dx != nullptr) BackwardData(s, dz, w, dx);
  if (IsNarrowConv(s)) NarrowConv2dBackwardWeights(s, x, nullptr, dz, Activation::None, dw, db);
  else BackwardWeights(s, x, dz, dw, db);
  if (dz != dy) ForgetLayout(dz);  // the buffer is reused for other shapes
}

}  // namespace nc::cpu
