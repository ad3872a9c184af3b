#!/usr/bin/env bash
# CI packaging test: build the prebuilt binary, pack the npm tarball, install it into an empty
# project with a PATH that has no cmake, C/C++ compiler or nvcc, and there load the library, print
# backendInfo(), run one LeNet training step on a real batch and type-check a TypeScript consumer.
# Any attempt to compile during the install fails for want of a compiler, so a passing run proves
# the prebuild was used.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

npm run prebuilds
tarball="$repo/$(npm pack --silent | tail -n 1)"
echo "tarball: $(basename "$tarball"), $(du -h "$tarball" | cut -f1) ($(stat -c %s "$tarball") bytes)"

work="$(mktemp -d)"
trap 'rm -rf "$work" "$tarball"' EXIT
# A PATH with only what npm and its scripts need: no cmake, make, gcc, g++, cc, c++ or nvcc.
mkdir "$work/bin"
for tool in node npm npx sh bash env cat ls mkdir rm cp mv tar gzip dirname basename uname sed grep chmod ln readlink touch head tail sort tr; do
  ln -s "$(command -v "$tool")" "$work/bin/$tool"
done
for compiler in cmake make gcc g++ cc c++ nvcc; do
  if PATH="$work/bin" command -v "$compiler" >/dev/null 2>&1; then echo "$compiler is on the test PATH" >&2; exit 1; fi
done

cd "$work"
mkdir consumer && cd consumer
PATH="$work/bin" npm init -y >/dev/null
start=$(date +%s%N)
PATH="$work/bin" npm install --no-audit --no-fund --foreground-scripts "$tarball" 2>&1 | tee install.log
echo "install took $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -q "node-cudnn: using prebuilds/linux-x64/node-cudnn.napi.node" install.log

cat > step.js <<'JS'
const { nn, init, autograd, loss, Trainer, data, tryGpu, backendInfo } = require('node-cudnn');
(async () => {
  console.log(JSON.stringify(backendInfo()));
  const device = tryGpu();
  const net = new nn.Sequential();
  net.add(new nn.Conv2D(6, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2),
    new nn.Dense(120, { activation: 'sigmoid' }), new nn.Dense(84, { activation: 'sigmoid' }), new nn.Dense(10));
  net.initialize(init.Xavier(), device);
  const [trainIter] = await data.loadDataFashionMNIST(256, { limit: 256, device, download: false });
  const [X, y] = trainIter[Symbol.iterator]().next().value;
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.9 });
  const l = autograd.record(() => new loss.SoftmaxCrossEntropyLoss().forward(net.forward(X), y));
  l.backward();
  trainer.step(y.size);
  const mean = l.toArray().reduce((a, b) => a + b, 0) / y.size;
  if (!(mean > 0 && mean < 10)) throw new Error(`unexpected loss ${mean}`);
  console.log(`one LeNet step on ${device}: loss ${mean.toFixed(4)}`);
})().catch((err) => { console.error(err); process.exit(1); });
JS
PATH="$work/bin" node step.js

cat > consumer.ts <<'TS'
import { nn, init, autograd, loss, Trainer, Tensor, cpu, BackendInfo } from 'node-cudnn';

const net: nn.Sequential = new nn.Sequential();
net.add(new nn.Conv2D(6, 5, { activation: 'sigmoid' }), new nn.MaxPool2D(2, 2), new nn.Dense(10));
net.initialize(init.Xavier(), cpu());
const X: Tensor = Tensor.zeros([2, 1, 28, 28]);
const y: Tensor = Tensor.fromArray([1, 2]);
const l: Tensor = autograd.record(() => new loss.SoftmaxCrossEntropyLoss().forward(net.forward(X), y));
l.backward();
new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 }).step(2);
const info: BackendInfo = (null as unknown) as BackendInfo;
export const shape: number[] = l.shape.concat(info ? [] : []);
TS
"$repo/node_modules/.bin/tsc" --noEmit --strict --module commonjs --moduleResolution node --target es2022 \
  --types node --typeRoots "$repo/node_modules/@types" consumer.ts
echo "packaging test passed"
