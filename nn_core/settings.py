"""Every setting of a network and its training, defined once: its name, kind, range or choices,
default, and whether the present network can take it between two steps (``live``) or only a new
network can (the architecture, the data, the seed).

The trainer's setters check a value with ``SETTINGS[name].check``, the run files with
``accepts``, and the app's controls and links read their ranges from here (``ui.settings`` holds
only how each is shown). Adding a setting is one entry here and one display entry there; a live
one then reaches the trainer, its settings log, replays and run files with no other edit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .activations import ACTIVATIONS, DEFAULT_ACTIVATION
from .augment import NONE, Augmentation
from .data import DEFAULT_DATASET
from .network import DEFAULT_INIT, INITS, parse_hidden
from .optim import DEFAULT_OPTIMIZER, OPTIMIZERS
from .schedules import CONSTANT, Schedule

KINDS = ("number", "whole", "choice", "layers", "text", "table")


@dataclass(frozen=True)
class Setting:
    """One setting. ``kind``: "number" (a float in [low, high], above ``low`` when ``low_open``),
    "whole" (an int in [low, high]), "choice" (a key of ``choices``, a registry read when checked),
    "layers" (hidden layer sizes), "text" (a non-empty string), "table" (a ``SettingTable`` class,
    ``table``, whose value is one instance)."""

    name: str
    what: str  # in messages: "the learning rate"
    kind: str
    default: object
    live: bool  # the present network takes it on its next step; otherwise it needs a new network
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: Mapping | None = None
    table: type | None = None
    attribute: str = ""  # the Trainer's attribute, when it is not ``name``

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of setting {self.kind!r}")

    @property
    def trainer_attribute(self) -> str:
        return self.attribute or self.name

    def range_text(self) -> str:
        low = f"above {self.low:g}" if self.low_open else f"at least {self.low:g}"
        return low if self.high is None else f"{low} and at most {self.high:g}"

    def check(self, value):
        """``value`` in this setting's own form; ValueError saying what it may be, otherwise."""
        if self.kind == "table":
            return self.table.from_dict(value)
        if self.kind == "layers":
            return parse_hidden(value) if isinstance(value, str) else parse_hidden(",".join(map(str, value)))
        if self.kind in ("choice", "text"):
            if not isinstance(value, str) or not value or (self.kind == "choice" and value not in self.choices):
                one_of = f": one of {', '.join(self.choices)}" if self.kind == "choice" else ""
                raise ValueError(f"{self.what} {value!r} is not known{one_of}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{self.what} must be a number, not {value!r}") from None
        low_ok = self.low is None or (value > self.low if self.low_open else value >= self.low)
        if not math.isfinite(value) or not low_ok or (self.high is not None and value > self.high):
            raise ValueError(f"{self.what} must be {self.range_text()}, not {value:g}")
        if self.kind == "whole" and value != int(value):
            raise ValueError(f"{self.what} must be a whole number, {self.range_text()}, not {value:g}")
        return int(value) if self.kind == "whole" else float(value)

    def accepts(self, value) -> bool:
        """Whether ``check`` takes ``value`` as it is (a run file's values are never converted)."""
        if self.kind in ("number", "whole") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return False
        if self.kind == "whole" and not isinstance(value, int):
            return False
        try:
            self.check(value)
        except ValueError:
            return False
        return True


SETTINGS: dict[str, Setting] = {
    setting.name: setting
    for setting in (
        Setting("dataset", "the dataset", "text", DEFAULT_DATASET, live=False),
        Setting("hidden", "the hidden layers", "layers", (128,), live=False),
        Setting("activation", "the activation", "choice", DEFAULT_ACTIVATION, live=False, choices=ACTIVATIONS),
        Setting("init", "the initialisation", "choice", DEFAULT_INIT, live=False, choices=INITS),
        Setting("seed", "the seed", "whole", 0, live=False, low=0, high=2**31 - 1),
        Setting("lr", "the learning rate", "number", 0.1, live=True, low=0, low_open=True),
        Setting("batch_size", "the batch size", "whole", 64, live=True, low=1),
        Setting("momentum", "momentum", "number", 0.0, live=True, low=0, high=0.99),
        Setting("l2", "L2", "number", 0.0, live=True, low=0),
        Setting(
            "optimizer",
            "the optimizer",
            "choice",
            DEFAULT_OPTIMIZER,
            live=True,
            choices=OPTIMIZERS,
            attribute="optimizer_name",
        ),
        Setting("dropout", "the dropout rate", "number", 0.0, live=True, low=0, high=0.9),
        Setting("schedule", "the schedule", "table", CONSTANT, live=True, table=Schedule),
        Setting("augmentation", "augmentation", "table", NONE, live=True, table=Augmentation),
    )
}


def live_settings() -> dict[str, Setting]:
    """The settings the present network takes between two steps (what a replay can change), in order."""
    return {name: s for name, s in SETTINGS.items() if s.live}


def network_settings() -> dict[str, Setting]:
    """The settings only a new network can take."""
    return {name: s for name, s in SETTINGS.items() if not s.live}


def logged(value):
    """A live setting's value as the settings log keeps it: plain values as they are, a schedule
    or an augmentation as its JSON text."""
    return value.to_text() if isinstance(value, (Schedule, Augmentation)) else value
