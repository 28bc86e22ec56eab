"""Every user setting in one serializable object (TensorFlow Playground's ``state.ts``).

Pure Python: the sidebar edits a ``Settings``, ``build_trainer`` turns one into a trainer,
and ``needs_new_network`` says which edits the current network cannot take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from nn_core import MLP, Dataset
from nn_core.train import Trainer

LR_CHOICES = tuple(float(f"{m}e{e}") for e in range(-6, 2) for m in (1, 2, 5)) + (100.0,)
FULL_BATCH = 0  # the batch-size choice "all": every training row in one step, like the seed notebook
BATCH_CHOICES = (1, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, FULL_BATCH)
L2_CHOICES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)
ACTIVATION_CHOICES = ("relu", "leaky_relu", "sigmoid", "tanh", "identity")
INIT_CHOICES = ("he", "xavier", "uniform", "seed")
OPTIMIZER_CHOICES = ("sgd", "momentum", "adam")

# Inside the server, two BLAS threads fight the server and the browser for 2 cores; one is
# steadier (benchmarks/bench_app.py measures both).
APP_BLAS_THREADS = 1

# settings the current network can take on its next step; the rest need a new network
LIVE = ("lr", "momentum", "batch_size", "l2", "optimizer")
LABELS = {
    "dataset": "dataset",
    "hidden": "hidden layers",
    "activation": "activation",
    "init": "initialisation",
    "seed": "seed",
}


@dataclass(frozen=True)
class Settings:
    dataset: str = "mnist-5k"
    hidden: tuple[int, ...] = (128,)
    activation: str = "relu"
    init: str = "he"
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    batch_size: int = 64
    l2: float = 0.0
    seed: int = 0

    def update(self, **changes) -> Settings:
        if "hidden" in changes:
            changes["hidden"] = tuple(changes["hidden"])
        return replace(self, **changes)


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer sizes from "128" or "256, 64"; raises ValueError with a reason."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError("give at least one hidden layer, e.g. 128 or 256, 64")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers are whole numbers separated by commas, not {text!r}") from None
    if any(s < 1 or s > 2048 for s in sizes) or len(sizes) > 5:
        raise ValueError("use 1 to 5 hidden layers of 1 to 2,048 units each")
    return sizes


def snap_lr(value: float) -> float:
    """The learning-rate choice nearest to ``value`` on a log scale."""
    return min(LR_CHOICES, key=lambda c: abs(math.log10(c) - math.log10(max(value, 1e-12))))


# A server trains many learners' networks, one script thread each, so each matrix product gets one
# BLAS thread. With two (the engine's choice from 64 rows up, best for one process alone on two
# cores), OpenBLAS's second thread kept spinning between Play ticks: one learner playing cost the
# server 60% of a core instead of 15%, and the spinning took the core the browser and other
# learners needed.
SERVER_BLAS_THREADS = 1


def build_trainer(settings: Settings, dataset: Dataset, model: MLP | None = None) -> Trainer:
    """A trainer for these settings on this dataset, around ``model`` (a loaded network) or a fresh one."""
    if model is None:
        model = MLP(
            [dataset.n_features, *settings.hidden, dataset.n_classes], settings.activation, settings.init, settings.seed
        )
    return Trainer(
        model,
        dataset,
        lr=settings.lr,
        batch_size=rows_per_batch(settings.batch_size, dataset),
        optimizer=settings.optimizer,
        momentum=settings.momentum,
        l2=settings.l2,
        seed=settings.seed,
        blas_threads=SERVER_BLAS_THREADS,
    )


def rows_per_batch(batch_size: int, dataset: Dataset) -> int:
    """The batch-size setting in rows: FULL_BATCH means all the training rows."""
    return len(dataset.y_train) if batch_size == FULL_BATCH else batch_size


def trainer_settings(trainer: Trainer, dataset_source: str) -> dict:
    """The settings a trainer was built with, in ``Settings`` terms (for comparing)."""
    model = trainer.model
    return {
        "dataset": dataset_source,
        "hidden": tuple(model.layer_sizes[1:-1]),
        "activation": model.activation,
        "init": model.init,
        "seed": model.seed,
    }


def needs_new_network(settings: Settings, built_with: dict) -> list[str]:
    """Readable changes ("hidden layers 128 → 256") that only a new network can take."""
    changes = []
    for name, label in LABELS.items():
        want, have = getattr(settings, name), built_with.get(name)
        if want != have:
            show = (lambda v: ", ".join(map(str, v))) if name == "hidden" else str
            changes.append(f"{label} {show(have)} → {show(want)}")
    return changes


def apply_live(trainer: Trainer, settings: Settings) -> None:
    """Copy the live settings into the trainer; nothing is reset (an optimizer switch starts its state afresh)."""
    trainer.lr = settings.lr
    trainer.momentum = settings.momentum
    trainer.batch_size = rows_per_batch(settings.batch_size, trainer.dataset)
    trainer.l2 = settings.l2
    if trainer.optimizer_name != settings.optimizer:
        trainer.optimizer_name = settings.optimizer
