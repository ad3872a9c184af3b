// Pooling on oneDNN. Max pooling ignores padded cells; average pooling counts them in the divisor
// (count_include_pad, the default of Gluon and PyTorch).
#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"

namespace nc::cpu {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;

namespace {

std::string ShapeKey(const char* op, const PoolShape& s, bool isMax) {
  return Key(op, {s.n, s.c, s.h, s.w, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw, isMax});
}

dnnl::pooling_forward::primitive_desc ForwardPd(const PoolShape& s, bool isMax, bool training) {
  dnnl::pooling_forward::desc desc(training ? prop_kind::forward_training : prop_kind::forward_inference,
                                   isMax ? algorithm::pooling_max : algorithm::pooling_avg_include_padding,
                                   PlainDesc({s.n, s.c, s.h, s.w}), PlainDesc({s.n, s.c, s.oh, s.ow}),
                                   {s.sh, s.sw}, {s.kh, s.kw}, {s.ph, s.pw}, {s.ph, s.pw});
  return dnnl::pooling_forward::primitive_desc(desc, Engine());
}

}  // namespace

size_t MaxPoolWorkspaceBytes(const PoolShape& s) { return ForwardPd(s, true, true).workspace_desc().get_size(); }

void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y, void* workspace) {
  const bool training = workspace != nullptr;
  const auto& entry = CachedOrBuild(ShapeKey(training ? "pool_fwd_train" : "pool_fwd", s, isMax), [&] {
    auto pd = ForwardPd(s, isMax, training);
    CachedPrimitive e{dnnl::pooling_forward(pd), {}, {}, pd.workspace_desc()};
    e.Arg(DNNL_ARG_SRC, PlainDesc({s.n, s.c, s.h, s.w}));
    e.Arg(DNNL_ARG_DST, PlainDesc({s.n, s.c, s.oh, s.ow}));
    e.Arg(DNNL_ARG_WORKSPACE, pd.workspace_desc());
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}, {DNNL_ARG_WORKSPACE, isMax ? workspace : nullptr}});
}

void Pool2dBackward(const PoolShape& s, bool isMax, const float* dy, float* dx, const void* workspace) {
  const auto& entry = CachedOrBuild(ShapeKey("pool_bwd", s, isMax), [&] {
    auto hint = ForwardPd(s, isMax, true);
    dnnl::pooling_backward::desc desc(isMax ? algorithm::pooling_max : algorithm::pooling_avg_include_padding,
                                      PlainDesc({s.n, s.c, s.h, s.w}), PlainDesc({s.n, s.c, s.oh, s.ow}),
                                      {s.sh, s.sw}, {s.kh, s.kw}, {s.ph, s.pw}, {s.ph, s.pw});
    dnnl::pooling_backward::primitive_desc pd(desc, Engine(), hint);
    CachedPrimitive e{dnnl::pooling_backward(pd), {}, {}, hint.workspace_desc()};
    e.Arg(DNNL_ARG_DIFF_DST, PlainDesc({s.n, s.c, s.oh, s.ow}));
    e.Arg(DNNL_ARG_DIFF_SRC, PlainDesc({s.n, s.c, s.h, s.w}));
    e.Arg(DNNL_ARG_WORKSPACE, hint.workspace_desc());
    return e;
  });
  Execute(entry, {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}, {DNNL_ARG_WORKSPACE, isMax ? workspace : nullptr}});
}

}  // namespace nc::cpu
