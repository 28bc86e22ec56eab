"""What the buttons do to the learner's network: steps, an epoch, the fix after a blow-up, a
hint's fix. Each is a callback (it runs before the page is drawn)."""

from __future__ import annotations

from . import state
from .settings import snap_lr


def run_steps(n: int) -> None:
    """Steps by hand; like a video player's frame step, they pause Play."""
    state.stop_playing()
    state.back_to_now()
    state.trainer().step(n)


def run_epoch() -> None:
    state.stop_playing()
    state.back_to_now()
    state.trainer().epoch()


def lowered_rate(lr: float, divisor: float = 10.0) -> float:
    """The rate the divergence box's fix sets: the one that blew up, divided (on the slider's scale)."""
    return snap_lr(lr / divisor)


def recover_from_divergence(divisor: float = 10.0) -> None:
    """The divergence box's fix: the weights are already restored; divide the learning rate that
    blew up (the one the controls show)."""
    current = state.trainer()
    lowered = lowered_rate(current.diverged.lr, divisor) if current.diverged else state.settings().lr
    current.recover()
    state.update_settings(lr=lowered)


def apply_fix(fix) -> None:
    """A hint's one-click fix (``lessons.hints.Fix``): new settings (the learning rate snapped to
    the slider), and a new network when the fix needs one."""
    changes = dict(fix.changes)
    if "lr" in changes:
        changes["lr"] = snap_lr(changes["lr"])
    state.update_settings(**changes)
    if fix.new_network:
        state.new_network()
