// One oneDNN engine and stream for the process, and a cache of primitives keyed by problem.
#pragma once
#include <dnnl.hpp>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "shapes.h"

namespace nc::cpu {

dnnl::engine& Engine();
dnnl::stream& Stream();

// A primitive and its descriptor, built once per distinct key (op + shapes + options).
struct CachedPrimitive {
  dnnl::primitive primitive;
  dnnl::memory::desc workspace;  // empty unless the primitive has one
};

// Returns the cached entry for `key`, building it with `build` the first time.
const CachedPrimitive& CachedOrBuild(const std::string& key, const std::function<CachedPrimitive()>& build);

// A plain (row-major) float32 memory descriptor.
dnnl::memory::desc PlainDesc(const dnnl::memory::dims& dims);
// Wraps a host pointer as oneDNN memory without copying.
dnnl::memory Wrap(const dnnl::memory::desc& md, const void* data);

// Attributes that fuse `act` into a convolution or inner product as a post-op.
dnnl::primitive_attr ActivationAttr(Activation act);

// Key helper: "conv_fwd:1,2,3,...".
std::string Key(const char* op, std::initializer_list<int64_t> values);

}  // namespace nc::cpu
