#include "args.h"

#include "cpu/layouts.h"

#include "shapes.h"

#include <cmath>
#include <limits>

namespace nc {

namespace {
constexpr size_t kMaxRank = 8;
// Any tensor dimension or element count above this is a mistake, and would overflow index math.
constexpr double kMaxElements = 9007199254740991.0;  // 2^53 - 1
}  // namespace

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + ")";
}

std::string TensorArg::shapeText() const { return ShapeText(shape); }

std::string DescribeValue(Napi::Value v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return std::string(v.As<Napi::Boolean>() ? "true" : "false") + " (boolean)";
    case napi_number: {
      double d = v.As<Napi::Number>().DoubleValue();
      std::string text = std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity")
                                                               : Napi::Value(v).ToString().Utf8Value();
      return text + " (number)";
    }
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return "'" + s + "' (string)";
    }
    case napi_function: return "a function";
    case napi_object: return v.IsArray() ? "an array" : "an object";
    default: return "a value of another type";
  }
}

void Args::typeError(const std::string& message, ErrorCode code) const {
  throw WithCode(Napi::TypeError::New(env(), std::string(op_) + ": " + message), code);
}

void Args::rangeError(const std::string& message, ErrorCode code) const {
  throw WithCode(Napi::RangeError::New(env(), std::string(op_) + ": " + message), code);
}

void Args::invalid(const char* name, const std::string& expected, Napi::Value actual, bool range) const {
  std::string message = "expected " + expected + " for " + name + " but received " + DescribeValue(actual);
  if (range) rangeError(message);
  typeError(message);
}

void Args::requireCount(size_t n) const {
  if (info_.Length() != n) {
    typeError("expected " + std::to_string(n) + " arguments but received " + std::to_string(info_.Length()));
  }
}

Storage* Args::storage(size_t i, const char* name, bool optional) const {
  Napi::Value v = info_[i];
  if (optional && (v.IsNull() || v.IsUndefined())) return nullptr;
  Storage* s = Storage::Unwrap(v);
  if (s == nullptr) invalid(name, "a Storage", v, false);
  if (s->disposed()) typeError(std::string(name) + " was disposed", ErrorCode::Disposed);
  return pin(s);
}

Storage* Args::pin(Storage* s) const {
  if (pinnedCount_ == pinned_.size()) rangeError("more than " + std::to_string(pinned_.size()) + " tensor arguments");
  s->Pin(op_);
  pinned_[pinnedCount_++] = s;
  return s;
}

TensorArg Args::readTensor(size_t i, const char* name, size_t ndim, bool anyLayout) const {
  Napi::Value v = info_[i];
  if (!v.IsObject() || v.IsArray()) invalid(name, "a Tensor", v, false);
  Napi::Object obj = v.As<Napi::Object>();
  Storage* s = Storage::Unwrap(obj.Get("data"));
  if (s == nullptr) invalid(name, "a Tensor", v, false);
  if (s->disposed()) typeError(std::string(name) + " was disposed", ErrorCode::Disposed);
  pin(s);

  Napi::Value shapeValue = obj.Get("shape");
  if (!shapeValue.IsArray()) typeError(std::string(name) + ".shape is not an array");
  Napi::Array shapeArray = shapeValue.As<Napi::Array>();
  TensorArg t;
  t.name = name;
  t.device = s->device();
  const uint32_t rank = shapeArray.Length();
  if (rank == 0 || rank > kMaxRank) {
    rangeError(std::string(name) + " has rank " + std::to_string(rank) + "; expected 1 to " + std::to_string(kMaxRank));
  }
  double elements = 1;
  for (uint32_t d = 0; d < rank; ++d) {
    Napi::Value dv = shapeArray.Get(d);
    double x = dv.IsNumber() ? dv.As<Napi::Number>().DoubleValue() : -1;
    if (!(x >= 1 && x <= kMaxElements && std::floor(x) == x)) {
      invalid(name, "a shape of positive integers", dv, dv.IsNumber());
    }
    elements *= x;
    t.shape.push_back(static_cast<int64_t>(x));
  }
  if (ndim != 0 && rank != ndim) {
    rangeError("expected a " + std::to_string(ndim) + "-d tensor for " + name + " but its shape is " + t.shapeText(),
               ErrorCode::Shape);
  }
  if (elements > kMaxElements) {
    rangeError(std::string(name) + " of shape " + t.shapeText() + " has more than 2^53 elements");
  }
  if (elements * 4 > static_cast<double>(s->bytes())) {
    rangeError(std::string(name) + " of shape " + t.shapeText() + " needs " + std::to_string(static_cast<uint64_t>(elements) * 4) +
               " bytes but its buffer holds " + std::to_string(s->bytes()),
               ErrorCode::Shape);
  }
  t.size = static_cast<int64_t>(elements);
  t.storage = s;
  const bool keepLayout = anyLayout && s->device() == "cpu" && cpu::LayoutFitsShape(s->rawData(), t.shape);
  t.data = static_cast<float*>(keepLayout ? s->rawData() : s->data());
  return t;
}

TensorArg Args::tensor(size_t i, const char* name, size_t ndim) const { return readTensor(i, name, ndim, false); }
TensorArg Args::layoutTensor(size_t i, const char* name, size_t ndim) const { return readTensor(i, name, ndim, true); }

TensorArg Args::optionalTensor(size_t i, const char* name, size_t ndim) const {
  Napi::Value v = info_[i];
  if (v.IsNull() || v.IsUndefined()) return TensorArg{};
  return tensor(i, name, ndim);
}

TensorArg Args::optionalLayoutTensor(size_t i, const char* name, size_t ndim) const {
  Napi::Value v = info_[i];
  if (v.IsNull() || v.IsUndefined()) return TensorArg{};
  return layoutTensor(i, name, ndim);
}

void ElementwiseLayouts(std::initializer_list<TensorArg*> inputs, std::initializer_list<TensorArg*> outputs) {
  const TensorArg* first = nullptr;
  bool shared = true;
  for (std::initializer_list<TensorArg*> list : {inputs, outputs}) {
    for (const TensorArg* t : list) {
      if (!t->present()) continue;
      if (first == nullptr) first = t;
      else if (t->shape != first->shape) shared = false;
    }
  }
  if (first == nullptr || first->device != "cpu") return;
  for (const TensorArg* t : inputs) {
    if (t->present() && !cpu::SameLayout(t->data, first->data)) shared = false;
  }
  if (!shared) {
    for (TensorArg* t : inputs) {
      if (t->present()) t->data = static_cast<float*>(t->storage->data());
    }
  }
  for (const TensorArg* t : outputs) {
    if (!t->present() || t->data == first->data) continue;
    if (shared) cpu::CopyLayout(first->data, t->data);
    else cpu::ForgetLayout(t->data);
  }
}

std::array<int64_t, 2> Args::pair(size_t i, const char* name, int64_t minimum) const {
  Napi::Value v = info_[i];
  std::string expected = "a pair of integers >= " + std::to_string(minimum);
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 2) invalid(name, expected, v, false);
  std::array<int64_t, 2> out{};
  for (uint32_t k = 0; k < 2; ++k) {
    Napi::Value e = v.As<Napi::Array>().Get(k);
    double x = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : std::nan("");
    if (!(x >= static_cast<double>(minimum) && x <= 1e9 && std::floor(x) == x)) invalid(name, expected, e, e.IsNumber());
    out[k] = static_cast<int64_t>(x);
  }
  return out;
}

double Args::number(size_t i, const char* name) const {
  Napi::Value v = info_[i];
  if (!v.IsNumber()) invalid(name, "a finite number", v, false);
  double x = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(x)) invalid(name, "a finite number", v, true);
  return x;
}

int64_t Args::integer(size_t i, const char* name, int64_t minimum, int64_t maximum) const {
  Napi::Value v = info_[i];
  std::string expected = "an integer in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "]";
  if (!v.IsNumber()) invalid(name, expected, v, false);
  double x = v.As<Napi::Number>().DoubleValue();
  if (!(x >= static_cast<double>(minimum) && x <= static_cast<double>(maximum) && std::floor(x) == x)) {
    invalid(name, expected, v, true);
  }
  return static_cast<int64_t>(x);
}

bool Args::boolean(size_t i, const char* name) const {
  Napi::Value v = info_[i];
  if (!v.IsBoolean()) invalid(name, "a boolean", v, false);
  return v.As<Napi::Boolean>();
}

std::string Args::string(size_t i, const char* name) const {
  Napi::Value v = info_[i];
  if (!v.IsString()) invalid(name, "a string", v, false);
  return v.As<Napi::String>().Utf8Value();
}

std::string Args::choice(size_t i, const char* name, std::initializer_list<const char*> allowed) const {
  std::string expected = "one of";
  for (const char* a : allowed) expected += std::string(expected.size() > 6 ? ", '" : " '") + a + "'";
  Napi::Value v = info_[i];
  if (!v.IsString()) invalid(name, expected, v, false);
  std::string s = v.As<Napi::String>().Utf8Value();
  for (const char* a : allowed) {
    if (s == a) return s;
  }
  invalid(name, expected, v, true);
}

void Args::requireSameDevice(std::initializer_list<const TensorArg*> tensors) const {
  const TensorArg* first = nullptr;
  for (const TensorArg* t : tensors) {
    if (!t->present()) continue;
    if (first == nullptr) {
      first = t;
    } else if (t->device != first->device) {
      typeError(first->name + " is on " + first->device + " but " + t->name + " is on " + t->device, ErrorCode::Device);
    }
  }
}

void Args::requireShape(const TensorArg& t, const std::vector<int64_t>& expected) const {
  if (t.shape != expected) {
    rangeError("expected shape " + ShapeText(expected) + " for " + t.name + " but received " + t.shapeText(),
               ErrorCode::Shape);
  }
}

void Args::requireSameSize(const TensorArg& a, const TensorArg& b) const {
  if (a.size != b.size) {
    rangeError(a.name + " has " + std::to_string(a.size) + " elements " + a.shapeText() + " but " + b.name + " has " +
               std::to_string(b.size) + " " + b.shapeText(),
               ErrorCode::Shape);
  }
}

void Args::requireOneElement(const TensorArg& t) const {
  if (t.size != 1) rangeError("expected a one-element tensor for " + t.name + " but its shape is " + t.shapeText(), ErrorCode::Shape);
}

void Args::requireWindowFits(const TensorArg& x, const char* what, int64_t kh, int64_t kw, int64_t ph,
                             int64_t pw) const {
  // At stride 1, WindowOutput (shapes.h) counts the window's positions: none means it does not fit.
  if (WindowOutput(x.dim(2), kh, 1, ph) < 1 || WindowOutput(x.dim(3), kw, 1, pw) < 1) {
    rangeError(std::string(what) + " " + std::to_string(kh) + "x" + std::to_string(kw) + " is larger than the padded input " +
               std::to_string(x.dim(2) + 2 * ph) + "x" + std::to_string(x.dim(3) + 2 * pw) + " of " + x.shapeText(),
               ErrorCode::Shape);
  }
}

}  // namespace nc
