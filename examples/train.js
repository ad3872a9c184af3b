// What the training examples share after they build their network and data: the book's train_ch6
// through fit() with the common flags, --save at the end, and how a failure is reported.
'use strict';
const { fit } = require('node-cudnn');

/**
 * Trains with a progress bar and one line per epoch, curves at the end (--plot), a checkpoint after
 * every epoch and on Ctrl-C (--checkpoint, --resume); then saves the parameters (--save) unless stopped.
 */
async function fitAndSave(net, trainIter, testIter, trainer, flags) {
  const { interrupted } = await fit(net, trainIter, testIter, {
    epochs: flags.epochs, trainer, checkpoint: flags.checkpoint, resume: flags.resume, plot: flags.plot,
  });
  if (!interrupted && flags.save) {
    net.saveParameters(flags.save);
    console.log(`parameters saved to ${flags.save}`);
  }
}

/** Runs an example's async main; an error is printed as its message alone, with exit code 1. */
function runMain(main) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}

module.exports = { fitAndSave, runMain };
