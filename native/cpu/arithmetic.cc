// Broadcast arithmetic on the CPU: one loop per op, compiled from arithmetic.h's expressions.
#include "arithmetic.h"
#include "cpu/cpu.h"

namespace nc::cpu {

namespace {

template <BinaryOp kOp>
void BinaryLoop(const Broadcast& s, const float* a, const float* b, float* y) {
  const int64_t n = s.size;
  if (s.sameShape) {  // the common case: no index arithmetic, vectorised
#pragma omp parallel for simd if (n > 32768)
    for (int64_t i = 0; i < n; ++i) y[i] = ApplyBinary<kOp>(a[i], b[i]);
    return;
  }
#pragma omp parallel for if (n > 32768)
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia, ib;
    s.Offsets(i, &ia, &ib);
    y[i] = ApplyBinary<kOp>(a[ia], b[ib]);
  }
}

}  // namespace

void Binary(BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y) {
  switch (op) {
#define NC_BINARY_LOOP(name, js, expression) \
  case BinaryOp::name:                       \
    return BinaryLoop<BinaryOp::name>(s, a, b, y);
    NC_BINARY_OPS(NC_BINARY_LOOP)
#undef NC_BINARY_LOOP
  }
}

void SumTo(const SumToShape& s, const float* x, float* y) {
#pragma omp parallel for if (s.ySize * s.reducedSize > 32768)
  for (int64_t j = 0; j < s.ySize; ++j) y[j] = s.SumAt(x, j);
}

}  // namespace nc::cpu
