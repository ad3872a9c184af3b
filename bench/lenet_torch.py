#!/usr/bin/python3
"""PyTorch peer of the LeNet benchmark: d2l's LeNet on Fashion-MNIST, one CPU epoch timed.

PyTorch gets a fair setup: 2 intra-op threads and a single-threaded OpenBLAS (so the two thread
pools do not oversubscribe the cores), the whole training set as one float32 tensor in memory so
that data loading is not what is timed, and a warm-up before timing. Prints one line of JSON.

    /usr/bin/python3 bench/lenet_torch.py --epochs 1
"""
import os

# Must be set before torch (and its OpenBLAS) is loaded; later it has no effect.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def read_idx(path, header_bytes):
    """The payload of an IDX file (path.gz, else path as raw IDX) as uint8, skipping its header."""
    if os.path.exists(path + ".gz"):
        with gzip.open(path + ".gz", "rb") as f:
            data = f.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=header_bytes)


def load_fashion_mnist(root):
    """Training set as (x float32 N x 1 x 28 x 28 scaled to [0, 1], y int64 N)."""
    images = read_idx(os.path.join(root, "train-images-idx3-ubyte"), 16)
    labels = read_idx(os.path.join(root, "train-labels-idx1-ubyte"), 8)
    x = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    assert x.shape[0] == y.shape[0], "image and label counts differ"
    return x.contiguous(), y


def lenet(conv1_pad=0):
    """d2l's LeNet (sigmoid activations, max pooling), Xavier-uniform weights as in d2l.

    With conv1_pad=0 (the benchmark's network) the flattened features are 16*4*4 = 256; the d2l
    book pads the first convolution by 2, giving 16*5*5 = 400. As in d2l's init_weights, only the
    weights are re-initialised; biases keep PyTorch's default.
    """
    side = ((28 + 2 * conv1_pad - 4) // 2 - 4) // 2
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=conv1_pad), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * side * side, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))
    for m in net:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
    return net


def train_batches(net, opt, loss_fn, x, y, batch_size, max_batches=None):
    """One pass over a fresh shuffle of (x, y); returns (mean loss, accuracy, images seen)."""
    n = x.shape[0]
    perm = torch.randperm(n, device=x.device)
    loss_sum = torch.zeros((), dtype=torch.float64, device=x.device)
    correct = torch.zeros((), dtype=torch.int64, device=x.device)
    seen = 0
    for i, start in enumerate(range(0, n, batch_size)):
        if max_batches is not None and i >= max_batches:
            break
        idx = perm[start:start + batch_size]
        xb, yb = x[idx], y[idx]
        out = net(xb)
        loss = loss_fn(out, yb)  # mean over the batch, as in d2l
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():  # accumulate without a Python float per batch
            loss_sum += loss.detach().double() * yb.shape[0]
            correct += (out.argmax(dim=1) == yb).sum()
        seen += yb.shape[0]
    return loss_sum.item() / seen, correct.item() / seen, seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.environ.get("NODE_CUDNN_FASHION_MNIST",
                                                   "/usr/share/datasets/fashion-mnist"),
                    help="folder holding train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz)"
                         " (default: $NODE_CUDNN_FASHION_MNIST, else Debian's)")
    ap.add_argument("--epochs", type=int, default=1, help="timed epochs")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--limit", type=int, default=None, help="images per epoch (default: all 60000)")
    ap.add_argument("--warmup", type=int, default=30,
                    help="warm-up batches before timing (-1: one full epoch, 0: none)")
    ap.add_argument("--lr", type=float, default=0.9)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                    help="cuda: the whole data set on the GPU, cudnn.benchmark on")
    ap.add_argument("--conv1-pad", type=int, default=0,
                    help="padding of the first convolution (0: Linear(256,120); 2: the d2l book's 400)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x, y = load_fashion_mnist(args.root)
    if args.limit is not None:
        x, y = x[:args.limit].contiguous(), y[:args.limit].contiguous()
    device = torch.device(args.device)
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True
        x, y = x.to(device), y.to(device)

    loss_fn = nn.CrossEntropyLoss()

    # Warm up allocator, kernels and thread pool on a throw-away model so that the timed run
    # starts from a fresh Xavier initialisation and its loss and accuracy mean the usual thing.
    if args.warmup != 0:
        net = lenet(args.conv1_pad).to(device)
        opt = torch.optim.SGD(net.parameters(), lr=args.lr)
        train_batches(net, opt, loss_fn, x, y, args.batch_size,
                      None if args.warmup < 0 else args.warmup)

    net = lenet(args.conv1_pad).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr)
    net.train()
    epoch_seconds = []
    loss = acc = float("nan")
    seen = 0
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        loss, acc, seen = train_batches(net, opt, loss_fn, x, y, args.batch_size)
        if args.device == "cuda":
            torch.cuda.synchronize()
        epoch_seconds.append(time.perf_counter() - t0)

    best = min(epoch_seconds) if epoch_seconds else float("nan")
    print(json.dumps({
        "framework": "pytorch",
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": torch.cuda.get_device_name(0) if args.device == "cuda" else "cpu",
        "epoch_seconds": [round(s, 4) for s in epoch_seconds],
        "best_epoch_seconds": round(best, 4),
        "images_per_second": round(seen / best, 1),
        "final_loss": round(loss, 6),
        "train_acc": round(acc, 6),
    }))


if __name__ == "__main__":
    main()
