// The strided copy on its kernel (copy.cu), queued on the context's stream.
#include "cuda/context.h"
#include "cuda/copy.h"
#include "cuda/cuda.h"

namespace nc::cuda {

void CopyStrided(const StridedCopy& s, const float* src, float* dst) { LaunchCopyStrided(Ctx().stream, s, src, dst); }

}  // namespace nc::cuda
