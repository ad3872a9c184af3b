// Problem sizes shared by the binding layer and every backend.
#pragma once
#include <cstdint>
#include <string>

namespace nc {

enum class Activation { None, Relu, Sigmoid, Tanh };
Activation ParseActivation(const std::string& name);  // name already validated

// x (N,C,H,W) * w (O,C,KH,KW) -> y (N,O,OH,OW)
struct ConvShape {
  int64_t n, c, h, w;
  int64_t o, kh, kw;
  int64_t oh, ow;
  int64_t sh, sw, ph, pw;
};

// x (N,C,H,W) -> y (N,C,OH,OW)
struct PoolShape {
  int64_t n, c, h, w;
  int64_t oh, ow;
  int64_t kh, kw, sh, sw, ph, pw;
};

// x (N,K) w (M,K) -> y (N,M)
struct DenseShape {
  int64_t n, k, m;
};

// Output size of a sliding window, as PyTorch and Gluon compute it (floor).
inline int64_t WindowOutput(int64_t in, int64_t kernel, int64_t stride, int64_t pad) {
  return (in + 2 * pad - kernel) / stride + 1;
}

}  // namespace nc
