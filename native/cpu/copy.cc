// The strided copy (strided_copy.h) on the CPU: one OpenMP task per row of the box's last (merged)
// dimension; a row contiguous on both sides is one memcpy, a broadcast row one fill.
#include <algorithm>
#include <cstring>

#include "cpu/cpu.h"

namespace nc::cpu {

void CopyStrided(const StridedCopy& s, const float* src, float* dst) {
  const int last = s.ndim - 1;
  const int64_t inner = s.extent[last], rows = s.size / inner;
  const int64_t ss = s.srcStride[last], ds = s.dstStride[last];
#pragma omp parallel for if (s.size > 32768)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t so, dof;
    s.Offsets(r * inner, &so, &dof);  // the row's first element on each side
    const float* from = src + so;
    float* to = dst + dof;
    if (ss == 1 && ds == 1) {
      std::memcpy(to, from, static_cast<size_t>(inner) * sizeof(float));
    } else if (ss == 0 && ds == 1) {
      std::fill(to, to + inner, *from);
    } else {
      for (int64_t k = 0; k < inner; ++k) to[k * ds] = from[k * ss];
    }
  }
}

}  // namespace nc::cpu
