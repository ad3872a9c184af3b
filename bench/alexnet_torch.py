#!/usr/bin/python3
"""PyTorch peer of the AlexNet benchmark: d2l's AlexNet (one channel, 224x224, 10 classes) or, with
--model resnet18, d2l's ResNet-18 (96x96), training steps on a fixed random batch, timed. The same fair setup as the LeNet peer: OpenBLAS single-threaded,
torch.set_num_threads(2) on the CPU; cudnn.benchmark on a GPU. Prints one line of JSON.

    /usr/bin/python3 bench/alexnet_torch.py [--model alexnet|resnet18] --batch-size 128 --steps 3
"""
import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before torch loads OpenBLAS

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402


def alexnet():
    net = nn.Sequential(
        nn.Conv2d(1, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(6400, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 10))
    for m in net:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
    return net


class Residual(nn.Module):
    """d2l's residual block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""

    def __init__(self, cin, cout, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv3 = nn.Conv2d(cin, cout, 1, stride=strides) if use_1x1conv else None
        self.bn1, self.bn2 = nn.BatchNorm2d(cout), nn.BatchNorm2d(cout)

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (self.conv3(x) if self.conv3 else x))


def resnet18():
    def stage(cin, cout, first_block=False):
        return [Residual(cin if i == 0 else cout, cout, use_1x1conv=(i == 0 and not first_block),
                         strides=2 if i == 0 and not first_block else 1) for i in range(2)]
    net = nn.Sequential(
        nn.Conv2d(1, 64, 7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
        *stage(64, 64, True), *stage(64, 128), *stage(128, 256), *stage(256, 512),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
    return net


MODELS = {"alexnet": (alexnet, 224), "resnet18": (resnet18, 96)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="alexnet", choices=sorted(MODELS))
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=3, help="timed steps")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True
    build, size = MODELS[args.model]
    net = build().to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(args.batch_size, 1, size, size, device=device)
    y = torch.randint(0, 10, (args.batch_size,), device=device)

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    if args.device == "cuda":
        torch.cuda.synchronize()
    seconds = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        if args.device == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - t0)
    best = min(seconds)
    print(json.dumps({
        "framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "device": torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu",
        "step_seconds": [round(s, 4) for s in seconds], "images_per_second": round(args.batch_size / best, 2),
    }))


if __name__ == "__main__":
    main()
