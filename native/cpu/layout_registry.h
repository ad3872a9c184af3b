// The oneDNN side of layouts.h: what layout a tensor is in, and recording one.
#pragma once
#include <dnnl.hpp>

#include <optional>
#include <string>

#include "cpu/layouts.h"

namespace nc::cpu {

// The layout of the tensor at `data`, or nothing when it is plain.
std::optional<dnnl::memory::desc> LayoutOf(const void* data);
// Records that `data` holds its tensor in `layout` (which must hold as many bytes as plain).
void SetLayout(const void* data, const dnnl::memory::desc& layout);
// Rewrites the tensor at `data` into `layout` (from plain or another layout), in place.
void MakeLayout(const void* data, const dnnl::memory::desc& layout);
// Whether a tensor of plain layout `plain` may be kept in `layout`: another layout of the same dims
// and the same bytes (no padding).
bool KeepableLayout(const dnnl::memory::desc& plain, const dnnl::memory::desc& layout);
// A short text naming the layout, for cache keys.
std::string LayoutKey(const dnnl::memory::desc& layout);

}  // namespace nc::cpu
