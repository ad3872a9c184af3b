// CPU tensors that oneDNN left in one of its own layouts (nChw16c, ...) between operations.
//
// A convolution's output stays in the layout its kernel wrote (when that layout holds exactly the
// plain tensor's bytes, i.e. no channel padding), so the next convolution, batch normalization or
// element-wise op reads it without a reorder each way. The layout is recorded here by data
// pointer; every access that needs plain row-major data (Storage::data(), so every op that is not
// layout-aware, host copies and views included) turns it back into plain first, in place. So a
// tensor is always correct: at worst it pays the reorder it would have paid anyway.
//
// Process-wide and locked: storages belong to one thread each, but the registry is shared.
#pragma once
#include <cstdint>
#include <vector>

namespace nc::cpu {

// Rewrites the tensor at `data` into plain row-major order if it is in another layout.
void MakePlain(const void* data);
// The bytes at `data` are plain again (about to be overwritten, or freed).
void ForgetLayout(const void* data);
// 'plain', 'nChw16c', 'nChw8c', 'nhwc' or 'blocked': the layout of the tensor at `data`.
const char* LayoutName(const void* data);
// True unless `data` is in a layout whose dimensions differ from `shape` (a view of another shape).
bool LayoutFitsShape(const void* data, const std::vector<int64_t>& shape);
// True if `a` and `b` are in the same layout (both plain included).
bool SameLayout(const void* a, const void* b);
// `to` is now in `from`'s layout (an element-wise op wrote it position by position).
void CopyLayout(const void* from, const void* to);

}  // namespace nc::cpu
