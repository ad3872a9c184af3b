// Element-wise arithmetic with NumPy broadcasting, shared by both backends. A binary op is one line
// of NC_BINARY_OPS: its expression is compiled into the CPU loop (cpu/arithmetic.cc) and the CUDA
// kernel (cuda/arithmetic.cu) alike, so the two cannot drift apart.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "host_device.h"

namespace nc {

// X(Enum, "js name", y(a, b), ∂y/∂a, ∂y/∂b): each op and its derivatives, as expressions of float a
// and b. The backward of a broadcast op is dy times these, summed back to each operand's shape.
#define NC_BINARY_OPS(X)                              \
  X(Add, "add", a + b, 1.0f, 1.0f)                    \
  X(Subtract, "subtract", a - b, 1.0f, -1.0f)         \
  X(Multiply, "multiply", a * b, b, a)                \
  X(Divide, "divide", a / b, 1.0f / b, -a / (b * b))  \
  /* NaN wins, as in NumPy and PyTorch; a tie splits the gradient evenly, as in PyTorch */             \
  X(Maximum, "maximum", a > b || a != a ? a : b, a > b ? 1.0f : a == b ? 0.5f : 0.0f, b > a ? 1.0f : a == b ? 0.5f : 0.0f) \
  X(Minimum, "minimum", a < b || a != a ? a : b, a < b ? 1.0f : a == b ? 0.5f : 0.0f, b < a ? 1.0f : a == b ? 0.5f : 0.0f) \
  NC_BINARY_POWER_AND_COMPARISONS(X)

// a^b, as NumPy's power (NaN for a < 0 and a non-integer b). Its derivatives follow PyTorch's:
// ∂/∂a = b·a^(b−1), exact for a < 0 when b is an integer, and 0 where b = 0 (not 0·∞ at a = 0);
// ∂/∂b = a^b·ln a, 0 at a = 0 with b ≥ 0 (its limit from above), NaN for a < 0 (a^b is not a real
// function of b there), −∞ at a = 0 with b < 0. A number exponent gets no gradient, so power(x, 2)
// never computes ∂/∂b. The comparisons give 1 or 0 (NaN compares unequal to everything, as IEEE and
// NumPy), with zero derivatives: lib/ops/arithmetic.ts does not record them on the tape.
#define NC_BINARY_POWER_AND_COMPARISONS(X)                                                       \
  X(Power, "power", powf(a, b), b == 0.0f ? 0.0f : b * powf(a, b - 1.0f),                        \
    a == 0.0f && b >= 0.0f ? 0.0f : powf(a, b) * logf(a))                                        \
  X(Equal, "equal", a == b ? 1.0f : 0.0f, 0.0f, 0.0f)                                            \
  X(NotEqual, "notEqual", a != b ? 1.0f : 0.0f, 0.0f, 0.0f)                                      \
  X(Greater, "greater", a > b ? 1.0f : 0.0f, 0.0f, 0.0f)                                         \
  X(GreaterEqual, "greaterEqual", a >= b ? 1.0f : 0.0f, 0.0f, 0.0f)                              \
  X(Less, "less", a < b ? 1.0f : 0.0f, 0.0f, 0.0f)                                               \
  X(LessEqual, "lessEqual", a <= b ? 1.0f : 0.0f, 0.0f, 0.0f)

enum class BinaryOp {
#define NC_BINARY_ENUM(op, name, value, gradA, gradB) op,
  NC_BINARY_OPS(NC_BINARY_ENUM)
#undef NC_BINARY_ENUM
};

// The op's value and derivatives; kOp is a template argument so that each kernel is compiled for
// one op. (a and b may go unused in a derivative: the casts keep compilers quiet.)
#define NC_BINARY_APPLY(Name, field)                               \
  template <BinaryOp kOp>                                          \
  NC_HOST_DEVICE inline float Name(float a, float b) {             \
    static_cast<void>(a);                                          \
    static_cast<void>(b);                                          \
    switch (kOp) { NC_BINARY_OPS(field) }                          \
    return 0;                                                      \
  }
#define NC_BINARY_VALUE(op, name, value, gradA, gradB) \
  case BinaryOp::op:                                   \
    return value;
#define NC_BINARY_DA(op, name, value, gradA, gradB) \
  case BinaryOp::op:                                \
    return gradA;
#define NC_BINARY_DB(op, name, value, gradA, gradB) \
  case BinaryOp::op:                                \
    return gradB;
NC_BINARY_APPLY(ApplyBinary, NC_BINARY_VALUE)
NC_BINARY_APPLY(BinaryGradA, NC_BINARY_DA)
NC_BINARY_APPLY(BinaryGradB, NC_BINARY_DB)
#undef NC_BINARY_VALUE
#undef NC_BINARY_DA
#undef NC_BINARY_DB
#undef NC_BINARY_APPLY

// Each backend turns the runtime op into a compiled loop with one switch over NC_BINARY_OPS.
// The op named `name` ("add"), or false.
bool ParseBinaryOp(const std::string& name, BinaryOp* op);
// "'add', 'sub', ...": the names, for messages.
std::string BinaryOpNames();

// More dimensions than any tensor here has; a fixed array keeps the shape passable to a kernel by value.
constexpr int kMaxBroadcastDims = 8;

// An output index space (the broadcast shape) and, for each operand, its element stride along each
// output dimension (0 where the operand is broadcast). Dimensions are right-aligned, as in NumPy.
struct Broadcast {
  int ndim = 0;
  int64_t size = 1;                     // elements of the output
  int64_t extent[kMaxBroadcastDims]{};  // the output's shape
  int64_t strideA[kMaxBroadcastDims]{};
  int64_t strideB[kMaxBroadcastDims]{};
  bool sameShape = false;  // a, b and the output have one shape: plain element-wise

  // The operands' element offsets of output element i.
  NC_HOST_DEVICE void Offsets(int64_t i, int64_t* a, int64_t* b) const {
    int64_t oa = 0, ob = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t at = i % extent[d];
      i /= extent[d];
      oa += at * strideA[d];
      ob += at * strideB[d];
    }
    *a = oa;
    *b = ob;
  }
};

// y = Σ of x over the dimensions where y's shape (right-aligned, as NumPy) has extent 1 and x's
// does not: the backward of a broadcast. Output element j sums its reduced positions in a fixed
// order, in double, so both backends give the same result.
struct SumToShape {
  int ndim = 0;
  int64_t ySize = 1, reducedSize = 1;
  int64_t extent[kMaxBroadcastDims]{};   // x's shape
  int64_t xStride[kMaxBroadcastDims]{};  // x's contiguous strides
  bool reduced[kMaxBroadcastDims]{};     // summed over (y's extent 1, x's above 1)

  NC_HOST_DEVICE float SumAt(const float* x, int64_t j) const {
    double sum = 0;
    for (int64_t r = 0; r < reducedSize; ++r) {
      int64_t kept = j, rest = r, offset = 0;
      for (int d = ndim - 1; d >= 0; --d) {
        int64_t& from = reduced[d] ? rest : kept;
        offset += (from % extent[d]) * xStride[d];
        from /= extent[d];
      }
      sum += x[offset];
    }
    return static_cast<float>(sum);
  }
};

// The broadcast of shapes a and b, or false (with *why) when they do not broadcast or have too many
// dimensions.
bool MakeBroadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b, Broadcast* out, std::string* why);
// The broadcast shape itself.
std::vector<int64_t> BroadcastShape(const Broadcast& s);
// The reduction of shape x to shape y, or false (with *why) when y does not broadcast to x.
bool MakeSumTo(const std::vector<int64_t>& x, const std::vector<int64_t>& y, SumToShape* out, std::string* why);

}  // namespace nc
