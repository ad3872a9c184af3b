#include "cpu/host_memory.h"

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

// Freed blocks, least recently freed first, and an index of them by size. A block unused for
// kMaxIdle goes back to the system (checked at every allocation and free), so what a training
// loop reuses every step stays and what it stopped using (another model, another batch size)
// leaves; when the system runs short, everything goes back.
constexpr std::chrono::seconds kMaxIdle{20};

struct Cache {
  using Clock = std::chrono::steady_clock;
  struct Block {
    void* p;
    size_t size;
    Clock::time_point freed;
  };
  std::mutex mutex;
  std::list<Block> byAge;
  std::unordered_multimap<size_t, std::list<Block>::iterator> bySize;
  size_t cached = 0;

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

  void evictIdle() {
    const Clock::time_point now = Clock::now();
    while (!byAge.empty() && now - byAge.front().freed > kMaxIdle) evictOldest();
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
  c.evictIdle();
  auto hit = c.bySize.find(size);
  if (hit != c.bySize.end()) {
    void* p = hit->second->p;
    c.byAge.erase(hit->second);
    c.bySize.erase(hit);
    c.cached -= size;
    return p;
  }
  void* p = SystemAlloc(size);
  if (p == nullptr && c.cached > 0) {  // the system is short: give back the cache and retry
    while (c.cached > 0) c.evictOldest();
    p = SystemAlloc(size);
  }
  return p;
}

void HostFree(void* p, size_t bytes) {
  const size_t size = BlockSize(bytes == 0 ? 1 : bytes);
  if (!kCaching) {
    SystemFree(p, size);
    return;
  }
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.evictIdle();
  c.byAge.push_back({p, size, Cache::Clock::now()});
  c.bySize.emplace(size, std::prev(c.byAge.end()));
  c.cached += size;
}

size_t HostCachedBytes() {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cached;
}

void HostEmptyCache() { HostTrimCache(std::chrono::milliseconds{0}); }

size_t HostTrimCache(std::chrono::milliseconds minIdle) {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  // byAge is ordered by the time of the free, so the idle blocks are a prefix of it.
  const Cache::Clock::time_point now = Cache::Clock::now();
  const size_t before = c.cached;
  while (!c.byAge.empty() && now - c.byAge.front().freed >= minIdle) c.evictOldest();
  return before - c.cached;
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
