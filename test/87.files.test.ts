// Saving and loading user paths safely (lib/io/files.ts): a save never replaces a device, FIFO,
// socket or directory, writes through symlinks, keeps the file's mode, works with 255-byte names
// and removes the temp files of killed saves; a load checks the path before opening it, so a FIFO
// never blocks; a safetensors header with too many entries is refused quickly, with a short message.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Tensor, nn, init, random } from '../lib';
import { readSafetensors, readSafetensorsHeader, writeSafetensors, MAX_HEADER_ENTRIES } from '../lib/io/safetensors';
import { saveParameters, loadParameters } from '../lib/nn/persistence';
import { writeCurvesSvg } from '../lib/plot';
// The module object itself, so that a test can watch where temp files are opened.
import realFs = require('fs');

const X = Tensor.fromArray(Float32Array.from({ length: 2 * 4 }, (_, i) => Math.sin(i)), [2, 4]);

/** A small network with known shapes; `seed` makes its weights differ. */
function smallNet(seed: number): nn.Sequential {
  random.seed(seed);
  const n = new nn.Sequential();
  n.add(new nn.Dense(3, { activation: 'relu' }), new nn.Dense(2));
  n.initialize(init.Xavier());
  n.forward(X);
  return n;
}
const weights = (n: nn.Sequential): number[][] => [...n.collectParams().values()].map((p) => [...p.data().toArray()]);

const HISTORY = [{ epoch: 1, trainLoss: 1, trainAcc: 0.5, testAcc: 0.6 }];
const ourTemps = (dir: string): string[] => fs.readdirSync(dir).filter((f) => /\.tmp-\d+-[0-9a-f]{12}$/.test(f));

let dir: string;
const at = (name: string): string => path.join(dir, name);

/** Asserts that `fn` throws an Error whose message names `file` and matches `re`. */
function throwsNaming(fn: () => unknown, file: string, re: RegExp): void {
  assert.throws(fn, (err: Error) => {
    assert.ok(err.message.includes(file), `message does not name ${file}: ${err.message}`);
    assert.match(err.message, re);
    return true;
  });
}

async function rejectsNaming(p: Promise<unknown>, file: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err.message.includes(file), `message does not name ${file}: ${err.message}`);
    assert.match(err.message, re);
    return true;
  });
}

/** Special files in `dir`: a FIFO, a directory, a unix socket, and (as root) a null device. */
async function makeSpecials(): Promise<{ kind: string; file: string; is: (s: fs.Stats) => boolean; close?: () => Promise<void> }[]> {
  const out: Awaited<ReturnType<typeof makeSpecials>> = [];
  const fifo = at('fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
  out.push({ kind: 'a FIFO', file: fifo, is: (s) => s.isFIFO() });
  fs.mkdirSync(at('folder'));
  out.push({ kind: 'a directory', file: at('folder'), is: (s) => s.isDirectory() });
  const sock = at('sock');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  out.push({ kind: 'a socket', file: sock, is: (s) => s.isSocket(), close: () => new Promise((r) => server.close(() => r())) });
  // A device of our own (the same numbers as /dev/null), never /dev/null itself.
  if (spawnSync('mknod', [at('null'), 'c', '1', '3']).status === 0) {
    out.push({ kind: 'a character device', file: at('null'), is: (s) => s.isCharacterDevice() });
  }
  return out;
}

describe('files: safe saves and opens', () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-files-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('saves', () => {
    it('refuse to replace a FIFO, a directory, a socket or a device, directly or through a symlink', async () => {
      const specials = await makeSpecials();
      const params = smallNet(1).collectParams();
      try {
        for (const { kind, file, is } of specials) {
          const re = new RegExp(`is ${kind}, not a regular file; refusing to replace it$`);
          throwsNaming(() => saveParameters(params, file), file, re);
          throwsNaming(() => writeSafetensors(file, new Map()), file, re);
          await rejectsNaming(writeCurvesSvg(file, HISTORY), file, re);
          const link = `${file}-link`;
          fs.symlinkSync(file, link);
          throwsNaming(() => saveParameters(params, link), link, new RegExp(`its target ${file} is ${kind}, not a regular file`));
          assert.ok(is(fs.lstatSync(file)), `${file} is no longer ${kind}`);
          assert.ok(fs.lstatSync(link).isSymbolicLink());
        }
      } finally {
        for (const s of specials) await s.close?.();
      }
      assert.deepEqual(ourTemps(dir), []);
      assert.deepEqual(fs.readdirSync(at('folder')), []);
    });

    it('write through a symlink to its target, in the target\'s folder; the link stays', () => {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cudnn-files-target-'));
      try {
        const target = path.join(other, 'model.safetensors');
        saveParameters(smallNet(1).collectParams(), target);
        fs.symlinkSync(target, at('link.safetensors'));
        // A relative, dangling link: the save creates its target.
        fs.symlinkSync('new.safetensors', at('dangling.safetensors'));
        const opened: string[] = [];
        const realOpen = realFs.openSync;
        realFs.openSync = function (this: unknown, ...args: unknown[]) {
          opened.push(String(args[0]));
          return (realOpen as (...a: unknown[]) => number).apply(this, args);
        } as typeof realFs.openSync;
        const saved = smallNet(2);
        try {
          saveParameters(saved.collectParams(), at('link.safetensors'));
          saveParameters(saved.collectParams(), at('dangling.safetensors'));
        } finally {
          realFs.openSync = realOpen;
        }
        const temps = opened.filter((f) => /\.tmp-\d+-[0-9a-f]{12}$/.test(f));
        assert.equal(temps.length, 2);
        assert.equal(path.dirname(temps[0]), fs.realpathSync(other)); // beside the target: rename stays atomic
        for (const [link, file] of [['link.safetensors', target], ['dangling.safetensors', at('new.safetensors')]]) {
          assert.ok(fs.lstatSync(at(link)).isSymbolicLink(), `${link} was replaced`);
          const loaded = smallNet(3);
          loadParameters(loaded.collectParams(), file);
          assert.deepEqual(weights(loaded), weights(saved));
        }
        assert.deepEqual(ourTemps(dir), []);
        assert.deepEqual(ourTemps(other), []);
      } finally {
        fs.rmSync(other, { recursive: true, force: true });
      }
    });

    it('keep an existing file\'s mode; a new file gets the default mode', async () => {
      const file = at('private.safetensors');
      const svg = at('curves.svg');
      fs.writeFileSync(file, 'old');
      fs.writeFileSync(svg, 'old');
      for (const mode of [0o600, 0o640]) {
        fs.chmodSync(file, mode);
        fs.chmodSync(svg, mode);
        saveParameters(smallNet(1).collectParams(), file);
        await writeCurvesSvg(svg, HISTORY);
        assert.equal(fs.statSync(file).mode & 0o7777, mode);
        assert.equal(fs.statSync(svg).mode & 0o7777, mode);
      }
      const umask = process.umask();
      saveParameters(smallNet(1).collectParams(), at('new.safetensors'));
      assert.equal(fs.statSync(at('new.safetensors')).mode & 0o7777, 0o666 & ~umask);
    });

    it('work with a 250-byte and a 255-byte file name', () => {
      const names = ['a'.repeat(238) + '.safetensors', 'é'.repeat(121) + 'x.safetensors'];
      for (const name of names) {
        assert.ok([250, 255].includes(Buffer.byteLength(name)), `${Buffer.byteLength(name)} bytes`);
        const saved = smallNet(4);
        saveParameters(saved.collectParams(), at(name));
        const loaded = smallNet(5);
        loadParameters(loaded.collectParams(), at(name));
        assert.deepEqual(weights(loaded), weights(saved));
      }
      assert.deepEqual(ourTemps(dir), []);
    });

    it('remove stale temp files of our naming, and nothing else', () => {
      const old = (Date.now() - 2 * 3600 * 1000) / 1000;
      const stale = ['.model.safetensors.tmp-12345-0123456789ab', '.x.svg.tmp-1-abcdefabcdef'];
      for (const f of stale) fs.writeFileSync(at(f), 'partial');
      const fresh = '.model.safetensors.tmp-12346-0123456789ab'; // perhaps another process writing now
      fs.writeFileSync(at(fresh), 'partial');
      const oldDir = '.d.tmp-12347-0123456789ab';
      fs.mkdirSync(at(oldDir));
      const oldLink = '.l.tmp-12348-0123456789ab';
      fs.symlinkSync(at(fresh), at(oldLink));
      const notOurs = ['.model.safetensors.tmp', 'model.safetensors.tmp-1-0123456789ab', '.y.tmp-1-0123456789abc'];
      for (const f of notOurs) fs.writeFileSync(at(f), 'user data');
      for (const f of [...stale, fresh, oldDir, ...notOurs]) fs.utimesSync(at(f), old, old);
      fs.utimesSync(at(fresh), new Date(), new Date());
      fs.lutimesSync(at(oldLink), old, old);
      saveParameters(smallNet(1).collectParams(), at('model.safetensors'));
      const left = fs.readdirSync(dir).sort();
      assert.deepEqual(left, [fresh, oldDir, oldLink, ...notOurs, 'model.safetensors'].sort());
    });
  });

  describe('opens', () => {
    it('a FIFO (or a link to one) given to every load function errors at once, never blocks', function () {
      this.timeout(60000);
      const fifo = at('fifo.safetensors');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
      fs.symlinkSync(fifo, at('link.safetensors'));
      const lib = path.resolve(__dirname, '../lib');
      // In a child: a blocking open would hang this process where no mocha timeout can fire.
      const child = `
const { Trainer, nn, init, Tensor, data, fit, loadCheckpoint } = require(${JSON.stringify(lib)});
const { readSafetensors, readSafetensorsHeader } = require(${JSON.stringify(lib + '/io/safetensors')});
const { loadParameters } = require(${JSON.stringify(lib + '/nn/persistence')});
(async () => {
  const net = new nn.Sequential();
  net.add(new nn.Dense(2));
  net.initialize(init.Xavier());
  net.forward(Tensor.fromArray(new Float32Array(4), [1, 4]));
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
  const ds = { images: new Uint8Array(8), labels: new Uint8Array(2), length: 2, height: 2, width: 2, channels: 1 };
  const loader = new data.DataLoader(ds, { batchSize: 2 });
  const out = {};
  for (const file of process.argv.slice(1)) {
    const calls = {
      readSafetensors: () => readSafetensors(file),
      readSafetensorsHeader: () => readSafetensorsHeader(file),
      loadParameters: () => loadParameters(net.collectParams(), file),
      loadCheckpoint: () => loadCheckpoint(file, net, trainer),
      fitResume: () => fit(net, loader, loader, { epochs: 1, trainer, checkpoint: file, resume: true, progress: false, log: () => {} }),
    };
    for (const [name, call] of Object.entries(calls)) {
      try { await call(); out[name + ' ' + file] = 'no error'; } catch (e) { out[name + ' ' + file] = e.message; }
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
`;
      const started = Date.now();
      const r = spawnSync(process.execPath, ['-e', child, fifo, at('link.safetensors')], { encoding: 'utf8', timeout: 30000 });
      assert.equal(r.signal, null, `the loads hung (killed after ${Date.now() - started} ms): ${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, string>;
      assert.equal(Object.keys(out).length, 10);
      for (const [call, message] of Object.entries(out)) {
        const file = call.split(' ')[1];
        assert.ok(message.includes(file), `${call}: ${message}`);
        // fit refuses its checkpoint path before reading it: the save's message; the loads: the read's.
        assert.match(message, call.startsWith('fitResume') ? /is a FIFO, not a regular file/ : /not a regular file \(a FIFO\)/, call);
      }
    });

    it('a device, a directory or a missing file is refused naming the file', () => {
      const dev = at('null');
      if (spawnSync('mknod', [dev, 'c', '1', '3']).status === 0) {
        throwsNaming(() => readSafetensors(dev), dev, /not a regular file \(a character device\)$/);
      }
      throwsNaming(() => readSafetensorsHeader(dir), dir, /not a regular file \(a directory\)$/);
      const missing = at('missing.safetensors');
      throwsNaming(() => loadParameters(smallNet(1).collectParams(), missing), missing, /file not found$/);
      fs.symlinkSync(missing, at('dangling'));
      throwsNaming(() => readSafetensors(at('dangling')), at('dangling'), /file not found \(a symbolic link to a missing file\)$/);
    });
  });

  describe('safetensors header limits', () => {
    /** A file whose header has `n` zero-length F32 tensors `t0`, `t1`, ... (valid but for the count). */
    function manyEntries(file: string, n: number): void {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
      const json = Buffer.from(`{${parts.join(',')}}`);
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      fs.writeFileSync(file, Buffer.concat([len, json]));
    }

    it('a header of 200,000 entries is refused quickly, with a short message', () => {
      const file = at('many.safetensors');
      manyEntries(file, 200000);
      const started = Date.now();
      let message = '';
      throwsNaming(() => {
        try {
          readSafetensorsHeader(file);
        } catch (e) {
          message = (e as Error).message;
          throw e;
        }
      }, file, new RegExp(`header has 200000 entries, more than the limit of ${MAX_HEADER_ENTRIES}`));
      const ms = Date.now() - started;
      assert.ok(ms < 2000, `took ${ms} ms`);
      assert.ok(message.length < file.length + 200, `message of ${message.length} characters`);
      const n = smallNet(1);
      throwsNaming(() => loadParameters(n.collectParams(), file), file, /more than the limit/);
    });

    it('a header at the limit loads; a mismatch lists 10 problems and counts the rest', function () {
      this.timeout(60000);
      const file = at('limit.safetensors');
      manyEntries(file, MAX_HEADER_ENTRIES);
      assert.equal(readSafetensorsHeader(file).tensors.size, MAX_HEADER_ENTRIES);
      let message = '';
      assert.throws(() => loadParameters(smallNet(1).collectParams(), file), (e: Error) => {
        message = e.message;
        return true;
      });
      assert.match(message, new RegExp(`\\(${MAX_HEADER_ENTRIES + 4} problems\\)`));
      assert.match(message, new RegExp(`\\.\\.\\. and ${MAX_HEADER_ENTRIES + 4 - 10} more`));
      assert.ok(message.length < 2000, `message of ${message.length} characters`);
    });

    it('a huge tensor name is cut in messages', () => {
      const file = at('long-name.safetensors');
      const name = 'n'.repeat(1 << 20);
      const json = Buffer.from(JSON.stringify({ [name]: { dtype: 'F32', shape: [1], data_offsets: [0, 8] } }));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      fs.writeFileSync(file, Buffer.concat([len, json, Buffer.alloc(8)]));
      throwsNaming(() => readSafetensors(file), file, /needs 4 bytes but data_offsets/);
      assert.throws(() => readSafetensors(file), (e: Error) => e.message.length < file.length + 500);
    });
  });
});
