"""The divergence guard: a batch loss that is not finite, or over ``EXPLODE_FACTOR`` times the
first, stops training and brings back the last weights whose loss was healthy (not above
``HEALTHY_FACTOR`` times its running average): the loss often climbs for a few steps before it
overflows, and the weights from just before the overflow are already ruined.

The guard keeps the numbers it judges by and the last healthy copy of the weights; the trainer
asks it about every batch loss and puts the weights back (``Trainer._restore_healthy``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .history import ema_step

Array = np.ndarray

EXPLODE_FACTOR = 10.0  # a batch loss over this times the first stops training
HEALTHY_FACTOR = 2.0  # a batch loss above this times the running average is no longer healthy
KEEP_EVERY = 10  # steps between copies of healthy weights (a copy costs about one update)


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: at which step, with which learning rate, and what the loss did."""

    step: int
    lr: float
    loss: float
    reference_loss: float
    message: str
    restored_step: int = 0  # the weights brought back are those after this many steps


class Guard:
    """What "healthy" is measured against, and the weights to come back to."""

    def __init__(self, initial_params: dict[str, Array]):
        self.reference_loss: float | None = None  # the first batch loss since the start (or a recovery)
        self.healthy_average: float | None = None  # the running average of healthy batch losses
        # The last weights known to be healthy: (steps they are after, the weights).
        self.last_healthy: tuple[int, dict[str, Array]] = (0, initial_params)
        self.previous_healthy = True  # whether the weights before the last update gave a healthy loss

    def is_healthy(self, loss: float) -> bool:
        average = self.healthy_average
        return math.isfinite(loss) and (average is None or loss <= HEALTHY_FACTOR * average)

    def blown_up(self, loss: float) -> str | None:
        """What went wrong with this batch loss ("loss became NaN", ...), or None if training goes on."""
        if not math.isfinite(loss):
            return f"loss became {'NaN' if math.isnan(loss) else 'infinite'}"
        if self.reference_loss is not None and loss > EXPLODE_FACTOR * self.reference_loss:
            return f"loss jumped to {loss:.3g}, over {EXPLODE_FACTOR:g}x its start ({self.reference_loss:.3g})"
        return None

    def note(self, loss: float, params: dict[str, Array], steps: int) -> None:
        """Whether ``params`` (the weights before the update after ``steps`` steps) gave a healthy
        ``loss``; every KEEP_EVERY steps, healthy weights are copied as the ones to come back to."""
        if self.reference_loss is None:
            self.reference_loss = loss
        healthy = self.is_healthy(loss)
        if healthy:
            self.healthy_average = ema_step(self.healthy_average, loss)  # the usual 0.9 on its past
            if steps % KEEP_EVERY == 0 and steps > self.last_healthy[0]:
                self.last_healthy = (steps, {k: v.copy() for k, v in params.items()})
        self.previous_healthy = healthy

    def divergence(self, what: str, step: int, lr: float, rate: float, loss: float, restored: int, steps: int):
        """Why training stopped at ``step`` (``what`` the loss did), said for a learner: the
        learning rate (and the rate the schedule made of it), and which weights came back (those
        after ``restored`` steps; the run is at ``steps``)."""
        said = f"learning rate {lr:g}" + (f" (× the schedule: {rate:.2g})" if rate != lr else "")
        message = f"{said} is too high: {what} at step {step:,}. " + (
            "The starting weights were restored."
            if restored == 0
            else f"The weights as they were after step {restored:,}, the last with a healthy loss, were restored"
            + (f" (the step count stays at {steps:,})." if restored != steps else ".")
        )
        return Divergence(step, lr, loss, self.reference_loss or float("nan"), message, restored)
