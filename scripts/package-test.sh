#!/usr/bin/env bash
# CI packaging test: build the prebuilt binary, pack the npm tarball, check what it holds (LICENSE,
# up-to-date THIRD_PARTY_NOTICES, source maps whose sources are there), install it into an empty
# project with a PATH that has no cmake, C/C++ compiler or nvcc, and there load the library, print
# backendInfo(), run one LeNet training step on a real batch and type-check a TypeScript consumer
# with TypeScript 5 and 7 (strict, no skipLibCheck, no @types/node). Any attempt to compile during
# the install fails for want of a compiler, so a passing run proves the prebuild was used.
#
#   bash scripts/package-test.sh [--reuse-prebuild]   (npm run test:package)
# --reuse-prebuild packs prebuilds/linux-x64 as it is instead of building it again (a full rebuild).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

if [[ ${1:-} == --reuse-prebuild ]]; then
  [[ -f prebuilds/linux-x64/node-cudnn.napi.node ]] || { echo "package-test: no prebuilds/linux-x64 to reuse; run npm run prebuilds" >&2; exit 1; }
  npm run build:ts
else
  npm run prebuilds
fi
# The notices must describe this binary: regenerated from the same system packages, they must match.
if ! bash scripts/third-party-notices.sh | diff -q - THIRD_PARTY_NOTICES >/dev/null; then
  echo "package-test: THIRD_PARTY_NOTICES is out of date: bash scripts/third-party-notices.sh > THIRD_PARTY_NOTICES" >&2
  exit 1
fi
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
# What the tarball holds: the licence files, a notice for every bundled library, and no source map
# whose sources are missing.
mkdir unpacked && tar -xzf "$tarball" -C unpacked
for f in LICENSE THIRD_PARTY_NOTICES; do
  [[ -s unpacked/package/$f ]] || { echo "package-test: $f is not in the tarball" >&2; exit 1; }
done
for f in unpacked/package/prebuilds/linux-x64/*; do
  grep -q "prebuilds/linux-x64/$(basename "$f")" unpacked/package/THIRD_PARTY_NOTICES ||
    { echo "package-test: THIRD_PARTY_NOTICES does not name prebuilds/linux-x64/$(basename "$f")" >&2; exit 1; }
done
node - unpacked/package <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const root = process.argv[2];
let maps = 0;
for (const file of fs.readdirSync(path.join(root, 'dist'), { recursive: true })) {
  if (!file.endsWith('.map')) continue;
  maps++;
  const map = path.join(root, 'dist', file);
  for (const source of JSON.parse(fs.readFileSync(map, 'utf8')).sources) {
    if (!fs.existsSync(path.resolve(path.dirname(map), source))) {
      console.error(`package-test: ${path.relative(root, map)} points to ${source}, which is not in the tarball`);
      process.exit(1);
    }
  }
}
console.log(`source maps: ${maps}, each with its sources in the tarball`);
JS

mkdir consumer && cd consumer
PATH="$work/bin" npm init -y >/dev/null
start=$(date +%s%N)
PATH="$work/bin" npm install --no-audit --no-fund --foreground-scripts "$tarball" 2>&1 | tee install.log
echo "install took $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -q "node-cudnn: using prebuilds/linux-x64/node-cudnn.napi.node" install.log
# The plot packages are optional peers and pngjs serves only an example: none is installed.
for optional in vega vega-lite pngjs @types/node; do
  [[ ! -e node_modules/$optional ]] || { echo "package-test: $optional was installed with node-cudnn" >&2; exit 1; }
done
echo "consumer node_modules: $(du -sh node_modules | cut -f1) ($(ls node_modules | wc -l) entries)"

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

# An older system: a copy of the package whose binary asks for GLIBC_2.99 instead of GLIBC_2.34 loads
# as it would under glibc 2.31. The install script must say why the prebuild failed, name the glibc
# floor, and fall back to a source build, which stops here for want of a compiler, saying what to install.
old="$work/consumer/node_modules/node-cudnn-old-glibc"
cp -r node_modules/node-cudnn "$old"
node -e 'const fs = require("fs"); const f = process.argv[1]; const b = fs.readFileSync(f);
  const at = b.indexOf("GLIBC_2.34\0"); if (at < 0) process.exit(1); b.write("GLIBC_2.99", at); fs.writeFileSync(f, b);' \
  "$old/prebuilds/linux-x64/node-cudnn.napi.node"
if (cd "$old" && PATH="$work/bin" node scripts/install.js) > old-glibc.log 2>&1; then
  echo "package-test: install.js succeeded with a binary that cannot load" >&2; cat old-glibc.log >&2; exit 1
fi
for expected in "version \`GLIBC_2.99' not found" "building from source with cmake-js" \
  "the prebuilt binary needs glibc 2.34" "cannot build from source: cmake and g++ not found"; do
  grep -qF "$expected" old-glibc.log || { echo "package-test: the old-glibc install did not say: $expected" >&2; cat old-glibc.log >&2; exit 1; }
done
rm -rf "$old"
echo "an older glibc falls back to a source build, and without a compiler says what to install"

# The types, as a strict TypeScript consumer sees them: TypeScript 5 and 7 (which defaults `types`
# to []), no skipLibCheck, no @types/node and no DOM library, so that a Node-global type in our
# .d.ts (NodeJS.WriteStream, Buffer) fails here. The compilers live outside the consumer.
mkdir "$work/ts"
(cd "$work/ts" && PATH="$work/bin" npm init -y >/dev/null &&
  PATH="$work/bin" npm install --no-audit --no-fund --silent ts5@npm:typescript@^5.9 ts7@npm:typescript@^7.0)
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "skipLibCheck": false, "types": [], "lib": ["es2022"],
    "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext"
  },
  "files": ["consumer.ts", "consumer-esm.mts"]
}
JSON
cat > consumer-esm.mts <<'TS'
import { nn, Tensor, fit, ProgressBar, writeCurvesSvg, svgUnavailable } from 'node-cudnn';
const bar: ProgressBar = new ProgressBar({ label: 'x', total: 1, stream: { write: (text: string) => text.length > 0 } });
bar.stop();
export const checks: [typeof fit, typeof writeCurvesSvg, string | null, nn.Dense, Tensor | null] =
  [fit, writeCurvesSvg, svgUnavailable(), new nn.Dense(1), null];
TS
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
for ts in ts5 ts7; do
  PATH="$work/bin" node "$work/ts/node_modules/$ts/bin/tsc" -p tsconfig.json
  echo "types compile with TypeScript $(PATH="$work/bin" node "$work/ts/node_modules/$ts/bin/tsc" --version | sed 's/Version //')"
done
echo "packaging test passed"
