"""The learning-rate range test (Smith 2017, "Cyclical learning rates for training neural
networks", section 3.3): train a copy of the network for one batch at each of a range of
learning rates growing exponentially, and read a good rate off the loss curve.

At tiny rates the loss barely moves; past some rate it starts to fall, faster and faster; past
another it becomes ragged and blows up. The suggestion is where it falls fastest. The learner's
own trainer is only read: its weights, optimizer state, random state, history and counters are
bit for bit what they were (the test trains a copy of its network with a trainer of its own).

The smoothed curve is fast.ai's: an exponential moving average of the batch losses, divided by
``1 - smoothing**(i + 1)`` so the first points are not dragged towards 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .history import debiased, ema_step
from .train import Trainer

Array = np.ndarray

START, STOP, STEPS = 1e-5, 10.0, 100  # the rates tried by default: 100 batches from 0.00001 to 10
SMOOTHING = 0.98  # fast.ai's weight of the moving average on its past
SKIP_FRACTION = 0.1  # the first points, where the smoothed curve rests on a few batches, are not read
BLOW_UP_FACTOR = 4.0  # the smoothed loss this many times its lowest: the test stops
MARGIN_BELOW_LOWEST = 2.0  # the suggestion is at most the rate of the smoothed minimum divided by this


@dataclass(frozen=True, eq=False)
class LRFinderResult:
    """One range test: per batch tried, its learning rate, its loss and the smoothed loss (each
    shape (n,), read-only), the suggested rate and, in words, why it and why the test stopped."""

    lrs: Array
    losses: Array
    smoothed: Array
    suggested_lr: float
    reason: str
    stopped_because: str
    at_step: int = 0  # the learner's step count when the test ran


def lr_schedule(start: float, stop: float, steps: int) -> Array:
    """``steps`` rates from ``start`` to ``stop``, each the one before times the same factor:
    ``start * (stop / start) ** (i / (steps - 1))``, shape (steps,)."""
    if not (0 < start < stop and math.isfinite(stop)):
        raise ValueError(f"the range test needs 0 < start < stop, not start {start:g} and stop {stop:g}")
    if int(steps) != steps or steps < 2:
        raise ValueError(f"the range test needs at least 2 steps, not {steps}")
    return start * (stop / start) ** (np.arange(steps) / (steps - 1))


def suggest_learning_rate(
    lrs: Array, losses: Array, smoothed: Array, blew_up_at: float | None = None
) -> tuple[float, str]:
    """``(rate, reason)``: the rate where the smoothed loss falls fastest against log10(lr),
    at most half the rate where it is lowest.

    - The first 10% of the points are not read: there the bias-corrected average rests on a
      handful of batches, so its slope is one batch's noise, and its minimum can be one lucky batch
      (for a trained network, whose loss hardly falls, the very first point was the lowest).
    - Nor is anything past the minimum: there the loss is rising or bouncing after a spike, and a
      fall there is no use.
    - The loss counts as falling only when the smoothed curve drops (from where it is first read to
      its minimum) by more than the typical change from one batch's loss to the next: by 2-12 times
      that for a fresh network here, by under half of it for one trained an epoch, whose batch
      losses only wobble until the rate is too high. Then the lowest point is one lucky wobble, and
      the suggestion is a tenth of the rate where the loss blew up instead (Smith's upper bound,
      made safe); the wobble's lowest point was 1.5e-5, a rate that learns nothing.
    - Why the steepest fall and not fast.ai's "minimum / 10": the moving average lags the batch
      losses by tens of batches, so its steepest fall comes where the batch losses are near their
      lowest, the fastest rate that still learns. On the bundled digits (784-128-10, batch 64, plain
      SGD) it lands near 0.2-0.5, and one epoch there reaches 86-90% validation accuracy for seeds
      0, 1 and 2; a tenth of the minimum (0.07-0.12) is made for long one-cycle schedules and is
      too timid for a first epoch (83% for seed 0).
    - Why the cap at half the minimum: when the loss falls steeply right up to a sudden blow-up,
      the steepest point sits next to the minimum, on the edge; half of it keeps a margin (seed 9
      here: 0.71, next to a minimum at 0.81, became 0.41, and one epoch's accuracy went from 85% to 87%).
    """
    lrs, losses, smoothed = (np.asarray(a, dtype=np.float64) for a in (lrs, losses, smoothed))
    if len(lrs) < 3:
        return float(lrs[0]), (
            f"the loss blew up almost at once; lr {lrs[0]:.2g}, the lowest rate tried, is the only safe one "
            "seen, so start the test lower"
        )
    first = int(len(lrs) * SKIP_FRACTION)
    lowest = first + int(np.argmin(smoothed[first:]))
    low_lr = float(lrs[lowest])
    cap = max(low_lr / MARGIN_BELOW_LOWEST, float(lrs[0]))
    slope = np.gradient(smoothed, np.log10(lrs))[first : lowest + 1]
    wobble = float(np.median(np.abs(np.diff(losses))))
    if smoothed[first] - smoothed[lowest] <= wobble or slope.min() >= 0:
        edge = float(lrs[-1]) if blew_up_at is None else blew_up_at
        tenth = max(edge / 10, float(lrs[0]))
        where = f"it blows up near lr {edge:.2g}" if blew_up_at is not None else f"it holds up to lr {edge:.2g}"
        return tenth, (
            f"the smoothed loss does not fall at any rate tried (a network that has learned most of what it "
            f"can looks like this) and {where}; a tenth of that, lr {tenth:.2g}, goes on learning safely"
        )
    steepest = float(lrs[first + int(np.argmin(slope))])
    blown = blew_up_at is not None
    if steepest <= cap:
        return steepest, (
            f"the loss falls fastest near lr {steepest:.2g} (steepest slope of the smoothed curve), "
            f"below where it is lowest (lr {low_lr:.2g})"
            + (
                f" and well before it blows up near lr {blew_up_at:.2g}"
                if blown
                else f"; it did not blow up by lr {lrs[-1]:.2g}"
            )
        )
    return cap, (
        f"the smoothed loss falls fastest near lr {steepest:.2g}, close to where it is lowest "
        f"(lr {low_lr:.2g}); half of that, lr {cap:.2g}, keeps a margin"
        + (f" from the blow-up near lr {blew_up_at:.2g}" if blown else "")
    )


def find_learning_rate(
    trainer: Trainer,
    start: float = START,
    stop: float = STOP,
    steps: int = STEPS,
    smoothing: float = SMOOTHING,
    seed: int | None = None,
) -> LRFinderResult:
    """Run the range test on a copy of ``trainer``'s network: one batch at each rate of
    ``lr_schedule(start, stop, steps)``, with the trainer's optimizer (its state starting afresh),
    momentum, batch size, L2 and loss, and batches drawn with ``seed`` (the trainer's own seed if
    None). Stops early when the smoothed loss passes ``BLOW_UP_FACTOR`` times its lowest or the
    copy's divergence guard stops it. About 60 ms on the bundled digits at batch 64 (one BLAS thread)."""
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be at least 0 and below 1, not {smoothing}")
    schedule = lr_schedule(start, stop, steps)
    copy = Trainer(
        trainer.model.copy(),
        trainer.dataset,
        lr=start,
        batch_size=trainer.batch_size,
        optimizer=trainer.optimizer_name,
        momentum=trainer.momentum,
        l2=trainer.l2,
        seed=trainer.seed if seed is None else seed,
        loss=trainer.loss_name,
        eval_every=None,
        blas_threads=trainer.blas_threads,
    )
    losses, smoothed = [], []
    average, best = 0.0, math.inf  # begun at 0 (not at the first loss): fast.ai's, then debiased
    stopped_because = f"it reached the last rate, lr {schedule[-1]:.2g}"
    blew_up_at = None
    for i, lr in enumerate(schedule):
        copy.lr = lr
        copy.step(1)
        if copy.diverged is not None:
            d = copy.diverged
            blew_up_at = float(lr)
            stopped_because = (
                f"the loss blew up at lr {lr:.2g}: a batch loss of {d.loss:.3g}, "
                f"{d.loss / d.reference_loss:.0f} times the first batch's ({d.reference_loss:.3g})"
                if math.isfinite(d.loss)
                else f"the loss blew up at lr {lr:.2g}: it became {'NaN' if math.isnan(d.loss) else 'infinite'}"
            )
            break
        average = ema_step(average, copy.last_loss, smoothing)
        losses.append(copy.last_loss)
        smoothed.append(debiased(average, smoothing, i + 1))
        best = min(best, smoothed[-1])
        if smoothed[-1] > BLOW_UP_FACTOR * best:
            blew_up_at = float(lr)
            stopped_because = (
                f"the smoothed loss passed {BLOW_UP_FACTOR:g}x its lowest at lr {lr:.2g} "
                f"({smoothed[-1]:.3g} against {best:.3g})"
            )
            break
    lrs = schedule[: len(losses)].copy()
    losses_array, smoothed_array = np.array(losses, dtype=np.float64), np.array(smoothed, dtype=np.float64)
    for array in (lrs, losses_array, smoothed_array):
        array.flags.writeable = False
    if not len(lrs):
        suggested, reason = float(start), f"the loss blew up at the first rate, lr {start:.2g}; start the test lower"
    else:
        suggested, reason = suggest_learning_rate(lrs, losses_array, smoothed_array, blew_up_at)
    return LRFinderResult(lrs, losses_array, smoothed_array, suggested, reason, stopped_because, trainer.steps)
