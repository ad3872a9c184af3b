// The optimizer update, one fused OpenMP loop per parameter tensor (the per-element rules are in
// optim.h, shared with the CUDA kernel), and the sum of squares for global-norm clipping.
#include "cpu/cpu.h"
#include "optim.h"

namespace nc::cpu {

namespace {

// One variant's loop: every option decided at compile time, so the body has no branches and
// vectorises. `h` by value: the compiler then knows that the stores leave it unchanged.
template <typename V>
void UpdateLoop(const OptimizerStep h, float coef, int64_t n, float* w, const float* g, float* s1, float* s2,
                float* s3) {
#pragma omp parallel for simd firstprivate(h, coef) if (n > 32768)
  for (int64_t i = 0; i < n; ++i) optim::UpdateElement<V>(h, coef, i, w, g, s1, s2, s3);
}

}  // namespace

void OptimizerUpdate(const OptimizerStep& h, int64_t n, float* w, const float* g, float* s1, float* s2, float* s3,
                     const float* normSq) {
  const float coef = optim::ClipCoefficient(h, normSq);
  optim::Dispatch<optim::kAllFlags>(h, [&](auto variant) {
    UpdateLoop<decltype(variant)>(h, coef, n, w, g, s1, s2, s3);
  });
}

void SumSquares(int64_t n, const float* x, float* out, bool accumulate) {
  double s = 0;
#pragma omp parallel for simd reduction(+ : s) if (n > 32768)
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  out[0] = static_cast<float>(accumulate ? out[0] + s : s);
}

}  // namespace nc::cpu
