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

// The per-element gradients dy·∂y/∂a into da and dy·∂y/∂b into db (each null when not wanted), both of
// the output's shape; the caller sums them back to the operands' shapes.
template <BinaryOp kOp>
void BinaryBackwardLoop(const Broadcast& s, const float* a, const float* b, const float* dy, float* da, float* db) {
#pragma omp parallel for if (s.size > 32768)
  for (int64_t i = 0; i < s.size; ++i) {
    int64_t ia = i, ib = i;
    if (!s.sameShape) s.Offsets(i, &ia, &ib);
    if (da) da[i] = dy[i] * BinaryGradA<kOp>(a[ia], b[ib]);
    if (db) db[i] = dy[i] * BinaryGradB<kOp>(a[ia], b[ib]);
  }
}

}  // namespace

void Binary(BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y) {
  switch (op) {
#define NC_BINARY_LOOP(name, js, value, gradA, gradB) \
  case BinaryOp::name:                       \
    return BinaryLoop<BinaryOp::name>(s, a, b, y);
    NC_BINARY_OPS(NC_BINARY_LOOP)
#undef NC_BINARY_LOOP
  }
}

void BinaryBackward(BinaryOp op, const Broadcast& s, const float* a, const float* b, const float* dy, float* da,
                    float* db) {
  switch (op) {
#define NC_BINARY_BACKWARD_LOOP(name, js, value, gradA, gradB) \
  case BinaryOp::name:                               \
    return BinaryBackwardLoop<BinaryOp::name>(s, a, b, dy, da, db);
    NC_BINARY_OPS(NC_BINARY_BACKWARD_LOOP)
#undef NC_BINARY_BACKWARD_LOOP
  }
}

void SumTo(const SumToShape& s, const float* x, float* y) {
#pragma omp parallel for if (s.ySize * s.reducedSize > 32768)
  for (int64_t j = 0; j < s.ySize; ++j) y[j] = s.SumAt(x, j);
}

}  // namespace nc::cpu
