// Direct convolution for layers with a narrow receptive field (C·KH·KW ≤ 32, such as LeNet's and
// AlexNet's first layers on one-channel images). oneDNN's kernels vectorise over channels, so with
// one input channel most of each vector is padding (measured: 1.3 ms for LeNet's first layer at
// batch 256); here vectors run along the output row instead: 16 outputs of a row accumulate all
// C·KH·KW taps in registers. Inputs are copied per image into a zero-padded plane, so the inner
// loops need no bounds checks.
#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/cpu.h"

namespace nc::cpu {

namespace {

constexpr int64_t kLanes = 16;  // outputs per accumulator: one AVX-512 vector of floats
// 16 floats as one value: a zmm register in the AVX-512 clone, two ymm or four xmm elsewhere.
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
typedef float UnalignedLanes __attribute__((vector_size(kLanes * sizeof(float)), aligned(4)));
#define NARROW_TARGET __attribute__((target_clones("avx512f", "avx2", "default")))

// The inputs of 16 consecutive outputs: contiguous for stride 1, gathered otherwise. A macro, not a
// function, so that it is compiled inside each target clone.
#define LOAD_LANES(v, ptr, Stride, stride)                                     \
  do {                                                                         \
    if (Stride == 1) {                                                         \
      __builtin_memcpy(&(v), (ptr), sizeof(v));                                \
    } else {                                                                   \
      float g_[kLanes];                                                        \
      for (int64_t j_ = 0; j_ < kLanes; ++j_) g_[j_] = (ptr)[j_ * (stride)];   \
      __builtin_memcpy(&(v), g_, sizeof(v));                                   \
    }                                                                          \
  } while (0)

// Stores the first `width` lanes of v. Constant-size copies compile to vector moves; a copy of
// variable size would become a slow `rep movs` (it cost a quarter of the forward's time).
#define STORE_LANES(out, v, width)                                                                \
  do {                                                                                            \
    const float* lanes_ = reinterpret_cast<const float*>(&(v));                                  \
    if ((width) == kLanes) {                                                                      \
      __builtin_memcpy((out), lanes_, sizeof(Lanes));                                             \
      break;                                                                                      \
    }                                                                                             \
    int64_t j_ = 0;                                                                               \
    if ((width) - j_ >= 8) __builtin_memcpy((out) + j_, lanes_ + j_, 32), j_ += 8;                \
    if ((width) - j_ >= 4) __builtin_memcpy((out) + j_, lanes_ + j_, 16), j_ += 4;                \
    if ((width) - j_ >= 2) __builtin_memcpy((out) + j_, lanes_ + j_, 8), j_ += 2;                 \
    if ((width) - j_ >= 1) (out)[j_] = lanes_[j_];                                                \
  } while (0)

// The zero-padded copy of one image (C, H+2ph, W+2pw+slack), with slack for the last chunk's reads.
struct PaddedImage {
  int64_t rows, cols;
  std::vector<float> data;

  PaddedImage(const ConvShape& s)
      : rows(s.h + 2 * s.ph), cols(s.w + 2 * s.pw + kLanes * s.sw + s.kw), data(s.c * rows * cols, 0.0f) {}

  void Load(const ConvShape& s, const float* image) {  // image is (C,H,W)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t y = 0; y < s.h; ++y)
        std::memcpy(&data[(c * rows + y + s.ph) * cols + s.pw], image + (c * s.h + y) * s.w, sizeof(float) * s.w);
  }
  const float* Row(int64_t c, int64_t y) const { return &data[(c * rows + y) * cols]; }
};

// Output channels computed together: 8 independent accumulators hide the FMA latency, and each
// input vector loaded serves all 8.
constexpr int64_t kBlock = 8;

// Weights as [O/8][tap][8], zero-padded past O, so a block's 8 taps sit side by side.
std::vector<float> BlockWeights(const ConvShape& s, const float* w) {
  const int64_t taps = s.c * s.kh * s.kw, blocks = (s.o + kBlock - 1) / kBlock;
  std::vector<float> out(blocks * taps * kBlock, 0.0f);
  for (int64_t o = 0; o < s.o; ++o)
    for (int64_t t = 0; t < taps; ++t) out[((o / kBlock) * taps + t) * kBlock + o % kBlock] = w[o * taps + t];
  return out;
}

// Rows [oy, oy+Rows) of y[o] for one image and the 8 output channels from o0: bias + Σ taps. Each
// weight, broadcast once, serves Rows input vectors.
template <int Stride, int Rows>
NARROW_TARGET void ForwardRows(const ConvShape& s, const PaddedImage& in, const float* w /* [tap][8] */,
                               const float* b, int64_t o0, int64_t oy, float* y /* image's (O,OH,OW) */) {
  const int64_t count = std::min(kBlock, s.o - o0);
  for (int64_t ox0 = 0; ox0 < s.ow; ox0 += kLanes) {
    Lanes acc[Rows][kBlock];
    for (int r = 0; r < Rows; ++r)
      for (int64_t k = 0; k < kBlock; ++k) acc[r][k] = (b && k < count ? b[o0 + k] : 0.0f) - Lanes{};
    const float* tap = w;
    for (int64_t c = 0; c < s.c; ++c) {
      for (int64_t ky = 0; ky < s.kh; ++ky) {
        const float* rows[Rows];
        for (int r = 0; r < Rows; ++r) rows[r] = in.Row(c, (oy + r) * s.sh + ky) + ox0 * s.sw;
        for (int64_t kx = 0; kx < s.kw; ++kx, tap += kBlock) {
          Lanes x[Rows];
          for (int r = 0; r < Rows; ++r) LOAD_LANES(x[r], rows[r] + kx, Stride, s.sw);
          for (int64_t k = 0; k < kBlock; ++k)
            for (int r = 0; r < Rows; ++r) acc[r][k] += tap[k] * x[r];
        }
      }
    }
    const int64_t width = std::min(kLanes, s.ow - ox0);
    for (int r = 0; r < Rows; ++r) {
      for (int64_t k = 0; k < count; ++k) {
        float* out = y + ((o0 + k) * s.oh + oy + r) * s.ow + ox0;
        STORE_LANES(out, acc[r][k], width);
      }
    }
  }
}

// All rows of y[o] for one image and the 8 output channels from o0, two rows at a time.
template <int Stride>
void ForwardBlock(const ConvShape& s, const PaddedImage& in, const float* w, const float* b, int64_t o0, float* y) {
  int64_t oy = 0;
  for (; oy + 2 <= s.oh; oy += 2) ForwardRows<Stride, 2>(s, in, w, b, o0, oy, y);
  if (oy < s.oh) ForwardRows<Stride, 1>(s, in, w, b, o0, oy, y);
}

// dy of one image for the 8 channels from o0, as (8, OH, OWP) with rows padded to whole vectors
// and zeros past the row ends and past the last channel.
struct PaddedGrad {
  int64_t rowStride;
  std::vector<float> data;

  explicit PaddedGrad(const ConvShape& s)
      : rowStride((s.ow + kLanes - 1) / kLanes * kLanes), data(kBlock * s.oh * rowStride, 0.0f) {}
};

// Fills g with the dy of one image for the 8 channels from o0, times act'(y) when the forward fused
// an activation (y is then the forward's output).
NARROW_TARGET void LoadGrad(PaddedGrad& g, const ConvShape& s, const float* dy /* image's (O,OH,OW) */,
                            const float* y, Activation act, int64_t o0) {
  for (int64_t k = 0; k < kBlock; ++k) {
    for (int64_t oy = 0; oy < s.oh; ++oy) {
      float* row = &g.data[(k * s.oh + oy) * g.rowStride];
      if (o0 + k >= s.o) {
        std::memset(row, 0, sizeof(float) * s.ow);
        continue;
      }
      const int64_t at = ((o0 + k) * s.oh + oy) * s.ow;
      const float* d = dy + at;
      const float* out = y ? y + at : nullptr;
      switch (act) {
        case Activation::None: std::memcpy(row, d, sizeof(float) * s.ow); break;
        case Activation::Relu: for (int64_t i = 0; i < s.ow; ++i) row[i] = out[i] > 0 ? d[i] : 0.0f; break;
        case Activation::Sigmoid: for (int64_t i = 0; i < s.ow; ++i) row[i] = d[i] * out[i] * (1 - out[i]); break;
        case Activation::Tanh: for (int64_t i = 0; i < s.ow; ++i) row[i] = d[i] * (1 - out[i] * out[i]); break;
        default: break;  // leaky relu, elu and gelu are never fused (the entry points refuse them)
      }
    }
  }
}

// Σ of n floats (n a multiple of 16) in vector lanes.
NARROW_TARGET double SumLanes(const float* data, int64_t n) {
  Lanes acc = {};
  for (int64_t i = 0; i < n; i += kLanes) {
    Lanes v;
    __builtin_memcpy(&v, data + i, sizeof v);
    acc += v;
  }
  double sum = 0;
  for (int64_t j = 0; j < kLanes; ++j) sum += acc[j];
  return sum;
}

// Adds one image's contribution to dw for the 8 channels of `g`: for every tap, 8 accumulators run
// over all outputs, and their 16 lanes are added into `partial` ([tap][8] of unaligned Lanes).
template <int Stride>
NARROW_TARGET void AccumulateWeightGradBlock(const ConvShape& s, const PaddedImage& in, const PaddedGrad& g,
                                             float* partial) {
  const int64_t plane = s.oh * g.rowStride;
  UnalignedLanes* p = reinterpret_cast<UnalignedLanes*>(partial);
  for (int64_t c = 0; c < s.c; ++c) {
    for (int64_t ky = 0; ky < s.kh; ++ky) {
      for (int64_t kx = 0; kx < s.kw; ++kx, p += kBlock) {
        Lanes acc[kBlock] = {};
        for (int64_t oy = 0; oy < s.oh; ++oy) {
          const float* row = in.Row(c, oy * s.sh + ky) + kx;
          const float* gRow = &g.data[oy * g.rowStride];
          for (int64_t ox0 = 0; ox0 < s.ow; ox0 += kLanes) {
            Lanes x;
            LOAD_LANES(x, row + ox0 * s.sw, Stride, s.sw);
            for (int64_t k = 0; k < kBlock; ++k) {
              Lanes gv;
              __builtin_memcpy(&gv, gRow + k * plane + ox0, sizeof gv);
              acc[k] += gv * x;
            }
          }
        }
        for (int64_t k = 0; k < kBlock; ++k) p[k] += acc[k];
      }
    }
  }
}

// The same for kernels at most 5 wide, with the taps of a kernel row and 4 output channels held in
// registers across the whole image: each vector of dy loaded serves KW taps, each input vector 4
// channels (9 loads per 20 FMAs instead of 9 per 8).
template <int Stride, int KW>
NARROW_TARGET void AccumulateWeightGradRows(const ConvShape& s, const PaddedImage& in, const PaddedGrad& g,
                                            float* partial) {
  constexpr int kChannels = 4;
  const int64_t plane = s.oh * g.rowStride;
  UnalignedLanes* p = reinterpret_cast<UnalignedLanes*>(partial);
  for (int64_t c = 0; c < s.c; ++c) {
    for (int64_t ky = 0; ky < s.kh; ++ky) {
      for (int64_t k0 = 0; k0 < kBlock; k0 += kChannels) {
        Lanes acc[KW][kChannels] = {};
        for (int64_t oy = 0; oy < s.oh; ++oy) {
          const float* row = in.Row(c, oy * s.sh + ky);
          const float* gRow = &g.data[(k0 * s.oh + oy) * g.rowStride];
          for (int64_t ox0 = 0; ox0 < s.ow; ox0 += kLanes) {
            Lanes gv[kChannels];
            for (int q = 0; q < kChannels; ++q) __builtin_memcpy(&gv[q], gRow + q * plane + ox0, sizeof(Lanes));
            for (int kx = 0; kx < KW; ++kx) {
              Lanes x;
              LOAD_LANES(x, row + ox0 * s.sw + kx, Stride, s.sw);
              for (int q = 0; q < kChannels; ++q) acc[kx][q] += gv[q] * x;
            }
          }
        }
        for (int kx = 0; kx < KW; ++kx)
          for (int q = 0; q < kChannels; ++q) p[((c * s.kh + ky) * KW + kx) * kBlock + k0 + q] += acc[kx][q];
      }
    }
  }
}

using AccumulateFn = void (*)(const ConvShape&, const PaddedImage&, const PaddedGrad&, float*);

template <int Stride>
AccumulateFn PickAccumulate(int64_t kw) {
  switch (kw) {
    case 1: return AccumulateWeightGradRows<Stride, 1>;
    case 2: return AccumulateWeightGradRows<Stride, 2>;
    case 3: return AccumulateWeightGradRows<Stride, 3>;
    case 4: return AccumulateWeightGradRows<Stride, 4>;
    case 5: return AccumulateWeightGradRows<Stride, 5>;
    default: return AccumulateWeightGradBlock<Stride>;
  }
}

}  // namespace

// The direct kernels know neither dilation nor groups: those go to oneDNN.
bool IsNarrowConv(const ConvShape& s) {
  return s.c * s.kh * s.kw <= 32 && s.dilh == 1 && s.dilw == 1 && s.groups == 1;
}

void NarrowConv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y) {
  const std::vector<float> blocked = BlockWeights(s, w);
  const int64_t taps = s.c * s.kh * s.kw;
  auto forward = s.sw == 1 ? ForwardBlock<1> : ForwardBlock<0>;
#pragma omp parallel
  {
    PaddedImage in(s);
#pragma omp for
    for (int64_t n = 0; n < s.n; ++n) {
      in.Load(s, x + n * s.c * s.h * s.w);
      for (int64_t o0 = 0; o0 < s.o; o0 += kBlock) {
        forward(s, in, &blocked[(o0 / kBlock) * taps * kBlock], b, o0, y + n * s.o * s.oh * s.ow);
      }
    }
  }
}

void NarrowConv2dBackwardWeights(const ConvShape& s, const float* x, const float* y, const float* dy, Activation act,
                                 float* dw, float* db) {
  const int64_t taps = s.c * s.kh * s.kw, blocks = (s.o + kBlock - 1) / kBlock;
  std::vector<double> dwSum(s.o * taps, 0.0), dbSum(s.o, 0.0);
  const AccumulateFn accumulate = s.sw == 1 ? PickAccumulate<1>(s.kw) : PickAccumulate<0>(s.kw);
#pragma omp parallel
  {
    PaddedImage in(s);
    PaddedGrad g(s);
    // Per thread: [block][tap][8] partial sums of 16 lanes each.
    std::vector<float> partial(blocks * taps * kBlock * kLanes, 0.0f);
    std::vector<double> dbPartial(s.o, 0.0);
#pragma omp for
    for (int64_t n = 0; n < s.n; ++n) {
      in.Load(s, x + n * s.c * s.h * s.w);
      const int64_t image = n * s.o * s.oh * s.ow;
      for (int64_t o0 = 0; o0 < s.o; o0 += kBlock) {
        LoadGrad(g, s, dy + image, y ? y + image : nullptr, act, o0);
        accumulate(s, in, g, &partial[(o0 / kBlock) * taps * kBlock * kLanes]);
        const int64_t plane = s.oh * g.rowStride;
        for (int64_t k = 0; k < std::min(kBlock, s.o - o0); ++k) dbPartial[o0 + k] += SumLanes(&g.data[k * plane], plane);
      }
    }
#pragma omp critical
    {
      for (int64_t o = 0; o < s.o; ++o) {
        for (int64_t t = 0; t < taps; ++t) {
          const float* lanes = &partial[(((o / kBlock) * taps + t) * kBlock + o % kBlock) * kLanes];
          for (int64_t j = 0; j < kLanes; ++j) dwSum[o * taps + t] += lanes[j];
        }
        dbSum[o] += dbPartial[o];
      }
    }
  }
  for (int64_t i = 0; i < s.o * taps; ++i) dw[i] = static_cast<float>(dwSum[i]);
  if (db) {
    for (int64_t o = 0; o < s.o; ++o) db[o] = static_cast<float>(dbSum[o]);
  }
}

}  // namespace nc::cpu
