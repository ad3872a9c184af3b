// Downloads one file over http(s) with Node's global fetch, within limits: a size cap, an overall
// deadline and a stall timeout. It writes only to the path it is given (the caller's temporary
// name); checking the content and renaming it into place are the caller's (data/fashion-mnist.ts).
import * as fs from 'fs';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import type { ReadableStream as WebReadableStream } from 'stream/web';
import { SingleBar } from 'cli-progress';
import { codedError } from '../core/errors';

/** The limits of one file's download. */
export interface DownloadLimits {
  /** The largest body accepted, in bytes. */
  maxBytes: number;
  /** Absolute time (Date.now()) by which the whole transfer must be done. */
  deadline: number;
  /** Longest time without a byte (connecting, waiting for headers, or in the body). */
  stallMs: number;
  /** Draw a progress bar on stderr (only when it is a terminal). */
  progress: boolean;
  /** The file's name for the bar. */
  label: string;
}

/** Redirects followed before giving up, as the former http.get code did. */
const MAX_REDIRECTS = 5;

/** The error for a body over the cap. */
function tooBig(got: string, max: number): Error {
  return codedError('NC_FILE', `the server sent ${got} bytes, more than the ${max} bytes this file can have; ` +
    'the transfer was stopped');
}

/** An error's message with its causes: fetch says only "fetch failed" and puts ECONNREFUSED in `cause`. */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.length ? parts.join(': ') : String(err);
}

/**
 * GETs `url`, following up to 5 redirects itself: fetch's own `redirect: 'follow'` would also
 * follow one from https down to plain http, which is refused here.
 */
async function get(url: string, signal: AbortSignal): Promise<{ res: Response; at: string; hops: number }> {
  let at = url;
  for (let hops = 0; ; hops++) {
    // identity: fetch would silently gunzip a body sent with Content-Encoding: gzip, so the bytes
    // written would not be the .gz file, and the size cap would count decompressed bytes.
    const res = await fetch(at, { redirect: 'manual', signal, headers: { 'accept-encoding': 'identity' } });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location || hops === MAX_REDIRECTS) return { res, at, hops };
    await res.body?.cancel();
    const next = new URL(location, at).toString();
    if (at.startsWith('https:') && !next.startsWith('https:')) {
      throw codedError('NC_FILE', `refused a redirect from https to ${next}`);
    }
    at = next;
  }
}

/**
 * Downloads `url` into `dest` (created, never replaced: it must not exist). Rejects, naming what
 * failed, on a non-200 status, a body over `maxBytes` (by its Content-Length, or as soon as it has
 * more), a short body, no byte for `stallMs`, or past the deadline. On failure `dest` may hold part
 * of the body: the caller removes it.
 */
export async function downloadTo(url: string, dest: string, limits: DownloadLimits): Promise<void> {
  const left = limits.deadline - Date.now();
  if (left <= 0) throw codedError('NC_FILE', 'not done within the overall deadline (the timeoutMs option)');
  // One signal stops the exchange (headers or body) for either reason; it carries our error.
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(codedError('NC_FILE', 'not done within the overall deadline (the timeoutMs option)')), left);
  let stall: NodeJS.Timeout | undefined;
  const alive = (): void => {
    clearTimeout(stall);
    stall = setTimeout(() => stop.abort(codedError('NC_FILE', `no data for ${limits.stallMs} ms (the stallTimeoutMs option)`)), limits.stallMs);
  };
  alive();
  let bar: SingleBar | null = null;
  try {
    let got: Awaited<ReturnType<typeof get>>;
    try {
      got = await get(url, stop.signal);
    } catch (err) {
      throw stop.signal.aborted ? stop.signal.reason : codedError('NC_FILE', describe(err), Error, { cause: err });
    }
    const { res, at, hops } = got;
    const from = hops === 0 ? '' : ` (from ${at}, after ${hops} redirect${hops > 1 ? 's' : ''})`;
    if (res.status !== 200) throw codedError('NC_FILE', `HTTP ${res.status} ${res.statusText}`.trim() + from);
    const encoding = res.headers.get('content-encoding');
    if (encoding && encoding !== 'identity') {
      throw codedError('NC_FILE', `the server sent the body with Content-Encoding: ${encoding}, not as stored${from}`);
    }
    const length = res.headers.get('content-length');
    const expected = length === null ? -1 : Number(length);
    if (expected > limits.maxBytes) throw tooBig(`a Content-Length of ${expected}`, limits.maxBytes);
    if (!res.body) throw codedError('NC_FILE', `the response has no body${from}`);

    // Drawn only on a terminal: in logs and tests a bar is noise.
    if (limits.progress && process.stderr.isTTY) {
      bar = new SingleBar({ format: `${limits.label} [{bar}] {percentage}% | {value}/{total} bytes | ETA {eta}s`,
        stream: process.stderr, hideCursor: false, clearOnComplete: true });
      bar.start(expected >= 0 ? expected : limits.maxBytes, 0);
    }
    let received = 0;
    const count = async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        received += chunk.length;
        alive();
        bar?.update(received);
        if (received > limits.maxBytes) throw tooBig(`at least ${received}`, limits.maxBytes);
        yield chunk;
      }
    };
    try {
      await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), count,
        fs.createWriteStream(dest, { flags: 'wx' }));
    } catch (err) {
      // The deadline, the stall and the cap already say what happened; a broken connection does not.
      if (stop.signal.aborted) throw stop.signal.reason;
      if ((err as { code?: string }).code === 'NC_FILE') throw err;
      const of = expected >= 0 ? ` of ${expected}` : '';
      throw codedError('NC_FILE', `the transfer broke off after ${received}${of} bytes (${describe(err)})`, Error, { cause: err });
    }
    if (expected >= 0 && received !== expected) {
      throw codedError('NC_FILE', `the body has ${received} bytes but Content-Length said ${expected}`);
    }
  } finally {
    bar?.stop();
    clearTimeout(deadline);
    clearTimeout(stall);
    stop.abort();  // releases the connection when the body was not read to its end
  }
}
