"""Rule-based hints from a trainer's history: what looks wrong, why (quoting the numbers the rule
used), and the fixes that can help.

Each rule reads only ``trainer.history`` and the current settings, so it can be tested on a
made-up history. The loss rules look only at the steps taken at the current learning rate: a
blow-up before a recovery says nothing about the rate that replaced it. A ``Fix`` is a set of
setting changes the app applies with one click, on this network (the live settings) or on a new
one (``new_network``: dead units cannot be revived by a lower rate). No two hints offer the same fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nn_core.activations import ACTIVATIONS
from nn_core.augment import STANDARD, for_image
from nn_core.diagnostics import dead_description
from nn_core.train import Trainer

WINDOW = 50
DEAD_LIMIT = 0.3
RISE = 1.15  # the recent median this many times the one before: rising
JUMPY = 0.6  # the recent spread (std / mean) above this, with a mean over JUMPY_FLOOR: oscillating
JUMPY_FLOOR = 0.3
REVIVER = "leaky_relu"  # the activation whose units cannot die


@dataclass(frozen=True)
class Fix:
    label: str
    changes: dict
    new_network: bool = False  # the changes need a new network (the current one is discarded)


@dataclass(frozen=True)
class Hint:
    title: str
    reason: str
    fixes: tuple[Fix, ...] = field(default_factory=tuple)


def losses_at_this_rate(steps, lr: float) -> np.ndarray:
    """The batch losses of the latest run of steps taken at learning rate ``lr``."""
    losses, rates = steps.column("loss"), steps.column("lr")
    if len(losses) == 0:
        return losses
    other = np.flatnonzero(~np.isclose(rates, lr, rtol=1e-9, atol=0))
    return losses[other[-1] + 1 :] if len(other) else losses


def _lr_too_high(losses: np.ndarray, lr: float) -> Hint | None:
    if len(losses) < 2 * WINDOW:
        return None
    recent, before = losses[-WINDOW:], losses[-2 * WINDOW : -WINDOW]
    then, now = float(np.median(before)), float(np.median(recent))
    spread = float(np.std(recent) / np.mean(recent))
    if now > RISE * then:
        what = f"has risen over the last {WINDOW} steps (median {then:.3f} → {now:.3f})"
    elif spread > JUMPY and np.mean(recent) > JUMPY_FLOOR:
        what = (
            f"jumps up and down from batch to batch: over the last {WINDOW} steps its spread is "
            f"{spread:.0%} of its mean ({np.mean(recent):.3f})"
        )
    else:
        return None
    return Hint(
        "The learning rate looks too high",
        f"The training loss {what}: the steps overshoot the valley instead of walking down into it.",
        (Fix(f"Lower the learning rate to {lr / 3:.3g}", {"lr": lr / 3}),),
    )


def _lr_too_low(losses: np.ndarray, lr: float) -> Hint | None:
    if len(losses) < 4 * WINDOW:
        return None
    first, last = float(np.mean(losses[:WINDOW])), float(np.mean(losses[-WINDOW:]))
    if last < 0.97 * first or last < 0.5:
        return None
    return Hint(
        "The learning rate looks too low",
        f"After {len(losses)} steps at this rate the loss has barely moved ({first:.3f} → {last:.3f}): "
        "each step changes the weights too little to make progress.",
        (Fix(f"Raise the learning rate to {lr * 3:.3g}", {"lr": lr * 3}),),
    )


def _dead_units(dead: np.ndarray, lr: float, activation: str, slope: float) -> Hint | None:
    called, because = dead_description(activation, slope)
    if dead.size == 0 or not called:
        return None
    worst = int(np.argmax(dead))
    if dead[worst] < DEAD_LIMIT:
        return None
    fixes = []
    if ACTIVATIONS[activation].switches_off and REVIVER in ACTIVATIONS and REVIVER != activation:
        fixes.append(Fix(f"New network with {ACTIVATIONS[REVIVER].label}", {"activation": REVIVER}, True))
    fixes.append(Fix(f"New network, learning rate {lr / 3:.3g}", {"lr": lr / 3}, True))
    return Hint(
        f"{dead[worst]:.0%} of hidden layer {worst + 1}'s units are {called}",
        f"They {because}, so no gradient flows through them: a lower learning rate will not revive them. "
        "A high learning rate often kills them; start a new network with a gentler rate, or with an "
        "activation that keeps a small slope where it is off.",
        tuple(fixes),
    )


OVERFITTING_DROPOUT = 0.3  # what the overfitting hint offers


def _overfitting(
    train_acc: np.ndarray,
    val_acc: np.ndarray,
    l2: float,
    dropout: float = 0.0,
    augmented: bool = False,
    image_shape: tuple[int, int] = (28, 28),
) -> Hint | None:
    if len(val_acc) < 4:
        return None
    best = int(np.argmax(val_acc))
    if best == len(val_acc) - 1 or val_acc[-1] > val_acc[best] - 0.02 or train_acc[-1] <= train_acc[best]:
        return None
    new_l2 = 1e-4 if l2 == 0 else min(l2 * 10, 1e-2)
    moves = for_image(STANDARD, image_shape)
    return Hint(
        "The network is starting to memorise the training digits",
        f"Validation accuracy fell from {val_acc[best]:.1%} to {val_acc[-1]:.1%} while training accuracy rose "
        f"to {train_acc[-1]:.1%}: it is learning details of the training set that do not carry over (overfitting).",
        tuple(
            fix
            for fix, wanted in (
                (Fix(f"Augment the digits: {moves.describe()}", {"augmentation": moves}), not augmented),
                (Fix(f"Add dropout {OVERFITTING_DROPOUT:g}", {"dropout": OVERFITTING_DROPOUT}), not dropout),
                (Fix(f"Add weight decay: L2 = {new_l2:g}", {"l2": new_l2}), True),
            )
            if wanted
        ),
    )


def _without_repeated_fixes(hints: list[Hint]) -> list[Hint]:
    seen, kept = set(), []
    for hint in hints:
        fixes = []
        for fix in hint.fixes:
            key = (tuple(sorted(fix.changes.items())), fix.new_network)
            if key not in seen:
                seen.add(key)
                fixes.append(fix)
        kept.append(Hint(hint.title, hint.reason, tuple(fixes)))
    return kept


RULES = ("too_high", "too_low", "dead", "overfitting")  # most urgent first


def rule_hints(trainer: Trainer) -> dict[str, Hint | None]:
    """What each rule says now (``RULES``), None where it is silent; every rule is silent while
    training is stopped by divergence."""
    if trainer.diverged is not None:
        return dict.fromkeys(RULES)
    evals = trainer.history["evals"]
    losses = losses_at_this_rate(trainer.history["steps"], trainer.lr)
    model = trainer.model
    return {
        "too_high": _lr_too_high(losses, trainer.lr),
        "too_low": _lr_too_low(losses, trainer.lr),
        "dead": _dead_units(
            np.asarray(evals.last("dead_fraction", np.empty(0))), trainer.lr, model.activation, model.leaky_slope
        ),
        "overfitting": _overfitting(
            evals.column("train_accuracy"),
            evals.column("val_accuracy"),
            trainer.l2,
            trainer.dropout,
            trainer.augmentation.active,
            trainer.dataset.image_shape,
        ),
    }


def training_hints(trainer: Trainer) -> list[Hint]:
    """The hints that apply now, most urgent first (none while training is stopped by divergence)."""
    return _without_repeated_fixes([h for h in rule_hints(trainer).values() if h is not None])
