// Host memory for CPU tensors: a cache of freed blocks, keyed by size, in front of the system.
// A training step frees and reallocates the same sizes every step; handing the blocks back out
// reuses their pages instead of faulting in fresh zeroed ones, and keeping large blocks out of
// glibc's heap stops the step-to-step mix of sizes from fragmenting it (resident memory then
// climbed by most of a megabyte per LeNet step). Blocks idle for 20 s go back to the system: at
// the next allocation or free, or from lib/memory.ts's idle timer through HostTrimCache.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace nc::cpu {

// A 64-byte aligned block of at least `bytes`, or nullptr when the system has no memory left
// (after the cache has given back everything it held).
void* HostAlloc(size_t bytes);
// Returns a block from HostAlloc(bytes) to the cache.
void HostFree(void* p, size_t bytes);
// Bytes held in the cache, not in use.
size_t HostCachedBytes();
// Gives every cached block back to the system.
void HostEmptyCache();
// Gives back the cached blocks freed at least `minIdle` ago (all of them for 0) and returns their
// bytes. Eviction inside HostAlloc/HostFree only runs when tensors come and go; this is for an idle
// process (lib/memory.ts calls it from a timer) and for emptyCache().
size_t HostTrimCache(std::chrono::milliseconds minIdle);
// What the system could still give: MemAvailable + SwapFree from /proc/meminfo, or -1 if unknown.
int64_t HostAvailableBytes();

}  // namespace nc::cpu
