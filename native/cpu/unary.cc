// Unary ops and clip on the CPU: one loop per op, compiled from unary.h's expressions, vectorised
// (where the math functions allow) and spread over the cores for big tensors.
#include "unary.h"
#include "cpu/cpu.h"

namespace nc::cpu {

namespace {

template <UnaryOp kOp>
void UnaryLoop(int64_t n, const float* x, float* y) {
#pragma omp parallel for simd if (n > 32768)
  for (int64_t i = 0; i < n; ++i) y[i] = ApplyUnary<kOp>(x[i]);
}

template <UnaryOp kOp>
void UnaryBackwardLoop(int64_t n, const float* x, const float* y, const float* dy, float* dx) {
#pragma omp parallel for simd if (n > 32768)
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * UnaryGrad<kOp>(x[i], y[i]);
}

}  // namespace

void Unary(UnaryOp op, int64_t n, const float* x, float* y) {
  switch (op) {
#define NC_UNARY_LOOP(name, js, value, grad) \
  case UnaryOp::name:                        \
    return UnaryLoop<UnaryOp::name>(n, x, y);
    NC_UNARY_OPS(NC_UNARY_LOOP)
#undef NC_UNARY_LOOP
  }
}

void UnaryBackward(UnaryOp op, int64_t n, const float* x, const float* y, const float* dy, float* dx) {
  switch (op) {
#define NC_UNARY_BACKWARD_LOOP(name, js, value, grad) \
  case UnaryOp::name:                                 \
    return UnaryBackwardLoop<UnaryOp::name>(n, x, y, dy, dx);
    NC_UNARY_OPS(NC_UNARY_BACKWARD_LOOP)
#undef NC_UNARY_BACKWARD_LOOP
  }
}

void Clip(int64_t n, const float* x, float* y, float lo, float hi) {
#pragma omp parallel for simd if (n > 32768)
  for (int64_t i = 0; i < n; ++i) y[i] = ClipValue(x[i], lo, hi);
}

void ClipBackward(int64_t n, const float* x, const float* dy, float* dx, float lo, float hi) {
#pragma omp parallel for simd if (n > 32768)
  for (int64_t i = 0; i < n; ++i) dx[i] = dy[i] * ClipGrad(x[i], lo, hi);
}

}  // namespace nc::cpu
