"""What a run's held moments show together: the probe digits' probabilities over training.

The probes are a few fixed validation digits (by default the first of each class); at every
held snapshot, and now, each one's probability of its own class is read from the network as it
was then. Computed from the snapshots when asked, so swapping a probe redraws its whole past.
"""

from __future__ import annotations

import numpy as np

from nn_core.train import Trainer

Array = np.ndarray


def default_probes(y: Array, classes: int) -> list[int]:
    """The first row of each class in ``y`` (a class with no row is left out)."""
    y = np.asarray(y)
    return [int(np.flatnonzero(y == c)[0]) for c in range(classes) if np.any(y == c)]


def probe_curves(trainer: Trainer, rows: list[int], split: str = "val") -> tuple[Array, Array]:
    """``(steps, probabilities)``: the held steps and now, shape (moments,), and each probe's
    probability of its true class at each, shape (moments, probes)."""
    X, y = trainer.dataset.split(split)
    rows = np.asarray(rows, dtype=np.int64)
    X_probes, y_probes = X[rows], y[rows]
    steps = [s for s in trainer.snapshot_steps() if s < trainer.steps] + [trainer.steps]
    probabilities = np.empty((len(steps), len(rows)))
    for i, step in enumerate(steps):
        model = trainer.model if step == trainer.steps else trainer.model_at(step)
        probabilities[i] = model.predict_proba(X_probes)[np.arange(len(rows)), y_probes]
    return np.array(steps), probabilities
