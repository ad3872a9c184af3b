// where on the CPU (where.h): a select with NumPy broadcasting, and its backward.
#include "where.h"
#include "cpu/cpu.h"

namespace nc::cpu {

void Where(const WhereShape& s, const float* cond, const float* a, const float* b, float* y) {
  const int64_t n = s.size;
  if (s.sameShape) {  // the common case: no index arithmetic, vectorised
#pragma omp parallel for simd if (n > 32768)
    for (int64_t i = 0; i < n; ++i) y[i] = cond[i] != 0.0f ? a[i] : b[i];
    return;
  }
#pragma omp parallel for if (n > 32768)
  for (int64_t i = 0; i < n; ++i) {
    int64_t ic, ia, ib;
    s.Offsets(i, &ic, &ia, &ib);
    y[i] = cond[ic] != 0.0f ? a[ia] : b[ib];
  }
}

// da and db have dy's shape, the output's; the caller sums them back to a's and b's shapes.
void WhereBackward(const WhereShape& s, const float* cond, const float* dy, float* da, float* db) {
#pragma omp parallel for if (s.size > 32768)
  for (int64_t i = 0; i < s.size; ++i) {
    int64_t ic = i, ia = i, ib = i;  // a's and b's offsets go unused
    if (!s.sameShape) s.Offsets(i, &ic, &ia, &ib);
    const bool pickA = cond[ic] != 0.0f;
    if (da) da[i] = pickA ? dy[i] : 0.0f;
    if (db) db[i] = pickA ? 0.0f : dy[i];
  }
}

}  // namespace nc::cpu
