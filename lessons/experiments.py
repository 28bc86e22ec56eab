"""Small experiments the lessons run on fresh networks: the same batch through each
initialisation, a short training race between them, and two linear layers collapsing into one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nn_core.augment import STANDARD, Augmentation
from nn_core.dataset import Dataset
from nn_core.diagnostics import flat_region
from nn_core.network import INITS, MLP
from nn_core.train import Trainer

Array = np.ndarray


@dataclass(frozen=True)
class InitSpread:
    """How one initialisation scales the signal: per hidden layer, the spread of Z and A."""

    init: str
    z_std: Array  # (hidden layers,)
    a_std: Array
    flat_fraction: Array  # share of pre-activations in the flat region (dead or saturated)


def init_spreads(
    layer_sizes, activation: str, X: Array, seed: int = 0, inits: tuple[str, ...] | None = None
) -> list[InitSpread]:
    """The same batch ``X`` through fresh networks, one per initialisation (every registered one by default)."""
    spreads = []
    for init in inits or tuple(INITS):
        model = MLP(layer_sizes, activation, init, seed)
        cache = model.forward(X)
        hidden = range(1, model.n_layers)
        flat = [flat_region(cache[f"Z{l}"], activation, model.leaky_slope) for l in hidden]
        spreads.append(
            InitSpread(
                init,
                np.array([float(cache[f"Z{l}"].std()) for l in hidden]),
                np.array([float(cache[f"A{l}"].std()) for l in hidden]),
                np.array([region.fraction if region else 0.0 for region in flat]),
            )
        )
    return spreads


def init_race(
    dataset,
    hidden: tuple[int, ...],
    activation: str,
    steps: int = 200,
    lr: float = 0.1,
    batch_size: int = 64,
    seed: int = 0,
    inits: tuple[str, ...] | None = None,
) -> dict[str, dict]:
    """Train one fresh network per initialisation for ``steps`` SGD steps on the same batches.

    Returns per init ``{"steps", "loss", "val_accuracy", "stopped"}``: the per-step training loss,
    the validation accuracy at the end, and the divergence message if the run blew up.
    """
    results = {}
    for init in inits or tuple(INITS):
        model = MLP([dataset.n_features, *hidden, dataset.n_classes], activation, init, seed)
        trainer = Trainer(
            model, dataset, lr=lr, batch_size=batch_size, seed=seed, eval_every=None, diag_every=10**9, blas_threads=1
        )
        trainer.step(steps)
        trace = trainer.history["steps"]
        X_val, y_val = dataset.split("val")
        results[init] = {
            "steps": trace.column("step"),
            "loss": trace.column("loss"),
            "val_accuracy": float((model.predict(X_val) == y_val).mean()),
            "stopped": trainer.diverged.message if trainer.diverged else None,
        }
    return results


@dataclass(frozen=True)
class LinearCollapse:
    """Two linear layers and the single layer equal to them: ``W = W2 W1``, ``b = W2 b1 + b2``."""

    W1: Array
    b1: Array
    W2: Array
    b2: Array
    W: Array
    b: Array
    X: Array  # test points, (n, inputs)
    stacked: Array  # (X W1^T + b1) W2^T + b2
    single: Array  # X W^T + b
    with_relu: Array  # relu(X W1^T + b1) W2^T + b2: no single layer equals this

    @property
    def max_difference(self) -> float:
        return float(np.abs(self.stacked - self.single).max())


def linear_collapse(
    inputs: int = 2, hidden: int = 3, outputs: int = 2, points: int = 5, seed: int = 0
) -> LinearCollapse:
    rng = np.random.default_rng(seed)
    W1, b1 = rng.integers(-3, 4, (hidden, inputs)).astype(float), rng.integers(-2, 3, hidden).astype(float)
    W2, b2 = rng.integers(-3, 4, (outputs, hidden)).astype(float), rng.integers(-2, 3, outputs).astype(float)
    X = rng.integers(-2, 3, (points, inputs)).astype(float)
    W, b = W2 @ W1, W2 @ b1 + b2
    hidden_sums = X @ W1.T + b1
    return LinearCollapse(
        W1, b1, W2, b2, W, b, X, hidden_sums @ W2.T + b2, X @ W.T + b, np.maximum(hidden_sums, 0) @ W2.T + b2
    )


# -- memorising, and augmentation against it ------------------------------------------------------

OVERFIT_ROWS, OVERFIT_HIDDEN, OVERFIT_EPOCHS = 500, 1024, 20


@dataclass(frozen=True)
class AccuracyCurves:
    """Training and validation accuracy at the end of each epoch."""

    epochs: np.ndarray
    train: np.ndarray  # on the (unaugmented) training digits
    val: np.ndarray

    @property
    def gap(self) -> float:
        """Training minus validation accuracy at the end: what was memorised rather than learned."""
        return float(self.train[-1] - self.val[-1])


@dataclass(frozen=True)
class OverfitDemo:
    rows: int
    hidden: int
    runs: dict  # name -> AccuracyCurves: "without augmentation", "with augmentation"


def few_digits(data: Dataset, rows: int) -> Dataset:
    """``data`` with only ``rows`` training digits, the same number of each class (the first ones)."""
    per_class = max(1, rows // data.n_classes)
    keep = np.sort(np.concatenate([np.flatnonzero(data.y_train == c)[:per_class] for c in range(data.n_classes)]))
    return replace(data, X_train=data.X_train[keep], y_train=data.y_train[keep])


def overfit_demo(
    data: Dataset,
    rows: int = OVERFIT_ROWS,
    hidden: int = OVERFIT_HIDDEN,
    epochs: int = OVERFIT_EPOCHS,
    augmentation: Augmentation = STANDARD,
    seed: int = 0,
) -> OverfitDemo:
    """A wide network trained on few digits, without and with ``augmentation``, the same start and
    the same batches: how far its training accuracy runs ahead of its validation accuracy."""
    small = few_digits(data, rows)
    runs = {}
    for name, aug in (("without augmentation", Augmentation()), ("with augmentation", augmentation)):
        model = MLP([data.n_features, hidden, data.n_classes], seed=seed)
        trainer = Trainer(
            model, small, lr=0.001, batch_size=32, optimizer="adam", seed=seed, augmentation=aug, eval_every=None
        )
        for _ in range(epochs):
            trainer.epoch()
        evals = trainer.history["evals"]
        runs[name] = AccuracyCurves(
            np.asarray(evals.column("epoch")),
            np.asarray(evals.column("train_accuracy")),
            np.asarray(evals.column("val_accuracy")),
        )
    return OverfitDemo(len(small.y_train), hidden, runs)
