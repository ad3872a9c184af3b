// Softmax cross-entropy, numerically stable: log-sum-exp with the row maximum subtracted.
#include <cmath>

#include "cpu/cpu.h"

namespace nc::cpu {

namespace {
// log Σ exp(row) computed in double for accuracy; returns the row maximum through `maxOut`.
double LogSumExp(const float* row, int64_t c, float* maxOut) {
  float m = row[0];
  for (int64_t j = 1; j < c; ++j) m = row[j] > m ? row[j] : m;
  double s = 0;
  for (int64_t j = 0; j < c; ++j) s += std::exp(static_cast<double>(row[j] - m));
  *maxOut = m;
  return std::log(s) + m;
}
}  // namespace

// logits (N,C), labels (N) -> loss (N)
void SoftmaxCrossEntropy(int64_t n, int64_t c, const float* logits, const float* labels, float* loss) {
#pragma omp parallel for if (n * c > 16384)
  for (int64_t i = 0; i < n; ++i) {
    const float* row = logits + i * c;
    float m;
    double lse = LogSumExp(row, c, &m);
    loss[i] = static_cast<float>(lse - row[static_cast<int64_t>(labels[i])]);
  }
}

// dlogits[i] = dloss[i] * (softmax(logits[i]) - onehot(labels[i]))
void SoftmaxCrossEntropyBackward(int64_t n, int64_t c, const float* logits, const float* labels,
                                 const float* dloss, float* dlogits) {
#pragma omp parallel for if (n * c > 16384)
  for (int64_t i = 0; i < n; ++i) {
    const float* row = logits + i * c;
    float* out = dlogits + i * c;
    float m;
    double lse = LogSumExp(row, c, &m);
    const int64_t label = static_cast<int64_t>(labels[i]);
    for (int64_t j = 0; j < c; ++j) {
      double p = std::exp(static_cast<double>(row[j]) - lse);
      out[j] = static_cast<float>(dloss[i] * (p - (j == label ? 1.0 : 0.0)));
    }
  }
}

// Top 1: the row's first maximal logit sits at the label. Top k: fewer than k scores beat the
// label's (see backend.h).
int64_t CountCorrect(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels) {
  int64_t correct = 0;
#pragma omp parallel for reduction(+ : correct) if (n * c > 16384)
  for (int64_t i = 0; i < n; ++i) {
    const float* row = logits + i * c;
    if (!(labels[i] >= 0.0f && labels[i] < static_cast<float>(c))) continue;  // a bad label never counts
    const int64_t label = static_cast<int64_t>(labels[i]);
    if (k == 1) {
      int64_t best = 0;
      for (int64_t j = 1; j < c; ++j) best = row[j] > row[best] ? j : best;
      correct += best == label;
      continue;
    }
    const float mine = row[label];
    int64_t beaten = 0;
    for (int64_t j = 0; j < c; ++j) beaten += row[j] > mine || (row[j] == mine && j < label);
    correct += !std::isnan(mine) && beaten < k;
  }
  return correct;
}

void AccumulateCorrect(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels, float* total) {
  total[0] += static_cast<float>(CountCorrect(n, c, k, logits, labels));
}

}  // namespace nc::cpu
