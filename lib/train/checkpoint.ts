// Checkpoints: parameters, optimizer state and where training stands, in one safetensors file
// (written atomically), so an interrupted run resumes exactly where it stopped.
import * as fs from 'fs';
import type { Block } from '../nn/block';
import type { CheckedTrainerState, Trainer, TrainerState } from './trainer';
import { checkInitialized, checkValues, matchParameters, mismatch, setValues } from '../nn/persistence';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '../io/safetensors';
import { EpochRecordJSON, TrainingHistory } from '../plot/history';
import * as random from '../core/random';
import { codedError, coded } from '../core/errors';
import { knownOptions } from '../core/check';

/** Where training stands. */
export interface TrainingState {
  /** The epoch to run next (1-based). */
  epoch: number;
  /** The batch of that epoch to run next (0 at an epoch's start). */
  batch: number;
  /** The training loader's seed (its shuffle orders and augmentations). */
  loaderSeed: number;
  /** The global generator's state (random.getState()). */
  random: string;
  /** Loss and accuracy sums of the epoch so far, when stopped mid-epoch. */
  partial: { lossSum: number; correct: number; examples: number } | null;
  /** Finished epochs' figures (for the curves). */
  history: unknown[];
  /** The training loader's batch size (a resume with another one is refused); absent in older files. */
  batchSize?: number;
  optimizer: Omit<TrainerState, 'slots'>;
}

const STATE_KEY = 'node-cudnn.training-state';
const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * Saves the parameters of `net`, the trainer's state and `state` to `file` (atomically).
 * @throws Error naming the file, or a parameter that has no values yet or was disposed.
 */
export function saveCheckpoint(file: string, net: Block, trainer: Trainer, state: Omit<TrainingState, 'optimizer' | 'random'>): void {
  // Everything is checked before anything is read or written: no half-written file.
  const op = `saveCheckpoint: cannot save ${file}`;
  for (const p of net.collectParams().values()) p.checkAlive(op, 'its values are gone');
  trainer.checkAlive(op);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, p] of net.collectParams()) {
    if (!p.initialized) throw codedError('NC_STATE', `saveCheckpoint: ${name} has no values yet; run one forward pass first`);
    tensors.set(name, { shape: [...p.data().shape], data: p.data().toArray() });
  }
  const { slots, ...optimizer } = trainer.state();
  for (const [name, t] of slots) tensors.set(OPTIMIZER_PREFIX + name, { shape: [...t.shape], data: t.toArray() });
  const full: TrainingState = { ...state, optimizer, random: random.getState() };
  writeSafetensors(file, tensors, { [STATE_KEY]: JSON.stringify(full) });
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** The batch size the run will resume with: the checkpoint's must be the same. */
  batchSize?: number;
  /** Batches per epoch of the loader the run resumes with: the checkpoint's batch must be within. */
  batchesPerEpoch?: number;
}

/**
 * Restores a checkpoint into `net` and `trainer` and the global generator, and returns where
 * training stands. All or nothing: every part (weights against the network's parameters — names,
 * shapes, dtype, finite values —, the optimizer's name, counts and state tensors, the generator
 * state, the position, the history, the batch size) is read and checked first; only then is
 * anything applied, so a failed load leaves the network, the trainer and the generator as they were.
 * @throws Error naming the file and the field when it is not a checkpoint of this network and trainer.
 */
export function loadCheckpoint(file: string, net: Block, trainer: Trainer, options: LoadCheckpointOptions = {}): TrainingState {
  const op = 'loadCheckpoint';
  knownOptions(op, options, ['batchSize', 'batchesPerEpoch']);
  const params = net.collectParams();
  checkInitialized(op, params, file);
  trainer.checkParams(`${op}: cannot load ${file}`, params);
  const header = readSafetensorsHeader(file);
  const fail = (field: string, what: string) => codedError('NC_FILE', `${op}: ${file}: ${field}: ${what}`);

  // 1. The training state (JSON in the header's metadata).
  if (header.metadata[STATE_KEY] === undefined) throw codedError('NC_FILE', `${op}: ${file} is a parameter file, not a checkpoint (no training state)`);
  let state: TrainingState;
  try {
    state = JSON.parse(header.metadata[STATE_KEY]) as TrainingState;
  } catch (err) {
    throw fail('the training state', `not valid JSON (${(err as Error).message})`);
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw fail('the training state', 'not a JSON object');
  checkPosition(state, options, fail);
  try {
    random.checkState(state.random);
  } catch (err) {
    throw fail('random', (err as Error).message);
  }
  let history: TrainingHistory;
  try {
    if (!Array.isArray(state.history)) throw codedError('NC_FILE', `expected an array but received ${typeof state.history}`, TypeError);
    history = TrainingHistory.fromJSON(state.history as EpochRecordJSON[]);
  } catch (err) {
    throw fail('history', (err as Error).message);
  }
  const last = history.records.at(-1);
  if (last && last.epoch >= state.epoch) {
    throw fail('history', `it records epoch ${last.epoch} but the checkpoint is at epoch ${state.epoch}, which is not finished`);
  }
  if (typeof state.optimizer !== 'object' || state.optimizer === null) throw fail('optimizer', 'missing or not an object');

  // 2. The weights against the network: the header tells every mismatch before any data is read.
  const weights = new Map([...header.tensors].filter(([name]) => !name.startsWith(OPTIMIZER_PREFIX)));
  const { toLoad, problems } = matchParameters(params, weights);
  if (problems.length > 0) throw mismatch(op, file, problems);
  const slotNames = [...header.tensors.keys()].filter((name) => name.startsWith(OPTIMIZER_PREFIX));
  const badSlot = slotNames.find((name) => header.tensors.get(name)!.dtype !== 'F32');
  if (badSlot) throw fail(badSlot, `dtype ${header.tensors.get(badSlot)!.dtype}, not F32`);
  const { tensors } = readSafetensors(file, { names: [...toLoad.map((l) => l.name), ...slotNames] });
  const values = checkValues(op, file, toLoad, tensors);

  // 3. The optimizer's state, against the trainer and the shapes the weights will have.
  const shapes = new Map(values.map((v) => [v.p, v.shape]));
  const slots = new Map(slotNames.map((name) => [name.slice(OPTIMIZER_PREFIX.length), tensors.get(name)!] as const));
  let checked: CheckedTrainerState;
  try {
    checked = trainer.checkState({ ...state.optimizer, slots }, (_name, p) => shapes.get(p) ?? p.data().shape);
  } catch (err) {
    const e = err as Error;
    e.message = `${op}: ${file}: optimizer: ${e.message}`;
    // The saved state does not fit this trainer: a problem of the file (others keep their code).
    const code = (e as { code?: string }).code;
    throw code === 'NC_ARGUMENT' || code === 'NC_SHAPE' ? coded(e, 'NC_FILE') : e;
  }

  // 4. Everything is checked: apply. The trainer first, as it allocates (its new state tensors);
  // then the weights (copied into tensors that exist, or deferred ones created) and the generator.
  trainer.applyState(checked);
  setValues(values);
  random.setState(state.random);
  return state;
}

// The position and the numbers that go with it (throws fail(field, ...)).
function checkPosition(state: TrainingState, options: LoadCheckpointOptions,
  fail: (field: string, what: string) => Error): void {
  const int = (field: string, v: unknown, min: number) => {
    if (!Number.isSafeInteger(v) || (v as number) < min) {
      throw fail(field, `expected an integer ≥ ${min} but found ${JSON.stringify(v)}`);
    }
  };
  int('epoch', state.epoch, 1);
  int('batch', state.batch, 0);
  if (!Number.isSafeInteger(state.loaderSeed)) throw fail('loaderSeed', `expected a safe integer but found ${JSON.stringify(state.loaderSeed)}`);
  if (state.partial !== null && state.partial !== undefined) {
    const { partial } = state;
    if (typeof partial !== 'object') throw fail('partial', `expected null or an object but found ${JSON.stringify(partial)}`);
    // lossSum may be NaN (written as null) when a loss was; the counts are counts.
    if (typeof partial.lossSum !== 'number' && partial.lossSum !== null) throw fail('partial.lossSum', `expected a number but found ${JSON.stringify(partial.lossSum)}`);
    int('partial.correct', partial.correct, 0);
    int('partial.examples', partial.examples, 0);
  }
  // Older checkpoints have no batch size: nothing to compare.
  if (state.batchSize !== undefined) {
    int('batchSize', state.batchSize, 1);
    if (options.batchSize !== undefined && state.batchSize !== options.batchSize) {
      throw fail('batchSize', `the run was saved with batches of ${state.batchSize} but resumes with ${options.batchSize}; ` +
        'the position and the shuffle order would not be the same (use the same batch size, or start afresh)');
    }
  }
  if (options.batchesPerEpoch !== undefined && state.batch > options.batchesPerEpoch) {
    throw fail('batch', `the checkpoint is at batch ${state.batch} but an epoch has ${options.batchesPerEpoch}`);
  }
}

/** True when `file` exists (a checkpoint to resume from). */
export function checkpointExists(file: string): boolean {
  return fs.existsSync(file);
}
