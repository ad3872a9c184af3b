// What the model files share: the release of intermediate results inside a block's forward
// (Sequential's), and the models' options check.
export { releaseIntermediate as release, runReleasing as chain } from '../nn/sequential';
import { knownOptions, positiveInt } from '../core/check';

/** The options every model takes. */
export interface ModelOptions {
  /** Outputs of the last layer; default 10 (Fashion-MNIST's classes). */
  numClasses?: number;
}

/** Checks a model's options (only `accepted` keys) and returns the number of classes. */
export function numClassesOption<T extends ModelOptions>(op: string, options: T | undefined,
  accepted: readonly (keyof T & string)[]): number {
  const checked = knownOptions(op, options, accepted);
  return checked.numClasses === undefined ? 10 : positiveInt(op, 'numClasses', checked.numClasses);
}
