// Optimizers, simplest first: SGD (momentum, Nesterov), Adam, AdamW, RMSProp, AdaGrad. Each applies
// PyTorch's update rule in one fused native pass per parameter (binding.optimizerUpdate), with the
// gradient rescaling (Gluon's 1/batchSize), clipping and weight decay folded into that pass. State
// tensors (momentum buffers, moments) are created at the first step, on the parameter's device.
import type { OptimizerHyper } from '../../binding';
import { optimizerUpdate } from '../ops/optimizer';
import { sumSquares } from '../ops/blas';
import { Tensor, formatShape } from '../core/tensor';
import type { Parameter } from '../nn/parameter';
import { invalidArg, knownOptions, numberInRange } from '../core/check';
import { codedError } from '../core/errors';

/** The optimizers by name, as `new Trainer(params, name, options)` takes them. */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

/** Parameters to update: `net.collectParams()` (keyed by name) or an array (named by `p.name`). */
export type Parameters = Map<string, Parameter> | readonly Parameter[];

/** What one step applies to every gradient before the update rule. */
export interface StepOptions {
  /** Multiplies every gradient first (`Trainer.step(batchSize)` passes 1/batchSize). Default 1. */
  rescale?: number;
  /**
   * Scales all gradients by min(1, clipGradientNorm / (norm + 1e-6)), where norm is the L2 norm of
   * all rescaled gradients together (torch.nn.utils.clip_grad_norm_). Computed on the device: no
   * read back to the host.
   */
  clipGradientNorm?: number;
  /** Then clamps every gradient element to [-clipGradientValue, clipGradientValue]. */
  clipGradientValue?: number;
}

/** An optimizer's state for checkpoints: tensors keyed `<parameter>.<slot>` and scalars (step counts, `<parameter>.step`). */
export interface OptimizerState {
  slots: Map<string, Tensor>;
  scalars: Record<string, number>;
}

/** A saved slot as {@link Optimizer.loadState} takes it: a Tensor or what `readSafetensors` returns. */
export type SavedSlot = Tensor | { shape: readonly number[]; data: Float32Array };

/** A saved optimizer state checked by {@link Optimizer.checkState}: plain data, not yet applied. */
export interface CheckedOptimizerState {
  slots: { name: string; slot: string; p: Parameter; shape: number[]; data: Float32Array }[];
  steps: Map<string, number>;
}

/** Options every optimizer takes. */
export interface OptimizerOptions {
  /** Step size (≥ 0). */
  learningRate?: number;
  /** L2 penalty added to the gradient (AdamW: decoupled decay of the weights). Default 0 (AdamW 0.01). */
  weightDecay?: number;
}

const nonNegative = (op: string, name: string, v: unknown) => numberInRange(op, name, v, 0, Infinity);

/** The learning-rate rule (a finite number ≥ 0), for the optimizers and the Trainer alike. */
export const checkLearningRate = (op: string, v: unknown): number => nonNegative(op, 'learningRate', v);

/** Each optimizer's options, by name (a Trainer given a name accepts these and its own). */
export const OPTIMIZER_OPTIONS: Readonly<Record<OptimizerName, readonly string[]>> = {
  sgd: ['learningRate', 'weightDecay', 'momentum', 'dampening', 'nesterov'],
  adam: ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon', 'amsgrad'],
  adamw: ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon', 'amsgrad'],
  rmsprop: ['learningRate', 'weightDecay', 'alpha', 'epsilon', 'momentum', 'centered'],
  adagrad: ['learningRate', 'weightDecay', 'lrDecay', 'epsilon', 'initialAccumulatorValue'],
};

/** The (name, parameter) pairs of `params`, checked. */
export function namedParameters(op: string, params: Parameters): [string, Parameter][] {
  if (!(params instanceof Map) && !Array.isArray(params)) {
    throw invalidArg(op, 'params', 'net.collectParams() or an array of Parameters', params);
  }
  const list: [string, Parameter][] = params instanceof Map ? [...params] : params.map((p): [string, Parameter] => [p?.name, p]);
  const seen = new Set<string>();
  for (const [name, p] of list) {
    if (typeof p !== 'object' || p === null || typeof p.data !== 'function') {
      throw invalidArg(op, 'params', 'net.collectParams() or an array of Parameters', p);
    }
    if (seen.has(name)) throw codedError('NC_ARGUMENT', `${op}: two parameters are named '${name}'`, RangeError);
    seen.add(name);
  }
  return list;
}

/**
 * The base of every optimizer: the step over parameters, the lazily created state tensors, global
 * gradient-norm clipping, and the state for checkpoints. Subclasses give the rule's hyperparameters.
 */
export abstract class Optimizer {
  /** The rule, as `new Trainer(params, name)` takes it. */
  abstract readonly name: OptimizerName;
  /** Step size; a Trainer with a schedule sets it before every step. */
  learningRate: number;
  readonly weightDecay: number;
  /** The state tensors each parameter has, in binding.optimizerUpdate's order (null: unused). */
  protected abstract readonly slotNames: readonly (string | null)[];
  private readonly slots = new Map<string, Map<string, Tensor>>();
  private readonly steps = new Map<string, number>();
  private normSq: Tensor | null = null;
  private lastRescale = 1;

  /**
   * @param op - the name in error messages.
   * @param options - the rule's options; keys not in {@link OPTIMIZER_OPTIONS} for `rule` are rejected.
   * @param defaultLearningRate - undefined: learningRate is required.
   */
  protected constructor(protected readonly op: string, options: OptimizerOptions, rule: OptimizerName,
    defaultLearningRate?: number, defaultWeightDecay = 0) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArg(op, 'options', 'an object such as { learningRate: 0.1 }', options);
    }
    knownOptions(op, options, OPTIMIZER_OPTIONS[rule] as (keyof OptimizerOptions)[]);
    this.learningRate = checkLearningRate(op, options.learningRate ?? defaultLearningRate);
    this.weightDecay = nonNegative(op, 'weightDecay', options.weightDecay ?? defaultWeightDecay);
  }

  /**
   * Updates every parameter from its gradient (`p.grad()`), in one native pass each.
   * @throws Error when a parameter has no values yet; RangeError for bad options.
   */
  step(params: Parameters, options: StepOptions = {}): void {
    const op = `${this.op}.step`;
    knownOptions(op, options, ['rescale', 'clipGradientNorm', 'clipGradientValue']);
    // learningRate is a public field: checked when used (the addon leaves the rule to us).
    const lr = checkLearningRate(op, this.learningRate);
    // Parameters that are state rather than weights (batch norm's running statistics) are left alone.
    const list = namedParameters(op, params).filter(([, p]) => (p as { trainable?: boolean }).trainable !== false);
    const rescale = numberInRange(op, 'rescale', options.rescale ?? 1, -Infinity, Infinity);
    const maxNorm = options.clipGradientNorm === undefined ? 0 : positive(op, 'clipGradientNorm', options.clipGradientNorm);
    const clipValue = options.clipGradientValue === undefined ? 0 : positive(op, 'clipGradientValue', options.clipGradientValue);
    const tensors = list.map(([name, p]): [string, Tensor, Tensor] => {
      p.checkAlive(op, '');  // every parameter before any is updated: no partial step
      const w = p.data();
      if (!w.grad) throw codedError('NC_STATE', `${op}: ${name} has no gradient (attachGrad was not called)`);
      return [name, w, w.grad];
    });
    const normSq = maxNorm > 0 ? this.squaredNorm(op, tensors.map(([, , g]) => g)) : null;
    this.lastRescale = rescale;
    const common: OptimizerHyper = { lr, rescale, clipValue, maxNorm, weightDecay: this.weightDecay };
    for (const [name, w, g] of tensors) {
      const step = (this.steps.get(name) ?? 0) + 1;
      this.update(name, w, g, { ...common, ...this.hyper(name, w, step) }, normSq);
      this.steps.set(name, step);
    }
  }

  /**
   * The L2 norm of all gradients (after rescaling, before clipping) at the last step that clipped
   * by norm, or null. Reads it back from the device (on a GPU this waits for the step).
   */
  lastGradientNorm(): number | null {
    return this.normSq ? Math.abs(this.lastRescale) * Math.sqrt(this.normSq.item()) : null;
  }

  /** The rule's hyperparameters for this step of parameter `name` (1-based `step`). */
  protected abstract hyper(name: string, w: Tensor, step: number): Partial<OptimizerHyper>;

  /** The rule's binding name. */
  protected get rule(): 'sgd' | 'adam' | 'rmsprop' | 'adagrad' {
    return this.name === 'adamw' ? 'adam' : this.name;
  }

  /** The initial value of a new state tensor. */
  protected initialValue(_slot: string): number {
    return 0;
  }

  /** True when parameter `name` has state tensor `slot` already. */
  protected hasSlot(name: string, slot: string): boolean {
    return this.slots.get(name)?.has(slot) ?? false;
  }

  private update(name: string, w: Tensor, g: Tensor, hyper: OptimizerHyper, normSq: Tensor | null): void {
    const states = this.slotNames.map((slot) => (slot && this.uses(slot) ? this.slot(name, slot, w) : null));
    optimizerUpdate(this.rule, w, g, states[0] ?? null, states[1] ?? null, states[2] ?? null, hyper, normSq);
  }

  /** Whether these settings use state tensor `slot` (e.g. no momentum buffer without momentum). */
  protected uses(_slot: string): boolean {
    return true;
  }

  // The state tensor, created on w's device at first use (moved there if the parameter moved).
  private slot(name: string, slot: string, w: Tensor): Tensor {
    let perParam = this.slots.get(name);
    if (!perParam) this.slots.set(name, (perParam = new Map()));
    let t = perParam.get(slot);
    if (t && t.size !== w.size) {
      throw codedError('NC_SHAPE', `${this.op}: the state ${name}.${slot} has shape ${formatShape(t.shape)} but the parameter ${formatShape(w.shape)}`, RangeError);
    }
    if (t && !t.device.equals(w.device)) {
      const moved = Tensor.fromArray(t.toArray(), w.shape, w.device);
      t.dispose();
      t = moved;
      perParam.set(slot, t);
    }
    if (!t) {
      t = Tensor.full(w.shape, this.initialValue(slot), w.device);
      perParam.set(slot, t);
    }
    return t;
  }

  // Σ g² over all gradients into one device scalar (kept for lastGradientNorm).
  private squaredNorm(op: string, grads: Tensor[]): Tensor | null {
    if (grads.length === 0) return null;
    const device = grads[0].device;
    const other = grads.find((g) => !g.device.equals(device));
    if (other) throw codedError('NC_DEVICE', `${op}: clipGradientNorm needs every parameter on one device (found ${device} and ${other.device})`);
    if (!this.normSq || !this.normSq.device.equals(device)) {
      this.normSq?.dispose();
      this.normSq = Tensor.empty([1], device);
    }
    grads.forEach((g, i) => sumSquares(g, this.normSq!, i > 0));
    return this.normSq;
  }

  /** The state tensors (keyed `<parameter>.<slot>`, the optimizer's own tensors, not copies) and step counts. */
  /** The name of a state tensor that was disposed (`dense0.weight.momentum_buffer`), or null. */
  disposedSlot(): string | null {
    for (const [name, perParam] of this.slots) {
      for (const [slot, t] of perParam) if (t.data.disposed) return `${name}.${slot}`;
    }
    return null;
  }

  /**
   * The optimizer's state, for a checkpoint: its slot tensors (momentum buffers, moments) keyed
   * `<parameter>.<slot>`, and each parameter's step count as the scalar `<parameter>.step`.
   * The tensors are the live ones, not copies.
   */
  state(): OptimizerState {
    const slots = new Map<string, Tensor>();
    for (const [name, perParam] of this.slots) {
      for (const [slot, t] of perParam) slots.set(`${name}.${slot}`, t);
    }
    const scalars: Record<string, number> = {};
    for (const [name, step] of this.steps) scalars[`${name}.step`] = step;
    return { slots, scalars };
  }

  /**
   * Checks a saved state (what {@link Optimizer.state} returned, e.g. read from a checkpoint)
   * against `params` and returns it as plain data, changing nothing; {@link Optimizer.applyState}
   * then installs it. Split so that a checkpoint can check every part before applying any.
   * @param shapeOf - a parameter's shape (default its data's); a checkpoint gives the shapes its
   *   weights will have, for parameters whose shape is still deferred.
   * @throws RangeError naming a slot of an unknown parameter or slot name, of another shape, or a
   *   slot missing for a parameter that has taken steps (a resume without it would not be exact).
   */
  checkState(params: Parameters, state: { slots?: Map<string, SavedSlot>; scalars?: Record<string, number> },
    shapeOf: (name: string, p: Parameter) => readonly number[] = (_name, p) => p.data().shape): CheckedOptimizerState {
    const op = `${this.op}.loadState`;
    const byName = new Map(namedParameters(op, params));
    const known = this.slotNames.filter((s): s is string => s !== null);
    const split = (key: string, kinds: readonly string[]): [Parameter, string, string] => {
      const dot = key.lastIndexOf('.');
      // A key with no dot has no slot part: name the whole key, not a clipped one.
      if (dot < 0) throw codedError('NC_ARGUMENT', `${op}: the saved state has '${key}', which is not '<parameter>.<slot>'`, RangeError);
      const [name, slot] = [key.slice(0, dot), key.slice(dot + 1)];
      const p = byName.get(name);
      if (!p) throw codedError('NC_ARGUMENT', `${op}: the saved state has '${key}' but there is no parameter '${name}'`, RangeError);
      if (!kinds.includes(slot)) {
        throw codedError('NC_ARGUMENT', `${op}: the saved state has '${key}' but ${this.name} keeps ${kinds.map((k) => `'${k}'`).join(', ')}`, RangeError);
      }
      return [p, name, slot];
    };
    const slots: CheckedOptimizerState['slots'] = [];
    for (const [key, saved] of state.slots ?? []) {
      const [p, name, slot] = split(key, known);
      const shape = [...shapeOf(name, p)];
      if (saved.shape.join(',') !== shape.join(',')) {
        throw codedError('NC_SHAPE', `${op}: '${key}' has shape ${formatShape(saved.shape)} but ${name} has shape ${formatShape(shape)}`, RangeError);
      }
      const data = saved instanceof Tensor ? saved.toArray() : saved.data;
      if (data.length !== shape.reduce((a, d) => a * d, 1)) {
        throw codedError('NC_SHAPE', `${op}: '${key}' has ${data.length} values but ${name} has shape ${formatShape(shape)}`, RangeError);
      }
      slots.push({ name, slot, p, shape, data });
    }
    const steps = new Map<string, number>();
    for (const [key, value] of Object.entries(state.scalars ?? {})) {
      const [, name] = split(key, ['step']);
      if (!Number.isSafeInteger(value) || value < 0) throw invalidArg(op, key, 'a non-negative integer', value, RangeError);
      steps.set(name, value);
    }
    // A parameter that has taken steps has every state tensor these settings use: without one the
    // next step would start it afresh (SGD's first-step buffer, Adam's zero moments) and the resume
    // would silently differ from the uninterrupted run.
    const needed = known.filter((slot) => this.uses(slot));
    for (const [name, step] of steps) {
      if (step === 0) continue;
      const missing = needed.filter((slot) => !slots.some((s) => s.name === name && s.slot === slot));
      if (missing.length > 0) {
        throw codedError('NC_ARGUMENT', `${op}: the saved state has no ${missing.map((m) => `'${name}.${m}'`).join(', ')} ` +
          `although ${name} took ${step} step${step === 1 ? '' : 's'} (${this.name} with these options keeps it)`, RangeError);
      }
    }
    return { slots, steps };
  }

  /**
   * Replaces the state with one from {@link Optimizer.checkState}, copying each slot onto its
   * parameter's device. The new tensors are all made before the old state is freed.
   */
  applyState(checked: CheckedOptimizerState): void {
    const loaded = new Map<string, Map<string, Tensor>>();
    try {
      for (const { name, slot, p, shape, data } of checked.slots) {
        if (!loaded.has(name)) loaded.set(name, new Map());
        loaded.get(name)!.set(slot, Tensor.fromArray(data, shape, p.device));
      }
    } catch (err) {
      for (const perParam of loaded.values()) for (const t of perParam.values()) t.dispose();
      throw err;
    }
    this.reset();
    for (const [name, perParam] of loaded) this.slots.set(name, perParam);
    for (const [name, step] of checked.steps) this.steps.set(name, step);
  }

  /**
   * Replaces the state with what {@link Optimizer.state} returned (e.g. read from a checkpoint),
   * copying each slot onto its parameter's device; checks everything first (see
   * {@link Optimizer.checkState}), so a failed load changes nothing.
   * @throws RangeError naming a slot of an unknown parameter or slot name, of the wrong shape, or missing.
   */
  loadState(params: Parameters, state: { slots?: Map<string, SavedSlot>; scalars?: Record<string, number> }): void {
    this.applyState(this.checkState(params, state));
  }

  /** Frees the state tensors; the next step starts afresh. */
  reset(): void {
    for (const perParam of this.slots.values()) for (const t of perParam.values()) t.dispose();
    this.slots.clear();
    this.steps.clear();
    this.normSq?.dispose();
    this.normSq = null;
  }
}

/** A finite number > 0 (the clipping thresholds), or throws naming op and argument. */
export function positive(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw invalidArg(op, name, 'a positive number', v);
  if (!(v > 0 && v < Infinity)) throw invalidArg(op, name, 'a positive number', v, RangeError);
  return v;
}

function flag(op: string, name: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalidArg(op, name, 'a boolean', v);
  return v;
}

/** Options of {@link SGD}. */
export interface SGDOptions extends OptimizerOptions {
  /** Required. */
  learningRate: number;
  /**
   * Default 0 (plain SGD, no state). Any value ≥ 0 is accepted, as in PyTorch, but momentum ≥ 1 makes
   * the buffer grow without bound (each step keeps all of the last one): training then diverges.
   * Usual values are 0.9 or 0.99.
   */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and no dampening). Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, as torch.optim.SGD: g += wd·w; buf = momentum·buf + (1 − dampening)·g
 * (the first step: buf = g); g = nesterov ? g + momentum·buf : buf; w −= lr·g.
 */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  protected readonly slotNames = ['momentum_buffer'];

  /** @param op - @internal the name in error messages. */
  constructor(options: SGDOptions, op = 'SGD') {
    super(op, options, 'sgd');
    this.momentum = nonNegative(op, 'momentum', options.momentum ?? 0);
    this.dampening = numberInRange(op, 'dampening', options.dampening ?? 0, 0, 1, true);
    this.nesterov = flag(op, 'nesterov', options.nesterov);
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw codedError('NC_ARGUMENT', `${op}: nesterov needs a positive momentum and zero dampening`, RangeError);
    }
  }

  protected hyper(name: string) {
    const { momentum, dampening, nesterov } = this;
    return { momentum, dampening, nesterov, firstStep: !this.hasSlot(name, 'momentum_buffer') };
  }

  protected uses(): boolean {
    return this.momentum !== 0;
  }
}

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends OptimizerOptions {
  /** Default 1e-3. */
  learningRate?: number;
  /** Decay of the first moment; default 0.9. */
  beta1?: number;
  /** Decay of the second moment; default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Use the maximum of past second moments (AMSGrad). Default false. */
  amsgrad?: boolean;
}

/**
 * Adam, as torch.optim.Adam: g += wd·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * w −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε), with t the parameter's step count.
 */
export class Adam extends Optimizer {
  readonly name: OptimizerName = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  protected readonly slotNames = ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'];

  /** @param op - @internal the name in error messages. */
  constructor(options: AdamOptions = {}, op = 'Adam', defaultWeightDecay = 0) {
    super(op, options, 'adam', 1e-3, defaultWeightDecay);
    this.beta1 = numberInRange(op, 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = numberInRange(op, 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.epsilon = nonNegative(op, 'epsilon', options.epsilon ?? 1e-8);
    this.amsgrad = flag(op, 'amsgrad', options.amsgrad);
  }

  protected hyper(_name: string, _w: Tensor, step: number) {
    const { beta1, beta2, epsilon, amsgrad } = this;
    return { beta1, beta2, epsilon, amsgrad, step, decoupledWeightDecay: this.name === 'adamw' };
  }

  protected uses(slot: string): boolean {
    return slot !== 'max_exp_avg_sq' || this.amsgrad;
  }
}

/**
 * AdamW, as torch.optim.AdamW: Adam whose weight decay shrinks the weights, w *= 1 − lr·wd, before
 * the update, instead of adding to the gradient. Default weightDecay 0.01.
 */
export class AdamW extends Adam {
  readonly name: OptimizerName = 'adamw';

  /** @param op - @internal the name in error messages. */
  constructor(options: AdamOptions = {}, op = 'AdamW') {
    super(options, op, 0.01);
  }
}

/** Options of {@link RMSProp}. */
export interface RMSPropOptions extends OptimizerOptions {
  /** Default 1e-2. */
  learningRate?: number;
  /** Decay of the square average; default 0.99. */
  alpha?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /**
   * Default 0. Any value ≥ 0 is accepted, as in PyTorch, but momentum ≥ 1 makes the buffer grow
   * without bound and training diverge; usual values are below 1 (e.g. 0.9).
   */
  momentum?: number;
  /** Normalise by the variance estimate (square average minus squared mean). Default false. */
  centered?: boolean;
}

/**
 * RMSProp, as torch.optim.RMSprop: g += wd·w; s = α·s + (1−α)·g²; w −= lr·g/(√s + ε) (with momentum:
 * buf = momentum·buf + g/(√s + ε), w −= lr·buf; centered: s − mean(g)² under the root).
 */
export class RMSProp extends Optimizer {
  readonly name = 'rmsprop';
  readonly alpha: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly centered: boolean;
  protected readonly slotNames = ['square_avg', 'momentum_buffer', 'grad_avg'];

  /** @param op - @internal the name in error messages. */
  constructor(options: RMSPropOptions = {}, op = 'RMSProp') {
    super(op, options, 'rmsprop', 1e-2);
    this.alpha = numberInRange(op, 'alpha', options.alpha ?? 0.99, 0, 1, true);
    this.epsilon = nonNegative(op, 'epsilon', options.epsilon ?? 1e-8);
    this.momentum = nonNegative(op, 'momentum', options.momentum ?? 0);
    this.centered = flag(op, 'centered', options.centered);
  }

  protected hyper() {
    const { alpha, epsilon, momentum, centered } = this;
    return { alpha, epsilon, momentum, centered };
  }

  protected uses(slot: string): boolean {
    return slot === 'square_avg' || (slot === 'momentum_buffer' ? this.momentum > 0 : this.centered);
  }
}

/** Options of {@link AdaGrad}. */
export interface AdaGradOptions extends OptimizerOptions {
  /** Default 1e-2. */
  learningRate?: number;
  /** The step size is lr / (1 + (t − 1)·lrDecay). Default 0. */
  lrDecay?: number;
  /** Default 1e-10. */
  epsilon?: number;
  /** The sum's starting value. Default 0. */
  initialAccumulatorValue?: number;
}

/**
 * AdaGrad, as torch.optim.Adagrad: g += wd·w; sum += g²; w −= lr/(1 + (t−1)·lrDecay) · g/(√sum + ε).
 */
export class AdaGrad extends Optimizer {
  readonly name = 'adagrad';
  readonly lrDecay: number;
  readonly epsilon: number;
  readonly initialAccumulatorValue: number;
  protected readonly slotNames = ['sum'];

  /** @param op - @internal the name in error messages. */
  constructor(options: AdaGradOptions = {}, op = 'AdaGrad') {
    super(op, options, 'adagrad', 1e-2);
    this.lrDecay = nonNegative(op, 'lrDecay', options.lrDecay ?? 0);
    this.epsilon = nonNegative(op, 'epsilon', options.epsilon ?? 1e-10);
    this.initialAccumulatorValue = nonNegative(op, 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0);
  }

  protected hyper(_name: string, _w: Tensor, step: number) {
    return { epsilon: this.epsilon, lr: this.learningRate / (1 + (step - 1) * this.lrDecay) };
  }

  protected initialValue(): number {
    return this.initialAccumulatorValue;
  }
}

/**
 * Options of any optimizer, for {@link create} and the Trainer; each optimizer takes the ones it
 * knows. The three that several optimizers share are declared once here with all their defaults
 * (an intersection of the four would give them four comments, and hovers an arbitrary one).
 */
export interface AnyOptimizerOptions extends
  Omit<SGDOptions & AdamOptions & RMSPropOptions & AdaGradOptions, 'learningRate' | 'momentum' | 'epsilon'> {
  /** Step size (≥ 0): required for SGD; default 1e-3 for Adam and AdamW, 1e-2 for RMSProp and AdaGrad. */
  learningRate: number;
  /** Momentum (≥ 0) of SGD and RMSProp; default 0. */
  momentum?: number;
  /** Added to the denominator of Adam, AdamW and RMSProp (default 1e-8) and AdaGrad (default 1e-10). */
  epsilon?: number;
}

/**
 * The optimizer called `name` ('sgd', 'adam', 'adamw', 'rmsprop', 'adagrad') with `options`.
 * @param op - the name in error messages.
 * @throws RangeError for an unknown name or option.
 */
export function create(name: OptimizerName, options: Partial<AnyOptimizerOptions>, op = 'optim.create'): Optimizer {
  switch (name) {
    case 'sgd': return new SGD(options as SGDOptions, op);
    case 'adam': return new Adam(options, op);
    case 'adamw': return new AdamW(options, op);
    case 'rmsprop': return new RMSProp(options, op);
    case 'adagrad': return new AdaGrad(options, op);
    default: throw invalidArg(op, 'optimizer', "one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'", name,
      typeof name === 'string' ? RangeError : TypeError);
  }
}
