// One oneDNN engine for the process; per thread, a stream and a cache of primitives keyed by problem.
#pragma once
#include <dnnl.hpp>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "shapes.h"

namespace nc::cpu {

dnnl::engine& Engine();
dnnl::stream& Stream();

// An argument that the primitive wants in another layout than the user's plain one (it was
// created with format `any`): data is reordered through a scratch buffer kept with the primitive.
struct LayoutBridge {
  mutable dnnl::memory scratch;  // in the primitive's layout (oneDNN takes it by non-const reference)
  dnnl::reorder reorder;  // plain -> scratch for inputs, scratch -> plain for outputs
  bool output;
};

// Every primitive is built with this attribute: its scratchpad then comes from one buffer of ours
// per thread (grown to the largest asked for) instead of a malloc and free inside every execution, which
// fragmented glibc's heap until resident memory grew step after step.
dnnl::primitive_attr UserScratchpad();

// Whether an output in a layout other than plain is reordered back or kept (cpu/layouts.h).
enum class OutputLayout { Plain, Keep };

// A primitive built once per distinct key (op + shapes + options), with the layout of each argument.
struct CachedPrimitive {
  explicit CachedPrimitive(dnnl::primitive p) : primitive(std::move(p)) {}

  dnnl::primitive primitive;
  std::unordered_map<int, dnnl::memory::desc> plain;  // the user's layout of each argument
  std::unordered_map<int, dnnl::memory::desc> chosen;  // the primitive's layout of each argument
  std::unordered_map<int, LayoutBridge> bridges;
  std::unordered_map<int, OutputLayout> outputs;
  // Element-wise primitives over flat (1-d) arguments work in whatever layout their caller keeps
  // (ElementwiseLayouts): Execute leaves their arguments' layouts alone.
  bool anyLayout = false;

  // Declares argument `arg`: the user passes it in layout `plainDesc`, the primitive wants `chosen`.
  // An output with OutputLayout::Keep is written in the primitive's layout when that holds the
  // same bytes (activations that the next layer-aware op reads as they are; never parameters).
  void Arg(int arg, const dnnl::memory::desc& plainDesc, const dnnl::memory::desc& chosen, bool output,
           OutputLayout layout = OutputLayout::Plain);
  void Arg(int arg, const dnnl::memory::desc& plainDesc) { Arg(arg, plainDesc, plainDesc, false); }
};

// Runs the primitive on user pointers (arguments declared with Arg), reordering as declared,
// and waits for it. An input already in the primitive's layout (cpu/layouts.h) is read as it is;
// one in another layout is turned plain first.
void Execute(const CachedPrimitive& entry, std::initializer_list<std::pair<int, const void*>> args);

// Returns the cached entry for `key`, building it with `build` the first time.
const CachedPrimitive& CachedOrBuild(const std::string& key, const std::function<CachedPrimitive()>& build);

// A plain (row-major) float32 memory descriptor.
dnnl::memory::desc PlainDesc(const dnnl::memory::dims& dims);
// Wraps a host pointer as oneDNN memory without copying.
dnnl::memory Wrap(const dnnl::memory::desc& md, const void* data);

// Attributes that fuse `act` into a convolution or inner product as a post-op (with UserScratchpad).
dnnl::primitive_attr ActivationAttr(Activation act);

// Key helper: "conv_fwd:1,2,3,...".
std::string Key(const char* op, std::initializer_list<int64_t> values);

}  // namespace nc::cpu
