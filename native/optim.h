// The optimizer update rules (PyTorch's semantics), one element at a time. The CPU loop
// (cpu/optim.cc) and the CUDA kernel (cuda/optim.cu) both call UpdateElement, so they do the same
// float operations in the same order; on the GPU each product, sum and quotient is rounded on its
// own (__fmul_rn, ...), as the CPU build (no FMA) does, so both backends agree bit for bit.
#pragma once
#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define NC_OPTIM_HD __host__ __device__
#else
#define NC_OPTIM_HD
#endif

namespace nc {

enum class OptimizerRule : int { Sgd, Adam, RmsProp, AdaGrad };

// Everything one update of one tensor needs besides the tensors themselves. Each step starts from
// g = rescale·grad, scaled by the global-norm clipping coefficient (maxNorm > 0) and clamped to
// [-clipValue, clipValue] (clipValue > 0); L2 weight decay then adds weightDecay·w.
struct OptimizerStep {
  OptimizerRule rule = OptimizerRule::Sgd;
  float lr = 0;              // step size (AdaGrad: already divided by 1 + (t-1)·lrDecay)
  float rescale = 1;         // gradient multiplier, e.g. 1/batchSize
  float clipValue = 0;       // > 0: clamp the gradient to [-clipValue, clipValue]; 0: no clamping
  float maxNorm = 0;         // > 0: multiply by min(1, maxNorm / (|rescale|·sqrt(normSq) + 1e-6))
  float weightDecay = 0;     // L2: g += weightDecay·w
  float decayFactor = 1;     // decoupled decay (AdamW): w *= 1 - lr·wd before the update (else 1)
  // SGD (momentum, dampening, nesterov; firstStep: the buffer starts as g) and RMSProp (momentum).
  float momentum = 0;
  float oneMinusDampening = 1;
  bool nesterov = false;
  bool firstStep = false;
  // Adam: moments m (state 1), v (state 2), max v (state 3, amsgrad).
  float beta1 = 0, oneMinusBeta1 = 1, beta2 = 0, oneMinusBeta2 = 1;
  float stepSize = 0;             // lr / (1 - beta1^t)
  float biasCorrection2Sqrt = 1;  // sqrt(1 - beta2^t)
  bool amsgrad = false;
  // RMSProp: square average (state 1), momentum buffer (state 2), gradient average (state 3).
  float alpha = 0, oneMinusAlpha = 1;
  bool centered = false;
  // Adam, RMSProp, AdaGrad (sum in state 1).
  float eps = 0;
};

namespace optim {

// Correctly rounded float operations, never fused into FMAs.
NC_OPTIM_HD inline float Mul(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
NC_OPTIM_HD inline float Add(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}
NC_OPTIM_HD inline float Sub(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fsub_rn(a, b);
#else
  return a - b;
#endif
}
NC_OPTIM_HD inline float Div(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fdiv_rn(a, b);
#else
  return a / b;
#endif
}
NC_OPTIM_HD inline float Sqrt(float a) {
#if defined(__CUDA_ARCH__)
  return __fsqrt_rn(a);
#else
  return std::sqrt(a);  // cpu/optim.cc is built with -fno-math-errno, so that this vectorises
#endif
}

// torch.nn.utils.clip_grad_norm_'s factor, from Σ grad² of all parameters (before rescaling); 1
// without norm clipping.
NC_OPTIM_HD inline float ClipCoefficient(const OptimizerStep& h, const float* normSq) {
  if (!(h.maxNorm > 0)) return 1.0f;
  const float norm = Mul(h.rescale < 0 ? -h.rescale : h.rescale, Sqrt(*normSq));
  const float coef = Div(h.maxNorm, Add(norm, 1e-6f));
  return coef < 1.0f ? coef : 1.0f;  // NaN stays NaN, as torch.clamp
}

// Options that change the loop body. The CPU loop has no branches (so it vectorises) because every
// option is a template parameter of its Variant; the GPU kernel takes only those that decide which
// state arrays are touched (kStructural) as template parameters and tests the rest (uniform
// branches) at run time.
enum : unsigned {
  kDecay = 1u,       // L2 weight decay
  kClip = 2u,        // clamping to ±clipValue
  kMomentum = 4u,    // SGD: state 1; RMSProp: state 2
  kNesterov = 8u,    // SGD
  kFirstStep = 16u,  // SGD: the momentum buffer starts as g
  kAmsgrad = 32u,    // Adam: state 3
  kCentered = 64u,   // RMSProp: state 3
  kLastFlag = kCentered,
  kAllFlags = 127u,
  kStructural = kMomentum | kAmsgrad | kCentered,
};

template <OptimizerRule Rule, unsigned Known, unsigned Flags>
struct Variant {
  static_assert((Known & kStructural) == kStructural, "which states are touched must be known");
  static constexpr OptimizerRule rule = Rule;
  static constexpr unsigned known = Known;  // options decided here; the others are read from h
  static constexpr unsigned flags = Flags;  // those of them that are on
};

// Whether option `bit` is on: decided by V when it knows it, else `runtime`.
template <typename V>
NC_OPTIM_HD inline bool On(unsigned bit, bool runtime) {
  return (V::known & bit) ? (V::flags & bit) != 0 : runtime;
}

// The options that exist for a rule, and those that only go with momentum.
constexpr unsigned RuleFlags(OptimizerRule r) {
  return r == OptimizerRule::Sgd       ? kDecay | kClip | kMomentum | kNesterov | kFirstStep
         : r == OptimizerRule::Adam    ? kDecay | kClip | kAmsgrad
         : r == OptimizerRule::RmsProp ? kDecay | kClip | kMomentum | kCentered
                                       : kDecay | kClip;
}
constexpr bool ValidFlags(OptimizerRule r, unsigned flags) {
  return r != OptimizerRule::Sgd || (flags & kMomentum) || !(flags & (kNesterov | kFirstStep));
}

inline unsigned FlagsOf(const OptimizerStep& h) {
  unsigned f = 0;
  if (h.weightDecay != 0) f |= kDecay;
  if (h.clipValue > 0) f |= kClip;
  if (h.rule == OptimizerRule::Sgd ? h.momentum != 0 : h.momentum > 0) f |= kMomentum;
  if (h.nesterov) f |= kNesterov;
  if (h.firstStep) f |= kFirstStep;
  if (h.amsgrad) f |= kAmsgrad;
  if (h.centered) f |= kCentered;
  return f & RuleFlags(h.rule);
}

// Calls f(Variant<R, Known, flags>{}) with the bits of `flags` that Known covers, one bit at a time.
template <OptimizerRule R, unsigned Known, unsigned Flags = 0, unsigned Bit = 1, typename F>
inline void DispatchFlags(unsigned flags, F&& f) {
  if constexpr (Bit > kLastFlag) {
    f(Variant<R, Known, Flags>{});
  } else if constexpr (!(Known & RuleFlags(R) & Bit)) {
    DispatchFlags<R, Known, Flags, Bit * 2>(flags, f);
  } else {
    if constexpr (ValidFlags(R, Flags | Bit)) {
      if (flags & Bit) return DispatchFlags<R, Known, Flags | Bit, Bit * 2>(flags, f);
    }
    DispatchFlags<R, Known, Flags, Bit * 2>(flags, f);
  }
}

// Calls f(Variant<...>{}) for the variant of h, deciding the options in Known at compile time.
template <unsigned Known, typename F>
inline void Dispatch(const OptimizerStep& h, F&& f) {
  const unsigned flags = FlagsOf(h);
  switch (h.rule) {
    case OptimizerRule::Sgd: return DispatchFlags<OptimizerRule::Sgd, Known>(flags, f);
    case OptimizerRule::Adam: return DispatchFlags<OptimizerRule::Adam, Known>(flags, f);
    case OptimizerRule::RmsProp: return DispatchFlags<OptimizerRule::RmsProp, Known>(flags, f);
    case OptimizerRule::AdaGrad: return DispatchFlags<OptimizerRule::AdaGrad, Known>(flags, f);
  }
}

// One element of one update: w[i] and the states s1..s3 (those the variant uses) in place; `coef`
// is ClipCoefficient. Multiplications by 1 (coef without norm clipping, decayFactor without
// decoupled decay) change nothing.
template <typename V>
NC_OPTIM_HD inline void UpdateElement(const OptimizerStep& h, float coef, int64_t i, float* w, const float* grad,
                                      float* s1, float* s2, float* s3) {
  constexpr OptimizerRule R = V::rule;
  const float wi = Mul(w[i], h.decayFactor);  // decoupled weight decay (1 otherwise)
  // The gradient every rule starts from: rescaled, norm-clipped, value-clipped (a NaN stays), plus
  // L2 weight decay.
  float g = Mul(Mul(h.rescale, grad[i]), coef);
  if (On<V>(kClip, h.clipValue > 0)) g = g < -h.clipValue ? -h.clipValue : g > h.clipValue ? h.clipValue : g;
  if (On<V>(kDecay, h.weightDecay != 0)) g = Add(g, Mul(h.weightDecay, wi));
  float step;  // what is subtracted from w
  if constexpr (R == OptimizerRule::Sgd) {
    if constexpr ((V::flags & kMomentum) != 0) {
      const float buf = On<V>(kFirstStep, h.firstStep) ? g : Add(Mul(h.momentum, s1[i]), Mul(h.oneMinusDampening, g));
      s1[i] = buf;
      g = On<V>(kNesterov, h.nesterov) ? Add(g, Mul(h.momentum, buf)) : buf;
    }
    step = Mul(h.lr, g);
  } else if constexpr (R == OptimizerRule::Adam) {
    const float m = Add(Mul(h.beta1, s1[i]), Mul(h.oneMinusBeta1, g));
    float v = Add(Mul(h.beta2, s2[i]), Mul(Mul(h.oneMinusBeta2, g), g));
    s1[i] = m;
    s2[i] = v;
    if constexpr ((V::flags & kAmsgrad) != 0) {
      const float old = s3[i];
      v = old != old ? old : (v != v || v > old) ? v : old;  // torch.maximum: a NaN wins
      s3[i] = v;
    }
    step = Mul(h.stepSize, Div(m, Add(Div(Sqrt(v), h.biasCorrection2Sqrt), h.eps)));
  } else if constexpr (R == OptimizerRule::RmsProp) {
    const float sq = Add(Mul(h.alpha, s1[i]), Mul(Mul(h.oneMinusAlpha, g), g));
    s1[i] = sq;
    float avg;
    if constexpr ((V::flags & kCentered) != 0) {
      const float ga = Add(Mul(h.alpha, s3[i]), Mul(h.oneMinusAlpha, g));
      s3[i] = ga;
      avg = Add(Sqrt(Sub(sq, Mul(ga, ga))), h.eps);
    } else {
      avg = Add(Sqrt(sq), h.eps);
    }
    if constexpr ((V::flags & kMomentum) != 0) {
      const float buf = Add(Mul(h.momentum, s2[i]), Div(g, avg));
      s2[i] = buf;
      step = Mul(h.lr, buf);
    } else {
      step = Mul(h.lr, Div(g, avg));
    }
  } else {  // AdaGrad
    const float sum = Add(s1[i], Mul(g, g));
    s1[i] = sum;
    step = Mul(h.lr, Div(g, Add(Sqrt(sum), h.eps)));
  }
  w[i] = Sub(wi, step);
}

}  // namespace optim
}  // namespace nc
