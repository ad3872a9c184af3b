// What both charts share: the d2l Animator's series with their styles, and the check of a size option.
import { invalidArg } from '../core/check';
import type { Metric } from './history';

/** The series of the d2l Animator, in its legend order, with its matplotlib styles. */
export const SERIES: ReadonlyArray<{ key: Metric; name: string; color: string; dash: number[]; ansi: string; glyph: string }> = [
  // '-' (C0 blue, solid), 'm--' (magenta, dashed), 'g-.' (green, dash-dot).
  { key: 'trainLoss', name: 'train loss', color: '#1f77b4', dash: [1, 0], ansi: '\x1b[34m', glyph: '─' },
  { key: 'trainAcc', name: 'train acc', color: '#bf00bf', dash: [6, 3], ansi: '\x1b[35m', glyph: '═' },
  { key: 'testAcc', name: 'test acc', color: '#008000', dash: [8, 3, 2, 3], ansi: '\x1b[32m', glyph: '┄' },
];

/** An optional integer option in [lo, hi], or throws naming `op`. */
export function intOption(op: string, name: string, value: unknown, fallback: number, lo: number, hi: number): number {
  if (value === undefined) return fallback;
  const expected = `an integer in [${lo}, ${hi}]`;
  if (typeof value !== 'number') throw invalidArg(op, name, expected, value);
  if (!Number.isInteger(value) || value < lo || value > hi) throw invalidArg(op, name, expected, value, RangeError);
  return value;
}
