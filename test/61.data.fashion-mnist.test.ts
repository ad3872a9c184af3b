import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { AddressInfo } from 'net';
import {
  FASHION_MNIST_CLASSES, FASHION_MNIST_SYSTEM_DIR, FASHION_MNIST_URL, downloadFashionMNIST, fashionMNISTCacheDir, loadFashionMNIST,
} from '../lib/data/fashion-mnist';
import { idxHeader } from '../lib/data/idx';

const SYSTEM = FASHION_MNIST_SYSTEM_DIR;
const haveSystem = fs.existsSync(path.join(SYSTEM, 't10k-labels-idx1-ubyte.gz'));
const ENV_KEYS = ['NODE_CUDNN_FASHION_MNIST', 'NODE_CUDNN_FASHION_MNIST_URL', 'XDG_CACHE_HOME'] as const;

/** Asserts that `promise` rejects with an Error whose message matches every pattern. */
async function rejectsWith(promise: Promise<unknown>, ...patterns: (RegExp | string)[]): Promise<Error> {
  let error: Error | undefined;
  try {
    await promise;
  } catch (err) {
    error = err as Error;
  }
  assert.ok(error instanceof Error, 'expected a rejection');
  for (const p of patterns) {
    if (typeof p === 'string') assert.ok(error.message.includes(p), `message lacks '${p}': ${error.message}`);
    else assert.match(error.message, p);
  }
  return error;
}

/** The hint every "missing or bad data" error carries. */
const HOW_TO = ['apt-get install dataset-fashion-mnist', 'NODE_CUDNN_FASHION_MNIST', 'download'];

/** An IDX file of bytes. */
function idx(dims: number[], data: Uint8Array): Buffer {
  return Buffer.concat([idxHeader(dims), data]);
}

/** A tiny fake split (4 examples) for tests that do not need the real data (and skip the MD5 check). */
function writeFakeSplit(dir: string, prefix: 'train' | 't10k', labels = Uint8Array.of(1, 2, 3, 4)): void {
  fs.mkdirSync(dir, { recursive: true });
  const n = labels.length;
  fs.writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte.gz`),
    zlib.gzipSync(idx([n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, i) => i & 255))));
  fs.writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), idx([n], labels));
}

function listFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('data: Fashion-MNIST', function () {
  this.timeout(30_000);
  let tmp: string;
  const saved: Record<string, string | undefined> = {};

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-fmnist-'));
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    delete process.env.NODE_CUDNN_FASHION_MNIST;
    delete process.env.NODE_CUDNN_FASHION_MNIST_URL;
    // An empty cache, so that a real ~/.cache does not take part.
    process.env.XDG_CACHE_HOME = path.join(tmp, 'cache');
  });

  afterEach(() => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has the ten d2l class names', () => {
    assert.deepEqual(FASHION_MNIST_CLASSES, ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt',
      'sneaker', 'bag', 'ankle boot']);
  });

  it('puts the cache under XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(fashionMNISTCacheDir(), path.join(tmp, 'cache', 'node-cudnn', 'fashion-mnist'));
    process.env.XDG_CACHE_HOME = 'relative/path';
    assert.equal(fashionMNISTCacheDir(), path.join(os.homedir(), '.cache', 'node-cudnn', 'fashion-mnist'));
    delete process.env.XDG_CACHE_HOME;
    assert.equal(fashionMNISTCacheDir(), path.join(os.homedir(), '.cache', 'node-cudnn', 'fashion-mnist'));
  });

  it('checks its options', async () => {
    await rejectsWith(loadFashionMNIST({} as never), /loadFashionMNIST: expected a boolean for train but received undefined/);
    await rejectsWith(loadFashionMNIST({ train: true, root: 3 } as never), /expected a string for root but received 3 \(number\)/);
    await rejectsWith(loadFashionMNIST({ train: true, verify: 'no' } as never), /expected a boolean for verify/);
  });

  describe('the real data', () => {
    before(function () { if (!haveSystem) this.skip(); });

    it(`loads the test set from ${SYSTEM}`, async () => {
      const test = await loadFashionMNIST({ train: false, download: false });
      assert.equal(test.length, 10000);
      assert.equal(test.height, 28);
      assert.equal(test.width, 28);
      assert.equal(test.channels, 1);
      assert.equal(test.images.length, 10000 * 784);
      assert.equal(test.labels.length, 10000);
      assert.equal(test.files.images, path.join(SYSTEM, 't10k-images-idx3-ubyte.gz'));
      const counts = new Array(10).fill(0);
      for (const l of test.labels) counts[l]++;
      assert.deepEqual(counts, new Array(10).fill(1000));
      assert.equal(FASHION_MNIST_CLASSES[test.labels[0]], 'ankle boot');
    });

    it('loads and verifies the training set quickly', async () => {
      const t0 = Date.now();
      const train = await loadFashionMNIST({ train: true, download: false });
      const ms = Date.now() - t0;
      assert.equal(train.length, 60000);
      assert.equal(train.images.length, 60000 * 784);
      const counts = new Array(10).fill(0);
      for (const l of train.labels) counts[l]++;
      assert.deepEqual(counts, new Array(10).fill(6000));
      assert.ok(ms < 5000, `took ${ms} ms`);
    });

    it('reads uncompressed files and files without the MD5 check', async () => {
      for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
        fs.writeFileSync(path.join(tmp, name), zlib.gunzipSync(fs.readFileSync(path.join(SYSTEM, `${name}.gz`))));
      }
      const raw = await loadFashionMNIST({ train: false, root: tmp });
      const gz = await loadFashionMNIST({ train: false, verify: false });
      assert.equal(raw.files.labels, path.join(tmp, 't10k-labels-idx1-ubyte'));
      assert.deepEqual(raw.images, gz.images);
      assert.deepEqual(raw.labels, gz.labels);
    });

    /** A copy of the test split in `dir` whose first label is changed to 3 (a valid file, wrong MD5). */
    function writeTamperedCopy(dir: string): string {
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(path.join(SYSTEM, 't10k-images-idx3-ubyte.gz'), path.join(dir, 't10k-images-idx3-ubyte.gz'));
      const labels = zlib.gunzipSync(fs.readFileSync(path.join(SYSTEM, 't10k-labels-idx1-ubyte.gz')));
      labels[8] = 3;
      const file = path.join(dir, 't10k-labels-idx1-ubyte');
      fs.writeFileSync(file, labels);
      return file;
    }

    it('takes an explicit root first, and fails the MD5 check on a changed byte, naming the file', async () => {
      const root = path.join(tmp, 'root');
      const file = writeTamperedCopy(root);
      process.env.NODE_CUDNN_FASHION_MNIST = SYSTEM;
      const ds = await loadFashionMNIST({ train: false, root, verify: false });
      assert.equal(ds.labels[0], 3);
      assert.equal(ds.files.labels, file);
      await rejectsWith(loadFashionMNIST({ train: false, root }), file, 'is corrupt', 'MD5',
        '15d484375f8d13e6eb1aabb0c3f46965', ...HOW_TO);
    });

    it('does not fall through when the explicit root lacks the files', async () => {
      const root = path.join(tmp, 'empty');
      fs.mkdirSync(root);
      fs.copyFileSync(path.join(SYSTEM, 't10k-labels-idx1-ubyte.gz'), path.join(root, 't10k-labels-idx1-ubyte.gz'));
      await rejectsWith(loadFashionMNIST({ train: false, root }), path.join(root, 't10k-images-idx3-ubyte.gz'),
        'not found', 'the folder given by root', ...HOW_TO);
      await rejectsWith(loadFashionMNIST({ train: false, root: path.join(tmp, 'nonexistent') }), 'not found', ...HOW_TO);
    });

    it('takes NODE_CUDNN_FASHION_MNIST next, and does not fall through when it lacks the files', async () => {
      const dir = path.join(tmp, 'env');
      const file = writeTamperedCopy(dir);
      process.env.NODE_CUDNN_FASHION_MNIST = dir;
      const ds = await loadFashionMNIST({ train: false, verify: false });
      assert.equal(ds.labels[0], 3);
      assert.equal(ds.files.labels, file);
      // The training files are not there: an error, although the system folder has them.
      await rejectsWith(loadFashionMNIST({ train: true }), path.join(dir, 'train-images-idx3-ubyte.gz'),
        'NODE_CUDNN_FASHION_MNIST', 'not found', ...HOW_TO);
    });

    it('takes the cache folder before the system folder', async () => {
      const file = writeTamperedCopy(fashionMNISTCacheDir());
      const ds = await loadFashionMNIST({ train: false, verify: false });
      assert.equal(ds.labels[0], 3);
      assert.equal(ds.files.labels, file);
      // An incomplete cache is skipped.
      fs.rmSync(path.join(fashionMNISTCacheDir(), 't10k-images-idx3-ubyte.gz'));
      assert.equal((await loadFashionMNIST({ train: false })).files.labels, path.join(SYSTEM, 't10k-labels-idx1-ubyte.gz'));
    });

    it('names the file and says how to get the data when a .gz is corrupt or truncated', async () => {
      const root = path.join(tmp, 'root');
      fs.mkdirSync(root);
      const images = path.join(root, 't10k-images-idx3-ubyte.gz');
      const gz = fs.readFileSync(path.join(SYSTEM, 't10k-images-idx3-ubyte.gz'));
      fs.copyFileSync(path.join(SYSTEM, 't10k-labels-idx1-ubyte.gz'), path.join(root, 't10k-labels-idx1-ubyte.gz'));
      const flipped = Buffer.from(gz);
      flipped[Math.floor(gz.length / 2)] ^= 0x55;
      fs.writeFileSync(images, flipped);
      await rejectsWith(loadFashionMNIST({ train: false, root, verify: false }), images, /gzip/, ...HOW_TO);
      fs.writeFileSync(images, gz.subarray(0, gz.length - 1000));
      await rejectsWith(loadFashionMNIST({ train: false, root }), images, /truncated/, ...HOW_TO);
    });
  });

  describe('consistency checks', () => {
    it('rejects images and labels whose counts differ', async () => {
      const root = path.join(tmp, 'root');
      writeFakeSplit(root, 't10k');
      fs.writeFileSync(path.join(root, 't10k-labels-idx1-ubyte'), idx([3], Uint8Array.of(1, 2, 3)));
      await rejectsWith(loadFashionMNIST({ train: false, root, verify: false }), /has 4 images but .*t10k-labels-idx1-ubyte has 3 labels/);
    });

    it('rejects images that are not 28x28 and labels outside 0..9', async () => {
      const root = path.join(tmp, 'root');
      writeFakeSplit(root, 't10k', Uint8Array.of(0, 9, 10, 1));
      await rejectsWith(loadFashionMNIST({ train: false, root, verify: false }), /has label 10 at index 2, outside 0..9/);
      writeFakeSplit(root, 't10k');
      fs.writeFileSync(path.join(root, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(idx([4, 784], new Uint8Array(4 * 784))));
      await rejectsWith(loadFashionMNIST({ train: false, root, verify: false }), /should hold 28x28 images but its dims are \[4, 784\]/);
    });

    it('fails the MD5 check on files that are valid but not Fashion-MNIST', async () => {
      const root = path.join(tmp, 'root');
      writeFakeSplit(root, 'train');
      const ds = await loadFashionMNIST({ train: true, root, verify: false });
      assert.equal(ds.length, 4);
      assert.deepEqual(ds.labels, Uint8Array.of(1, 2, 3, 4));
      await rejectsWith(loadFashionMNIST({ train: true, root }), path.join(root, 'train-images-idx3-ubyte.gz'), 'MD5', ...HOW_TO);
    });
  });

  describe('download', () => {
    type Mode = 'ok' | 'redirect' | 'truncated' | 'corrupt' | 'tampered' | '404'
      | 'huge-length' | 'huge-chunked' | 'trickle' | 'slow' | 'garbage' | 'redirect-loop' | 'encoded';
    let server: http.Server;
    let mode: Mode = 'ok';
    /** Timers of the trickling responses, stopped after each test. */
    const timers = new Set<NodeJS.Timeout>();
    /** Bytes sent by the hostile modes, to show the cap stopped the transfer. */
    let sent = 0;
    let files: Record<string, Buffer> = {};
    const requests: string[] = [];
    /** The Accept-Encoding of each request. */
    const encodings: string[] = [];

    before(async () => {
      server = http.createServer((req, res) => {
        requests.push(req.url ?? '');
        encodings.push(String(req.headers['accept-encoding']));
        const name = path.basename(req.url ?? '');
        const body = files[name];
        if (mode === 'redirect' && !req.url?.startsWith('/moved/')) {
          res.writeHead(302, { Location: `/moved/${name}` }).end();
          return;
        }
        if (mode === 'redirect-loop') {
          res.writeHead(301, { Location: `/loop${requests.length}/${name}` }).end();
          return;
        }
        // Hostile servers, for any file name.
        if (mode === 'huge-length') {
          // Claims 10 GB: refused from the header, before a byte is written.
          res.writeHead(200, { 'Content-Length': 10e9 });
          res.write(Buffer.alloc(1 << 16));
          return;
        }
        if (mode === 'huge-chunked') {
          // No Content-Length, an endless body: must be cut off at the cap.
          res.writeHead(200);
          const more = (): void => {
            if (res.destroyed || sent > 1e9) return;
            sent += 1 << 16;
            res.write(Buffer.alloc(1 << 16), more);
          };
          more();
          return;
        }
        if (mode === 'trickle' || mode === 'slow') {
          // A byte every 2 s (a stall), or every 50 ms (steady, but never done).
          res.writeHead(200, { 'Content-Length': 5000 });
          const timer = setInterval(() => { if (!res.destroyed) res.write(Buffer.of(0)); }, mode === 'trickle' ? 2000 : 50);
          timers.add(timer);
          res.on('close', () => clearInterval(timer));
          return;
        }
        if (mode === 'encoded' && body) {
          // A server that compresses on the fly: fetch would gunzip it, so it is refused.
          const out = zlib.gzipSync(body);
          res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': out.length }).end(out);
          return;
        }
        if (mode === 'garbage') {
          res.writeHead(200).end(Buffer.from('<html>not a gzip file</html>'));
          return;
        }
        if (mode === '404' || !body) {
          res.writeHead(404).end('no such file');
          return;
        }
        if (mode === 'truncated') {
          // Promise the whole file, send half, then cut the connection.
          res.writeHead(200, { 'Content-Length': body.length });
          res.write(body.subarray(0, body.length >> 1), () => res.destroy());
          return;
        }
        let out = body;
        if (mode === 'corrupt') {
          out = Buffer.from(body);
          out[out.length >> 1] ^= 0xff;
        } else if (mode === 'tampered') {
          // A valid gzip of a valid IDX file, but not the published content.
          const content = zlib.gunzipSync(body);
          content[content.length - 1] ^= 1;
          out = zlib.gzipSync(content);
        }
        res.writeHead(200, { 'Content-Length': out.length }).end(out);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    after(() => { server?.closeAllConnections(); server?.close(); });
    afterEach(() => {
      for (const t of timers) clearInterval(t);
      timers.clear();
      server.closeAllConnections();
    });

    beforeEach(() => {
      mode = 'ok';
      sent = 0;
      requests.length = 0;
      encodings.length = 0;
      process.env.NODE_CUDNN_FASHION_MNIST_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/`;
      files = {};
      if (haveSystem) {
        for (const name of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
          files[name] = fs.readFileSync(path.join(SYSTEM, name));
        }
      }
    });

    describe('of the real files', () => {
      before(function () { if (!haveSystem) this.skip(); });

      it('downloads into the cache, then loads from there, and does not download again', async () => {
        const got = await downloadFashionMNIST({ train: false });
        const cache = fashionMNISTCacheDir();
        assert.deepEqual(got, {
          images: path.join(cache, 't10k-images-idx3-ubyte.gz'), labels: path.join(cache, 't10k-labels-idx1-ubyte.gz'),
        });
        assert.deepEqual(requests, ['/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz']);
        assert.deepEqual(listFiles(cache).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
        const ds = await loadFashionMNIST({ train: false });
        assert.equal(ds.files.images, got.images);
        assert.equal(ds.length, 10000);
        await downloadFashionMNIST({ train: false });
        assert.equal(requests.length, 2);
      });

      it('follows redirects', async () => {
        mode = 'redirect';
        await downloadFashionMNIST({ train: false });
        assert.deepEqual(requests, ['/data/t10k-images-idx3-ubyte.gz', '/moved/t10k-images-idx3-ubyte.gz',
          '/data/t10k-labels-idx1-ubyte.gz', '/moved/t10k-labels-idx1-ubyte.gz']);
        assert.equal(listFiles(fashionMNISTCacheDir()).length, 2);
      });

      it('leaves no file in the cache when the body is cut short', async () => {
        mode = 'truncated';
        await rejectsWith(downloadFashionMNIST({ train: false }), 'downloading', '/data/t10k-images-idx3-ubyte.gz', ...HOW_TO);
        assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
      });

      it('leaves no file in the cache when the body is corrupt', async () => {
        mode = 'corrupt';
        await rejectsWith(downloadFashionMNIST({ train: false }), 'is bad and was discarded', /gzip/);
        assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
      });

      it('leaves no file in the cache when the content fails the MD5 check', async () => {
        mode = 'tampered';
        await rejectsWith(downloadFashionMNIST({ train: false }), 'is bad and was discarded', 'MD5');
        assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
      });
    });

    describe('of small fake files (no MD5 check)', () => {
      beforeEach(() => {
        const fake = path.join(tmp, 'fake');
        writeFakeSplit(fake, 't10k');
        files['t10k-images-idx3-ubyte.gz'] = fs.readFileSync(path.join(fake, 't10k-images-idx3-ubyte.gz'));
        files['t10k-labels-idx1-ubyte.gz'] = zlib.gzipSync(fs.readFileSync(path.join(fake, 't10k-labels-idx1-ubyte')));
      });

      it('downloads both files into the cache, byte for byte', async () => {
        const got = await downloadFashionMNIST({ train: false, verify: false, progress: false });
        assert.deepEqual(requests, ['/data/t10k-images-idx3-ubyte.gz', '/data/t10k-labels-idx1-ubyte.gz']);
        // The .gz files as stored: fetch would otherwise ask for (and silently undo) a compression.
        assert.deepEqual(encodings, ['identity', 'identity']);
        assert.deepEqual(fs.readFileSync(got.images), files['t10k-images-idx3-ubyte.gz']);
        assert.deepEqual(fs.readFileSync(got.labels), files['t10k-labels-idx1-ubyte.gz']);
        assert.deepEqual(listFiles(fashionMNISTCacheDir()).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
      });

      it('follows a redirect', async () => {
        mode = 'redirect';
        const got = await downloadFashionMNIST({ train: false, verify: false, progress: false });
        assert.deepEqual(requests, ['/data/t10k-images-idx3-ubyte.gz', '/moved/t10k-images-idx3-ubyte.gz',
          '/data/t10k-labels-idx1-ubyte.gz', '/moved/t10k-labels-idx1-ubyte.gz']);
        assert.deepEqual(fs.readFileSync(got.images), files['t10k-images-idx3-ubyte.gz']);
      });

      it('gives up after 5 redirects, naming the URL and where it was sent', async () => {
        mode = 'redirect-loop';
        await rejectsWith(downloadFashionMNIST({ train: false, verify: false, progress: false }), 'downloading',
          '/data/t10k-images-idx3-ubyte.gz failed: HTTP 301', /\(from http:\/\/127\.0\.0\.1:\d+\/loop5\/t10k-images-idx3-ubyte\.gz, after 5 redirects\)/, ...HOW_TO);
        assert.equal(requests.length, 6);
        assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
      });

      it('reports a body cut short with the URL and the byte counts, keeping nothing', async () => {
        mode = 'truncated';
        const size = files['t10k-images-idx3-ubyte.gz'].length;
        await rejectsWith(downloadFashionMNIST({ train: false, verify: false, progress: false }), 'downloading',
          '/data/t10k-images-idx3-ubyte.gz', `the transfer broke off after ${size >> 1} of ${size} bytes`, ...HOW_TO);
        assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
      });

      it('refuses a body the server compressed on the fly, keeping nothing', async () => {
        mode = 'encoded';
        await rejectsWith(downloadFashionMNIST({ train: false, verify: false, progress: false }), 'downloading',
          '/data/t10k-images-idx3-ubyte.gz', 'Content-Encoding: gzip');
        assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
      });
    });

    it('uses https by default', () => {
      assert.match(FASHION_MNIST_URL, /^https:\/\//);
    });

    it('refuses a body whose Content-Length is over the cap, and keeps no .part', async () => {
      mode = 'huge-length';
      const t0 = Date.now();
      await rejectsWith(downloadFashionMNIST({ train: false, progress: false }), 'downloading', '/data/t10k-images-idx3-ubyte.gz',
        /a Content-Length of 10000000000 bytes, more than the 4708744 bytes this file can have/);
      assert.ok(Date.now() - t0 < 5000);
      assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
    });

    it('cuts off an endless body at the cap, and keeps no .part', async () => {
      mode = 'huge-chunked';
      await rejectsWith(downloadFashionMNIST({ train: false, progress: false }), 'downloading', '/data/t10k-images-idx3-ubyte.gz',
        /more than the 4708744 bytes this file can have/);
      assert.ok(sent < 64 << 20, `the server sent ${sent} bytes`);
      assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
    });

    it('fails at the stall timeout when bytes trickle in every 2 s, and keeps no .part', async () => {
      mode = 'trickle';
      const t0 = Date.now();
      await rejectsWith(downloadFashionMNIST({ train: false, progress: false, stallTimeoutMs: 700 }), 'downloading',
        '/data/t10k-images-idx3-ubyte.gz', /no data for 700 ms \(the stallTimeoutMs option\)/);
      const ms = Date.now() - t0;
      assert.ok(ms >= 600 && ms < 5000, `took ${ms} ms`);
      assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
    });

    it('fails at the overall deadline when bytes keep coming too slowly, and keeps no .part', async () => {
      mode = 'slow';
      const t0 = Date.now();
      await rejectsWith(downloadFashionMNIST({ train: false, progress: false, timeoutMs: 1000, stallTimeoutMs: 700 }),
        'downloading', '/data/t10k-images-idx3-ubyte.gz', /overall deadline \(the timeoutMs option\)/);
      const ms = Date.now() - t0;
      assert.ok(ms >= 900 && ms < 5000, `took ${ms} ms`);
      assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
    });

    it('discards wrong bytes, keeping nothing', async () => {
      mode = 'garbage';
      await rejectsWith(downloadFashionMNIST({ train: false, progress: false }), 'is bad and was discarded', /wrong magic number/);
      assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
    });

    it('removes .part files left by a killed download at the next start, not a live one\'s', async () => {
      const cache = fashionMNISTCacheDir();
      fs.mkdirSync(cache, { recursive: true });
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;  // a process that has exited
      const stale = `.t10k-images-idx3-ubyte.gz.${dead}.0123abcd.part`;
      const live = `.t10k-images-idx3-ubyte.gz.${process.ppid}.4567cdef.part`;
      fs.writeFileSync(path.join(cache, stale), 'half a file');
      fs.writeFileSync(path.join(cache, live), 'being written');
      mode = '404';
      await rejectsWith(downloadFashionMNIST({ train: false, progress: false }), 'HTTP 404');
      assert.deepEqual(listFiles(cache), [live]);
    });

    it('checks its download options', async () => {
      await assert.rejects(downloadFashionMNIST({ train: false, url: 'ftp://x/' }), /expected an http:\/\/ or https:\/\/ URL for url/);
      await assert.rejects(downloadFashionMNIST({ train: false, timeoutMs: 0 }), /timeoutMs/);
      await assert.rejects(downloadFashionMNIST({ train: false, stallTimeoutMs: -1 }), /stallTimeoutMs/);
    });

    it('reports an HTTP error with the URL', async () => {
      mode = '404';
      await rejectsWith(downloadFashionMNIST({ train: false }), 'HTTP 404', '/data/t10k-images-idx3-ubyte.gz', ...HOW_TO);
      assert.deepEqual(listFiles(fashionMNISTCacheDir()), []);
    });

    it('reports an unreachable server', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      process.env.NODE_CUDNN_FASHION_MNIST_URL = `http://127.0.0.1:${port}`;
      await rejectsWith(downloadFashionMNIST({ train: false }), 'downloading', `127.0.0.1:${port}/t10k-images`, /ECONNREFUSED/);
    });

    it('is what loadFashionMNIST does when no folder has the files', async function () {
      // Only testable where the system folder is absent (it is searched before downloading).
      if (haveSystem) this.skip();
      const fake = path.join(tmp, 'fake');
      writeFakeSplit(fake, 't10k');
      files['t10k-images-idx3-ubyte.gz'] = fs.readFileSync(path.join(fake, 't10k-images-idx3-ubyte.gz'));
      files['t10k-labels-idx1-ubyte.gz'] = zlib.gzipSync(fs.readFileSync(path.join(fake, 't10k-labels-idx1-ubyte')));
      await rejectsWith(loadFashionMNIST({ train: false, download: false }), 'not found', 'download is false', ...HOW_TO);
      const ds = await loadFashionMNIST({ train: false, verify: false });
      assert.equal(ds.length, 4);
      assert.equal(path.dirname(ds.files.images), fashionMNISTCacheDir());
    });
  });
});
