// Learning-rate schedules: the learning rate as a function of the step (or epoch) count and the
// base rate. Attach one with `trainer.setSchedule(schedule, 'step' | 'epoch')`; they compose through
// LinearWarmup's `then`.
import { invalidArg, numberInRange } from '../core/check';

/** A learning-rate schedule. */
export interface Schedule {
  /** A short description, e.g. `StepLR(stepSize=30, gamma=0.1)`. */
  readonly name: string;
  /**
   * The learning rate for step (or epoch) `t`, counted from 0, given the trainer's base rate.
   * @param t - steps (or epochs) completed before this one.
   */
  learningRate(t: number, baseLr: number): number;
}

function positiveNumber(op: string, name: string, v: unknown): number {
  const x = numberInRange(op, name, v, 0, Infinity);
  if (x === 0) throw invalidArg(op, name, 'a positive number', v, RangeError);
  return x;
}

function positiveInteger(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw invalidArg(op, name, 'a positive integer', v);
  if (!Number.isSafeInteger(v) || v <= 0) throw invalidArg(op, name, 'a positive integer', v, RangeError);
  return v;
}

function requireSchedule(op: string, name: string, v: unknown): Schedule {
  if (typeof v !== 'object' || v === null || typeof (v as Schedule).learningRate !== 'function') {
    throw invalidArg(op, name, 'a schedule (an object with learningRate(t, baseLr))', v);
  }
  return v as Schedule;
}

/**
 * Multiplies the rate by `gamma` every `stepSize` steps (or epochs): baseLr · gamma^⌊t/stepSize⌋,
 * as torch.optim.lr_scheduler.StepLR.
 */
export class StepLR implements Schedule {
  readonly stepSize: number;
  readonly gamma: number;

  /** @param gamma - default 0.1. */
  constructor(stepSize: number, gamma = 0.1) {
    this.stepSize = positiveInteger('StepLR', 'stepSize', stepSize);
    this.gamma = numberInRange('StepLR', 'gamma', gamma, 0, Infinity);
  }

  get name(): string {
    return `StepLR(stepSize=${this.stepSize}, gamma=${this.gamma})`;
  }

  learningRate(t: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(t / this.stepSize);
  }
}

/**
 * Multiplies the rate by `gamma` at each milestone: baseLr · gamma^(milestones ≤ t), as
 * torch.optim.lr_scheduler.MultiStepLR.
 */
export class MultiStepLR implements Schedule {
  readonly milestones: readonly number[];
  readonly gamma: number;

  /**
   * @param milestones - increasing positive integers.
   * @param gamma - default 0.1.
   */
  constructor(milestones: readonly number[], gamma = 0.1) {
    if (!Array.isArray(milestones)) throw invalidArg('MultiStepLR', 'milestones', 'an array of increasing positive integers', milestones);
    milestones.forEach((m, i) => {
      positiveInteger('MultiStepLR', 'milestones', m);
      if (i > 0 && m <= milestones[i - 1]) {
        throw invalidArg('MultiStepLR', 'milestones', 'an array of increasing positive integers', milestones, RangeError);
      }
    });
    this.milestones = [...milestones];
    this.gamma = numberInRange('MultiStepLR', 'gamma', gamma, 0, Infinity);
  }

  get name(): string {
    return `MultiStepLR(milestones=[${this.milestones.join(',')}], gamma=${this.gamma})`;
  }

  learningRate(t: number, baseLr: number): number {
    return baseLr * this.gamma ** this.milestones.filter((m) => m <= t).length;
  }
}

/**
 * Cosine annealing from the base rate down to `minLr` over `total` steps (or epochs), then `minLr`:
 * minLr + (baseLr − minLr)·(1 + cos(π·t/total))/2, as torch.optim.lr_scheduler.CosineAnnealingLR
 * over its first half-period.
 */
export class CosineLR implements Schedule {
  readonly total: number;
  readonly minLr: number;

  /** @param minLr - default 0. */
  constructor(total: number, minLr = 0) {
    this.total = positiveNumber('CosineLR', 'total', total);
    this.minLr = numberInRange('CosineLR', 'minLr', minLr, 0, Infinity);
  }

  get name(): string {
    return `CosineLR(total=${this.total}, minLr=${this.minLr})`;
  }

  learningRate(t: number, baseLr: number): number {
    const progress = Math.min(t, this.total) / this.total;
    return this.minLr + (baseLr - this.minLr) * (1 + Math.cos(Math.PI * progress)) / 2;
  }
}

/**
 * A linear warm-up over the first `warmupSteps` steps (or epochs), from target/warmupSteps up to the
 * target: target · min(1, (t + 1)/warmupSteps), where the target is `then`'s first rate (or the base
 * rate); afterwards `then` runs, counted from the end of the warm-up (t − ⌈warmupSteps⌉), or the base
 * rate stays.
 * @example new LinearWarmup(500, new CosineLR(10000))   // 500 warm-up steps, then 10,000 of cosine
 */
export class LinearWarmup implements Schedule {
  readonly warmupSteps: number;
  readonly then: Schedule | null;

  /**
   * @param warmupSteps - length of the warm-up (a positive number; need not be an integer).
   * @param then - the schedule after the warm-up; default: the base rate.
   */
  constructor(warmupSteps: number, then?: Schedule) {
    this.warmupSteps = positiveNumber('LinearWarmup', 'warmupSteps', warmupSteps);
    this.then = then === undefined ? null : requireSchedule('LinearWarmup', 'then', then);
  }

  get name(): string {
    return `LinearWarmup(${this.warmupSteps}${this.then ? `, ${this.then.name}` : ''})`;
  }

  learningRate(t: number, baseLr: number): number {
    const length = Math.ceil(this.warmupSteps);
    if (t < length) {
      const target = this.then ? this.then.learningRate(0, baseLr) : baseLr;
      return target * Math.min(1, (t + 1) / this.warmupSteps);
    }
    return this.then ? this.then.learningRate(t - length, baseLr) : baseLr;
  }
}

/** The first `count` rates of `schedule` for `baseLr` (e.g. to plot or check a schedule). */
export function learningRates(schedule: Schedule, baseLr: number, count: number): number[] {
  requireSchedule('learningRates', 'schedule', schedule);
  return Array.from({ length: count }, (_, t) => schedule.learningRate(t, baseLr));
}
