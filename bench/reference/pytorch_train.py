"""Reference implementation of Runlab's training jobs in PyTorch, for `npm run bench`.

The same math as the engine: an MLP (784-hidden...-10, ReLU) or the CNN (two 3x3 stride-2
convolutions with ReLU, `--filters`, then a dense layer), softmax cross-entropy, plain SGD,
host-side batches. Reads the training set the benchmark wrote (float32 pixels, int32
labels) and prints one JSON line.

Timed the way Runlab's measurements are: `--warmup-epochs` untimed epochs first, then each
epoch's training pass from the end of its first step to the end of its last (the first
step only marks the start), so both sides exclude the same warm-up and the same edges.
Each step gathers its own shuffled batch, as Runlab's DataLoader does, so both sides time
the same data work.
`--threads 1` is one thread (the launcher also sets OMP/OPENBLAS/MKL_NUM_THREADS=1);
`--threads 0` leaves PyTorch its default, every core.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from torch import nn


def build(model: str, hidden: list[int], filters: list[int]) -> nn.Module:
    if model == "mlp":
        layers: list[nn.Module] = []
        width = 784
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        return nn.Sequential(*layers, nn.Linear(width, 10))
    f1, f2 = filters
    return nn.Sequential(
        nn.Conv2d(1, f1, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(f1, f2, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(f2 * 7 * 7, 10),
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--x", required=True, help="float32 little-endian, n*784")
    p.add_argument("--y", required=True, help="int32 little-endian, n")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--epochs", type=int, default=3, help="timed epochs")
    p.add_argument("--warmup-epochs", type=int, default=3)
    p.add_argument("--hidden", default="50", help="comma-separated hidden sizes (mlp)")
    p.add_argument("--filters", default="8,16", help="the two convolutions' filters (cnn)")
    p.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    p.add_argument("--threads", type=int, default=1, help="0: PyTorch's default (every core)")
    a = p.parse_args()

    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    y = torch.from_numpy(np.fromfile(a.y, dtype="<i4").astype(np.int64))
    x = torch.from_numpy(np.fromfile(a.x, dtype="<f4")).reshape(len(y), 784)
    if a.model == "cnn":
        x = x.reshape(len(y), 1, 28, 28)
    model = build(a.model, [int(h) for h in a.hidden.split(",")], [int(f) for f in a.filters.split(",")])
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    n, bs = len(y), a.batch_size

    def epoch() -> tuple[float, float]:
        """One epoch; returns (samples/s from the first step's end to the last's, last loss)."""
        perm = torch.randperm(n)
        loss = torch.tensor(0.0)
        first_end = 0.0
        for i in range(0, n, bs):
            # Each batch gathered in its step, as Runlab's DataLoader does: gathering the whole
            # epoch before the first step left 2-14 ms of data work per epoch out of the timed
            # window (10-50 % of the small MLP's epoch), and per batch it costs the same.
            idx = perm[i:i + bs]
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            opt.zero_grad()
            if i == 0:
                first_end = time.perf_counter()
        timed = n - min(bs, n)
        seconds = time.perf_counter() - first_end
        return (timed / seconds if seconds > 0 and timed > 0 else float("nan")), float(loss)

    warmup = [epoch()[0] for _ in range(a.warmup_epochs)]
    timed: list[float] = []
    last = 0.0
    for _ in range(a.epochs):
        sps, last = epoch()
        timed.append(sps)
    print(json.dumps({
        # Pooled over the timed epochs (each the same number of samples): their harmonic mean.
        "samples_per_second": len(timed) / sum(1 / s for s in timed),
        "epoch_samples_per_second": timed,
        "warmup_epoch_samples_per_second": warmup,
        "median_epoch_samples_per_second": statistics.median(timed),
        "best_epoch_samples_per_second": max(timed),
        "last_loss": last,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
