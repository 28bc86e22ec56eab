"""One epoch of a 784-128-10 ReLU MLP, plain SGD, over 60,000 synthetic MNIST-shaped samples.

nn_core's Trainer against, in the same run: a bare NumPy loop of the same math, PyTorch on
the CPU with two threads, and scikit-learn's MLPClassifier. Prints seconds per epoch and
ratios (below 1: nn_core is faster). Baselines that are not installed are skipped with a
message (``pip install -r requirements-bench.txt``). Then what the trainer's snapshots cost
(see ``snapshot_cost``): an epoch at batch 64 with them and without, from the first step and
late in a run.

    python benchmarks/bench_train.py [--repeats 5] [--batch-sizes 32,128,512] [--snapshots-only]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import math
import statistics
import sys
import time
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from nn_core import MLP  # noqa: E402
from nn_core.data import Dataset  # noqa: E402
from nn_core.snapshots import Snapshots  # noqa: E402
from nn_core.threads import blas_threads_for  # noqa: E402
from nn_core.train import Trainer  # noqa: E402

N, FEATURES, HIDDEN, CLASSES, LR = 60_000, 784, 128, 10, 0.1


def synthetic_dataset(seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.random((N + 1000, FEATURES), dtype=np.float32)
    y = rng.integers(0, CLASSES, N + 1000)
    return Dataset(
        "synthetic", X[:N], y[:N], X[N:], y[N:], X[N:], y[N:], (28, 28), tuple("0123456789"), "random pixels"
    )


def time_nn_core(data: Dataset, batch: int) -> float:
    """An epoch of ``Trainer.step``s: the same work as the other loops, with nn_core's divergence
    guard, loss history and diagnostics on. (``Trainer.epoch()`` then also evaluates 2,000 rows,
    about 4% more, which none of the other loops does.)"""
    model = MLP([FEATURES, HIDDEN, CLASSES], seed=0)
    trainer = Trainer(model, data, lr=LR, batch_size=batch, eval_every=None)
    started = time.perf_counter()
    trainer.step(math.ceil(N / batch))
    return time.perf_counter() - started


def time_bare_numpy(data: Dataset, batch: int, threads: int) -> float:
    """The same math written as one flat loop: the floor nn_core's abstractions are measured against."""
    rng = np.random.default_rng(0)
    W1 = (rng.standard_normal((HIDDEN, FEATURES)) * np.sqrt(2 / FEATURES)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    W2 = (rng.standard_normal((CLASSES, HIDDEN)) * np.sqrt(2 / HIDDEN)).astype(np.float32)
    b2 = np.zeros(CLASSES, np.float32)
    X, y = data.X_train, data.y_train
    lr = np.float32(LR)
    with threadpool_limits(threads, user_api="blas"):
        started = time.perf_counter()
        order = rng.permutation(N)
        for start in range(0, N, batch):
            rows = order[start : start + batch]
            Xb, yb, m = X[rows], y[rows], len(rows)
            Z1 = Xb @ W1.T + b1
            A1 = np.maximum(Z1, 0)
            Z2 = A1 @ W2.T + b2
            E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
            A2 = E / E.sum(axis=1, keepdims=True)
            dZ2 = A2
            dZ2[np.arange(m), yb] -= 1
            dZ2 /= m
            dW2, db2 = dZ2.T @ A1, dZ2.sum(axis=0)
            dZ1 = (dZ2 @ W2) * (Z1 > 0)
            dW1, db1 = dZ1.T @ Xb, dZ1.sum(axis=0)
            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2
        return time.perf_counter() - started


def time_torch(data: Dataset, batch: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    torch.manual_seed(0)
    X, y = torch.from_numpy(np.ascontiguousarray(data.X_train)), torch.from_numpy(data.y_train)
    model = torch.nn.Sequential(torch.nn.Linear(FEATURES, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, CLASSES))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    started = time.perf_counter()
    order = torch.randperm(N)
    for start in range(0, N, batch):
        rows = order[start : start + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[rows]), y[rows])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - started


def time_sklearn(data: Dataset, batch: int) -> float | None:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        solver="sgd",
        batch_size=batch,
        learning_rate_init=LR,
        momentum=0.0,
        random_state=0,
    )
    with threadpool_limits(2, user_api="blas"):
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.partial_fit(data.X_train, data.y_train, classes=np.arange(CLASSES))
        return time.perf_counter() - started


def best_times(repeats: int, contenders: dict, warm: bool = True) -> dict[str, list | None]:
    """Every measured time of each contender, round-robin so that a noisy moment on a shared
    machine hits all of them alike.

    With ``warm``, each measured run directly follows an unmeasured run of the same contender.
    Without it, a contender's time includes what the previous one left behind: PyTorch's epoch
    right after a NumPy one measured 0.38-0.45 s against 0.33-0.35 s right after its own, which
    flatters nn_core by about 15% (a likely cause: OpenBLAS's worker threads keep spinning for
    a moment after their last call and take a core from PyTorch's)."""
    times: dict[str, list] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, (fn, args) in contenders.items():
            if warm:
                fn(*args)
            times[name].append(fn(*args))
    return {name: None if t[0] is None else t for name, t in times.items()}


# -- what snapshots cost -----------------------------------------------------------------------

SNAPSHOT_BATCH = 64
LATE_EPOCHS = 10  # the late epoch starts after this many: step 9,380 at batch 64
SNAPSHOT_TARGET = 1.03  # an epoch with snapshots at most 3% slower than without


@contextlib.contextmanager
def snapshots_off():
    """No snapshot is ever due: the trainer keeps its start only, and no copy is made."""
    with mock.patch.object(Snapshots, "due", lambda self, step, epoch_end=False: False):
        yield


def new_snapshot_trainer(data: Dataset) -> Trainer:
    model = MLP([FEATURES, HIDDEN, CLASSES], seed=0)
    return Trainer(model, data, lr=LR, batch_size=SNAPSHOT_BATCH, eval_every=None)


def time_snapshot_epoch(make_trainer, snapshots: bool) -> float:
    """Seconds for an epoch of steps (938 at batch 64) of the trainer ``make_trainer()`` gives,
    which is built before the clock starts."""
    trainer = make_trainer()
    with contextlib.nullcontext() if snapshots else snapshots_off():
        started = time.perf_counter()
        trainer.step(math.ceil(N / SNAPSHOT_BATCH))
        return time.perf_counter() - started


def time_in_take_snapshot(make_trainer) -> tuple[int, float]:
    """One epoch with the snapshot work timed on its own: (snapshots taken, seconds spent in
    ``take_snapshot``). Less noisy than the difference of two epochs' times."""
    trainer = make_trainer()
    take, spent, taken = trainer.take_snapshot, [0.0], [0]

    def timed_take_snapshot():
        started = time.perf_counter()
        take()
        spent[0] += time.perf_counter() - started
        taken[0] += 1

    trainer.take_snapshot = timed_take_snapshot
    trainer.step(math.ceil(N / SNAPSHOT_BATCH))
    return taken[0], spent[0]


def snapshot_cost(data: Dataset, repeats: int) -> None:
    """An epoch with snapshots (as they are) against the same epoch with none (``Snapshots.due``
    patched to say no), for (a) the first epoch of a new network, where snapshots are offered
    densely (every one of the first 8 steps, then at steps about an eighth apart), and (b) the
    epoch after ``LATE_EPOCHS`` epochs of a run trained once with snapshots on: each measured run
    trains a copy of that trainer (``copy.deepcopy``, its dataset shared), so both sides start
    from the same state, 24 snapshots held and thinned on each new one. Measured in turns, like
    ``best_times`` but alternating which side goes first: each side's best of ``repeats`` and the
    median of the paired ratios; then the time spent in ``take_snapshot`` itself (best of 3
    epochs) as a share of the best epoch without snapshots. No evaluations (``eval_every=None``),
    so the epoch is all steps and the snapshots' share is the largest it can be."""
    late = new_snapshot_trainer(data)
    started = time.perf_counter()
    late.step(LATE_EPOCHS * math.ceil(N / SNAPSHOT_BATCH))
    print(
        f"\nwhat snapshots cost: one epoch ({math.ceil(N / SNAPSHOT_BATCH)} steps) at batch {SNAPSHOT_BATCH}, "
        f"784-128-10, with snapshots and without (Snapshots.due patched); best of {repeats}, in turns; "
        f"target on/off <= {SNAPSHOT_TARGET}"
    )
    print(
        f"(the late run: {late.steps:,} steps trained once in {time.perf_counter() - started:.1f} s, "
        f"{len(late.snapshots)} snapshots held, {late.snapshots.nbytes / 1e6:.1f} MB)"
    )
    cases = {
        "first epoch (from step 0)": lambda: new_snapshot_trainer(data),
        f"late epoch (from step {late.steps:,})": lambda: copy.deepcopy(late, {id(late.dataset): late.dataset}),
    }
    print(f"{'epoch':<30} {'on':>7} {'off':>7} {'on/off':>7} {'median':>7}   taken  in take_snapshot")
    for name, make_trainer in cases.items():
        times = {True: [], False: []}
        for r in range(repeats):
            for snapshots in (True, False) if r % 2 == 0 else (False, True):
                times[snapshots].append(time_snapshot_epoch(make_trainer, snapshots))
        on, off = min(times[True]), min(times[False])
        paired = statistics.median(a / b for a, b in zip(times[True], times[False]))
        direct = [time_in_take_snapshot(make_trainer) for _ in range(3)]
        taken, spent = direct[0][0], min(seconds for _, seconds in direct)
        print(
            f"{name:<30} {on:7.3f} {off:7.3f} {on / off:7.3f} {paired:7.3f}   {taken:5d}  "
            f"{spent * 1e3:.1f} ms ({spent / off:.2%} of the best epoch off)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-sizes", default="32,128,512")
    parser.add_argument(
        "--cold", action="store_true", help="no unmeasured run before each measured one (see best_times)"
    )
    parser.add_argument(
        "--snapshots-only", action="store_true", help="only what snapshots cost (see snapshot_cost), not the table"
    )
    args = parser.parse_args()
    data = synthetic_dataset()
    if args.snapshots_only:
        snapshot_cost(data, args.repeats)
        return
    print(
        f"one epoch, {N:,} samples, 784-128-10 ReLU, SGD lr {LR}; best of {args.repeats}"
        f"{' (cold)' if args.cold else ', each after a warm-up run'}; seconds, ratio = nn_core / other"
    )
    header = (
        f"{'batch':>5} {'nn_core':>8} {'numpy':>8} {'torch':>8} {'sklearn':>8} {'/numpy':>7} {'/torch':>7} "
        f"{'/sklearn':>8}   median ratios /numpy /torch"
    )
    print(header)
    missing = set()
    for batch in (int(b) for b in args.batch_sizes.split(",")):
        runs = best_times(
            args.repeats,
            {
                "nn_core": (time_nn_core, (data, batch)),
                "numpy": (time_bare_numpy, (data, batch, blas_threads_for(batch))),
                "torch": (time_torch, (data, batch)),
            },
            warm=not args.cold,
        )
        ours, bare, torch_time = (None if runs[k] is None else min(runs[k]) for k in ("nn_core", "numpy", "torch"))
        sk = time_sklearn(data, batch)
        cells = [f"{batch:>5}", f"{ours:8.3f}", f"{bare:8.3f}"]
        cells += [f"{t:8.3f}" if t else f"{'-':>8}" for t in (torch_time, sk)]
        cells += [f"{ours / t:7.2f}" if t else f"{'-':>7}" for t in (bare, torch_time)]
        cells += [f"{ours / sk:8.2f}" if sk else f"{'-':>8}"]
        medians = {k: statistics.median(v) for k, v in runs.items() if v is not None}
        cells += [f"{'':>14}"] + [
            f"{medians['nn_core'] / medians[k]:6.2f}" if k in medians else f"{'-':>6}" for k in ("numpy", "torch")
        ]
        print(" ".join(cells))
        missing |= {name for name, t in (("torch==2.13.0", torch_time), ("scikit-learn", sk)) if t is None}
    if missing:
        print(f"skipped (not installed): {', '.join(sorted(missing))}; pip install -r requirements-bench.txt")
    snapshot_cost(data, args.repeats)


if __name__ == "__main__":
    main()
