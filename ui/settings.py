"""How each setting is shown (``DISPLAY``: its label, help, control, choices, format and link
parameter), keyed by the names of ``nn_core.settings.SETTINGS``, which defines what each setting
is (its kind, range, default, and whether the present network can take it). The ``Settings``
object, the links (``ui.persistence``) and the controls (``ui.sidebar``, ``ui.live``) all read
these two tables: adding a setting is one engine entry and one entry here.

Pure Python: the sidebar edits a ``Settings``, ``build_trainer`` turns one into a trainer,
``apply_live`` gives a trainer the settings it can take between two steps, and
``needs_new_network`` says which edits the current network cannot take.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from nn_core import MLP, Dataset
from nn_core.activations import ACTIVATIONS
from nn_core.network import INITS
from nn_core.optim import OPTIMIZERS
from nn_core.settings import SETTINGS, live_settings, network_settings
from nn_core.train import Trainer

LR_CHOICES = tuple(float(f"{m}e{e}") for e in range(-6, 2) for m in (1, 2, 5)) + (100.0,)
FULL_BATCH = 0  # the batch-size choice "all": every training row in one step, like the notebook
BATCH_CHOICES = (1, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, FULL_BATCH)
L2_CHOICES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)

# A server trains many learners' networks, one script thread each, so each matrix product gets one
# BLAS thread. With two (the engine's choice from 64 rows up, best for one process alone on two
# cores), OpenBLAS's second thread kept spinning between Play ticks: one learner playing cost the
# server 60% of a core instead of 15%, and the spinning took the core the browser and other
# learners needed.
SERVER_BLAS_THREADS = 1


def format_number(value: float) -> str:
    return "0" if value == 0 else f"{value:g}"


def snap_lr(value: float) -> float:
    """The learning-rate choice nearest to ``value`` on a log scale."""
    return min(LR_CHOICES, key=lambda c: abs(math.log10(c) - math.log10(max(value, 1e-12))))


def nearest(choices):
    """The function that gives the choice nearest to a value."""
    return lambda value: min(choices, key=lambda c: abs(c - value))


@dataclass(frozen=True)
class Display:
    """How one setting is shown. ``control``: the Streamlit widget that edits it ("select_slider",
    "selectbox", "slider", "number_input", "text_input"), or "" where code of its own draws it (a
    table's parts, the dataset's choices). ``section``: where the sidebar draws it ("training",
    "generalisation", "network", "advanced", "data"); ``live_area``: on the Training page it is
    drawn next to Play instead, and not in the sidebar. ``query``: its link parameter ("" for
    none). ``choices``: a tuple, or a registry whose keys are the choices (its entries' ``label``
    is shown). ``to_text``/``from_text``: the control's own form and the link's (a text box's
    text); ``nearest``: the choice a trainer's value is shown as."""

    label: str
    control: str = ""
    section: str = "advanced"
    help: str = ""
    query: str = ""
    choices: object = None
    format: Callable | None = None
    step: float | None = None
    live_area: bool = False
    to_text: Callable = str
    from_text: Callable | None = None
    nearest: Callable | None = None

    def options(self) -> list:
        return list(self.choices)

    def shown(self, value) -> str:
        if self.format is not None:
            return self.format(value)
        entry = self.choices.get(value) if isinstance(self.choices, dict) else None
        return getattr(entry, "label", str(value))


DISPLAY: dict[str, Display] = {
    "dataset": Display("Dataset", section="data", help="Changing the data needs a new network.", query="data"),
    "hidden": Display(
        "Hidden layers (units)",
        "text_input",
        "network",
        "Comma-separated, e.g. 128 or 256, 64",
        "hidden",
        to_text=lambda sizes: ",".join(map(str, sizes)),
        from_text=lambda text: SETTINGS["hidden"].check(text),
    ),
    "activation": Display("Activation", "selectbox", "network", query="activation", choices=ACTIVATIONS),
    "init": Display("Initialisation", "selectbox", "advanced", query="init", choices=INITS),
    "seed": Display("Seed", "number_input", "advanced", query="seed", step=1, from_text=int),
    "lr": Display(
        "Learning rate",
        "select_slider",
        "training",
        "η: how far each step moves every weight (a log scale: each notch is about ×2).",
        "lr",
        LR_CHOICES,
        format_number,
        live_area=True,
        to_text=lambda v: f"{v:g}",
        from_text=lambda text: snap_lr(float(text)) if LR_CHOICES[0] <= float(text) <= LR_CHOICES[-1] else math.nan,
        nearest=snap_lr,
    ),
    "batch_size": Display(
        "Batch size",
        "select_slider",
        "training",
        "Rows per step; *all* is full-batch gradient descent, as in the notebook.",
        "batch",
        BATCH_CHOICES,
        lambda b: "all" if b == FULL_BATCH else str(b),
        live_area=True,
        to_text=lambda b: "all" if b == FULL_BATCH else str(b),
        from_text=lambda text: FULL_BATCH if text == "all" else int(text),
    ),
    "optimizer": Display("Optimizer", "selectbox", "training", query="optimizer", choices=OPTIMIZERS),
    "momentum": Display(
        "Momentum",
        "slider",
        "advanced",
        "Adam keeps its own moving averages; this applies to SGD.",
        "momentum",
        step=0.01,
        to_text=lambda v: f"{v:g}",
        from_text=float,
    ),
    "l2": Display(
        "L2 (weight decay)",
        "select_slider",
        "advanced",
        query="l2",
        choices=L2_CHOICES,
        format=format_number,
        to_text=lambda v: f"{v:g}",
        from_text=float,
        nearest=nearest(L2_CHOICES),
    ),
    "dropout": Display(
        "Dropout",
        "slider",
        "generalisation",
        "The share of each hidden layer's units switched off at random in each training step (never at "
        "evaluation); the others are scaled up to make up for them",
        step=0.05,
    ),
    "schedule": Display("Learning-rate schedule", section="generalisation"),
    "augmentation": Display("Augmentation", section="generalisation"),
}


class Settings:
    """Every setting's value (``nn_core.settings`` names, their defaults where not given), as one
    immutable, comparable value (TensorFlow Playground's ``state.ts``): ``settings.lr`` reads one,
    ``update`` makes a changed copy. A batch size of ``FULL_BATCH`` means every training row."""

    __slots__ = ("_values",)

    def __init__(self, **values):
        unknown = set(values) - set(SETTINGS)
        if unknown:
            raise TypeError(f"unknown settings {', '.join(sorted(unknown))}")
        merged = {name: spec.default for name, spec in SETTINGS.items()} | values
        for name, spec in SETTINGS.items():
            if spec.kind == "table":
                merged[name] = spec.table.from_dict(merged[name])
            elif spec.kind == "layers":
                merged[name] = tuple(merged[name])
        object.__setattr__(self, "_values", merged)

    def __getattr__(self, name: str):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        if name in SETTINGS:  # a setting added after this object was made: its default
            return SETTINGS[name].default
        raise AttributeError(name)

    def __setattr__(self, name, value):
        raise AttributeError("settings are immutable: use update()")

    def __eq__(self, other) -> bool:
        return isinstance(other, Settings) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def __reduce__(self):  # pickle and deepcopy: made again from its values
        return (_settings_from, (self._values,))

    def update(self, **changes) -> Settings:
        return Settings(**(self._values | changes))

    def as_dict(self) -> dict:
        """Plain values (a table as its parts), for JSON."""
        return {k: v.to_dict() if hasattr(v, "to_dict") else v for k, v in self._values.items()}


def _settings_from(values: dict) -> Settings:
    return Settings(**values)


def build_trainer(settings: Settings, dataset: Dataset, model: MLP | None = None) -> Trainer:
    """A trainer for these settings on this dataset, around ``model`` (a loaded network) or a fresh one."""
    if model is None:
        model = MLP(
            [dataset.n_features, *settings.hidden, dataset.n_classes], settings.activation, settings.init, settings.seed
        )
    trainer = Trainer(model, dataset, seed=settings.seed, blas_threads=SERVER_BLAS_THREADS)
    apply_live(trainer, settings)
    return trainer


def rows_per_batch(batch_size: int, dataset: Dataset) -> int:
    """The batch-size setting in rows: FULL_BATCH means all the training rows."""
    return len(dataset.y_train) if batch_size == FULL_BATCH else batch_size


def apply_live(trainer: Trainer, settings: Settings) -> None:
    """Give the trainer every live setting that differs from its own: the one place a setting
    reaches a trainer. Nothing is reset, except that an optimizer switch starts its state
    (velocity, moments) afresh."""
    for name in live_settings():
        value = getattr(settings, name)
        if name == "batch_size":
            value = rows_per_batch(value, trainer.dataset)
        if trainer.setting(name) != value:
            trainer.set_setting(name, value)


def trainer_settings(trainer: Trainer, dataset_source: str) -> dict:
    """The settings a trainer was built with, in ``Settings`` terms (for comparing)."""
    model = trainer.model
    return {
        "dataset": dataset_source,
        "hidden": tuple(model.layer_sizes[1:-1]),
        "activation": model.activation,
        "init": model.init,
        "seed": model.seed,
    }


def settings_of(trainer: Trainer, settings: Settings) -> Settings:
    """``settings`` with the architecture and the live settings of ``trainer`` (a loaded run), each
    shown as the nearest choice its control offers."""
    values = trainer_settings(trainer, settings.dataset)
    for name in live_settings():
        value, display = trainer.setting(name), DISPLAY[name]
        if name == "batch_size":
            rows = len(trainer.dataset.y_train)
            near = nearest([b for b in BATCH_CHOICES if b != FULL_BATCH])
            value = FULL_BATCH if value >= rows else near(value)
        elif display.nearest is not None:
            value = display.nearest(value)
        values[name] = value
    return settings.update(**values)


def needs_new_network(settings: Settings, built_with: dict) -> list[str]:
    """Readable changes ("hidden layers 128 → 256") that only a new network can take."""
    changes = []
    for name, spec in network_settings().items():
        want, have = getattr(settings, name), built_with.get(name)
        if want != have:
            show = lambda v: ", ".join(map(str, v)) if isinstance(v, tuple) else str(v)  # noqa: E731
            changes.append(f"{spec.what.removeprefix('the ')} {show(have)} → {show(want)}")
    return changes


def parse_query(name: str, text: str):
    """Setting ``name`` from its link text; ValueError when it is unknown or out of range."""
    display, spec = DISPLAY[name], SETTINGS[name]
    value = display.from_text(text) if display.from_text is not None else text
    if display.choices is not None and value not in display.choices:
        raise ValueError(f"{spec.what} {text!r} is not one of the choices")
    if name == "batch_size" and value == FULL_BATCH:
        return value
    return spec.check(value)


def link_parameters() -> dict[str, str]:
    """Link parameter -> setting, for every setting a link can carry."""
    return {display.query: name for name, display in DISPLAY.items() if display.query}
