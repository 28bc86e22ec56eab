"""Rule-based hints from a trainer's history: what looks wrong, why, and a fix to try.

Each rule reads only ``trainer.history`` and the current settings, so it can be tested on
a made-up history. A fix is a dict of setting changes (``{"lr": 0.03}``) that the app can
apply with one click, or None when the fix needs the learner's judgement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .diagnostics import dead_description
from .train import Trainer

WINDOW = 50
DEAD_LIMIT = 0.3


@dataclass(frozen=True)
class Hint:
    title: str
    reason: str
    fix_label: str | None = None
    fix: dict | None = None


def _lr_rising(losses: np.ndarray, lr: float) -> Hint | None:
    if len(losses) < 2 * WINDOW:
        return None
    recent, before = losses[-WINDOW:], losses[-2 * WINDOW : -WINDOW]
    rising = np.median(recent) > 1.15 * np.median(before)
    jumpy = np.std(recent) > 0.6 * np.mean(recent) and np.mean(recent) > 0.3
    if not (rising or jumpy):
        return None
    what = "has risen over the last 50 steps" if rising else "jumps up and down a lot from batch to batch"
    return Hint(
        "The learning rate looks too high",
        f"The training loss {what} (median {np.median(before):.3f} → {np.median(recent):.3f}): "
        "the steps overshoot the valley instead of walking down into it.",
        f"Lower the learning rate to {lr / 3:.3g}",
        {"lr": lr / 3},
    )


def _lr_too_low(losses: np.ndarray, lr: float) -> Hint | None:
    if len(losses) < 4 * WINDOW:
        return None
    first, last = np.mean(losses[:WINDOW]), np.mean(losses[-WINDOW:])
    if last < 0.97 * first or last < 0.5:
        return None
    return Hint(
        "The learning rate looks too low",
        f"After {len(losses)} recorded steps the loss has barely moved ({first:.3f} → {last:.3f}): "
        "each step changes the weights too little to make progress.",
        f"Raise the learning rate to {lr * 3:.3g}",
        {"lr": lr * 3},
    )


def _dead_units(dead: np.ndarray, lr: float, activation: str, slope: float) -> Hint | None:
    called, because = dead_description(activation, slope)
    if dead.size == 0 or not called:
        return None
    worst = int(np.argmax(dead))
    if dead[worst] < DEAD_LIMIT:
        return None
    return Hint(
        f"{dead[worst]:.0%} of hidden layer {worst + 1}'s units are {called}",
        f"They {because}, so no gradient flows through them and they stop learning. "
        "A high learning rate often kills them; leaky ReLU (a new network) keeps a small slope so they can recover.",
        f"Lower the learning rate to {lr / 3:.3g}",
        {"lr": lr / 3},
    )


def _overfitting(train_acc: np.ndarray, val_acc: np.ndarray, l2: float) -> Hint | None:
    if len(val_acc) < 4:
        return None
    best = int(np.argmax(val_acc))
    if best == len(val_acc) - 1 or val_acc[-1] > val_acc[best] - 0.02 or train_acc[-1] <= train_acc[best]:
        return None
    new_l2 = 1e-4 if l2 == 0 else min(l2 * 10, 1e-2)
    return Hint(
        "The network is starting to memorise the training digits",
        f"Validation accuracy fell from {val_acc[best]:.1%} to {val_acc[-1]:.1%} while training accuracy rose "
        f"to {train_acc[-1]:.1%}: it is learning details of the training set that do not carry over (overfitting).",
        f"Add weight decay: L2 = {new_l2:g}",
        {"l2": new_l2},
    )


def training_hints(trainer: Trainer) -> list[Hint]:
    """The hints that apply now, most urgent first (none while training is stopped by divergence)."""
    if trainer.diverged is not None:
        return []
    steps, evals = trainer.history["steps"], trainer.history["evals"]
    losses = steps.column("loss")
    hints = [
        _lr_rising(losses, trainer.lr),
        _lr_too_low(losses, trainer.lr),
        _dead_units(
            np.asarray(evals.last("dead_fraction", np.empty(0))),
            trainer.lr,
            trainer.model.activation,
            trainer.model.leaky_slope,
        ),
        _overfitting(evals.column("train_accuracy"), evals.column("val_accuracy"), trainer.l2),
    ]
    return [h for h in hints if h is not None]
