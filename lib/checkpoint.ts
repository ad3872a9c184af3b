// Checkpoints: parameters, optimizer state and where training stands, in one safetensors file
// (written atomically), so an interrupted run resumes exactly where it stopped.
import * as fs from 'fs';
import type { Block } from './nn/block';
import type { Trainer, TrainerState } from './trainer';
import { loadParameters } from './nn/persistence';
import { readSafetensors, writeSafetensors } from './io/safetensors';
import * as random from './random';

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
    if (!p.initialized) throw new Error(`saveCheckpoint: ${name} has no values yet; run one forward pass first`);
    tensors.set(name, { shape: [...p.data().shape], data: p.data().toArray() });
  }
  const { slots, ...optimizer } = trainer.state();
  for (const [name, t] of slots) tensors.set(OPTIMIZER_PREFIX + name, { shape: [...t.shape], data: t.toArray() });
  const full: TrainingState = { ...state, optimizer, random: random.getState() };
  writeSafetensors(file, tensors, { [STATE_KEY]: JSON.stringify(full) });
}

/**
 * Restores a checkpoint into `net` and `trainer` and the global generator, and returns where
 * training stands.
 * @throws Error naming the file when it is not a checkpoint of this network.
 */
export function loadCheckpoint(file: string, net: Block, trainer: Trainer): TrainingState {
  const { tensors, metadata } = readSafetensors(file);
  if (!metadata[STATE_KEY]) throw new Error(`loadCheckpoint: ${file} is a parameter file, not a checkpoint (no training state)`);
  const state = JSON.parse(metadata[STATE_KEY]) as TrainingState;
  loadParameters(net.collectParams(), file, { ignoreExtra: true });
  const slots = new Map([...tensors].filter(([name]) => name.startsWith(OPTIMIZER_PREFIX))
    .map(([name, t]) => [name.slice(OPTIMIZER_PREFIX.length), t] as const));
  trainer.loadState({ ...state.optimizer, slots });
  random.setState(state.random);
  return state;
}

/** True when `file` exists (a checkpoint to resume from). */
export function checkpointExists(file: string): boolean {
  return fs.existsSync(file);
}
