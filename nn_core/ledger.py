"""A session's ledger of runs: the last few trainers, with a name each, what sets them apart,
and one row of figures per run for a table.

A run leaves the present when a new network, a replay or a continuation replaces it; in the
ledger it keeps its settings, history and final weights (``Trainer.retire`` drops its snapshots
but the start), so its curves can be overlaid on the present's and it can be brought back.
"""

from __future__ import annotations

import io as bytes_io
import itertools
import json
import math
from dataclasses import dataclass

import numpy as np

from .augment import NONE, Augmentation
from .io import ModelFileError, _read_arrays, load_run, run_to_bytes
from .network import INITS
from .optim import OPTIMIZERS
from .schedules import CONSTANT, Schedule
from .train import Trainer

MOST_RUNS = 8


@dataclass
class LedgerRun:
    trainer: Trainer
    number: int  # 1, 2, ... in the order runs began: a run's colour follows it
    name: str
    origin: str = ""  # "replay of run 2", "run 2 continued from step 120"
    source: str = ""  # the dataset source it was trained on (for bringing it back)


def settings_used(trainer: Trainer) -> dict[str, list]:
    """Each live setting's values in the order the run's updates used them (one value if it never
    changed; a change made after the last update is not one of them, unless nothing trained yet)."""
    entries: dict[str, list[tuple[int, object]]] = {}
    for step, name, value in trainer.settings_log:
        entries.setdefault(name, []).append((step, value))
    used = {}
    for name, changes in entries.items():
        values = [
            value
            for i, (step, value) in enumerate(changes)
            if step < trainer.steps and (i + 1 == len(changes) or changes[i + 1][0] > step)
        ] or [changes[-1][1]]
        used[name] = [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    return used


def run_settings(trainer: Trainer) -> dict[str, object]:
    """What defines a run: the architecture, and each live setting as its updates used it (a tuple
    of values, in order, when it changed during the run)."""
    model = trainer.model
    settings = {
        "hidden": ",".join(map(str, model.layer_sizes[1:-1])),
        "activation": model.activation,
        "init": model.init,
        "seed": model.seed,
    }
    for name, values in settings_used(trainer).items():
        settings[name] = values[0] if len(values) == 1 else tuple(values)
    optimizers = settings.get("optimizer")
    if not any(OPTIMIZERS[o].takes_momentum for o in (optimizers if isinstance(optimizers, tuple) else (optimizers,))):
        settings.pop("momentum", None)
    return settings


def _shown(name: str, value) -> str:
    if isinstance(value, tuple):  # changed during the run: "lr 0.1→0.05"
        parts = [_shown(name, v) for v in value]
        prefix = (
            parts[0].rsplit(" ", 1)[0] + " "
            if " " in parts[0] and name not in ("optimizer", "init", "schedule", "augmentation")
            else ""
        )
        return prefix + "→".join(p[len(prefix) :] for p in parts)
    return _shown_one(name, value)


def _shown_one(name: str, value) -> str:
    if name == "schedule":
        return f"schedule {Schedule.from_dict(value).describe()}"
    if name == "augmentation":
        return f"augmentation {Augmentation.from_dict(value).describe()}"
    if name == "dropout":
        return f"dropout {value:g}"
    if name == "optimizer":
        return OPTIMIZERS[value].label
    if name == "init":
        return f"{INITS[value].short} init"
    if name == "activation":
        return str(value)
    if name == "batch_size":
        return f"batch {value}"
    if name == "l2":
        return f"L2 {value:g}"
    if isinstance(value, float):
        return f"{name} {value:g}"
    return f"{name} {value}"


def _is_default(name: str, value) -> bool:
    """Settings a short description leaves out when they do nothing (no momentum, L2, dropout,
    schedule or augmentation)."""
    if name in ("momentum", "l2", "dropout"):
        return value == 0
    if name == "schedule":
        return value == CONSTANT.to_text()
    if name == "augmentation":
        return value == NONE.to_text()
    return False


def describe(trainer: Trainer) -> str:
    """All of a run's settings, shortly: "hidden 128, relu, He init, seed 0, lr 0.1, batch 64, SGD"
    (momentum and L2 only when they are not 0)."""
    shown = [(n, v) for n, v in run_settings(trainer).items() if not _is_default(n, v)]
    return ", ".join(_shown(name, value) for name, value in shown)


class Ledger:
    """The runs of one session, oldest first; at most MOST_RUNS (the oldest past one goes)."""

    def __init__(self):
        self.runs: list[LedgerRun] = []
        self._numbers = itertools.count(1)
        self.version = 0  # moves whenever a run is added, renamed or removed

    def find(self, serial: int) -> LedgerRun | None:
        return next((run for run in self.runs if run.trainer.serial == serial), None)

    def record(self, trainer: Trainer, origin: str = "", source: str = "", keep: int | None = None) -> LedgerRun:
        """The entry of ``trainer``, added if it is new; the oldest entries beyond MOST_RUNS go,
        never the one with serial ``keep`` (the present run)."""
        found = self.find(trainer.serial)
        if found is not None:
            return found
        number = next(self._numbers)
        entry = LedgerRun(trainer, number, f"run {number}", origin, source)
        self.runs.append(entry)
        while len(self.runs) > MOST_RUNS:
            oldest = next(run for run in self.runs if run.trainer.serial not in (keep, trainer.serial))
            self.runs.remove(oldest)
        self.version += 1
        return entry

    def rename(self, serial: int, name: str) -> None:
        entry = self.find(serial)
        name = " ".join(str(name).split())[:40]
        if entry is not None and name:
            entry.name = name
            self.version += 1

    def remove(self, serial: int) -> None:
        entry = self.find(serial)
        if entry is not None:
            self.runs.remove(entry)
            self.version += 1

    def legend_labels(self, serials: list[int]) -> dict[int, str]:
        """A legend label per run: only the settings that differ among these runs ("lr 0.01",
        "lr 0.1, momentum 0.9"), or the run's name when nothing does."""
        entries = [self.find(s) for s in serials]
        entries = [e for e in entries if e is not None]
        settings = {e.trainer.serial: run_settings(e.trainer) for e in entries}
        names = [n for n in dict.fromkeys(n for s in settings.values() for n in s)]
        differing = [n for n in names if len({repr(s.get(n)) for s in settings.values()}) > 1]
        labels = {}
        for e in entries:
            own = settings[e.trainer.serial]
            shown = ", ".join(_shown(n, own[n]) for n in differing if n in own)
            labels[e.trainer.serial] = shown or e.name
        if len(set(labels.values())) < len(labels):  # same settings: tell them apart by name
            labels = {serial: f"{self.find(serial).name}: {label}" for serial, label in labels.items()}
        return labels

    def rows(self) -> list[dict]:
        """One row per run for a table: name, settings, steps, best validation accuracy and its
        step, time trained, and where it came from."""
        table = []
        for e in self.runs:
            t = e.trainer
            evals = t.history["evals"]
            accuracy, steps = evals.column("val_accuracy"), evals.column("step")
            best = int(np.nanargmax(accuracy)) if len(accuracy) and not np.isnan(accuracy).all() else None
            table.append(
                {
                    "serial": t.serial,
                    "number": e.number,
                    "name": e.name,
                    "settings": describe(t),
                    "steps": t.steps,
                    "best_val_accuracy": math.nan if best is None else float(accuracy[best]),
                    "best_at_step": None if best is None else int(steps[best]),
                    "seconds_trained": t.seconds_trained,
                    "origin": e.origin,
                }
            )
        return table


# -- saving and loading ------------------------------------------------------------------------------


def ledger_to_bytes(ledger: Ledger, present_serial: int) -> bytes:
    """The ledger as ``.npz`` bytes: each past run as a whole-run file (without its snapshots),
    and for the present run only its place (it is saved on its own)."""
    meta, arrays = [], {}
    for i, e in enumerate(ledger.runs):
        present = e.trainer.serial == present_serial
        meta.append({"number": e.number, "name": e.name, "origin": e.origin, "source": e.source, "present": present})
        if not present:
            arrays[f"run{i}"] = np.frombuffer(run_to_bytes(e.trainer, {"dataset": e.source}, snapshots=False), np.uint8)
    buffer = bytes_io.BytesIO()
    np.savez(buffer, __ledger__=np.array(json.dumps(meta)), **arrays)
    return buffer.getvalue()


def ledger_from_bytes(data: bytes, present: Trainer, dataset_for) -> Ledger:
    """The ledger ``ledger_to_bytes`` wrote, the ``present`` run in its place; ``dataset_for(source)``
    gives each run's dataset. A run that cannot be read is left out; a file that is not a ledger
    raises ``ModelFileError``."""
    arrays = _read_arrays(data)
    try:
        meta = json.loads(str(arrays["__ledger__"][()]))
        assert isinstance(meta, list) and len(meta) <= MOST_RUNS
    except (KeyError, ValueError, TypeError, AssertionError):
        raise ModelFileError("this is not a ledger of runs") from None
    ledger = Ledger()
    for i, info in enumerate(meta):
        if not isinstance(info, dict):
            continue
        number = info.get("number")
        if not isinstance(number, int) or number < 1:
            continue
        source = str(info.get("source", ""))
        if info.get("present"):
            trainer = present
        else:
            try:
                trainer = load_run(arrays[f"run{i}"].tobytes(), dataset_for(source), lambda step: None)
            except (KeyError, ValueError, OSError):
                continue
            trainer.notes.clear()
            trainer.retire()
        entry = LedgerRun(
            trainer, number, str(info.get("name", f"run {number}"))[:40], str(info.get("origin", "")), source
        )
        ledger.runs.append(entry)
    if all(e.trainer is not present for e in ledger.runs):
        ledger.record(present)
    ledger._numbers = itertools.count(max(e.number for e in ledger.runs) + 1)
    return ledger
