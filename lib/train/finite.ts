// Non-finite values in training, found cheaply: each step sums the squares of the loss and of every
// gradient into one device scalar (binding.sumSquares: summed in double, stored as float32) and
// reads that one number back; before a checkpoint is saved, the same for the parameters' values.
// Only when the sum is not finite are the tensors read one by one to name the culprit; when none
// is, the float32 sum merely overflowed (a value beyond about 1.8e19) and training goes on.
import { sumSquares } from '../ops/blas';
import { pause } from '../core/autograd';
import type { Block } from '../nn/block';
import type { Parameter } from '../nn/parameter';
import type { Device } from '../core/device';
import { Tensor } from '../core/tensor';
import { coded } from '../core/errors';

/** What was not finite: the loss, a gradient, or a parameter's values. */
export type NonFiniteKind = 'loss' | 'gradient' | 'parameter';

/** NaN and infinite elements of a tensor. */
export interface NonFiniteCount {
  nan: number;
  infinite: number;
  size: number;
}

/** What `FiniteGuard.find` names. */
export interface NonFiniteFinding {
  kind: NonFiniteKind;
  /** The parameter's layer, or for the loss the first layer whose output is not finite (null: none). */
  layer: string | null;
  /** Full name (`conv0.weight`): the culprit, or for the loss the first non-finite parameter. */
  parameter: string | null;
  /** Of the loss, the gradient or the parameter. */
  count: NonFiniteCount;
  /** Further clauses for the message (the input batch, other parameters). */
  notes: string[];
}

/** Where training stood when a non-finite value stopped it, and what checkpoint is on disk. */
export interface NonFiniteContext {
  epoch: number;
  batch: number;
  step: number;
  /** 'step': found after backward, before the update; 'save': found before saving a checkpoint. */
  when: 'step' | 'save';
  /** fit's checkpoint option. */
  file?: string;
  /** The position the checkpoint on disk holds (null: none written by this run). */
  kept: { epoch: number; batch: number } | null;
}

/**
 * Thrown by `fit({ checkFinite: true })` at the first non-finite loss, gradient or parameter.
 * @example
 * fit: non-finite gradient of conv0.weight (layer conv0, parameter weight) at epoch 1, batch 3 (step 3):
 * 12 NaN, 0 infinite of 150 values; stopped before updating, last good checkpoint kept: lenet.ckpt (epoch 1, batch 0)
 */
export class NonFiniteError extends Error {
  /** Always 'NC_NON_FINITE'. */
  declare readonly code: 'NC_NON_FINITE';
  readonly kind: NonFiniteKind;
  /** The epoch (1-based). */
  readonly epoch: number;
  /** The batch of that epoch, 1-based (as `onBatch` would have counted it); for 'save', the checkpoint's. */
  readonly batch: number;
  /** The trainer's step: the one not taken (trainer.stepCount + 1); for 'save', steps taken. */
  readonly step: number;
  /** See {@link NonFiniteFinding.layer}. */
  readonly layer: string | null;
  /** See {@link NonFiniteFinding.parameter}. */
  readonly parameter: string | null;
  /** The checkpoint kept on disk (the last good state), or null. */
  readonly checkpoint: { file: string; epoch: number; batch: number } | null;

  constructor(finding: NonFiniteFinding, context: NonFiniteContext) {
    const { kind, parameter, count } = finding;
    const what = kind === 'loss' ? 'non-finite loss'
      : `non-finite ${kind} ${kind === 'gradient' ? 'of ' : ''}${describeParameter(parameter!)}`;
    const where = context.when === 'step'
      ? `at epoch ${context.epoch}, batch ${context.batch} (step ${context.step})`
      : `before saving the checkpoint at epoch ${context.epoch}, batch ${context.batch} (step ${context.step})`;
    const checkpoint = context.file && context.kept ? { file: context.file, ...context.kept } : null;
    const kept = checkpoint
      ? `last good checkpoint kept: ${checkpoint.file} (epoch ${checkpoint.epoch}, batch ${checkpoint.batch})`
      : context.file ? `no good checkpoint written to ${context.file}` : 'no checkpoint (the checkpoint option is not set)';
    super(`fit: ${what} ${where}: ${formatCount(count)}${finding.notes.map((n) => `; ${n}`).join('')}; ` +
      `${context.when === 'step' ? 'stopped before updating' : 'not saved'}, ${kept}`);
    this.name = 'NonFiniteError';
    coded(this, 'NC_NON_FINITE');
    this.kind = kind;
    this.epoch = context.epoch;
    this.batch = context.batch;
    this.step = context.step;
    this.layer = finding.layer;
    this.parameter = parameter;
    this.checkpoint = checkpoint;
  }
}

/** Counts the NaN and infinite elements (reads the tensor back). */
export function countNonFinite(t: Tensor): NonFiniteCount {
  let nan = 0;
  let infinite = 0;
  for (const v of t.toArray()) {
    if (Number.isNaN(v)) nan++;
    else if (v === Infinity || v === -Infinity) infinite++;
  }
  return { nan, infinite, size: t.size };
}

const bad = (c: NonFiniteCount) => c.nan + c.infinite > 0;
const formatCount = (c: NonFiniteCount) => `${c.nan} NaN, ${c.infinite} infinite of ${c.size} values`;
const layerOf = (name: string) => name.slice(0, Math.max(name.lastIndexOf('.'), 0)) || name;
const describeParameter = (name: string) =>
  `${name} (layer ${layerOf(name)}, parameter ${name.slice(name.lastIndexOf('.') + 1)})`;

/** The checks `fit` runs with `checkFinite`: one read back per step while all is finite. */
export class FiniteGuard {
  private readonly sum: Tensor;
  private readonly params: [string, Parameter][];

  constructor(private readonly net: Block, device: Device) {
    this.params = [...net.collectParams()];
    this.sum = Tensor.empty([1], device);
  }

  /** True when Σ x² over the loss and every gradient is finite: one read back. */
  stepFinite(loss: Tensor): boolean {
    const grads = this.params.map(([, p]) => p.data().grad).filter((g): g is Tensor => g !== null);
    return this.sumFinite([loss, ...grads]);
  }

  /** True when Σ x² over every parameter's values is finite: one read back. */
  paramsFinite(): boolean {
    return this.sumFinite(this.params.map(([, p]) => p.data()));
  }

  /**
   * Names what is not finite, reading the tensors back: the loss first (with the first layer whose
   * output is not finite for the batch `X`), then parameters, then gradients (with a loss); null
   * when all are finite.
   */
  find(loss: Tensor | null, X: Tensor | null): NonFiniteFinding | null {
    const badParams = this.params.map(([name, p]) => [name, countNonFinite(p.data())] as const).filter(([, c]) => bad(c));
    const paramNotes = badParams.map(([name, c]) => `non-finite parameter ${describeParameter(name)}: ${formatCount(c)}`);
    if (loss) {
      const count = countNonFinite(loss);
      if (bad(count)) {
        const layer = X ? this.firstNonFiniteLayer(X) : null;
        const notes: string[] = [];
        if (X) {
          notes.push(layer ? `first non-finite output: layer ${layer}`
            : 'every layer\'s output is finite, so the loss function made it non-finite');
          const input = countNonFinite(X);
          if (bad(input)) notes.push(`the input batch has ${formatCount(input)}`);
        }
        return { kind: 'loss', layer, parameter: badParams[0]?.[0] ?? null, count, notes: [...notes, ...paramNotes] };
      }
    }
    if (badParams.length > 0) {
      const [name, count] = badParams[0];
      return { kind: 'parameter', layer: layerOf(name), parameter: name, count, notes: paramNotes.slice(1) };
    }
    for (const [name, p] of loss ? this.params : []) {
      const g = p.data().grad;
      const count = g ? countNonFinite(g) : null;
      if (count && bad(count)) return { kind: 'gradient', layer: layerOf(name), parameter: name, count, notes: [] };
    }
    return null;
  }

  // Accumulates Σ x² on the device (no read back until the end), then reads the one number.
  private sumFinite(tensors: Tensor[]): boolean {
    tensors.forEach((t, i) => sumSquares(t, this.sum, i > 0));
    return tensors.length === 0 || Number.isFinite(this.sum.item());
  }

  /** Frees the device scalar. */
  dispose(): void {
    this.sum.dispose();
  }

  // Runs the forward child by child (in training mode, as the step did) and returns the first child
  // whose output is not finite. Batch norm's running statistics, which such a forward updates, are
  // put back as they were.
  private firstNonFiniteLayer(X: Tensor): string | null {
    const layers = this.net.stages();
    const state = this.params.filter(([, p]) => !p.trainable).map(([, p]) => [p, p.data().toArray()] as const);
    try {
      return pause(() => {
        let x = X;
        let found: string | null = null;
        for (const layer of layers) {
          const y = layer.forward(x);
          // A layer may return its input or a view of it (Flatten): free only storage no one else has.
          if (x.data !== X.data && x.data !== y.data) x.dispose();
          x = y;
          if (bad(countNonFinite(x))) {
            found = layer.name;
            break;
          }
        }
        if (x.data !== X.data) x.dispose();
        return found;
      }, true);
    } finally {
      for (const [p, values] of state) p.setData(values);
    }
  }
}
