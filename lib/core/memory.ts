// Memory reports and the release of cached memory: on demand (emptyCache) and on an idle timer.
import { binding } from './binding';
import { Device } from './device';
import { codedError } from './errors';

/** Live tensors and bytes on a device (`cpu()` or `gpu()`), and on a GPU its free memory. */
export const memoryInfo = (device: Device | string = 'cpu') =>
  binding.memoryInfo(typeof device === 'string' ? device : device.name);

/**
 * Gives the memory that a device's cache holds, but no tensor uses, back to the system, as
 * `torch.cuda.empty_cache()`: on the CPU the freed blocks kept for reuse
 * (`memoryInfo('cpu').cachedBytes` drops to 0), on a GPU what CUDA's memory pool keeps
 * (`poolReservedBytes`). Live tensors are untouched; the next allocations are slower while the
 * cache fills again.
 * @param device - default `cpu()`.
 */
export function emptyCache(device: Device | string = 'cpu'): void {
  binding.emptyCache(typeof device === 'string' ? device : device.name, 0);
}

/**
 * The idle period: the CPU cache gives back blocks freed this long ago without waiting for the next
 * allocation (which evicts only when tensors come and go, so an idle process kept everything).
 * NODE_CUDNN_CACHE_IDLE_MS sets it (default 20000; 0 turns the timer off). The timer ticks every
 * half period and releases blocks idle for half a period, so a block goes back between half a
 * period and a period after its last use. It is unref'd: it never keeps a process or worker alive.
 * The GPU is left out: its pool cannot tell idle blocks from recent ones, and trimming it waits for
 * the GPU's queued work; call `emptyCache(gpu())` for that.
 */
function cacheIdleMs(): number {
  const text = process.env.NODE_CUDNN_CACHE_IDLE_MS;
  if (text === undefined || text === '') return 20000;
  const ms = Number(text);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw codedError('NC_ARGUMENT', `node-cudnn: NODE_CUDNN_CACHE_IDLE_MS must be a whole number of milliseconds (0 turns the timer off), not '${text}'`, RangeError);
  }
  return ms;
}

const idleMs = cacheIdleMs();
if (idleMs > 0) {
  const half = Math.max(1, Math.floor(idleMs / 2));
  setInterval(() => binding.emptyCache('cpu', half), half).unref();
}
