// Argument reading for every entry point: each check throws a JS TypeError or RangeError whose
// message names the operation and the bad value, so nothing invalid ever reaches a kernel.
#pragma once
#include <napi.h>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "errors.h"
#include "storage.h"

namespace nc {

// A checked view of a JS TensorRef ({data: Storage, shape: number[]}).
struct TensorArg {
  float* data = nullptr;
  std::vector<int64_t> shape;
  int64_t size = 0;  // number of elements
  std::string device;
  std::string name;  // the argument's name, for messages
  Storage* storage = nullptr;

  bool present() const { return data != nullptr; }
  int64_t dim(size_t i) const { return shape[i]; }
  std::string shapeText() const;
};

// Reads the arguments of one call; `op` prefixes every message.
class Args {
 public:
  // `op` is the export table's static name: pinned storages keep the pointer.
  Args(const Napi::CallbackInfo& info, const char* op) : info_(info), op_(op) {}
  ~Args() {
    for (size_t i = 0; i < pinnedCount_; ++i) pinned_[i]->Unpin();
  }
  Args(const Args&) = delete;
  Args& operator=(const Args&) = delete;

  Napi::Env env() const { return info_.Env(); }

  Napi::Value value(size_t i) const { return info_[i]; }
  void requireCount(size_t n) const;
  TensorArg tensor(size_t i, const char* name, size_t ndim) const;  // ndim 0: any rank
  TensorArg optionalTensor(size_t i, const char* name, size_t ndim) const;
  // A tensor as its bytes are, for the CPU ops that read oneDNN's layouts (cpu/layouts.h): a CPU
  // tensor left in such a layout stays in it, unless this argument views it with another shape.
  TensorArg layoutTensor(size_t i, const char* name, size_t ndim) const;
  TensorArg optionalLayoutTensor(size_t i, const char* name, size_t ndim) const;
  Storage* storage(size_t i, const char* name, bool optional) const;
  std::array<int64_t, 2> pair(size_t i, const char* name, int64_t minimum) const;
  double number(size_t i, const char* name) const;
  int64_t integer(size_t i, const char* name, int64_t minimum, int64_t maximum) const;
  bool boolean(size_t i, const char* name) const;
  std::string choice(size_t i, const char* name, std::initializer_list<const char*> allowed) const;
  std::string string(size_t i, const char* name) const;

  // Throw "<op>: <message>" with `code` set (see errors.h).
  [[noreturn]] void typeError(const std::string& message, ErrorCode code = ErrorCode::Argument) const;
  [[noreturn]] void rangeError(const std::string& message, ErrorCode code = ErrorCode::Argument) const;
  // "<op>: expected <expected> for <name> but received <value>"
  [[noreturn]] void invalid(const char* name, const std::string& expected, Napi::Value actual, bool range) const;

  // Shape and device agreement between arguments.
  void requireSameDevice(std::initializer_list<const TensorArg*> tensors) const;
  void requireShape(const TensorArg& t, const std::vector<int64_t>& expected) const;
  void requireSameSize(const TensorArg& a, const TensorArg& b) const;
  void requireOneElement(const TensorArg& t) const;
  // A kh×kw window (kernel or pooling window) must fit x's padded height and width.
  void requireWindowFits(const TensorArg& x, const char* what, int64_t kh, int64_t kw, int64_t ph, int64_t pw) const;

 private:
  TensorArg readTensor(size_t i, const char* name, size_t ndim, bool anyLayout) const;
  // Every storage read stays pinned until the call returns (see Storage::Pin).
  Storage* pin(Storage* s) const;

  const Napi::CallbackInfo& info_;
  const char* op_;
  // More than any entry point takes; a fixed array keeps the per-call cost at nothing.
  mutable std::array<Storage*, 16> pinned_{};
  mutable size_t pinnedCount_ = 0;
};

// Element-wise ops read and write position by position, so on the CPU they run in any layout that
// all their operands share (read with layoutTensor), and their outputs take it; otherwise every
// operand is turned plain first.
void ElementwiseLayouts(std::initializer_list<TensorArg*> inputs, std::initializer_list<TensorArg*> outputs);

std::string DescribeValue(Napi::Value v);
// `error` with its `code` property set, ready to throw.
template <typename E>
E WithCode(E error, ErrorCode code) {
  error.Set("code", CodeName(code));
  return error;
}
std::string ShapeText(const std::vector<int64_t>& shape);

}  // namespace nc
