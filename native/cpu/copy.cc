// The strided copy (strided_copy.h) on the CPU: OpenMP over pieces of the rows of the box's last
// (merged) dimension; a piece contiguous on both sides is one memcpy, a broadcast piece one fill.
#include <algorithm>
#include <cstring>

#include "cpu/cpu.h"

namespace nc::cpu {

void CopyStrided(const StridedCopy& s, const float* src, float* dst) {
  const int last = s.ndim - 1;
  const int64_t inner = s.extent[last], rows = s.size / inner;
  const int64_t ss = s.srcStride[last], ds = s.dstStride[last];
  // Rows cut into pieces of at most kPiece, so that one long row (a broadcast, a plain copy) is
  // shared among the threads too.
  constexpr int64_t kPiece = 16384;
  const int64_t pieces = (inner + kPiece - 1) / kPiece;
#pragma omp parallel for if (s.size > 32768)
  for (int64_t p = 0; p < rows * pieces; ++p) {
    const int64_t r = p / pieces, begin = (p % pieces) * kPiece, n = std::min(kPiece, inner - begin);
    int64_t so, dof;
    s.Offsets(r * inner, &so, &dof);  // the row's first element on each side
    const float* from = src + so + begin * ss;
    float* to = dst + dof + begin * ds;
    if (ss == 1 && ds == 1) {
      std::memcpy(to, from, static_cast<size_t>(n) * sizeof(float));
    } else if (ss == 0 && ds == 1) {
      std::fill(to, to + n, *from);
    } else {
      for (int64_t k = 0; k < n; ++k) to[k * ds] = from[k * ss];
    }
  }
}

}  // namespace nc::cpu
