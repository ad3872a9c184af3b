// Element-wise ops of one tensor, shared by both backends. A unary op is one line of NC_UNARY_OPS:
// its expressions are compiled into the CPU loop (cpu/unary.cc) and the CUDA kernel (cuda/unary.cu)
// alike, as NC_BINARY_OPS is for the binary ops (arithmetic.h). clip, with its two bounds, is here too.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

#include "host_device.h"

namespace nc {

// X(Enum, "js name", y(x), dy/dx): each op and its derivative, as expressions of float x and of the
// forward's output y (the backward gets both). The backward is dx = dy · dy/dx.
//   abs' and sign' at 0 are 0 (PyTorch's choice); sign(0) = 0 and sign(NaN) = NaN, as NumPy's.
#define NC_UNARY_OPS(X)                                               \
  X(Neg, "neg", -x, -1.0f)                                            \
  X(Abs, "abs", fabsf(x), x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : 0.0f)  \
  X(Square, "square", x * x, 2.0f * x)                                \
  X(Sqrt, "sqrt", sqrtf(x), 0.5f / y)                                 \
  X(Exp, "exp", expf(x), y)                                           \
  X(Log, "log", logf(x), 1.0f / x)                                    \
  X(Reciprocal, "reciprocal", 1.0f / x, -(y * y))                     \
  X(Sign, "sign", x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x, 0.0f)

enum class UnaryOp {
#define NC_UNARY_ENUM(op, name, value, grad) op,
  NC_UNARY_OPS(NC_UNARY_ENUM)
#undef NC_UNARY_ENUM
};

// The op's value at x, and its derivative at x (whose value is y); kOp is a template argument so that
// each loop and kernel is compiled for one op. (x or y may go unused: the casts keep compilers quiet.)
template <UnaryOp kOp>
NC_HOST_DEVICE inline float ApplyUnary(float x) {
  switch (kOp) {
#define NC_UNARY_VALUE(op, name, value, grad) \
  case UnaryOp::op:                           \
    return value;
    NC_UNARY_OPS(NC_UNARY_VALUE)
#undef NC_UNARY_VALUE
  }
  return 0;
}
template <UnaryOp kOp>
NC_HOST_DEVICE inline float UnaryGrad(float x, float y) {
  static_cast<void>(x);
  static_cast<void>(y);
  switch (kOp) {
#define NC_UNARY_GRAD(op, name, value, grad) \
  case UnaryOp::op:                          \
    return grad;
    NC_UNARY_OPS(NC_UNARY_GRAD)
#undef NC_UNARY_GRAD
  }
  return 0;
}

// The op named `name` ("exp"), or false.
bool ParseUnaryOp(const std::string& name, UnaryOp* op);
// "'neg', 'abs', ...": the names, for messages.
std::string UnaryOpNames();

// clip: min(max(x, lo), hi), as NumPy's clip (lo > hi gives hi everywhere; NaN stays NaN). The
// gradient passes where lo ≤ x ≤ hi, as PyTorch's clamp; an absent bound is ∓infinity.
NC_HOST_DEVICE inline float ClipValue(float x, float lo, float hi) {
  const float atLeastLo = x < lo ? lo : x;
  return atLeastLo > hi ? hi : atLeastLo;
}
NC_HOST_DEVICE inline float ClipGrad(float x, float lo, float hi) { return x >= lo && x <= hi ? 1.0f : 0.0f; }

}  // namespace nc
