// A counter-based generator: element i of a fill seeded with s depends only on (s, i), so results do
// not depend on the thread count, and a GPU kernel can produce the very same numbers.
#pragma once
#include <cmath>
#include <cstdint>

#include "host_device.h"

namespace nc {

// splitmix64's finaliser: a strong 64-bit mix.
NC_HOST_DEVICE inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) with 24 random bits (exactly representable in float32).
NC_HOST_DEVICE inline float UniformAt(uint64_t seed, uint64_t index) {
  uint64_t bits = Mix64(Mix64(seed) + index * 0x9e3779b97f4a7c15ULL);
  return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);
}

// Standard normal by Box-Muller from two independent uniforms of the same (seed, index).
NC_HOST_DEVICE inline float NormalAt(uint64_t seed, uint64_t index) {
  float u1 = UniformAt(seed, 2 * index);
  float u2 = UniformAt(seed, 2 * index + 1);
  float r = sqrtf(-2.0f * logf(1.0f - u1));  // 1 - u1 is in (0, 1]: log is finite
  return r * cosf(6.283185307179586f * u2);
}

}  // namespace nc
