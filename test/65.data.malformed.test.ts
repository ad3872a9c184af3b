// Every file of the malformed-data corpus (test/fixtures/malformed-data.ts) must be rejected by
// readIdx and by loadFashionMNIST with an error naming the file and what is wrong: quickly, without
// hanging, and without allocating what a header declares. Prints one line per case.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { readIdx, IdxError } from '../lib/data/idx';
import { loadFashionMNIST } from '../lib/data/fashion-mnist';
import { buildMalformedCorpus, GOOD_IMAGES, GOOD_LABELS } from './fixtures/malformed-data';

/** Each read must end within this. */
const TIME_LIMIT_MS = 5000;
/** No read may grow the process (peak RSS, ArrayBuffers) by more than this. */
const MEMORY_LIMIT = 64 << 20;

// A real gc() (without --expose-gc on the command line), so that memory figures are not garbage of earlier cases.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Peak RSS since the last reset, from /proc (Linux); null elsewhere. */
function peakRss(): number | null {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
  } catch {
    return null;
  }
}

function resetPeakRss(): void {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch { /* not Linux: the peak figure is then the process's peak, still an upper bound */ }
}

interface Measured {
  error: unknown;
  ms: number;
  /** Growth of the peak RSS, of the RSS after, and of ArrayBuffers after, in bytes. */
  peak: number;
  rss: number;
  arrayBuffers: number;
}

/** Runs `fn`, catching its error, with time and memory figures. */
async function measure(fn: () => unknown): Promise<Measured> {
  gc();
  resetPeakRss();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  let error: unknown = null;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peak = (peakRss() ?? before.rss) - before.rss;
  const after = process.memoryUsage();
  return { error, ms, peak, rss: after.rss - before.rss, arrayBuffers: after.arrayBuffers - before.arrayBuffers };
}

function checkBounds(what: string, m: Measured): void {
  assert.ok(m.ms < TIME_LIMIT_MS, `${what} took ${m.ms.toFixed(0)} ms`);
  for (const key of ['peak', 'rss', 'arrayBuffers'] as const) {
    assert.ok(m[key] < MEMORY_LIMIT, `${what} grew ${key} by ${(m[key] / 2 ** 20).toFixed(1)} MB`);
  }
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

describe('data: malformed IDX and gzip files', function () {
  this.timeout(20_000);
  // Built now, so that each case is its own test; removed in after().
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-malformed-'));
  const { cases, good } = buildMalformedCorpus(dir);
  const rows: string[] = [];
  let rejectedByReadIdx = 0;
  let rejectedByLoader = 0;
  const short = (message: string): string => message.split('\n')[0].split(dir).join('$DIR');

  after(() => {
    const idxCases = cases.filter((c) => c.expected).length;
    const loaderCases = cases.filter((c) => c.root).length;
    console.log(`\n    malformed data: ${idxCases} bad files, ${rejectedByReadIdx} rejected by readIdx; ` +
      `${loaderCases} bad Fashion-MNIST folders, ${rejectedByLoader} rejected by loadFashionMNIST ($DIR = ${dir})`);
    for (const row of rows) console.log(`      ${row}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A valid read still works: nothing is left in a bad state by the case before. */
  async function goodReadsStillWork(): Promise<void> {
    const images = readIdx(path.join(good, 't10k-images-idx3-ubyte.gz'));
    assert.deepEqual(images.dims, [4, 28, 28]);
    assert.deepEqual(Buffer.from(images.data), GOOD_IMAGES.subarray(16));
    const split = await loadFashionMNIST({ train: false, root: good, verify: false, download: false });
    assert.equal(split.length, 4);
    assert.deepEqual(Buffer.from(split.labels), GOOD_LABELS.subarray(8));
  }

  for (const c of cases) {
    it(c.name, async () => {
      let row = `${c.name} -> `;
      if (c.expected) {
        const m = await measure(() => readIdx(c.file, c.options));
        const err = m.error;
        assert.ok(err instanceof IdxError, `expected an IdxError, got ${err instanceof Error ? err.stack : String(err)}`);
        assert.equal(err.file, c.file);
        assert.ok(err.message.startsWith(`readIdx: ${c.file}: `), `message does not start with the file: ${err.message}`);
        assert.match(err.message, c.expected);
        checkBounds('readIdx', m);
        rejectedByReadIdx++;
        row += `${short(err.message)}  [${m.ms.toFixed(0)} ms, peak RSS +${mb(m.peak)}, arrayBuffers +${mb(m.arrayBuffers)}]`;
      } else {
        // A well-formed IDX file: readIdx reads it, only the loader's checks reject it.
        assert.ok(readIdx(c.file).dims.length > 0);
      }
      if (c.root) {
        const m = await measure(() => loadFashionMNIST({ train: false, root: c.root, verify: false, download: false }));
        const err = m.error;
        assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
        assert.ok(err.message.startsWith('Fashion-MNIST: '), err.message);
        assert.ok(err.message.includes(c.rootFile!), `message does not name ${c.rootFile}: ${err.message}`);
        assert.match(err.message, c.rootExpected!);
        checkBounds('loadFashionMNIST', m);
        rejectedByLoader++;
        if (!c.expected) row += `${short(err.message)}  [loader, ${m.ms.toFixed(0)} ms]`;
        else if (!c.rootExpected!.source.includes(c.expected.source)) row += `\n        loader: ${short(err.message)}`;
      }
      rows.push(row);
      await goodReadsStillWork();
    });
  }

  it('has every kind of case', () => {
    assert.ok(cases.length >= 50, `only ${cases.length} cases`);
    assert.ok(cases.filter((c) => c.expected).length >= 45);
    assert.ok(cases.filter((c) => c.root).length >= 45);
  });
});

