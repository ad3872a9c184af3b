// The strict ABI check (scripts/abi-check.sh): our own cuDNN/cuBLAS declarations against NVIDIA's real
// headers. The cuBLAS half needs only the CUDA toolkit's headers (scripts/cuda-toolkit.sh makes them, in
// $NODE_CUDNN_CUDA_TOOLKIT or ~/.cache/node-cudnn/cuda-12.4); the cuDNN half also runs where
// NODE_CUDNN_CUDNN_INCLUDE names a folder with cudnn.h. The check is also shown to fail on a corrupted
// copy of our header, so that a check that can never fail does not pass for one that works.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'abi-check.sh');
const toolkit = process.env.NODE_CUDNN_CUDA_TOOLKIT ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'node-cudnn', 'cuda-12.4');
const cudaInclude = path.join(toolkit, 'include');
const cudnnInclude = process.env.NODE_CUDNN_CUDNN_INCLUDE || '';

const why = !fs.existsSync(path.join(cudaInclude, 'cublas_v2.h'))
  ? `no CUDA headers in ${cudaInclude}: run scripts/cuda-toolkit.sh or set NODE_CUDNN_CUDA_TOOLKIT`
  : spawnSync('g++', ['--version']).status !== 0 ? 'no g++' : '';

function abiCheck(native?: string): { status: number | null; out: string } {
  const args = [script, '--cuda-include', cudaInclude];
  if (cudnnInclude) args.push('--cudnn-include', cudnnInclude);
  if (native) args.push('--native', native);
  const run = spawnSync('bash', args, { encoding: 'utf8' });
  return { status: run.status, out: run.stdout + run.stderr };
}

// A copy of our two headers in a temporary folder, one of them edited; the check reads that copy.
function corrupted(header: string, from: string, to: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abi-check-'));
  fs.mkdirSync(path.join(dir, 'cuda'));
  for (const h of ['cudnn_api.h', 'cublas_api.h']) {
    let text = fs.readFileSync(path.join(root, 'native', 'cuda', h), 'utf8');
    if (h === header) {
      assert.ok(text.includes(from), `${h} no longer contains "${from}": update this test`);
      text = text.replace(from, to);
    }
    fs.writeFileSync(path.join(dir, 'cuda', h), text);
  }
  return dir;
}

describe(`ABI check against NVIDIA's headers${why ? ` (not run: ${why})` : ''}`, function () {
  this.timeout(120000);
  before(function () { if (why) this.skip(); });

  it('passes, and says which halves ran against which header versions', () => {
    const { status, out } = abiCheck();
    assert.equal(status, 0, out);
    assert.match(out, /cuBLAS half against \S+cublas_v2\.h: cuBLAS \d+\.\d+\.\d+/);
    assert.match(out, /cuBLAS half PASSED: .*\(\d+ functions/);
    assert.match(out, cudnnInclude ? /cuDNN half PASSED/ : /cuDNN half skipped/);
  });

  it('fails, naming the function, when our cublasSgemm_v2 swaps an enum parameter with an int', () => {
    // The old check compared enums as int and would have passed this.
    const dir = corrupted('cublas_api.h', 'cublasOperation_t transb, int m,', 'int m, cublasOperation_t transb,');
    try {
      const { status, out } = abiCheck(dir);
      assert.equal(status, 1, out);
      assert.match(out, /What = checked::cublasSgemm_v2/);
      assert.match(out, /cuBLAS half FAILED/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails, naming the function, when our cudnnSetTensor4dDescriptor swaps format and dataType', function () {
    if (!cudnnInclude) {
      this.test!.title += ' (skipped: set NODE_CUDNN_CUDNN_INCLUDE to a folder with cudnn.h)';
      this.skip();
    }
    const dir = corrupted('cudnn_api.h', 'cudnnTensorFormat_t format, cudnnDataType_t dataType, int n',
      'cudnnDataType_t dataType, cudnnTensorFormat_t format, int n');
    try {
      const { status, out } = abiCheck(dir);
      assert.equal(status, 1, out);
      assert.match(out, /What = checked::cudnnSetTensor4dDescriptor/);
      assert.match(out, /cuDNN half FAILED/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
