// Shared by the examples that train large networks: on a CPU, say how long the run will take, from
// the second of two timed steps on one batch (the first prepares oneDNN's kernels).

/**
 * Prints "training <what> on the CPU: about N images/s, so E epoch(s) of M images take about T"
 * (with `hint` when that is over 10 minutes).
 * @param step - one training step on (X, y) that disposes what it makes.
 */
function reportCpuEstimate({ what, trainIter, numEpochs, step, hint }) {
  const [X, y] = trainIter[Symbol.iterator]().next().value;
  step(X, y);
  const start = process.hrtime.bigint();
  step(X, y);
  const perImage = Number(process.hrtime.bigint() - start) / 1e9 / X.shape[0];
  const total = perImage * trainIter.numExamples * numEpochs * 1.1;  // plus evaluation
  console.log(`training ${what} on the CPU: about ${(1 / perImage).toFixed(1)} images/s, so ${numEpochs} epoch(s) ` +
    `of ${trainIter.numExamples} images take about ${formatDuration(total)}` + (total > 600 ? ` (${hint})` : ''));
}

function formatDuration(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

module.exports = { reportCpuEstimate };
