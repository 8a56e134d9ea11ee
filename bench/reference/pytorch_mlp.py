"""Reference implementation of Runlab's default job in PyTorch, for `npm run bench`.

The same math as the engine: MLP 784-50-10 with ReLU, softmax cross-entropy, plain SGD
(lr 0.5), batch 64, host-side batches, one thread. Reads the training set the benchmark
wrote (float32 pixels, int32 labels) and prints one JSON line with samples/s.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--x", required=True, help="float32 little-endian, n*784")
    p.add_argument("--y", required=True, help="int32 little-endian, n")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--hidden", type=int, default=50)
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    a = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    y = torch.from_numpy(np.fromfile(a.y, dtype="<i4").astype(np.int64))
    x = torch.from_numpy(np.fromfile(a.x, dtype="<f4")).reshape(len(y), 784)
    if a.model == "mlp":
        model = nn.Sequential(nn.Linear(784, a.hidden), nn.ReLU(), nn.Linear(a.hidden, 10))
    else:
        x = x.reshape(len(y), 1, 28, 28)
        model = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
        )
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    n, bs = len(y), a.batch_size

    def epoch() -> float:
        perm = torch.randperm(n)
        xs, ys = x[perm], y[perm]  # one gather per epoch, then contiguous batches
        loss = torch.tensor(0.0)
        for i in range(0, n, bs):
            loss = loss_fn(model(xs[i:i + bs]), ys[i:i + bs])
            loss.backward()
            opt.step()
            opt.zero_grad()
        return float(loss)

    epoch()  # warm-up, not timed
    last = 0.0
    per_epoch = []
    for _ in range(a.epochs):
        began = time.perf_counter()
        last = epoch()
        per_epoch.append(time.perf_counter() - began)
    seconds = sum(per_epoch)
    print(json.dumps({
        "samples_per_second": n * a.epochs / seconds,
        "epoch_samples_per_second": [n / s for s in per_epoch],
        "seconds": seconds,
        "last_loss": last,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
