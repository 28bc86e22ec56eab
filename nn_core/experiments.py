"""Small experiments the lessons run on fresh networks: the same batch through each
initialisation, a short training race between them, and two linear layers collapsing into one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .diagnostics import flat_region
from .network import INITS, MLP
from .train import Trainer

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
