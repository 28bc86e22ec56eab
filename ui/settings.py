"""Every user setting in one serializable object (TensorFlow Playground's ``state.ts``), and the
one function that hands a change of them to a trainer.

Pure Python: the sidebar edits a ``Settings``, ``build_trainer`` turns one into a trainer,
``apply_live`` gives a trainer the settings it can take between two steps, and
``needs_new_network`` says which edits the current network cannot take. The choices offered for
activations, initialisations and optimizers are nn_core's registries, read when drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from nn_core import MLP, Dataset
from nn_core.activations import DEFAULT_ACTIVATION
from nn_core.augment import NONE, Augmentation
from nn_core.data import DEFAULT_DATASET
from nn_core.network import DEFAULT_INIT
from nn_core.optim import DEFAULT_OPTIMIZER
from nn_core.schedules import CONSTANT, Schedule
from nn_core.train import Trainer

LR_CHOICES = tuple(float(f"{m}e{e}") for e in range(-6, 2) for m in (1, 2, 5)) + (100.0,)
FULL_BATCH = 0  # the batch-size choice "all": every training row in one step, like the notebook
BATCH_CHOICES = (1, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, FULL_BATCH)
L2_CHOICES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)
DROPOUT_MOST = 0.9  # the dropout slider's top

# A server trains many learners' networks, one script thread each, so each matrix product gets one
# BLAS thread. With two (the engine's choice from 64 rows up, best for one process alone on two
# cores), OpenBLAS's second thread kept spinning between Play ticks: one learner playing cost the
# server 60% of a core instead of 15%, and the spinning took the core the browser and other
# learners needed.
SERVER_BLAS_THREADS = 1

# The settings the current network takes on its next step, and the trainer attribute of each;
# the rest (NEEDS_NEW_NETWORK) need a new network.
LIVE = {
    "lr": "lr",
    "momentum": "momentum",
    "batch_size": "batch_size",
    "l2": "l2",
    "optimizer": "optimizer_name",
    "dropout": "dropout",
    "schedule": "schedule",
    "augmentation": "augmentation",
}
NEEDS_NEW_NETWORK = {
    "dataset": "dataset",
    "hidden": "hidden layers",
    "activation": "activation",
    "init": "initialisation",
    "seed": "seed",
}


@dataclass(frozen=True)
class Settings:
    dataset: str = DEFAULT_DATASET
    hidden: tuple[int, ...] = (128,)
    activation: str = DEFAULT_ACTIVATION
    init: str = DEFAULT_INIT
    optimizer: str = DEFAULT_OPTIMIZER
    lr: float = 0.1
    momentum: float = 0.0
    batch_size: int = 64
    l2: float = 0.0
    seed: int = 0
    dropout: float = 0.0
    schedule: Schedule = CONSTANT
    augmentation: Augmentation = NONE

    def update(self, **changes) -> Settings:
        if "hidden" in changes:
            changes["hidden"] = tuple(changes["hidden"])
        if "schedule" in changes:
            changes["schedule"] = Schedule.from_dict(changes["schedule"])
        if "augmentation" in changes:
            changes["augmentation"] = Augmentation.from_dict(changes["augmentation"])
        return replace(self, **changes)


def snap_lr(value: float) -> float:
    """The learning-rate choice nearest to ``value`` on a log scale."""
    return min(LR_CHOICES, key=lambda c: abs(math.log10(c) - math.log10(max(value, 1e-12))))


def build_trainer(settings: Settings, dataset: Dataset, model: MLP | None = None) -> Trainer:
    """A trainer for these settings on this dataset, around ``model`` (a loaded network) or a fresh one."""
    if model is None:
        model = MLP(
            [dataset.n_features, *settings.hidden, dataset.n_classes], settings.activation, settings.init, settings.seed
        )
    trainer = Trainer(model, dataset, seed=settings.seed, blas_threads=SERVER_BLAS_THREADS)
    apply_live(trainer, settings)
    return trainer


def rows_per_batch(batch_size: int, dataset: Dataset) -> int:
    """The batch-size setting in rows: FULL_BATCH means all the training rows."""
    return len(dataset.y_train) if batch_size == FULL_BATCH else batch_size


def apply_live(trainer: Trainer, settings: Settings) -> None:
    """Give the trainer every live setting (LIVE) that differs from its own: the one place a
    setting reaches a trainer. Nothing is reset, except that an optimizer switch starts its state
    (velocity, moments) afresh."""
    for name, attribute in LIVE.items():
        value = getattr(settings, name)
        if name == "batch_size":
            value = rows_per_batch(value, trainer.dataset)
        if getattr(trainer, attribute) != value:
            setattr(trainer, attribute, value)


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


def settings_of(trainer: Trainer, settings: Settings) -> Settings:
    """``settings`` with the architecture and the live settings of ``trainer`` (a loaded run), each
    snapped to the nearest choice the controls offer."""
    config = trainer.model.config()
    rows = len(trainer.dataset.y_train)
    batch = (
        FULL_BATCH
        if trainer.batch_size >= rows
        else min((b for b in BATCH_CHOICES if b != FULL_BATCH), key=lambda b: abs(b - trainer.batch_size))
    )
    return settings.update(
        hidden=tuple(config["layer_sizes"][1:-1]),
        activation=config["activation"],
        init=config["init"],
        seed=config["seed"],
        lr=snap_lr(trainer.lr),
        batch_size=batch,
        optimizer=trainer.optimizer_name,
        momentum=min(trainer.momentum, 0.99),
        l2=min(L2_CHOICES, key=lambda c: abs(c - trainer.l2)),
        dropout=trainer.dropout,
        schedule=trainer.schedule,
        augmentation=trainer.augmentation,
    )


def needs_new_network(settings: Settings, built_with: dict) -> list[str]:
    """Readable changes ("hidden layers 128 → 256") that only a new network can take."""
    changes = []
    for name, label in NEEDS_NEW_NETWORK.items():
        want, have = getattr(settings, name), built_with.get(name)
        if want != have:
            show = (lambda v: ", ".join(map(str, v))) if name == "hidden" else str
            changes.append(f"{label} {show(have)} → {show(want)}")
    return changes
