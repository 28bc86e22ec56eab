"""Snapshots: the network's parameters at moments spread over a run, in bounded memory.

A run of any length keeps at most ``capacity`` snapshots (step 0 included), chosen so that the
moments are spread evenly on a warped time axis, ``log(1 + step / WARP_STEPS)``: nearly every
step at the start, where the network changes fastest, and sparser later. Snapshots are offered
at steps spaced geometrically (every step up to 8, then about one step in eight more each time)
and at every epoch's end; when one more than ``capacity`` is held, the one whose removal leaves
the smallest gap on the warped axis goes (never the first or the newest), so the moments held
always reach from step 0 to the latest, evenly.

Memory: ``capacity`` is the number of snapshots of this network's size that fit in
``SNAPSHOT_BYTES`` (16 MB), between FEWEST and MOST (24): for a 784-128-10 network in float32
(407 kB a snapshot) that is 24 snapshots, 9.8 MB, whatever the run's length. Offers are
logarithmic in the run's length (about 70 for 10,000 steps), so copying costs next to nothing.

Each snapshot also keeps where the batches were (the position in the epoch's order and the random
state that drew that order), so a run continued from it sees the batches the original saw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray

SNAPSHOT_BYTES = 16 * 2**20
MOST = 24
FEWEST = 3
WARP_STEPS = 20.0  # below this many steps the warped axis is nearly linear, above it logarithmic
DENSE_UNTIL = 8  # every step up to here is offered
GROWTH = 8  # after that, a step is offered once it is last / GROWTH steps past the last offer


def warp(step: float) -> float:
    """The time axis snapshots are spread evenly on."""
    return math.log1p(step / WARP_STEPS)


def capacity_for(params: dict[str, Array], budget: int = SNAPSHOT_BYTES) -> int:
    """How many snapshots of these parameters the budget holds (between FEWEST and MOST)."""
    size = sum(p.nbytes for p in params.values())
    return int(min(MOST, max(FEWEST, budget // max(size, 1))))


@dataclass(frozen=True)
class Snapshot:
    """The parameters after ``step`` updates (read-only arrays), and where training was."""

    step: int
    params: dict[str, Array]
    samples_seen: int = 0
    epochs_done: int = 0
    position: int = 0  # rows of the current epoch's order already used
    order_state: dict = field(default_factory=dict)  # the random state that drew that order
    epoch_end: bool = False

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.params.values())

    def is_finite(self) -> bool:
        return all(np.isfinite(p).all() for p in self.params.values())


def frozen_copy(params: dict[str, Array]) -> dict[str, Array]:
    """Copies of ``params`` that nothing can write to."""
    copies = {}
    for name, value in params.items():
        copy = np.array(value, copy=True)
        copy.flags.writeable = False
        copies[name] = copy
    return copies


class Snapshots:
    """The snapshots of one run, oldest first; see the module docstring for which are kept."""

    def __init__(self, capacity: int):
        if capacity < 2:
            raise ValueError("keeping snapshots needs room for at least 2")
        self.capacity = int(capacity)
        self.held: list[Snapshot] = []
        self._last_offer = 0

    def __len__(self) -> int:
        return len(self.held)

    def steps(self) -> list[int]:
        return [s.step for s in self.held]

    @property
    def nbytes(self) -> int:
        """Bytes held (the start's arrays included, though the trainer keeps them anyway)."""
        return sum(s.nbytes for s in self.held)

    def due(self, step: int, epoch_end: bool = False) -> bool:
        """Whether a snapshot after ``step`` updates should be offered."""
        last = self._last_offer
        return step > last and (epoch_end or step <= DENSE_UNTIL or step - last >= max(1, last // GROWTH))

    def add(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` (it replaces one held for the same step), thinning if over capacity."""
        self.held = [s for s in self.held if s.step < snapshot.step]
        self.held.append(snapshot)
        self._last_offer = max(self._last_offer, snapshot.step)
        while len(self.held) > self.capacity:
            self._thin_once()

    def _thin_once(self) -> None:
        w = [warp(s.step) for s in self.held]
        # the interior snapshot whose two neighbours are closest: removing it evens the spacing most
        drop = min(range(1, len(w) - 1), key=lambda i: (w[i + 1] - w[i - 1], -i))
        del self.held[drop]

    def at(self, step: int) -> Snapshot:
        """The snapshot of the nearest held step at or before ``step`` (the first if none is)."""
        chosen = self.held[0]
        for snapshot in self.held:
            if snapshot.step > step:
                break
            chosen = snapshot
        return chosen

    def drop_nonfinite(self) -> None:
        """Forget snapshots holding NaN or infinite weights (from the steps of a blow-up)."""
        self.held = [s for i, s in enumerate(self.held) if i == 0 or s.is_finite()]
