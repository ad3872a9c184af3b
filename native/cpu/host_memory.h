// Host memory for CPU tensors: a cache of freed blocks, keyed by size, in front of the system.
// A training step frees and reallocates the same sizes every step; handing the blocks back out
// reuses their pages instead of faulting in fresh zeroed ones, and keeping large blocks out of
// glibc's heap stops the step-to-step mix of sizes from fragmenting it (resident memory then
// climbed by most of a megabyte per LeNet step). Blocks idle for 20 s go back to the system.
#pragma once
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
// What the system could still give: MemAvailable + SwapFree from /proc/meminfo, or -1 if unknown.
int64_t HostAvailableBytes();

}  // namespace nc::cpu
