// Axis arguments of the ops along axes (reductions, softmax): NumPy's conventions, checked once here.
import { invalidArg } from '../core/check';

/** An axis or a list of axes; a negative one counts from the end (−1 is the last). */
export type Axes = number | readonly number[];

/** One axis of an ndim-dimensional tensor, in [−ndim, ndim), as a non-negative index. */
export function normalizeAxis(op: string, ndim: number, axis: unknown, name = 'axis'): number {
  const expected = `an integer in [${-ndim}, ${ndim - 1}]`;
  if (typeof axis !== 'number') throw invalidArg(op, name, expected, axis);
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) throw invalidArg(op, name, expected, axis, RangeError);
  return axis < 0 ? axis + ndim : axis;
}

/** The axes `axis` names (every axis when undefined), as distinct non-negative indices in ascending order. */
export function normalizeAxes(op: string, ndim: number, axis: Axes | undefined): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, d) => d);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw invalidArg(op, 'axis', 'an integer, a list of integers or undefined', axis);
  }
  const list: readonly unknown[] = typeof axis === 'number' ? [axis] : axis;
  if (list.length === 0) throw invalidArg(op, 'axis', 'a non-empty list of axes', axis, RangeError);
  const axes = list.map((a) => normalizeAxis(op, ndim, a));
  if (new Set(axes).size !== axes.length) throw invalidArg(op, 'axis', 'distinct axes', axis, RangeError);
  return axes.sort((a, b) => a - b);
}

/** Sorted axes as runs of adjacent ones, [start, end) each: [0, 2, 3] → [[0, 1], [2, 4]]. */
export function axisRuns(axes: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === a) last[1] = a + 1;
    else runs.push([a, a + 1]);
  }
  return runs;
}
