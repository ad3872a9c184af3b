// Arithmetic (axpby, multiply, sum) and byte conversion: plain loops on every core.
#include "cpu/cpu.h"

namespace nc::cpu {

// Small arrays are not worth waking the thread pool for.
#define PARALLEL_FOR _Pragma("omp parallel for simd if (n > 32768)")

void Axpby(int64_t n, const float* x, float* y, float a, float b) {
  if (b == 0.0f) {  // y may hold garbage (even NaN) when it is only written
    PARALLEL_FOR
    for (int64_t i = 0; i < n; ++i) y[i] = a * x[i];
    return;
  }
  PARALLEL_FOR
  for (int64_t i = 0; i < n; ++i) y[i] = a * x[i] + b * y[i];
}

void Multiply(int64_t n, const float* x1, const float* x2, float* y) {
  PARALLEL_FOR
  for (int64_t i = 0; i < n; ++i) y[i] = x1[i] * x2[i];
}

void Sum(int64_t n, const float* x, float* out) {
  double s = 0;
#pragma omp parallel for simd reduction(+ : s) if (n > 32768)
  for (int64_t i = 0; i < n; ++i) s += x[i];
  out[0] = static_cast<float>(s);
}

// Image bytes to floats (ToTensor's 1/255 scaling), converted where the tensor lives.
void BytesToFloat(int64_t n, const uint8_t* src, float* dst, float scale) {
  PARALLEL_FOR
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(src[i]) * scale;
}

}  // namespace nc::cpu
