// The strided copy's entry point: every address is checked against both buffers (strided_copy.cc)
// before a backend runs, so a wrong offset or stride is a RangeError, never a write out of bounds.
#include <cmath>

#include "ops/ops.h"
#include "strided_copy.h"

namespace nc::ops {

namespace {

constexpr double kMaxIndex = 9007199254740991.0;  // 2^53 - 1: what a JS number holds exactly

// Argument i as an array of integers in [minimum, 2^53 - 1].
std::vector<int64_t> Integers(const Args& args, size_t i, const char* name, double minimum) {
  Napi::Value v = args.value(i);
  const std::string expected = "an array of 1 to " + std::to_string(kMaxCopyDims) + " integers" +
                               (minimum > 0 ? " >= 1" : minimum == 0 ? " >= 0" : "");
  if (!v.IsArray()) args.invalid(name, expected, v, false);
  Napi::Array a = v.As<Napi::Array>();
  if (a.Length() == 0 || a.Length() > static_cast<uint32_t>(kMaxCopyDims)) args.invalid(name, expected, v, true);
  std::vector<int64_t> out;
  for (uint32_t k = 0; k < a.Length(); ++k) {
    Napi::Value e = a.Get(k);
    const double x = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : std::nan("");
    if (!(x >= minimum && std::fabs(x) <= kMaxIndex && std::floor(x) == x)) args.invalid(name, expected, e, e.IsNumber());
    out.push_back(static_cast<int64_t>(x));
  }
  return out;
}

}  // namespace

// copyStrided(src, dst, shape, srcStrides, srcOffset, dstStrides, dstOffset): the box of `shape` from
// src (element strides and offset into src's elements) into dst (the same for dst).
Napi::Value CopyStrided(const Args& args) {
  TensorArg src = args.tensor(0, "src", 0);
  TensorArg dst = args.tensor(1, "dst", 0);
  args.requireSameDevice({&src, &dst});
  if (src.data == dst.data) args.rangeError("src and dst must be different buffers", ErrorCode::Argument);
  const std::vector<int64_t> shape = Integers(args, 2, "shape", 1);
  const std::vector<int64_t> srcStrides = Integers(args, 3, "srcStrides", -kMaxIndex);
  const int64_t srcOffset = args.integer(4, "srcOffset", 0, static_cast<int64_t>(kMaxIndex));
  const std::vector<int64_t> dstStrides = Integers(args, 5, "dstStrides", -kMaxIndex);
  const int64_t dstOffset = args.integer(6, "dstOffset", 0, static_cast<int64_t>(kMaxIndex));
  StridedCopy s;
  std::string why;
  if (!MakeStridedCopy(shape, srcStrides, srcOffset, src.size, dstStrides, dstOffset, dst.size, &s, &why)) {
    args.rangeError(why, ErrorCode::Shape);
  }
  RUN_ON(BackendFor(args, src.device), CopyStrided, s, src.data, dst.data);
  return args.env().Undefined();
}

}  // namespace nc::ops
