// The binding fuzzer. Seeded, bounded in calls and in time.
//
//   node dist-test/test/fuzz/run.js [--calls N] [--seconds S] [--seed K] [--chunk C]
//
// The supervisor runs the calls in child processes of C calls each, so that a crash or a hang is
// counted (and the chunk rerun with a trace to name the call) instead of taking the run down.
// Each call is a valid call to one entry point, spoiled by one or two mutations (one call in ten
// is left valid and must succeed). Every outcome must be a return or a TypeError or RangeError
// whose message names the operation; afterwards valid calls must still give correct results and every buffer
// the fuzzer made must be freed.
import { spawnSync } from 'child_process';
import { writeSync } from 'fs';
import type { Storage } from '../../binding';
import { binding } from '../../lib/core/binding';
import { CallContext, builders } from './calls';
import { ProbeError, mutations } from './mutate';

/** What one child (or the whole run) counted. */
export interface FuzzCounts {
  calls: number;
  exceptions: number;
  returned: number;
  /** Exceptions of the wrong kind or without the operation's name, and valid calls that failed. */
  badOutcomes: string[];
  crashes: string[];
  hangs: string[];
  byMutation: Record<string, number>;
}

const emptyCounts = (): FuzzCounts =>
  ({ calls: 0, exceptions: 0, returned: 0, badOutcomes: [], crashes: [], hangs: [], byMutation: {} });

const call = (name: string, args: unknown[]) =>
  (binding as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);

// An acceptable exception: a TypeError or RangeError naming the operation (what the argument
// checks throw; anything else means a bad argument got past them), a refused dispose from a getter
// that ran mid-call, or the fuzzer's own ProbeError passing through.
function acceptable(name: string, err: unknown): boolean {
  if (err instanceof ProbeError) return true;
  if (err instanceof Error && err.message.startsWith('dispose: this tensor is in use by ')) return true;
  return (err instanceof TypeError || err instanceof RangeError) && err.message.startsWith(`${name}: `);
}

// On a GPU, bad labels are found on the device and reported by the next read that waits for it
// (download, countCorrect), whichever call that is: a valid call may carry an earlier call's error.
const deferredLabelError = (err: unknown) =>
  err instanceof RangeError && err.message.includes('an earlier softmaxCrossEntropy on the GPU had labels');

/** Runs `calls` fuzzed calls from `seed` in this process. */
export function fuzzInProcess(seed: number, calls: number, device: string, trace = false): FuzzCounts {
  const names = Object.keys(builders);
  const mutationNames = Object.keys(mutations);
  const counts = emptyCounts();
  const rng = new CallContext(seed, device);
  for (let k = 0; k < calls; k++) {
    const name = rng.pick(names);
    const c = new CallContext(rng.int(0, 2 ** 31), device);
    const applied: string[] = [];
    try {
      const args = builders[name](c);
      const wanted = rng.next() < 0.1 ? 0 : rng.int(1, 2);
      // Getters go in last, so that no other mutation sets them off before the call.
      const chosen = Array.from({ length: wanted }, () => rng.pick(mutationNames))
        .sort((a, b) => Number(a.startsWith('re-entrant')) - Number(b.startsWith('re-entrant')));
      for (const m of chosen) {
        try {
          const what = mutations[m](c, args);
          if (what !== null) {
            applied.push(`${m} (${what})`);
            counts.byMutation[m] = (counts.byMutation[m] ?? 0) + 1;
          }
        } catch {
          // A mutation that cannot apply to what earlier ones left (e.g. filling a disposed tensor).
        }
      }
      if (trace) writeSync(2, `call ${k}: ${name} ${applied.join(', ') || 'valid'}\n`);
      counts.calls++;
      try {
        const result = call(name, args) as { dispose?: () => void } | null;
        if (typeof result?.dispose === 'function') c.storages.push(result as Storage);  // alloc, pooling workspace
        counts.returned++;
      } catch (err) {
        counts.exceptions++;
        if (!acceptable(name, err) || (applied.length === 0 && !deferredLabelError(err))) {
          counts.badOutcomes.push(`${name} [${applied.join(', ') || 'valid'}]: ${String(err).slice(0, 300)}`);
        }
      }
    } finally {
      for (const s of c.storages) {
        try {
          s.dispose();
        } catch (err) {
          counts.badOutcomes.push(`${name}: dispose after the call failed: ${String(err)}`);
        }
      }
    }
  }
  return counts;
}

/** Valid calls give the right numbers after the fuzzing. */
export function checkStillCorrect(device: string): string | null {
  const c = new CallContext(1, device);
  try {
    try {
      binding.download(c.storage(4), new Float32Array(1));  // collects a label error the last call left
    } catch (err) {
      if (!deferredLabelError(err)) throw err;
    }
    const x = { data: c.storage(8), shape: [1, 2] }, w = { data: c.storage(8), shape: [1, 2] };
    const b = { data: c.storage(4), shape: [1] }, y = { data: c.storage(4), shape: [1, 1] };
    binding.upload(x.data, Float32Array.of(1, 2));
    binding.upload(w.data, Float32Array.of(3, 4));
    binding.upload(b.data, Float32Array.of(0.5));
    binding.denseForward(x, w, b, y, 'none');
    const read = (t: { data: Storage }) => {
      const out = new Float32Array(1);
      binding.download(t.data, out);
      return out[0];
    };
    if (read(y) !== 11.5) return `denseForward gave ${read(y)}, expected 11.5`;
    const big = { data: c.storage(4 * 1000), shape: [1000] }, total = { data: c.storage(4), shape: [1] };
    binding.fillConstant(big, 0.5);
    binding.sum(big, total);
    if (read(total) !== 500) return `sum gave ${read(total)}, expected 500`;
    return null;
  } finally {
    c.disposeAll();
  }
}

function merge(into: FuzzCounts, from: FuzzCounts): void {
  into.calls += from.calls;
  into.exceptions += from.exceptions;
  into.returned += from.returned;
  into.badOutcomes.push(...from.badOutcomes);
  into.crashes.push(...from.crashes);
  into.hangs.push(...from.hangs);
  for (const [m, n] of Object.entries(from.byMutation)) into.byMutation[m] = (into.byMutation[m] ?? 0) + n;
}

/** Runs chunks in child processes until `calls` or `seconds` is reached. */
export function fuzzSupervised(options: { calls: number; seconds: number; seed: number; chunk: number; device: string }): FuzzCounts {
  const total = emptyCounts();
  const start = Date.now();
  const chunkTimeoutMs = 120000;
  for (let chunk = 0; total.calls < options.calls && Date.now() - start < options.seconds * 1000; chunk++) {
    const seed = options.seed * 100003 + chunk;
    const calls = Math.min(options.chunk, options.calls - total.calls);
    const child = (trace: boolean) => spawnSync(process.execPath,
      ['--expose-gc', __filename, '--child', '--seed', String(seed), '--calls', String(calls), '--device', options.device,
        ...(trace ? ['--trace'] : [])],
      { encoding: 'utf8', timeout: chunkTimeoutMs, maxBuffer: 256 * 2 ** 20 });
    const run = child(false);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status === 0 && line.startsWith('{')) {
      merge(total, JSON.parse(line) as FuzzCounts);
      continue;
    }
    // A crash or a hang: the same seed again, tracing each call, names the call that did it.
    const traced = child(true);
    const last = traced.stderr.trim().split('\n').filter((l) => l.startsWith('call ')).pop() ?? '(no call traced)';
    const what = `seed ${seed}: ${run.signal ?? `exit ${run.status}`}; last call: ${last}; ${run.stderr.slice(-400)}`;
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') total.hangs.push(what);
    else total.crashes.push(what);
    total.calls += calls;
  }
  return total;
}

function argValue(argv: string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

function main(argv: string[]): void {
  const device = argv.includes('--device') ? argv[argv.indexOf('--device') + 1] : 'cpu';
  const seed = argValue(argv, '--seed', 1);
  const calls = argValue(argv, '--calls', 20000);
  if (argv.includes('--child')) {
    const before = binding.memoryInfo(device).liveBuffers;
    const counts = fuzzInProcess(seed, calls, device, argv.includes('--trace'));
    const wrong = checkStillCorrect(device);
    if (wrong) counts.badOutcomes.push(`after fuzzing: ${wrong}`);
    const after = binding.memoryInfo(device).liveBuffers;
    if (after !== before) counts.badOutcomes.push(`after fuzzing: ${after - before} buffers still alive`);
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  const started = Date.now();
  const counts = fuzzSupervised({ calls, seconds: argValue(argv, '--seconds', 600), seed, chunk: argValue(argv, '--chunk', 5000), device });
  const seconds = (Date.now() - started) / 1000;
  console.log(`fuzz on ${device}: ${counts.calls} calls to ${Object.keys(builders).length} entry points in ${seconds.toFixed(1)} s ` +
    `(seed ${seed}): ${counts.exceptions} exceptions, ${counts.returned} returned, ${counts.badOutcomes.length} bad outcomes, ` +
    `${counts.crashes.length} crashes, ${counts.hangs.length} hangs`);
  console.log(`mutations: ${Object.entries(counts.byMutation).map(([m, n]) => `${m} ${n}`).join(', ')}`);
  for (const line of [...counts.crashes, ...counts.hangs, ...counts.badOutcomes].slice(0, 30)) console.log(`  ${line}`);
  process.exitCode = counts.crashes.length + counts.hangs.length + counts.badOutcomes.length ? 1 : 0;
}

if (require.main === module) main(process.argv.slice(2));
