// Reading and writing user-given paths safely, for every file the library saves or loads.
// Reads check that the path is a regular file before opening it (opening a FIFO blocks until a writer
// comes). Writes are atomic (temp file in the target's folder, fsync, rename), go through symlinks
// to their target, keep the target's mode, and refuse to replace anything but a regular file.
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { codedError } from '../core/errors';

/** What a non-regular file is, for error messages. */
export function kindOf(stat: fs.Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'a file of an unknown kind';
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

// Where defined (not on Windows): never block in open(2), whatever the path turned into since stat.
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * Opens `file` for reading after checking that it is a regular file of at most `maxBytes` bytes.
 * The check comes before the open, so a FIFO or device never blocks; the open is non-blocking and
 * re-checked with fstat, so a path swapped in between cannot block either.
 * @param fail - builds the caller's error (it names the file) from a problem.
 * @returns the open descriptor (the caller closes it) and the file's size.
 */
export function openRegularFile(file: string, fail: (problem: string) => Error,
  maxBytes = Number.MAX_SAFE_INTEGER): { fd: number; size: number } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw fail(`cannot open (${(err as Error).message})`);
    let dangling = false;
    try { dangling = fs.lstatSync(file).isSymbolicLink(); } catch { /* plainly missing */ }
    throw fail(dangling ? 'file not found (a symbolic link to a missing file)' : 'file not found');
  }
  if (!stat.isFile()) throw fail(`not a regular file (${kindOf(stat)})`);
  if (stat.size > maxBytes) throw fail(`the file has ${stat.size} bytes, more than the ${maxBytes}-byte limit`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NONBLOCK);
  } catch (err) {
    throw fail(`cannot open (${(err as Error).message})`);
  }
  const now = fs.fstatSync(fd);
  if (!now.isFile() || now.size > maxBytes) {
    fs.closeSync(fd);
    throw fail(`not a regular file (${kindOf(now)}), or changed while being opened`);
  }
  return { fd, size: now.size };
}

/** Symbolic links followed at most (as Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * The path a save to `file` really writes: `file` itself, or the final target of a chain of
 * symlinks, even a dangling one (the save then creates the target). Throws for a symlink loop.
 */
function resolveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
  // Missing file, or a dangling link: follow the links by hand up to the missing path.
  let p = path.resolve(file);
  for (let hops = 0; ; hops++) {
    let link: string;
    try {
      if (!fs.lstatSync(p).isSymbolicLink()) return p;
      link = fs.readlinkSync(p);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return p;
      throw err;
    }
    if (hops >= MAX_LINKS) throw codedError('NC_FILE', `more than ${MAX_LINKS} symbolic links (a loop?)`);
    // Relative to the link's real folder, as the kernel resolves it ('..' after a linked folder).
    let from = path.dirname(p);
    try { from = fs.realpathSync(from); } catch { /* missing folder: the open will say so */ }
    p = path.resolve(from, link);
  }
}

/** Temp files of one hour or more are left by a killed save (a live one writes far faster). */
export const STALE_TEMP_MS = 60 * 60 * 1000;
/** Our temp names: `.<start of the name>.tmp-<pid>-<12 hex digits>`, hidden, in the target's folder. */
const TEMP_NAME = /^\..*\.tmp-\d+-[0-9a-f]{12}$/s;
/** Bytes of the file name kept in a temp name, so that any name up to 255 bytes still fits. */
const TEMP_PREFIX_BYTES = 64;

function tempName(base: string): string {
  let prefix = '';
  for (const ch of base) { // whole characters, so a multi-byte one is never cut in half
    if (Buffer.byteLength(prefix + ch) > TEMP_PREFIX_BYTES) break;
    prefix += ch;
  }
  return `.${prefix}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
}

/** Removes our stale temp files (regular files only, old enough) from `dir`; best effort. */
function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const before = Date.now() - STALE_TEMP_MS;
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue;
    const p = path.join(dir, name);
    try {
      const st = fs.lstatSync(p);
      if (st.isFile() && st.mtimeMs < before) fs.unlinkSync(p);
    } catch { /* gone already, or not ours to remove */ }
  }
}

/**
 * Checks that a save to `file` could replace it: what is there (through symlinks) is a regular file
 * or nothing. Returns the path that would be written and the existing file's stat (null if none).
 * @throws Error (without the file name: callers prefix theirs) naming what is there instead.
 */
export function checkSaveTarget(file: string): { target: string; existing: fs.Stats | null } {
  const target = resolveTarget(file);
  let existing: fs.Stats | null = null;
  try {
    existing = fs.statSync(target);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
  if (existing && !existing.isFile()) {
    throw codedError('NC_FILE', `${target === path.resolve(file) ? 'it' : `its target ${target}`} is ${kindOf(existing)}, ` +
      'not a regular file; refusing to replace it');
  }
  return { target, existing };
}

/**
 * Writes a file atomically: `write(fd)` fills a temp file in the target's folder, which is flushed
 * (fsync) and renamed over the target, so a reader or a crash sees the old file or the new one,
 * never half of one. A symlink is written through (the link stays, its target is replaced); an
 * existing file keeps its mode (and owner where allowed); a new one gets the default mode. Anything
 * other than a regular file (device, FIFO, socket, directory) is refused before anything is
 * written. Stale temp files of a killed save are removed from the folder.
 * @param fail - builds the caller's error (naming `file`) from the underlying error.
 */
export function writeFileAtomic(file: string, write: (fd: number) => void,
  fail: (err: Error) => Error): void {
  let target: string;
  let existing: fs.Stats | null;
  try {
    ({ target, existing } = checkSaveTarget(file));
  } catch (err) {
    throw fail(err as Error);
  }
  const dir = path.dirname(target);
  removeStaleTemps(dir);
  const tmp = path.join(dir, tempName(path.basename(target)));
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', 0o666); // exclusive: never reuse somebody else's file
    if (existing) {
      fs.fchmodSync(fd, existing.mode & 0o7777); // exactly the old mode, whatever the umask
      if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
        try { fs.fchownSync(fd, existing.uid, existing.gid); } catch { /* allowed for root only */ }
      }
    }
    write(fd);
    fs.fsyncSync(fd); // data on disk before the rename makes it visible
    fs.closeSync(fd);
    fd = null;
    // Checked again just before the rename: it would replace whatever is there by then.
    checkSaveTarget(target);
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) {
      try { fs.closeSync(fd); } catch { /* already failing; report the first error */ }
    }
    try { fs.unlinkSync(tmp); } catch { /* may not exist yet */ }
    throw fail(err as Error);
  }
  // Make the rename itself durable; not supported everywhere (Windows), and the file is complete anyway.
  try {
    const dfd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  } catch { /* best effort */ }
}

/** Writes all of `data` to `fd`, in chunks (one write(2) is cut short at ~2 GB on Linux). */
export function writeAll(fd: number, data: Uint8Array, chunkBytes = 16 * 1024 * 1024): void {
  for (let done = 0; done < data.length;) {
    done += fs.writeSync(fd, data, done, Math.min(chunkBytes, data.length - done));
  }
}

/**
 * Shortens a list for an error message: at most `max` items, then "and N more".
 * @example clipList(['a', 'b', 'c'], 2) // ['a', 'b', '... and 1 more']
 */
export function clipList(items: readonly string[], max = 10): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max), `... and ${items.length - max} more`];
}

/** Shortens one value (a name, a JSON snippet) for an error message. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}
