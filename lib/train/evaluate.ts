// Accuracy helpers, as d2l's `accuracy` and `evaluate_accuracy_gpu`.
import { accumulateCorrect } from '../ops/accuracy';
import { TrainingMetrics } from './metrics';
import { pause } from '../core/autograd';
import type { Block } from '../nn/block';
import { Tensor } from '../core/tensor';
import { codedError } from '../core/errors';

/**
 * Classification accuracy of `net` over a data iterator, in prediction mode (dropout off) and
 * without recording. The batches are consumed: each is disposed once counted.
 * @param net - the model.
 * @param dataIter - yields `[X, y]` (a `DataLoader`) on the parameters' device.
 * @returns the fraction of correct predictions, in [0, 1].
 * @throws Error when the iterator yields no examples.
 */
export function evaluateAccuracy(net: Block, dataIter: Iterable<[Tensor, Tensor]>): number {
  let correct: Tensor | null = null;  // counted where the batches live, read once at the end
  let total = 0;
  for (const [X, y] of dataIter) {
    const yHat = pause(() => net.forward(X));
    correct ??= Tensor.zeros([1], y.device);
    accumulateCorrect(yHat, y, correct);
    total += y.size;
    yHat.dispose();
    X.dispose();
    y.dispose();
  }
  if (total === 0 || !correct) throw codedError('NC_ARGUMENT', 'evaluateAccuracy: the data iterator yielded no examples');
  const accuracy = correct.item() / total;
  correct.dispose();
  return accuracy;
}

/**
 * Mean per-example loss of `net` over a data iterator, in prediction mode and without recording
 * (the test figure of a regression, where accuracy means nothing). The batches are consumed.
 * @param loss - returns one loss per example (N), as the losses of `nn` do.
 * @throws Error when the iterator yields no examples.
 */
export function evaluateLoss(net: Block, dataIter: Iterable<[Tensor, Tensor]>,
  loss: { forward(yHat: Tensor, y: Tensor): Tensor }): number {
  let metrics: TrainingMetrics | null = null;  // sums where the batches live, read once at the end
  for (const [X, y] of dataIter) {
    const yHat = pause(() => net.forward(X));
    const l = pause(() => loss.forward(yHat, y));
    metrics ??= new TrainingMetrics(y.device, { accuracy: false });
    metrics.add(l, yHat, y);
    for (const t of [l, yHat, X, y]) t.dispose();
  }
  if (!metrics || metrics.examples === 0) throw codedError('NC_ARGUMENT', 'evaluateLoss: the data iterator yielded no examples');
  const { loss: mean } = metrics.read();
  metrics.dispose();
  return mean;
}
