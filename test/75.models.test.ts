// The modern CNNs of Dive into Deep Learning (lib/models): the book's per-block shapes, the
// parameter counts worked out by hand and, when PyTorch is installed, against the book's PyTorch
// networks (built in a Python snippet below), the output on a small batch, and 20 SGD steps on a
// small fixed batch in which the loss falls. Small inputs and batches keep it to about a minute.
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { Tensor, Trainer, autograd, formatShape, init, loss, memoryInfo, models, nn, random } from '../lib';

// ------------------------------------------------------------------------------------------------
// The book's PyTorch networks (d2l 0.17, chapter "Modern Convolutional Neural Networks"), when
// torch is there: each one's trainable parameter count, and the shapes after its blocks (the
// children that are Sequential or DenseBlock) for one image of the size the book prints.

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = `
import json, torch
from torch import nn
from torch.nn import functional as F
torch.set_num_threads(2)

def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
        in_channels = out_channels
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))

def vgg(conv_arch):
    blks, in_channels = [], 1
    for num_convs, out_channels in conv_arch:
        blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(*blks, nn.Flatten(),
        nn.Linear(out_channels * 7 * 7, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10))

def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())

def nin():
    return nn.Sequential(
        nin_block(1, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2), nn.Dropout(0.5),
        nin_block(384, 10, 3, 1, 1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())

class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)
    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)

def googlenet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b2 = nn.Sequential(nn.Conv2d(64, 64, kernel_size=1), nn.ReLU(),
                       nn.Conv2d(64, 192, kernel_size=3, padding=1), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b3 = nn.Sequential(Inception(192, 64, (96, 128), (16, 32), 32),
                       Inception(256, 128, (128, 192), (32, 96), 64),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b4 = nn.Sequential(Inception(480, 192, (96, 208), (16, 48), 64),
                       Inception(512, 160, (112, 224), (24, 64), 64),
                       Inception(512, 128, (128, 256), (24, 64), 64),
                       Inception(512, 112, (144, 288), (32, 64), 64),
                       Inception(528, 256, (160, 320), (32, 128), 128),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    b5 = nn.Sequential(Inception(832, 256, (160, 320), (32, 128), 128),
                       Inception(832, 384, (192, 384), (48, 128), 128),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
    return nn.Sequential(b1, b2, b3, b4, b5, nn.Linear(1024, 10))

class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)
    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)

def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    return [Residual(input_channels, num_channels, use_1x1conv=True, strides=2) if i == 0 and not first_block
            else Residual(num_channels, num_channels) for i in range(num_residuals)]

def resnet18():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    return nn.Sequential(b1, nn.Sequential(*resnet_block(64, 64, 2, first_block=True)),
        nn.Sequential(*resnet_block(64, 128, 2)), nn.Sequential(*resnet_block(128, 256, 2)),
        nn.Sequential(*resnet_block(256, 512, 2)), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))

def conv_block(input_channels, num_channels):
    return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                         nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))

class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super().__init__()
        self.net = nn.Sequential(*[conv_block(num_channels * i + input_channels, num_channels)
                                   for i in range(num_convs)])
    def forward(self, X):
        for blk in self.net:
            X = torch.cat((X, blk(X)), dim=1)
        return X

def transition_block(input_channels, num_channels):
    return nn.Sequential(nn.BatchNorm2d(input_channels), nn.ReLU(),
                         nn.Conv2d(input_channels, num_channels, kernel_size=1), nn.AvgPool2d(kernel_size=2, stride=2))

def densenet():
    b1 = nn.Sequential(nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(),
                       nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
    num_channels, growth_rate, blks = 64, 32, []
    for i, num_convs in enumerate([4, 4, 4, 4]):
        blks.append(DenseBlock(num_convs, num_channels, growth_rate))
        num_channels += num_convs * growth_rate
        if i != 3:
            blks.append(transition_block(num_channels, num_channels // 2))
            num_channels = num_channels // 2
    return nn.Sequential(b1, *blks, nn.BatchNorm2d(num_channels), nn.ReLU(),
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(num_channels, 10))

nets = {'vgg11': (vgg([(1, 16), (1, 32), (2, 64), (2, 128), (2, 128)]), 224), 'nin': (nin(), 224),
        'googlenet': (googlenet(), 96), 'resnet18': (resnet18(), 224), 'densenet': (densenet(), 96)}
out = {}
with torch.no_grad():
    for name, (net, size) in nets.items():
        net.eval()
        X, blocks = torch.zeros(1, 1, size, size), []
        for layer in net:
            X = layer(X)
            if type(layer).__name__ in ('Sequential', 'DenseBlock'):
                blocks.append(list(X.shape))
        out[name] = {'parameters': sum(p.numel() for p in net.parameters()), 'blocks': blocks,
                     'output': list(X.shape)}
print(json.dumps(out))
`;

interface TorchFigures { parameters: number; blocks: number[][]; output: number[] }
let torchFigures: Record<string, TorchFigures> | null | undefined;

/** The PyTorch figures of every net, or null when torch cannot be imported (run once). */
function torchNets(): Record<string, TorchFigures> | null {
  if (torchFigures === undefined) {
    torchFigures = null;
    if (fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch']).status === 0) {
      const run = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], { encoding: 'utf8', maxBuffer: 1 << 24 });
      assert.equal(run.status, 0, `the PyTorch snippet failed: ${run.stderr}`);
      torchFigures = JSON.parse(run.stdout);
    }
  }
  return torchFigures!;
}

// ------------------------------------------------------------------------------------------------
// Parameter counts by hand: a k×k convolution from i to o channels (with bias), a dense layer,
// batch norm's trainable gamma and beta.

const conv = (i: number, o: number, k: number) => i * o * k * k + o;
const dense = (i: number, o: number) => i * o + o;
const bn = (c: number) => 2 * c;

const ninBlock = (i: number, o: number, k: number) => conv(i, o, k) + 2 * conv(o, o, 1);
const residual = (i: number, o: number, use1x1: boolean) =>
  conv(i, o, 3) + bn(o) + conv(o, o, 3) + bn(o) + (use1x1 ? conv(i, o, 1) : 0);
const inception = (i: number, c1: number, c2: [number, number], c3: [number, number], c4: number) =>
  conv(i, c1, 1) + conv(i, c2[0], 1) + conv(c2[0], c2[1], 3) + conv(i, c3[0], 1) + conv(c3[0], c3[1], 5) + conv(i, c4, 1);
/** A dense block of n convolutions of g channels on i channels: batch norm and 3×3 convolution each. */
const denseBlock = (i: number, g: number, n: number) =>
  Array.from({ length: n }, (_, k) => bn(i + k * g) + conv(i + k * g, g, 3)).reduce((a, b) => a + b, 0);
const transition = (i: number, o: number) => bn(i) + conv(i, o, 1);

// ------------------------------------------------------------------------------------------------
// The nets, as the tests see them.

interface Case {
  name: 'vgg11' | 'nin' | 'googlenet' | 'resnet18' | 'densenet';
  build: (options?: { numClasses?: number }) => nn.Sequential;
  /** The input size at which the book prints the shapes (and counts the parameters). */
  bookSize: number;
  /** `name (shape)` after each top-level layer for one image of bookSize. */
  shapes: string[];
  /** Trainable parameters, worked out by hand. */
  parameters: number;
  /** Batch-norm running statistics (state, not trained). */
  state: number;
  /** A smaller input the net accepts, for the batch tests. */
  smallSize: number;
  /** Learning rate of the 20-step test (the book's). */
  lr: number;
  /**
   * The most the loss may keep of its first value after 20 steps. VGG and NiN start slowly (the
   * book's curves too: NiN's logits are a ReLU's global average, near zero at first), GoogLeNet a
   * little faster; the nets with batch norm fit a fixed batch within a few steps.
   */
  keep: number;
}

const CASES: Case[] = [
  {
    name: 'vgg11', build: (o) => models.vgg11(o), bookSize: 224,
    shapes: ['sequential0 (1,16,112,112)', 'sequential1 (1,32,56,56)', 'sequential2 (1,64,28,28)',
      'sequential3 (1,128,14,14)', 'sequential4 (1,128,7,7)', 'dense0 (1,4096)', 'dropout0 (1,4096)',
      'dense1 (1,4096)', 'dropout1 (1,4096)', 'dense2 (1,10)'],
    parameters: conv(1, 16, 3) + conv(16, 32, 3) + conv(32, 64, 3) + conv(64, 64, 3) + conv(64, 128, 3) +
      3 * conv(128, 128, 3) + dense(128 * 7 * 7, 4096) + dense(4096, 4096) + dense(4096, 10),
    state: 0, smallSize: 32, lr: 0.05, keep: 0.97,
  },
  {
    name: 'nin', build: (o) => models.nin(o), bookSize: 224,
    shapes: ['sequential0 (1,96,54,54)', 'pool0 (1,96,26,26)', 'sequential1 (1,256,26,26)', 'pool1 (1,256,12,12)',
      'sequential2 (1,384,12,12)', 'pool2 (1,384,5,5)', 'dropout0 (1,384,5,5)', 'sequential3 (1,10,5,5)',
      'pool3 (1,10,1,1)', 'flatten0 (1,10)'],
    parameters: ninBlock(1, 96, 11) + ninBlock(96, 256, 5) + ninBlock(256, 384, 3) + ninBlock(384, 10, 3),
    state: 0, smallSize: 96, lr: 0.1, keep: 0.97,
  },
  {
    name: 'resnet18', build: (o) => models.resnet18(o), bookSize: 224,
    shapes: ['sequential0 (1,64,56,56)', 'sequential1 (1,64,56,56)', 'sequential2 (1,128,28,28)',
      'sequential3 (1,256,14,14)', 'sequential4 (1,512,7,7)', 'pool0 (1,512,1,1)', 'flatten0 (1,512)',
      'dense0 (1,10)'],
    parameters: conv(1, 64, 7) + bn(64) + 2 * residual(64, 64, false) +
      residual(64, 128, true) + residual(128, 128, false) + residual(128, 256, true) + residual(256, 256, false) +
      residual(256, 512, true) + residual(512, 512, false) + dense(512, 10),
    // Two running statistics per channel of every batch norm: the stem's and two per residual block.
    state: 2 * (64 + 2 * 2 * (64 + 128 + 256 + 512)), smallSize: 32, lr: 0.05, keep: 0.5,
  },
  {
    name: 'googlenet', build: (o) => models.googlenet(o), bookSize: 96,
    shapes: ['sequential0 (1,64,24,24)', 'sequential1 (1,192,12,12)', 'sequential2 (1,480,6,6)',
      'sequential3 (1,832,3,3)', 'sequential4 (1,1024,1,1)', 'dense0 (1,10)'],
    parameters: conv(1, 64, 7) + conv(64, 64, 1) + conv(64, 192, 3) +
      inception(192, 64, [96, 128], [16, 32], 32) + inception(256, 128, [128, 192], [32, 96], 64) +
      inception(480, 192, [96, 208], [16, 48], 64) + inception(512, 160, [112, 224], [24, 64], 64) +
      inception(512, 128, [128, 256], [24, 64], 64) + inception(512, 112, [144, 288], [32, 64], 64) +
      inception(528, 256, [160, 320], [32, 128], 128) + inception(832, 256, [160, 320], [32, 128], 128) +
      inception(832, 384, [192, 384], [48, 128], 128) + dense(1024, 10),
    state: 0, smallSize: 32, lr: 0.1, keep: 0.9,
  },
  {
    name: 'densenet', build: (o) => models.densenet(o), bookSize: 96,
    shapes: ['sequential0 (1,64,24,24)', 'denseblock0 (1,192,24,24)', 'sequential1 (1,96,12,12)',
      'denseblock1 (1,224,12,12)', 'sequential2 (1,112,6,6)', 'denseblock2 (1,240,6,6)', 'sequential3 (1,120,3,3)',
      'denseblock3 (1,248,3,3)', 'batchnorm0 (1,248,3,3)', 'relu0 (1,248,3,3)', 'pool0 (1,248,1,1)',
      'flatten0 (1,248)', 'dense0 (1,10)'],
    parameters: conv(1, 64, 7) + bn(64) + denseBlock(64, 32, 4) + transition(192, 96) + denseBlock(96, 32, 4) +
      transition(224, 112) + denseBlock(112, 32, 4) + transition(240, 120) + denseBlock(120, 32, 4) + bn(248) +
      dense(248, 10),
    // As many running statistics as trained ones in every batch norm.
    state: bn(64) + [64, 96, 112, 120].map((i) => bn(i) + bn(i + 32) + bn(i + 64) + bn(i + 96)).reduce((a, b) => a + b, 0) +
      bn(192) + bn(224) + bn(240) + bn(248),
    smallSize: 32, lr: 0.1, keep: 0.5,
  },
];

/** A fixed, learnable batch: image n shows a bright square whose place depends on its class. */
function fixedBatch(n: number, size: number): [Tensor, Tensor] {
  const pixels = new Float32Array(n * size * size);
  const labels = new Float32Array(n);
  let state = 12345;  // Park and Miller's generator: exact in doubles
  const noise = () => ((state = (state * 16807) % 2147483647) / 2147483647) * 0.2;
  const side = Math.floor(size / 4);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = label;
    const [r0, c0] = [Math.floor(label / 4) * side, (label % 4) * side];
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const inside = r >= r0 && r < r0 + side && c >= c0 && c < c0 + side;
        pixels[(i * size + r) * size + c] = (inside ? 0.8 : 0) + noise();
      }
    }
  }
  return [Tensor.fromArray(pixels, [n, 1, size, size]), Tensor.fromArray(labels, [n])];
}

const counts = (net: nn.Block) => {
  const params = [...net.collectParams().values()];
  const size = (ps: typeof params) => ps.reduce((a, p) => a + p.data().size, 0);
  return { trainable: size(params.filter((p) => p.trainable)), state: size(params.filter((p) => !p.trainable)) };
};

for (const c of CASES) {
  describe(`models.${c.name}()`, () => {
    let net: nn.Sequential;
    const blockShapes: number[][] = [];

    before(() => {
      random.seed(1);
      net = c.build();
      net.initialize(init.Xavier());
    });
    after(() => net.dispose());

    it(`prints the book's shapes for a 1x1x${c.bookSize}x${c.bookSize} input`, () => {
      const shapes: string[] = [];
      autograd.pause(() => {
        let X = Tensor.zeros([1, 1, c.bookSize, c.bookSize]);
        for (const layer of net) {
          const Y = layer.forward(X);
          shapes.push(`${layer.name} ${formatShape(Y.shape)}`);
          if (layer instanceof nn.Sequential || layer instanceof models.DenseBlock) blockShapes.push([...Y.shape]);
          if (Y.data !== X.data) X.dispose();
          X = Y;
        }
        X.dispose();
      });
      assert.deepEqual(shapes, c.shapes);
    });

    it(`has ${c.parameters.toLocaleString('en-US')} trainable parameters (the count worked out by hand)`, () => {
      assert.deepEqual(counts(net), { trainable: c.parameters, state: c.state });
    });

    it("has the PyTorch network's parameter count and block shapes (when torch is installed)", function () {
      const torch = torchNets();
      if (!torch) this.skip();
      assert.equal(c.parameters, torch![c.name].parameters);
      // Trailing ones aside: GoogLeNet's last stage ends without PyTorch's Flatten, as in MXNet.
      const squeeze = (shapes: number[][]) => shapes.map((s) => s.join(',').replace(/(,1)+$/, ''));
      assert.deepEqual(squeeze(blockShapes), squeeze(torch![c.name].blocks));
    });

    it(`maps a batch of 2 at ${c.smallSize}x${c.smallSize} to (2,10), and numClasses sets the outputs`, () => {
      const small = c.build();
      small.initialize(init.Xavier());
      const X = Tensor.zeros([2, 1, c.smallSize, c.smallSize]);
      small.predict(X).dispose();  // the first forward gives the parameters their values
      // The intermediate results are freed as the forward goes: only Y is left.
      const before = memoryInfo('cpu').liveBuffers;
      const Y = small.predict(X);
      assert.deepEqual(Y.shape, [2, 10]);
      assert.equal(memoryInfo('cpu').liveBuffers, before + 1, 'intermediate results were left alive');
      X.dispose();
      Y.dispose();
      small.dispose();
      const five = c.build({ numClasses: 5 });
      five.initialize(init.Xavier());
      assert.deepEqual(five.predict(Tensor.zeros([1, 1, c.smallSize, c.smallSize])).shape, [1, 5]);
      five.dispose();
    });

    it(`lowers the loss in 20 SGD steps (lr ${c.lr}) on a fixed batch of 4 at ${c.smallSize}x${c.smallSize}`, () => {
      random.seed(3);
      const small = c.build();
      small.initialize(init.Xavier());
      const [X, y] = fixedBatch(4, c.smallSize);
      const trainer = new Trainer(small.collectParams(), 'sgd', { learningRate: c.lr });
      const lossFn = new loss.SoftmaxCrossEntropyLoss();
      const losses: number[] = [];
      let live = 0;
      for (let i = 0; i < 20; i++) {
        const yHat = autograd.record(() => small.forward(X));
        const l = autograd.record(() => lossFn.forward(yHat, y));
        l.backward();
        trainer.step(y.size);
        losses.push(l.toArray().reduce((a, b) => a + b, 0) / y.size);
        yHat.dispose();
        l.dispose();
        // backward freed every intermediate result: the live buffers stay flat from step to step.
        if (i === 1) live = memoryInfo('cpu').liveBuffers;
        if (i > 1) assert.equal(memoryInfo('cpu').liveBuffers, live, `buffers grew at step ${i + 1}`);
      }
      const [first, last] = [losses[0], Math.min(...losses.slice(-3))];
      assert.ok(last < c.keep * first, `losses ${losses.map((v) => v.toFixed(3)).join(' ')}`);
      small.dispose();
      X.dispose();
      y.dispose();
    });
  });
}

describe('models: options and blocks', () => {
  it('checks the options of every model', () => {
    for (const build of [models.vgg11, models.nin, models.googlenet, models.resnet18, models.densenet] as ((o: object) => nn.Block)[]) {
      assert.throws(() => build({ classes: 10 }), (e: Error & { code?: string }) =>
        e instanceof TypeError && e.code === 'NC_ARGUMENT' && /unknown option 'classes'; the options are 'numClasses'/.test(e.message));
      assert.throws(() => build({ numClasses: 0 }), /expected a positive integer for numClasses but received 0/);
    }
    assert.throws(() => models.vgg11({ ratio: 128 }), /models.vgg11: expected a number in \[1, 64\] for ratio/);
    assert.throws(() => models.vgg11({ ratio: 2.5 }), /models.vgg11: expected a positive integer for ratio/);
    assert.deepEqual(counts((() => {
      const full = models.vgg11({ ratio: 1 });
      full.initialize(init.Xavier());
      full.predict(Tensor.zeros([1, 1, 32, 32])).dispose();
      return full;
    })()).trainable, conv(1, 64, 3) + conv(64, 128, 3) + conv(128, 256, 3) + conv(256, 256, 3) + conv(256, 512, 3) +
      3 * conv(512, 512, 3) + dense(512, 4096) + dense(4096, 4096) + dense(4096, 10));
  });

  it("gives a Residual's children distinct Gluon names, so that no parameter is lost", () => {
    const blk = new models.Residual(8, { use1x1conv: true, strides: 2 });
    blk.initialize(init.Xavier());
    const Y = blk.predict(Tensor.zeros([2, 4, 6, 6]));
    assert.deepEqual(Y.shape, [2, 8, 3, 3]);
    assert.deepEqual([...blk.collectParams().keys()].filter((k) => !k.includes('running')), [
      'conv0.weight', 'conv0.bias', 'batchnorm0.gamma', 'batchnorm0.beta',
      'conv1.weight', 'conv1.bias', 'batchnorm1.gamma', 'batchnorm1.beta', 'conv2.weight', 'conv2.bias']);
    assert.equal(counts(blk).trainable, residual(4, 8, true));
    assert.match(blk.toString(), /^Residual\(4 -> 8, strides=2, 1x1 conv\)\(\n {2}\(0\): Conv2D\(4 -> 8/);
    // Without the 1×1 convolution the shapes must already agree.
    const same = new models.Residual(4);
    same.initialize(init.Xavier());
    assert.deepEqual(same.predict(Tensor.zeros([1, 4, 5, 5])).shape, [1, 4, 5, 5]);
    assert.throws(() => same.predict(Tensor.zeros([1, 3, 5, 5])), (e: Error & { code?: string }) => e.code === 'NC_SHAPE');
    assert.throws(() => new models.Residual(4, { stride: 2 } as object), /unknown option 'stride'/);
  });

  it("gives an Inception block's paths distinct Gluon names and concatenates them along the channels", () => {
    const blk = new models.Inception(4, [3, 5], [2, 6], 7);
    blk.initialize(init.Xavier());
    const Y = blk.predict(Tensor.zeros([2, 8, 5, 5]));
    assert.deepEqual(Y.shape, [2, 4 + 5 + 6 + 7, 5, 5]);
    assert.deepEqual(blk.children().map((c) => c.name), ['conv0', 'conv1', 'conv2', 'conv3', 'conv4', 'pool0', 'conv5']);
    assert.equal(blk.collectParams().size, 12);
    assert.equal(counts(blk).trainable, inception(8, 4, [3, 5], [2, 6], 7));
    assert.equal(blk.describe(), 'Inception(8 -> 4+5+6+7)');
    assert.throws(() => new models.Inception(4, [3, 0], [2, 6], 7), /models.Inception: expected a positive integer for c2/);
  });

  it("builds the book's DenseBlock(2, 3, 10) and transition_block(23, 10)", () => {
    const blk = new models.DenseBlock(2, 10);
    blk.initialize(init.Xavier());
    const Y = blk.predict(Tensor.zeros([4, 3, 8, 8]));
    assert.deepEqual(Y.shape, [4, 23, 8, 8]);
    assert.deepEqual([...blk.collectParams().keys()].filter((k) => k.endsWith('weight')),
      ['sequential0.conv0.weight', 'sequential1.conv0.weight']);
    assert.equal(counts(blk).trainable, denseBlock(3, 10, 2));
    const trans = models.transitionBlock(10);
    trans.initialize(init.Xavier());
    assert.deepEqual(trans.predict(Y).shape, [4, 10, 4, 4]);
    assert.throws(() => models.densenet({ growthRate: 0 }), /models.densenet: expected a positive integer for growthRate/);
  });
});
