// Matrix products on oneDNN's matmul primitive: it takes the batch dimensions itself and broadcasts
// an operand's batch dimension of extent 1, and the transposes are strides of the operands' layouts.
#include <string>

#include "cpu/cpu.h"
#include "cpu/dnnl_context.h"

namespace nc::cpu {

using dnnl::memory;

namespace {

// An operand of `rows`×`cols` matrices stored (rows, cols), or (cols, rows) when transposed, along the
// merged batch dimensions (extent 1 where the operand is broadcast).
memory::desc OperandDesc(const MatmulShape& s, const int64_t* batchStride, int64_t rows, int64_t cols, bool transposed) {
  memory::dims dims, strides;
  for (int d = 0; d < s.ndim; ++d) {
    dims.push_back(batchStride[d] == 0 ? 1 : s.extent[d]);
    strides.push_back((batchStride[d] == 0 ? 1 : batchStride[d]) * rows * cols);
  }
  dims.insert(dims.end(), {rows, cols});
  strides.insert(strides.end(), {transposed ? 1 : cols, transposed ? rows : 1});
  return memory::desc(dims, memory::data_type::f32, strides);
}

// y: contiguous (row-major) over the batch dimensions and (M, N).
memory::desc ResultDesc(const MatmulShape& s) {
  memory::dims dims(s.extent, s.extent + s.ndim);
  dims.insert(dims.end(), {s.m, s.n});
  memory::dims strides(dims.size());
  int64_t stride = 1;
  for (size_t d = dims.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= dims[d];
  }
  return memory::desc(dims, memory::data_type::f32, strides);
}

std::string MatmulKey(const MatmulShape& s) {
  std::string key = Key("matmul", {s.m, s.n, s.k, s.transA, s.transB, s.ndim});
  for (int d = 0; d < s.ndim; ++d) key += Key("", {s.extent[d], s.strideA[d], s.strideB[d]});
  return key;
}

}  // namespace

// y (batch..., M, N) = op(a) (M,K) · op(b) (K,N) for each product of the batch.
void Matmul(const MatmulShape& s, const float* a, const float* b, float* y) {
  const auto& entry = CachedOrBuild(MatmulKey(s), [&] {
    const memory::desc src = OperandDesc(s, s.strideA, s.m, s.k, s.transA);
    const memory::desc weights = OperandDesc(s, s.strideB, s.k, s.n, s.transB);
    const memory::desc dst = ResultDesc(s);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights, dst), UserScratchpad(), Engine());
    CachedPrimitive e{dnnl::matmul(pd)};
    e.Arg(DNNL_ARG_SRC, src);
    e.Arg(DNNL_ARG_WEIGHTS, weights);
    e.Arg(DNNL_ARG_DST, dst);
    return e;
  });
  Execute(entry, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, y}});
}

}  // namespace nc::cpu
