"""Learning-rate schedules: the rate a step uses is the learning rate times a factor that
depends on how far training is (in epochs, so a change of batch size does not move it).

- ``constant``: the factor is 1.
- ``step``: the factor is multiplied by ``gamma`` every ``every`` epochs.
- ``cosine``: a linear warm-up from 10% to 100% over ``warmup`` epochs, then half a cosine wave
  from 100% down to ``floor`` at ``epochs`` (and ``floor`` after it): large steps while the
  network is far from a minimum, small ones to settle into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .tables import SettingTable

WARMUP_START = 0.1  # the warm-up's first factor: a rate of 0 would not train at all
SCHEDULES = {
    "constant": "constant",
    "step": "step decay",
    "cosine": "cosine, with warm-up",
}


@dataclass(frozen=True)
class Schedule(SettingTable):
    WHAT = "schedule"
    kind: str = "constant"
    every: float = 5.0  # step: epochs between drops
    gamma: float = 0.5  # step: the factor of each drop
    warmup: float = 0.0  # cosine: epochs of warm-up
    epochs: float = 10.0  # cosine: the epoch at which the decay ends
    floor: float = 0.0  # cosine: the last factor

    def __post_init__(self):
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.kind!r}: one of {', '.join(SCHEDULES)}")
        for name in ("every", "gamma", "warmup", "epochs", "floor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"the schedule's {name} must be a number, not {value!r}")
            object.__setattr__(self, name, float(value))
        if self.every <= 0:
            raise ValueError("a step schedule drops every so many epochs, more than 0")
        if not 0 < self.gamma <= 1:
            raise ValueError(f"a step schedule's factor must be above 0 and at most 1, not {self.gamma:g}")
        if self.warmup < 0 or self.epochs <= 0 or self.warmup >= self.epochs and self.kind == "cosine":
            raise ValueError("a cosine schedule's warm-up must be 0 or more and end before its last epoch")
        if not 0 <= self.floor <= 1:
            raise ValueError(f"a cosine schedule's floor must be between 0 and 1, not {self.floor:g}")

    def factor(self, epoch: float) -> float:
        """The learning rate's factor at ``epoch`` (fractional: samples seen / training rows)."""
        if self.kind == "step":
            return self.gamma ** math.floor(epoch / self.every + 1e-9)
        if self.kind == "cosine":
            if epoch < self.warmup:
                return WARMUP_START + (1 - WARMUP_START) * epoch / self.warmup
            progress = min(1.0, (epoch - self.warmup) / (self.epochs - self.warmup))
            return self.floor + (1 - self.floor) * 0.5 * (1 + math.cos(math.pi * progress))
        return 1.0

    @property
    def active(self) -> bool:
        return self.kind != "constant"

    def describe(self) -> str:
        """In words: "cosine over 20 epochs, 1 of warm-up" (or "constant")."""
        if self.kind == "step":
            return f"×{self.gamma:g} every {self.every:g} epochs"
        if self.kind == "cosine":
            warm = f", {self.warmup:g} of warm-up" if self.warmup else ""
            return f"cosine over {self.epochs:g} epochs{warm}"
        return "constant"


CONSTANT = Schedule()
