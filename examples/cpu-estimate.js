// Shared by the examples that train large networks: on a CPU, say how long the whole run will take.
// A run is more than its training steps: the setup already done (loading the library and the data,
// building the model, the first step, which creates oneDNN's primitives), the evaluation on the test
// set after each epoch (a forward pass in prediction mode, whose primitives are created at its first
// call), and a last, smaller batch per split, whose new shape creates primitives again. Each part is
// timed here on one batch and scaled up.

/**
 * Prints "training <what> on the CPU: about N images/s; E epoch(s) of M images, with evaluation on
 * K test images, take about T in all (setup so far S)" (with `hint` when that is over 10 minutes).
 * @param net - the network (its `predict` times the evaluation).
 * @param step - one training step on (X, y) that disposes what it makes.
 */
function reportCpuEstimate({ what, net, trainIter, testIter, numEpochs, step, hint }) {
  const [X, y] = trainIter[Symbol.iterator]().next().value;
  const [firstStep, trainStep] = timeTwice(() => step(X, y));
  const [firstEval, evalStep] = timeTwice(() => net.predict(X).dispose());
  const batch = X.shape[0];
  // A last batch of another size creates its primitives again: about a first call's extra time.
  const lastBatchSetup = (iter, first, again) => (iter.numExamples % batch === 0 ? 0 : first - again);
  const training = numEpochs * (trainStep / batch * trainIter.numExamples +
    lastBatchSetup(trainIter, firstStep, trainStep));
  const evaluation = (firstEval - evalStep) + numEpochs * (evalStep / batch * testIter.numExamples +
    lastBatchSetup(testIter, firstEval, evalStep));
  const setup = process.uptime();  // everything so far, these timed steps included
  const total = setup + training + evaluation;
  console.log(`training ${what} on the CPU: about ${(batch / trainStep).toFixed(1)} images/s; ` +
    `${numEpochs} epoch(s) of ${trainIter.numExamples} images, with evaluation on ${testIter.numExamples} test ` +
    `images, take about ${formatDuration(total)} in all (training ${formatDuration(training)}, evaluation ` +
    `${formatDuration(evaluation)}, setup so far ${formatDuration(setup)})` + (total > 600 ? ` (${hint})` : ''));
}

// The seconds `fn` takes at its first call and at its second.
function timeTwice(fn) {
  return [0, 1].map(() => {
    const start = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - start) / 1e9;
  });
}

function formatDuration(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

module.exports = { reportCpuEstimate };
