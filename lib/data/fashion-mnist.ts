// Fashion-MNIST (Xiao et al. 2017): finds the four IDX files on disk, downloads them when allowed,
// checks them, and loads them as an ImageDataset. Importing this module loads the native addon (its
// transforms and DataLoader work on tensors), even to download; data/idx.ts alone reads IDX files
// without it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash, randomBytes } from 'crypto';
import { invalidArg, knownOptions, positiveInt } from '../core/check';
import type { Device } from '../core/device';
import { DataLoader, ImageDataset } from './dataloader';
import { readIdx, idxHeader, IdxArray } from './idx';
import { Compose, Resize, ToTensor } from './transforms';
import { RandomFlipLeftRight, RandomResizedCrop } from './augment';
import { codedError } from '../core/errors';
import { downloadTo, DownloadLimits } from './download';

export type { ImageDataset } from './dataloader';

/** The 10 class names, by label index, as d2l's `get_fashion_mnist_labels`. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  't-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot',
]);

/**
 * Where the dataset is downloaded from unless NODE_CUDNN_FASHION_MNIST_URL says otherwise: the
 * `data/fashion` folder of the dataset's own repository (zalandoresearch/fashion-mnist), over https.
 * The README's links point at an S3 *website* endpoint, which serves plain http only, so it is not
 * used: a download must not be open to tampering on the way.
 */
export const FASHION_MNIST_URL = 'https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/';

/**
 * Size of each published `.gz` file (as listed in the dataset's README). A download is cut off
 * past 5% + 64 KiB more than this, room for another gzip's output of the same content, so that a
 * broken or hostile server cannot fill the disk.
 */
const GZ_SIZES: Record<string, number> = {
  'train-images-idx3-ubyte': 26421880,
  'train-labels-idx1-ubyte': 29515,
  't10k-images-idx3-ubyte': 4422102,
  't10k-labels-idx1-ubyte': 5148,
};

/** Default overall deadline of one file's download (connection, redirects and body): 10 minutes. */
export const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
/** Default stall timeout: a download that receives no byte for this long fails. */
export const DOWNLOAD_STALL_MS = 60_000;

/** Where the Debian/Ubuntu package dataset-fashion-mnist installs the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * MD5 of each file's decompressed content: the published sums of the raw IDX files. The sums of
 * the .gz files are not used because Debian's package recompressed them.
 */
const CONTENT_MD5: Record<string, string> = {
  'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
  'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
  't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
  't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
};

/** The base names (without .gz) of one split's images and labels. */
function splitNames(train: boolean): { images: string; labels: string } {
  const prefix = train ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/** A loaded split; `files` says which files it came from. */
export interface FashionMNISTDataset extends ImageDataset {
  /** The paths of the images and labels files that were read. */
  files: { images: string; labels: string };
}

/** Options of {@link loadFashionMNIST}. */
export interface FashionMNISTOptions {
  /** The training set (60000 examples) or the test set (10000). */
  train: boolean;
  /** A folder holding the files; when given, no other place is searched. */
  root?: string;
  /** Download into the cache folder when no place has the files; default true. */
  download?: boolean;
  /** Check each file's MD5; default true. */
  verify?: boolean;
}

/**
 * The cache folder: `$XDG_CACHE_HOME/node-cudnn/fashion-mnist`, or
 * `~/.cache/node-cudnn/fashion-mnist` when XDG_CACHE_HOME is unset or not absolute (as the XDG spec says).
 */
export function fashionMNISTCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'node-cudnn', 'fashion-mnist');
}

function baseUrl(): string {
  const url = process.env.NODE_CUDNN_FASHION_MNIST_URL || FASHION_MNIST_URL;
  return url.endsWith('/') ? url : `${url}/`;
}

/** The ways to get the data, appended to every "missing or bad file" error. */
function howToGet(): string {
  return 'To get Fashion-MNIST: `apt-get install dataset-fashion-mnist` (installs it in ' +
    `${FASHION_MNIST_SYSTEM_DIR}), or set NODE_CUDNN_FASHION_MNIST to a folder holding the files ` +
    `(${Object.keys(CONTENT_MD5).map((n) => `${n}.gz`).join(', ')}), or leave root and NODE_CUDNN_FASHION_MNIST ` +
    `unset and allow the download (download: true, the default) from ${baseUrl()} into ${fashionMNISTCacheDir()}.`;
}

/**
 * The file for `name` in `dir`: the .gz if present, else the uncompressed one, else null. A path
 * there that is not a readable file (a directory, a FIFO, a symlink loop) is returned when no file
 * is, so that readIdx says what is wrong with it rather than "not found".
 */
function findFile(dir: string, name: string): string | null {
  let other: string | null = null;
  for (const candidate of [`${name}.gz`, name]) {
    const file = path.join(dir, candidate);
    try {
      if (fs.statSync(file).isFile()) return file;
      other ??= file;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') other ??= file;
    }
  }
  return other;
}

/** Both files of a split in `dir`, or the names that are missing. */
function findSplit(dir: string, train: boolean): { images: string; labels: string } | string[] {
  const names = splitNames(train);
  const images = findFile(dir, names.images);
  const labels = findFile(dir, names.labels);
  if (images && labels) return { images, labels };
  return [images ? null : names.images, labels ? null : names.labels].filter((n): n is string => n !== null);
}

/**
 * The largest file or content of each kind read: the training set's (60000 images or labels), plus
 * 64 KiB for gzip's overhead on incompressible data. A header declaring more is refused before
 * anything is inflated, so a bad file cannot make us allocate more than this.
 */
const MAX_IMAGES_BYTES = 16 + 60000 * 28 * 28 + (64 << 10);
const MAX_LABELS_BYTES = 8 + 60000 + (64 << 10);

/** Reads and checks one file: a readable IDX of unsigned bytes whose content has the published MD5. */
function loadFile(file: string, name: string, verify: boolean): IdxArray {
  let idx: IdxArray;
  try {
    idx = readIdx(file, { maxBytes: name.includes('-images-') ? MAX_IMAGES_BYTES : MAX_LABELS_BYTES });
  } catch (err) {
    throw codedError('NC_FILE', `Fashion-MNIST: ${(err as Error).message}.\n${howToGet()}`, Error, { cause: err });
  }
  if (verify) {
    // The header is rebuilt from dims: readIdx checked that the content is exactly header + data.
    const md5 = createHash('md5').update(idxHeader(idx.dims)).update(idx.data).digest('hex');
    if (md5 !== CONTENT_MD5[name]) {
      throw codedError('NC_FILE', `Fashion-MNIST: ${file} is corrupt: the MD5 of its content is ${md5}, expected ` +
        `${CONTENT_MD5[name]} (delete or replace the file).\n${howToGet()}`);
    }
  }
  return idx;
}

/**
 * Removes `.part` files that a killed download left in `dir` for `name`: those whose process is
 * gone. This process's own and live processes' are kept, since they may be downloading now.
 */
function removeStaleParts(dir: string, name: string): void {
  const prefix = `.${name}.gz.`;
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.part')) continue;
    const pid = Number(entry.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || processAlive(pid))) continue;
    fs.rmSync(path.join(dir, entry), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';  // alive, but another user's
  }
}

/** Options of {@link downloadFashionMNIST}. */
export interface DownloadOptions {
  /** Which split's two files. */
  train: boolean;
  /** Check each downloaded file's MD5 before keeping it; default true. */
  verify?: boolean;
  /**
   * Where from: a folder URL holding the `.gz` files. Default NODE_CUDNN_FASHION_MNIST_URL, else
   * {@link FASHION_MNIST_URL} (https). Plain http is used only when given here or in that variable
   * (a local mirror, tests); the default never is.
   */
  url?: string;
  /** Overall deadline of each file, in ms; default {@link DOWNLOAD_TIMEOUT_MS} (10 minutes). */
  timeoutMs?: number;
  /** Fail when no byte arrives for this long, in ms; default {@link DOWNLOAD_STALL_MS} (60 s). */
  stallTimeoutMs?: number;
  /** Draw a progress bar on stderr when it is a terminal; default true. */
  progress?: boolean;
}

/**
 * Downloads one split's missing files (`<name>.gz`) from `url`, NODE_CUDNN_FASHION_MNIST_URL, or
 * the official {@link FASHION_MNIST_URL} (https), into the cache folder ({@link fashionMNISTCacheDir}).
 * This is what {@link loadFashionMNIST} does when no folder has the files. Each file is written to a
 * temporary `.part` name in the cache folder, checked (a valid IDX with the published MD5), and only
 * then renamed into place, so no half-written or corrupt file is ever left under the final name;
 * the `.part` is removed on any failure, and those of killed downloads at the next start.
 *
 * Each file is fetched with Node's global `fetch` (see data/download.ts), following up to 5
 * redirects but never one from https to plain http, and asking for the bytes as stored (a body the
 * server compressed on the fly is refused). Limits: a body larger than the published size + 5% +
 * 64 KiB is refused (from its Content-Length, or as soon as it grows past it), and each file must
 * arrive within `timeoutMs` (10 minutes) with no gap of more than `stallTimeoutMs` (60 s). A progress
 * bar is drawn on stderr when it is a terminal.
 * @param options - `train` (the split), `verify` (default true), `url`, `timeoutMs`, `stallTimeoutMs`,
 *   `progress` (default true).
 * @returns the paths of the images and labels files in the cache.
 * @throws Error naming the URL when the server fails, the body is short, too large or too slow, or
 *   the file is corrupt; TypeError or RangeError for bad options.
 */
export async function downloadFashionMNIST(options: DownloadOptions): Promise<{ images: string; labels: string }> {
  const op = 'downloadFashionMNIST';
  knownOptions(op, options, ['train', 'verify', 'url', 'timeoutMs', 'stallTimeoutMs', 'progress']);
  const verify = options.verify ?? true;
  if (options.url !== undefined && (typeof options.url !== 'string' || !/^https?:\/\//.test(options.url))) {
    throw invalidArg(op, 'url', 'an http:// or https:// URL', options.url);
  }
  const timeoutMs = options.timeoutMs === undefined ? DOWNLOAD_TIMEOUT_MS : positiveInt(op, 'timeoutMs', options.timeoutMs);
  const stallMs = options.stallTimeoutMs === undefined ? DOWNLOAD_STALL_MS : positiveInt(op, 'stallTimeoutMs', options.stallTimeoutMs);
  const base = options.url === undefined ? baseUrl() : options.url.endsWith('/') ? options.url : `${options.url}/`;
  const dir = fashionMNISTCacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const names = splitNames(options.train);
  const files = { images: '', labels: '' };
  for (const key of ['images', 'labels'] as const) {
    const name = names[key];
    removeStaleParts(dir, name);
    const existing = findFile(dir, name);
    if (existing) {
      files[key] = existing;
      continue;
    }
    const url = `${base}${name}.gz`;
    const limits: DownloadLimits = {
      maxBytes: Math.ceil(GZ_SIZES[name] * 1.05) + (64 << 10), deadline: Date.now() + timeoutMs,
      stallMs, progress: options.progress ?? true, label: `${name}.gz`,
    };
    const final = path.join(dir, `${name}.gz`);
    const temp = path.join(dir, `.${name}.gz.${process.pid}.${randomBytes(4).toString('hex')}.part`);
    try {
      try {
        await downloadTo(url, temp, limits);
      } catch (err) {
        throw codedError('NC_FILE', `Fashion-MNIST: downloading ${url} failed: ${(err as Error).message}.\n${howToGet()}`, Error, { cause: err });
      }
      try {
        loadFile(temp, name, verify);
      } catch (err) {
        throw codedError('NC_FILE', `Fashion-MNIST: the file downloaded from ${url} is bad and was discarded: ` +
          `${(err as Error).message}`, Error, { cause: err });
      }
      fs.renameSync(temp, final);
    } finally {
      fs.rmSync(temp, { force: true });
    }
    files[key] = final;
  }
  return files;
}

/** Finds one split's files in the documented order, downloading them as the last resort. */
async function locate(train: boolean, root: string | undefined, download: boolean, verify: boolean):
    Promise<{ images: string; labels: string }> {
  // A folder the user named is the only place looked at: a typo must not silently load other data.
  const named = root !== undefined ? { dir: root, what: 'root' }
    : process.env.NODE_CUDNN_FASHION_MNIST ? { dir: process.env.NODE_CUDNN_FASHION_MNIST, what: 'NODE_CUDNN_FASHION_MNIST' }
    : null;
  if (named) {
    const found = findSplit(named.dir, train);
    if (!Array.isArray(found)) return found;
    throw codedError('NC_FILE', `Fashion-MNIST: ${found.map((n) => path.join(named.dir, `${n}.gz`)).join(' and ')} not found ` +
      `(nor without .gz) in ${named.dir}, the folder given by ${named.what}.\n${howToGet()}`);
  }
  const searched = [fashionMNISTCacheDir(), FASHION_MNIST_SYSTEM_DIR];
  for (const dir of searched) {
    const found = findSplit(dir, train);
    if (!Array.isArray(found)) return found;
  }
  if (!download) {
    const names = splitNames(train);
    throw codedError('NC_FILE', `Fashion-MNIST: ${names.images}.gz and ${names.labels}.gz not found in ${searched.join(' or ')}, ` +
      `and download is false.\n${howToGet()}`);
  }
  return downloadFashionMNIST({ train, verify });
}

/**
 * Loads the training or test split of Fashion-MNIST into memory: 28×28 grey images (bytes 0..255)
 * and labels 0..9 (names in {@link FASHION_MNIST_CLASSES}).
 *
 * The files (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
 * `t10k-labels-idx1-ubyte.gz`, or the same names uncompressed) are looked for in order:
 * 1. `options.root`, when given (and nowhere else);
 * 2. the folder in the environment variable NODE_CUDNN_FASHION_MNIST, when set (and nowhere else);
 * 3. the cache folder `$XDG_CACHE_HOME/node-cudnn/fashion-mnist` (or `~/.cache/node-cudnn/fashion-mnist`);
 * 4. `/usr/share/datasets/fashion-mnist` (`apt-get install dataset-fashion-mnist`);
 * 5. else, unless `download` is false, they are downloaded into the cache folder from
 *    NODE_CUDNN_FASHION_MNIST_URL or the official site (see {@link downloadFashionMNIST}).
 *
 * Nothing is cached in memory: each call reads the files again.
 * @param options - `train` (required), `root`, `download` (default true), `verify` (default true:
 *   check the MD5 of each file's decompressed content against the published sums).
 * @returns the split; `files` names the files read.
 * @throws Error naming the file and saying how to get the data when a file is missing, truncated,
 *   corrupt, larger than the training set's file or fails the MD5 check, or when the files do not
 *   hold matching counts of 28×28 images and labels 0..9; TypeError for bad options.
 * @example
 * const test = await loadFashionMNIST({ train: false });
 * test.length;  // 10000
 * FASHION_MNIST_CLASSES[test.labels[0]];  // 'ankle boot'
 */
export async function loadFashionMNIST(options: FashionMNISTOptions): Promise<FashionMNISTDataset> {
  const op = 'loadFashionMNIST';
  if (!options || typeof options !== 'object') throw invalidArg(op, 'options', 'an object with train', options);
  knownOptions(op, options, ['train', 'root', 'download', 'verify']);
  if (typeof options.train !== 'boolean') throw invalidArg(op, 'train', 'a boolean', options.train);
  if (options.root !== undefined && typeof options.root !== 'string') throw invalidArg(op, 'root', 'a string', options.root);
  for (const key of ['download', 'verify'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw invalidArg(op, key, 'a boolean', options[key]);
  }
  const verify = options.verify ?? true;
  const files = await locate(options.train, options.root, options.download ?? true, verify);
  const names = splitNames(options.train);
  const images = loadFile(files.images, names.images, verify);
  const labels = loadFile(files.labels, names.labels, verify);

  const fail = (problem: string): never => {
    throw codedError('NC_FILE', `Fashion-MNIST: ${problem}.\n${howToGet()}`);
  };
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    fail(`${files.images} should hold 28x28 images but its dims are [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1) fail(`${files.labels} should hold a vector of labels but its dims are [${labels.dims.join(', ')}]`);
  if (images.dims[0] !== labels.dims[0]) {
    fail(`${files.images} has ${images.dims[0]} images but ${files.labels} has ${labels.dims[0]} labels`);
  }
  const bad = labels.data.findIndex((l) => l >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) fail(`${files.labels} has label ${labels.data[bad]} at index ${bad}, outside 0..9`);
  return {
    images: images.data, labels: labels.data, length: images.dims[0],
    height: 28, width: 28, channels: 1, files,
  };
}

/** Options of {@link loadDataFashionMNIST}. */
export interface LoadDataOptions {
  /** Resize the images to `resize`×`resize` (bilinear) before scaling to [0, 1]. */
  resize?: number;
  /** As {@link FashionMNISTOptions.root}. */
  root?: string;
  /** Where the batches are created; default `cpu()`. */
  device?: Device;
  /** Seed of the training loader's shuffle; default random. */
  seed?: number;
  /** Keep only the first `limit` examples of each split (for quick runs). */
  limit?: number;
  /** As {@link FashionMNISTOptions.download}; default true. */
  download?: boolean;
  /**
   * Augment the training images: a random resized crop (90–100% of the area) and a random
   * left-right flip, on the training device. Default false (the article trains without).
   */
  augment?: boolean;
}

/** The first `limit` examples of a split (views, no copy). */
function head(ds: ImageDataset, limit: number | undefined): ImageDataset {
  if (limit === undefined || limit >= ds.length) return ds;
  const size = ds.channels * ds.height * ds.width;
  return { ...ds, images: ds.images.subarray(0, limit * size), labels: ds.labels.subarray(0, limit), length: limit };
}

/**
 * d2l's `load_data_fashion_mnist`: loads both splits (see {@link loadFashionMNIST}) and returns
 * `[trainIter, testIter]`, DataLoaders of (B, 1, H, W) float32 images in [0, 1] and float32 labels.
 * The training loader is shuffled, the test loader is not; both keep the last partial batch.
 * @param batchSize - examples per batch.
 * @param options - `resize` (none), `root`, `device` (default `cpu()`), `seed` (default random),
 *   `limit` (all examples), `download` (default true).
 * @throws as {@link loadFashionMNIST}; TypeError or RangeError naming a bad argument.
 * @example
 * const [trainIter, testIter] = await loadDataFashionMNIST(256, { resize: 224 });
 * for (const [X, y] of trainIter) { ... }  // X (256, 1, 224, 224), y (256)
 */
export async function loadDataFashionMNIST(batchSize: number, options: LoadDataOptions = {}): Promise<[DataLoader, DataLoader]> {
  const op = 'loadDataFashionMNIST';
  positiveInt(op, 'batchSize', batchSize);
  knownOptions(op, options, ['resize', 'root', 'device', 'seed', 'limit', 'download', 'augment']);
  const size = options.resize === undefined ? undefined : positiveInt(op, 'resize', options.resize);
  const transform = size === undefined ? undefined  // the DataLoader's native ToTensor
    : Compose([Resize(size), ToTensor()]);
  const trainTransform = options.augment
    ? Compose([RandomResizedCrop(size ?? 28, { scale: [0.9, 1] }), RandomFlipLeftRight(), ToTensor()])
    : transform;
  if (options.limit !== undefined) positiveInt(op, 'limit', options.limit);
  const load = (train: boolean) => loadFashionMNIST({ train, root: options.root, download: options.download });
  const [train, test] = [await load(true), await load(false)];
  const common = { batchSize, transform, device: options.device };
  return [
    new DataLoader(head(train, options.limit), { ...common, transform: trainTransform, shuffle: true, seed: options.seed }),
    new DataLoader(head(test, options.limit), { ...common, shuffle: false }),
  ];
}
