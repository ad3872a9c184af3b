// The registry of tensors kept in oneDNN layouts (layouts.h), and their way back to plain.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "cpu/dnnl_context.h"
#include "cpu/host_memory.h"
#include "cpu/layout_registry.h"

namespace nc::cpu {

namespace {

std::mutex registryLock;
std::unordered_map<const void*, dnnl::memory::desc> registry;
// Lets the common case (no tensor in a special layout, e.g. on a GPU run) skip the lock.
std::atomic<size_t> registered{0};

}  // namespace

std::optional<dnnl::memory::desc> LayoutOf(const void* data) {
  if (registered.load(std::memory_order_acquire) == 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(registryLock);
  auto it = registry.find(data);
  if (it == registry.end()) return std::nullopt;
  return it->second;
}

void SetLayout(const void* data, const dnnl::memory::desc& layout) {
  std::lock_guard<std::mutex> lock(registryLock);
  if (registry.insert_or_assign(data, layout).second) registered.fetch_add(1, std::memory_order_release);
}

void ForgetLayout(const void* data) {
  if (registered.load(std::memory_order_acquire) == 0) return;
  std::lock_guard<std::mutex> lock(registryLock);
  if (registry.erase(data) > 0) registered.fetch_sub(1, std::memory_order_release);
}

bool KeepableLayout(const dnnl::memory::desc& plain, const dnnl::memory::desc& layout) {
  // NODE_CUDNN_PLAIN_LAYOUTS=1 turns every output plain, as before layouts were kept (to compare).
  static const bool plainOnly = std::getenv("NODE_CUDNN_PLAIN_LAYOUTS") != nullptr;
  return !plainOnly && layout != plain && layout.dims() == plain.dims() && layout.get_size() == plain.get_size();
}

std::string LayoutKey(const dnnl::memory::desc& layout) {
  const auto& blocking = layout.data.format_desc.blocking;
  std::string key = "L";
  for (int d = 0; d < layout.data.ndims; ++d) key += std::to_string(blocking.strides[d]) + '.';
  for (int b = 0; b < blocking.inner_nblks; ++b) {
    key += 'b' + std::to_string(blocking.inner_idxs[b]) + ':' + std::to_string(blocking.inner_blks[b]);
  }
  return key;
}

namespace {
// oneDNN cannot reorder in place: through a scratch block, then copied back, so the tensor keeps
// its address (other arguments of the running call may hold it).
void ReorderInPlace(const void* data, const dnnl::memory::desc& from, const dnnl::memory::desc& to) {
  const size_t bytes = to.get_size();
  void* scratch = HostAlloc(bytes);
  if (scratch == nullptr) throw std::bad_alloc();
  dnnl::memory src = Wrap(from, data), dst = Wrap(to, scratch);
  dnnl::reorder(src, dst).execute(Stream(), src, dst);
  Stream().wait();
  std::memcpy(const_cast<void*>(data), scratch, bytes);
  HostFree(scratch, bytes);
}
}  // namespace

void MakePlain(const void* data) {
  const std::optional<dnnl::memory::desc> layout = LayoutOf(data);
  if (!layout) return;
  ReorderInPlace(data, *layout, PlainDesc(layout->dims()));
  ForgetLayout(data);
}

void MakeLayout(const void* data, const dnnl::memory::desc& layout) {
  const std::optional<dnnl::memory::desc> now = LayoutOf(data);
  if (now && *now == layout) return;
  ReorderInPlace(data, now ? *now : PlainDesc(layout.dims()), layout);
  SetLayout(data, layout);
}

const char* LayoutName(const void* data) {
  const std::optional<dnnl::memory::desc> layout = LayoutOf(data);
  if (!layout) return "plain";
  using tag = dnnl::memory::format_tag;
  for (const auto& [format, name] : {std::pair{tag::nChw16c, "nChw16c"}, {tag::nChw8c, "nChw8c"}, {tag::nhwc, "nhwc"}}) {
    if (layout->dims().size() == 4 && *layout == dnnl::memory::desc(layout->dims(), layout->data_type(), format)) return name;
  }
  return "blocked";
}

bool LayoutFitsShape(const void* data, const std::vector<int64_t>& shape) {
  const std::optional<dnnl::memory::desc> layout = LayoutOf(data);
  return !layout || layout->dims() == shape;
}

bool SameLayout(const void* a, const void* b) {
  const std::optional<dnnl::memory::desc> la = LayoutOf(a), lb = LayoutOf(b);
  if (!la || !lb) return !la && !lb;
  return *la == *lb;
}

void CopyLayout(const void* from, const void* to) {
  const std::optional<dnnl::memory::desc> layout = LayoutOf(from);
  if (layout) SetLayout(to, *layout);
  else ForgetLayout(to);
}

}  // namespace nc::cpu
