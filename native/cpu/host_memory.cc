#include "cpu/host_memory.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <unordered_map>

namespace nc::cpu {

namespace {
constexpr size_t kAlignment = 64;         // AVX-512 loads in oneDNN and our kernels
constexpr size_t kPage = 4096;
constexpr size_t kMapThreshold = 1 << 20;  // from here on, blocks are mmap'd: never in glibc's heap

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer every free goes back at once, so that a use after dispose() is reported.
constexpr bool kCaching = false;
#else
constexpr bool kCaching = true;
#endif

size_t BlockSize(size_t bytes) {
  const size_t unit = bytes < kMapThreshold ? kAlignment : kPage;
  return (bytes + unit - 1) / unit * unit;
}

void* SystemAlloc(size_t size) {
  if (size < kMapThreshold || !kCaching) return std::aligned_alloc(kAlignment, size);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

void SystemFree(void* p, size_t size) {
  if (size < kMapThreshold || !kCaching) std::free(p);
  else munmap(p, size);
}

// Freed blocks, least recently freed first, and an index of them by size. Live plus cached bytes
// never exceed the peak of live bytes: a miss that would go above it evicts the oldest blocks.
struct Cache {
  struct Block {
    void* p;
    size_t size;
  };
  std::mutex mutex;
  std::list<Block> byAge;
  std::unordered_multimap<size_t, std::list<Block>::iterator> bySize;
  size_t cached = 0, live = 0, peak = 0;

  void evictOldest() {
    const Block block = byAge.front();
    auto [first, last] = bySize.equal_range(block.size);
    for (auto it = first; it != last; ++it) {
      if (it->second == byAge.begin()) {
        bySize.erase(it);
        break;
      }
    }
    byAge.pop_front();
    cached -= block.size;
    SystemFree(block.p, block.size);
  }
};

Cache& TheCache() {
  static Cache* cache = new Cache();  // never destroyed: finalizers may still free at exit
  return *cache;
}
}  // namespace

void* HostAlloc(size_t bytes) {
  const size_t size = BlockSize(bytes == 0 ? 1 : bytes);
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  void* p = nullptr;
  auto hit = c.bySize.find(size);
  if (hit != c.bySize.end()) {
    p = hit->second->p;
    c.byAge.erase(hit->second);
    c.bySize.erase(hit);
    c.cached -= size;
  } else {
    const size_t limit = c.peak > c.live + size ? c.peak : c.live + size;
    while (c.cached > 0 && c.live + c.cached + size > limit) c.evictOldest();
    p = SystemAlloc(size);
    while (p == nullptr && c.cached > 0) {  // the system is short: give back the cache and retry
      while (c.cached > 0) c.evictOldest();
      p = SystemAlloc(size);
    }
    if (p == nullptr) return nullptr;
  }
  c.live += size;
  if (c.live > c.peak) c.peak = c.live;
  return p;
}

void HostFree(void* p, size_t bytes) {
  const size_t size = BlockSize(bytes == 0 ? 1 : bytes);
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.live -= size;
  if (!kCaching) {
    SystemFree(p, size);
    return;
  }
  c.byAge.push_back({p, size});
  c.bySize.emplace(size, std::prev(c.byAge.end()));
  c.cached += size;
}

size_t HostCachedBytes() {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cached;
}

void HostEmptyCache() {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  while (c.cached > 0) c.evictOldest();
}

int64_t HostAvailableBytes() {
  FILE* f = std::fopen("/proc/meminfo", "r");
  if (f == nullptr) return -1;
  char line[256];
  int64_t available = -1, swapFree = 0;
  while (std::fgets(line, sizeof line, f)) {
    long long kb = 0;
    if (std::sscanf(line, "MemAvailable: %lld kB", &kb) == 1) available = kb * 1024;
    if (std::sscanf(line, "SwapFree: %lld kB", &kb) == 1) swapFree = kb * 1024;
  }
  std::fclose(f);
  return available < 0 ? -1 : available + swapFree;
}

}  // namespace nc::cpu
