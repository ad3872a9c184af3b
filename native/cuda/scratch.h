// Device scratch memory for the duration of one call, returned to the pool in stream order (so a
// later kernel on the stream may reuse it while this one still runs ahead of the host).
#pragma once
#include <cstddef>

#include "cuda/cuda.h"

namespace nc::cuda {

struct Scratch {
  void* data = nullptr;
  size_t bytes = 0;

  explicit Scratch(size_t n) : bytes(n) {
    if (n) data = Alloc(n);
  }
  ~Scratch() {
    if (data) FreeQuietly(data);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

}  // namespace nc::cuda
