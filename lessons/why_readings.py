"""What the why-answers share (``lessons.why`` gathers them): the ``Answer`` each question gives,
the thresholds they judge by, and the readings of a trainer's history and the wording that
several of them use. The underscored helpers are for the ``lessons.why_*`` modules alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nn_core.history import SMOOTHING, ema
from nn_core.train import Trainer

from . import hints
from .hints import Fix, Hint

RECENT = hints.WINDOW  # the batch losses read as "recent"
STUCK_EVALUATIONS = 5  # the evaluations read to call the accuracy stuck: all within a point of each
STUCK_RANGE = 0.01  # other, or within what chance moves an accuracy on the validation split
NEAR_CHANCE = 0.1  # an accuracy within this of chance (1 / classes) has not started learning
JUMP_WINDOW = 50  # a jump: the smoothed loss over its lowest of this many rows before...
JUMP_SHARE = 0.3  # ...by over this share of that lowest value, and over JUMP_FLOOR
JUMP_FLOOR = 0.05
ONE_BATCH = 0.5  # one batch's loss made this share of a jump's rise: a spike, not a climb
HEALTHY_UPDATE_RATIO = 1e-3  # ||delta W|| / ||W|| per step that usually trains well (CS231n's rule of thumb)
NOISY = 0.5  # the batch losses stray from the smoothed curve by over this share of its level: a band
BIGGER_BATCH = 64  # the batch offered against a noisy loss: this, or 4 times the batch...
LARGEST_BATCH_OFFERED = 1024  # ...up to this, powers of 2 only (the batch-size control's choices)
LAG = 0.05  # a class this far below the mean of the others lags
LEARNING_LOSS = 0.02  # the smoothed loss fell by this share over the recent span: still learning...
LEARNING_ACCURACY = 0.005  # ...or validation accuracy rose by this
SETTING_NAMES = {"lr": "learning rate", "batch_size": "batch size", "l2": "L2", "momentum": "momentum"}

NOISY_QUESTION = "Why is the loss curve so noisy?"
JUMP_QUESTION = "Why did the loss jump?"


@dataclass(frozen=True)
class Answer:
    summary: str
    details: list[str] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)  # every number the text quotes, by name
    fixes: tuple[Fix, ...] = ()
    found: bool = False  # it found what the question asks about (a jump, blank tiles, a stuck accuracy)


# -- readings of the history that several answers share -------------------------------------------


def smoothed_losses(losses, weight: float = SMOOTHING) -> np.ndarray:
    """The loss chart's smoothed curve: an exponential moving average, bias-corrected so the first
    points are not dragged to 0, float64 (rows,)."""
    return ema(losses, weight)


rule_hints = hints.rule_hints  # what each hint rule says now: the answers quote them


def _said(hint: Hint) -> str:
    return f"**{hint.title}.** {hint.reason}"


def _fixes(*groups) -> tuple[Fix, ...]:
    """The fixes of hints (None: none) and of lists of fixes, in order, each change offered once."""
    seen, kept = set(), []
    for group in groups:
        for fix in group.fixes if isinstance(group, Hint) else group or ():
            key = (tuple(sorted(fix.changes.items())), fix.new_network)
            if key not in seen:
                seen.add(key)
                kept.append(fix)
    return tuple(kept)


def _loss(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}" if abs(value) < 10 else f"{value:.3g}"


def _steps(first: int, last: int) -> str:
    return f"step {last:,}" if first == last else f"steps {first:,}–{last:,}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _trained_evaluations(trainer: Trainer) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The evaluations after step 0: (their row indices, every column by name)."""
    evals = trainer.history["evals"]
    steps = evals.column("step")
    rows = np.flatnonzero(steps > 0) if len(steps) else np.empty(0, dtype=int)
    return rows, {name: evals.column(name) for name in evals.columns}


def _stopped(trainer: Trainer) -> str:
    d = trainer.diverged
    return f"training stopped at step {d.step:,}: the loss blew up at learning rate {d.lr:g}"


def _stop_fixes(trainer: Trainer) -> tuple[Fix, ...]:
    """After a blow-up: a new network at a tenth of the rate (the divergence box beside carries on
    from the restored weights instead)."""
    lower = trainer.diverged.lr / 10
    return (Fix(f"New network, learning rate {lower:.3g}", {"lr": lower}, True),)


def _untrained(what: str) -> Answer:
    return Answer(f"Nothing to explain yet: the network has not trained (step 0), so {what}.", numbers={"step": 0.0})
