// Trainer: applies an optimizer to a set of parameters, as Gluon's `gluon.Trainer`, with gradient
// clipping and learning-rate schedules.
import type { Parameter, ParameterDict } from '../nn/parameter';
import { invalidArg, knownOptions, oneOf, positiveInt } from '../core/check';
import { codedError } from '../core/errors';
import type { Tensor } from '../core/tensor';
import {
  AnyOptimizerOptions, CheckedOptimizerState, OPTIMIZER_OPTIONS, Optimizer, OptimizerName, SavedSlot, StepOptions,
  checkLearningRate, create, namedParameters, positive,
} from '../optim/optimizers';
import type { Schedule } from '../optim/schedule';

/** When a schedule advances: after every `step()`, or at every `endEpoch()`. */
export type ScheduleUnit = 'step' | 'epoch';

/** The Trainer's own options, which also go with an optimizer instance. */
export interface TrainerOwnOptions {
  /**
   * Scale all gradients (after rescaling by 1/batchSize) so that their global L2 norm is at most
   * this (torch.nn.utils.clip_grad_norm_); computed on the device, with no read back.
   */
  clipGradientNorm?: number;
  /** Clamp every gradient element (after rescaling and norm clipping) to ±clipGradientValue. */
  clipGradientValue?: number;
  /** A learning-rate schedule (lib/schedule), as {@link Trainer.setSchedule}. */
  schedule?: Schedule;
  /** When the schedule advances; default 'step'. */
  scheduleBy?: ScheduleUnit;
}

/**
 * Options of {@link Trainer} with an optimizer given by name: the optimizer's options (each
 * optimizer takes its own; see lib/optim) and the Trainer's.
 */
export interface TrainerOptions extends Partial<AnyOptimizerOptions>, TrainerOwnOptions {}

/** What {@link Trainer.state} returns: JSON-able settings and counts, and the optimizer's state tensors. */
export interface TrainerState {
  optimizer: string;
  /** The rate of the next step. */
  learningRate: number;
  /** The base rate that a schedule scales. */
  baseLearningRate?: number;
  /** Steps and epochs completed (the schedule's position). */
  steps?: number;
  epochs?: number;
  /** Per-parameter step counts, `<parameter>.step`. */
  scalars?: Record<string, number>;
  /** State tensors keyed `<parameter>.<slot>` (e.g. `dense0.weight.exp_avg`). */
  slots: Map<string, Tensor>;
}

/** A saved trainer state checked by {@link Trainer.checkState}: plain data, not yet applied. */
export interface CheckedTrainerState {
  steps: number;
  epochs: number;
  lr: number;
  optimizer: CheckedOptimizerState;
}

const OWN_OPTIONS = ['clipGradientNorm', 'clipGradientValue', 'schedule', 'scheduleBy'] as const;
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'];
const optimizerKeys = new Set(Object.values(OPTIMIZER_OPTIONS).flat());

/**
 * Updates parameters from their gradients.
 * @example
 * const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 });
 * // after l.backward():
 * trainer.step(batchSize);
 * @example
 * const trainer = new Trainer(net.collectParams(), 'adamw', { learningRate: 1e-3, clipGradientNorm: 1 });
 * trainer.setSchedule(new schedule.LinearWarmup(100, new schedule.CosineLR(5000)), 'step');
 * @example
 * const trainer = new Trainer(net.collectParams(), new optim.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
 */
export class Trainer {
  /** The optimizer that updates the parameters. */
  readonly optimizer: Optimizer;
  /** Steps completed. */
  stepCount = 0;
  /** Epochs completed ({@link Trainer.endEpoch} calls). */
  epochCount = 0;
  private readonly params: Map<string, Parameter>;
  private readonly clip: Pick<StepOptions, 'clipGradientNorm' | 'clipGradientValue'>;
  private schedule: Schedule | null = null;
  private scheduleBy: ScheduleUnit = 'step';
  private baseLr: number;

  /**
   * @param params - from `net.collectParams()` (or an array of parameters).
   * @param optimizer - 'sgd', 'adam', 'adamw', 'rmsprop' or 'adagrad', or an optimizer instance
   *   (`new optim.Adam({...})`).
   * @param options - with a name: the optimizer's options (`learningRate`, `momentum`, `nesterov`,
   *   `weightDecay`, `beta1`, `beta2`, `epsilon`, `alpha`, ...) and the Trainer's (`clipGradientNorm`,
   *   `clipGradientValue`, `schedule`, `scheduleBy`); with an instance: the Trainer's only.
   * @throws TypeError/RangeError for an unknown optimizer or option, or a bad value.
   */
  constructor(params: ParameterDict | Parameter[], optimizer: OptimizerName | Optimizer, options: TrainerOptions = {}) {
    this.params = new Map(namedParameters('Trainer', params).filter(([, p]) => p.trainable));
    if (typeof options !== 'object' || options === null) {
      throw invalidArg('Trainer', 'options', 'an object such as { learningRate: 0.1 }', options);
    }
    const own: TrainerOwnOptions = {};
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if ((OWN_OPTIONS as readonly string[]).includes(key)) (own as Record<string, unknown>)[key] = value;
      else rest[key] = value;
    }
    if (optimizer instanceof Optimizer) {
      const misplaced = Object.keys(rest).find((k) => rest[k] !== undefined && optimizerKeys.has(k));
      if (misplaced) {
        throw codedError('NC_ARGUMENT', `Trainer: option '${misplaced}' belongs to the optimizer; give it to the optimizer's constructor`, RangeError);
      }
      knownOptions('Trainer', options, OWN_OPTIONS);
      this.optimizer = optimizer;
    } else {
      const name = oneOf('Trainer', 'optimizer', optimizer, OPTIMIZERS);
      // The chosen optimizer's options and the Trainer's own, named together when one is unknown.
      knownOptions('Trainer', options, [...OPTIMIZER_OPTIONS[name], ...OWN_OPTIONS] as (keyof TrainerOptions)[]);
      this.optimizer = create(name, rest as Partial<AnyOptimizerOptions>, 'Trainer');
    }
    const clip = (name: string, v: unknown) => (v === undefined ? undefined : positive('Trainer', name, v));
    this.clip = {
      clipGradientNorm: clip('clipGradientNorm', own.clipGradientNorm),
      clipGradientValue: clip('clipGradientValue', own.clipGradientValue),
    };
    this.baseLr = this.optimizer.learningRate;
    if (own.schedule !== undefined) this.setSchedule(own.schedule, own.scheduleBy ?? 'step');
    else if (own.scheduleBy !== undefined) throw codedError('NC_ARGUMENT', 'Trainer: scheduleBy needs a schedule', RangeError);
  }

  /**
   * The rate of the next step. Setting it sets the base rate: with a schedule, the next step uses the
   * schedule's rate for that base.
   */
  get learningRate(): number {
    return this.schedule ? this.scheduledRate('Trainer.learningRate') : this.optimizer.learningRate;
  }

  /** Sets the base learning rate (a schedule, when there is one, scales it from then on). */
  set learningRate(lr: number) {
    this.baseLr = checkLearningRate('Trainer', lr);
    if (!this.schedule) this.optimizer.learningRate = lr;
  }

  /** Gluon's `set_learning_rate`: the same as assigning {@link Trainer.learningRate}. */
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /** The rate that a schedule scales (the learning rate when there is none). */
  get baseLearningRate(): number {
    return this.schedule ? this.baseLr : this.optimizer.learningRate;
  }

  /**
   * Attaches a learning-rate schedule (null removes it, leaving the base rate). The current rate
   * becomes its base rate; it then sets the rate of every step from the steps ('step') or epochs
   * ('epoch', counted by {@link Trainer.endEpoch}, which `fit` calls) completed so far.
   * @example trainer.setSchedule(new schedule.StepLR(30, 0.1), 'epoch')
   */
  setSchedule(schedule: Schedule | null, by: ScheduleUnit = 'step'): void {
    if (schedule !== null && (typeof schedule !== 'object' || typeof schedule.learningRate !== 'function')) {
      throw invalidArg('Trainer.setSchedule', 'schedule', 'a schedule (e.g. new schedule.StepLR(30)) or null', schedule);
    }
    const unit = oneOf('Trainer.setSchedule', 'by', by, ['step', 'epoch']);
    const base = this.baseLearningRate;
    this.schedule = schedule;
    this.scheduleBy = unit;
    this.baseLr = base;
    if (schedule) this.scheduledRate('Trainer.setSchedule');
    else this.optimizer.learningRate = base;
  }

  /** Marks the end of an epoch (advances an epoch schedule); `fit` calls it. */
  endEpoch(): void {
    this.epochCount++;
  }

  /**
   * One optimizer step. Gradients are divided by `batchSize` (Gluon's rescaling), so a summed
   * per-example loss gives the mean gradient; then clipped as the options say.
   * @param batchSize - examples in the batch that produced the gradients.
   * @throws Error when a parameter has no values yet (run a forward first), or when a parameter, its
   *   gradient or the optimizer's state was disposed (then nothing is updated).
   */
  step(batchSize: number): void {
    positiveInt('Trainer.step', 'batchSize', batchSize);
    this.checkAlive('Trainer.step');
    if (this.schedule) this.optimizer.learningRate = this.scheduledRate('Trainer.step');
    this.optimizer.step(this.params, { rescale: 1 / batchSize, ...this.clip });
    this.stepCount++;
  }

  /**
   * The global L2 norm of the gradients (after rescaling, before clipping) at the last step, when
   * `clipGradientNorm` is set; null otherwise. Reading it waits for the GPU.
   */
  gradientNorm(): number | null {
    return this.clip.clipGradientNorm ? this.optimizer.lastGradientNorm() : null;
  }

  /**
   * What a checkpoint keeps of the optimizer: its name, rates, step and epoch counts, per-parameter
   * step counts, and its state tensors (momentum buffers, moments) keyed `<parameter>.<slot>`.
   */
  state(): TrainerState {
    const { slots, scalars } = this.optimizer.state();
    return {
      optimizer: this.optimizer.name, learningRate: this.learningRate, baseLearningRate: this.baseLearningRate,
      steps: this.stepCount, epochs: this.epochCount, scalars, slots,
    };
  }

  /**
   * Restores what {@link Trainer.state} returned (the slots may also be `readSafetensors` tensors),
   * replacing the optimizer's state; each slot goes to its parameter's device. Checkpoints without
   * slots or counts (plain SGD's) restore the rate and start the rest afresh. Everything is checked
   * first: a failed load changes nothing.
   * @throws Error when the saved optimizer is another one; RangeError for slots of unknown
   *   parameters, of the wrong shape, or missing for a parameter that took steps.
   */
  loadState(saved: Omit<TrainerState, 'slots'> & { slots?: Map<string, SavedSlot> }): void {
    this.applyState(this.checkState(saved));
  }

  /**
   * Checks a saved state as {@link Trainer.loadState} does and returns it as plain data, changing
   * nothing; {@link Trainer.applyState} installs it. A checkpoint checks all its parts this way
   * before applying any.
   * @param shapeOf - see {@link Optimizer.checkState}.
   */
  checkState(saved: Omit<TrainerState, 'slots'> & { slots?: Map<string, SavedSlot> },
    shapeOf?: (name: string, p: Parameter) => readonly number[]): CheckedTrainerState {
    if (typeof saved !== 'object' || saved === null) throw invalidArg('Trainer.loadState', 'saved', 'a saved trainer state', saved);
    if (saved.optimizer !== this.optimizer.name) {
      throw codedError('NC_ARGUMENT', `Trainer.loadState: the checkpoint was made with '${saved.optimizer}', this trainer uses '${this.optimizer.name}'`);
    }
    const count = (name: string, v: unknown): number => {
      if (v === undefined) return 0;
      if (!Number.isSafeInteger(v) || (v as number) < 0) throw invalidArg('Trainer.loadState', name, 'a non-negative integer', v, RangeError);
      return v as number;
    };
    const steps = count('steps', saved.steps);
    const epochs = count('epochs', saved.epochs);
    // With a schedule, its base rate (the schedule then gives the current one); without, the rate saved.
    const lr = this.schedule ? saved.baseLearningRate ?? saved.learningRate : saved.learningRate;
    checkLearningRate('Trainer.loadState', lr);
    if (saved.scalars !== undefined && (typeof saved.scalars !== 'object' || saved.scalars === null)) {
      throw invalidArg('Trainer.loadState', 'scalars', 'an object of step counts', saved.scalars);
    }
    const optimizer = this.optimizer.checkState(this.params, { slots: saved.slots, scalars: saved.scalars }, shapeOf);
    return { steps, epochs, lr, optimizer };
  }

  /** Installs a state from {@link Trainer.checkState}. */
  applyState(checked: CheckedTrainerState): void {
    this.optimizer.applyState(checked.optimizer);
    this.stepCount = checked.steps;
    this.epochCount = checked.epochs;
    this.learningRate = checked.lr;
  }

  /**
   * Throws, naming `op`, when this trainer updates a parameter that is not one of `params` (a
   * Trainer built on another network would train that one, and leave this one as it is).
   */
  checkParams(op: string, params: ParameterDict): void {
    const own = new Set(params.values());
    const foreign = [...this.params].filter(([, p]) => !own.has(p)).map(([name]) => name);
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, ... (${foreign.length} in all)` : '');
      throw codedError('NC_ARGUMENT', `${op}: the trainer updates parameters that are not this network's (${shown}); ` +
        'build the Trainer with this network: new Trainer(net.collectParams(), ...)');
    }
  }

  /** The parameters this trainer updates, by name. */
  get parameters(): ReadonlyMap<string, Parameter> {
    return this.params;
  }

  /**
   * Throws, naming `op`, when a parameter or gradient this trainer updates, or a state tensor of its
   * optimizer, was disposed. Checked before touching anything, so that no parameter is updated when
   * a later one would fail.
   */
  checkAlive(op: string): void {
    for (const p of this.params.values()) p.checkAlive(op);
    const slot = this.optimizer.disposedSlot();
    if (slot) throw codedError('NC_DISPOSED', `${op}: the optimizer state ${slot} was disposed; re-create the Trainer`);
  }

  // The schedule's rate at the current step or epoch, checked.
  private scheduledRate(op: string): number {
    const t = this.scheduleBy === 'step' ? this.stepCount : this.epochCount;
    const lr = this.schedule!.learningRate(t, this.baseLr);
    if (typeof lr !== 'number' || !(lr >= 0 && lr < Infinity)) {
      throw codedError('NC_ARGUMENT', `${op}: the schedule ${this.schedule!.name ?? ''} gave the learning rate ${lr} at ${this.scheduleBy} ${t}`, RangeError);
    }
    return lr;
  }
}

