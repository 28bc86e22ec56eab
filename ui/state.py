"""The session core, and the one module that touches ``st.session_state``: the learner's settings,
their trainer (built, replaced, stepped), the Play flag, one-shot notices, and plain keyed values
that other ui modules (selections, the live Training view) keep through the accessors at the end.

Each learner has their own trainer (in session state, never cached: a cached trainer would be
shared by everyone). Settings reach the trainer only through ``settings.apply_live``.
"""

from __future__ import annotations

import uuid
from collections import namedtuple

import streamlit as st

from nn_core.data import DEFAULT_DATASET, default_source
from nn_core.ledger import Ledger
from nn_core.train import Trainer

from . import shared
from .settings import Settings, apply_live, build_trainer, needs_new_network, trainer_settings
from .text import plain

KEY_SETTINGS = "settings"
KEY_TRAINER = "trainer"
KEY_BUILT_WITH = "trainer_built_with"
KEY_PLAYING = "_play"  # the Play/Pause control's own widget key: "play" or "pause"
KEY_STOP_PLAYING = "_stop_play"  # a pause asked for after the control was drawn, applied before the next draw
KEY_SPEED = "steps_per_tick"
KEY_NOTICE = "notice"
KEY_SESSION = "_session_key"
KEY_FIGURES = "_figure_cache"
KEY_UNDO = "_undo"  # Replaced: what Undo brings back
KEY_LEDGER = "ledger"
KEY_MOMENT = "_moment"  # (serial, step): the past moment every page shows; absent: now
KEY_MOMENT_SHOWN = "_moment_shown"  # (serial, step, Moment): the last one built
KEY_PLAYING_PAST = "_playing_past"


def init() -> None:
    """Create the session's settings on first use (from ``$NN_DIGITS_DATA`` for the dataset)."""
    if KEY_SETTINGS not in st.session_state:
        st.session_state[KEY_SETTINGS] = Settings(dataset=default_source())
    st.session_state.setdefault(KEY_SPEED, 5)  # also for a session whose settings came from a saved run


def settings() -> Settings:
    init()
    return st.session_state[KEY_SETTINGS]


def replace_settings(new: Settings) -> None:
    """All the settings at once (a loaded run's), without touching the trainer."""
    st.session_state[KEY_SETTINGS] = new


def update_settings(**changes) -> None:
    """Change settings; the live ones (``nn_core.settings.live_settings()``) reach the trainer at
    once, the others wait for ``new_network``. Controls showing them follow at their next draw
    (``ui.controls``): no widget is written here."""
    new = settings().update(**changes)
    st.session_state[KEY_SETTINGS] = new
    if KEY_TRAINER in st.session_state:
        apply_live(st.session_state[KEY_TRAINER], new)


# -- the network -----------------------------------------------------------------------------------


def trainer() -> Trainer:
    """The session's trainer, built from the settings on first use."""
    if KEY_TRAINER not in st.session_state:
        new_network()
    return st.session_state[KEY_TRAINER]


def dataset():
    return trainer().dataset


def _load_or_fall_back(source: str):
    try:
        return shared.shared_dataset(source), source
    except (ValueError, OSError) as error:
        notice(
            f"Could not load {plain(shared.source_label(source))}: {plain(error)}. "
            "Using the bundled 5,000 digits instead.",
            "error",
        )
        st.session_state[KEY_SETTINGS] = settings().update(dataset=DEFAULT_DATASET)
        return shared.shared_dataset(DEFAULT_DATASET), DEFAULT_DATASET


# What Undo brings back: the trained network a new one replaced, its settings and ``trainer_settings``;
# what made the new one (``origin``, "" for a new network), whether it came in ``trained`` (taught: it
# stays in the runs after an Undo), and its serial and revision (``new``: the offer lasts while it is untouched).
Replaced = namedtuple("Replaced", "trainer settings built_with origin trained new")


def install(built: Trainer, source: str, origin: str = "", trained: bool = False) -> None:
    """Make ``built`` the session's network; a trained one it replaces is kept for ``undo`` and
    stays in the ledger of runs (``trained``: ``built`` came in trained, and stays after an Undo)."""
    replaced = st.session_state.get(KEY_TRAINER)
    if replaced is not None and replaced.steps > 0:
        kept = replaced, st.session_state[KEY_SETTINGS], st.session_state[KEY_BUILT_WITH]
        st.session_state[KEY_UNDO] = Replaced(*kept, origin, trained, (built.serial, built.revision))
    if replaced is not None and replaced.steps == 0:
        ledger().remove(replaced.serial)  # an untrained network is not a run worth keeping
    st.session_state[KEY_TRAINER] = built
    st.session_state[KEY_BUILT_WITH] = trainer_settings(built, source)
    ledger().record(built, origin, source, keep=built.serial)
    back_to_now()
    stop_playing()


def undo_record() -> Replaced | None:
    """What the last New network, data change, upload or teaching replaced, while nothing has
    trained since (the Undo button shows while there is one)."""
    kept, now = st.session_state.get(KEY_UNDO), st.session_state.get(KEY_TRAINER)
    return None if kept is None or now is None or (now.serial, now.revision) != kept.new else kept


def undo() -> None:
    """Bring back the network ``undo_record`` names (a replacement that never trained is dropped)."""
    kept = undo_record()
    if kept is not None:
        if not kept.trained:
            ledger().remove(st.session_state[KEY_TRAINER].serial)  # the replacement, never trained
        del st.session_state[KEY_UNDO]
        st.session_state[KEY_TRAINER], st.session_state[KEY_SETTINGS] = kept.trainer, kept.settings
        st.session_state[KEY_BUILT_WITH] = kept.built_with
        back_to_now()
        stop_playing()


def new_network() -> None:
    """Replace the session's network with a fresh one built from the current settings."""
    data, source = _load_or_fall_back(settings().dataset)
    install(build_trainer(settings(), data), source)


def ledger() -> Ledger:
    """The session's runs, the present one among them (``nn_core.ledger``; ``ui.moments``)."""
    if KEY_LEDGER not in st.session_state:
        st.session_state[KEY_LEDGER] = Ledger()
    return st.session_state[KEY_LEDGER]


def set_ledger(runs: Ledger) -> None:
    st.session_state[KEY_LEDGER] = runs


def back_to_now() -> None:
    """Every page shows the present network again (``ui.moments``)."""
    for key in (KEY_MOMENT, KEY_MOMENT_SHOWN, KEY_PLAYING_PAST):
        st.session_state.pop(key, None)


def pending_changes() -> list[str]:
    """Settings changed since the network was built that only a new network can take."""
    trainer()
    return needs_new_network(settings(), st.session_state[KEY_BUILT_WITH])


def built_source() -> str:
    """The dataset source the current network was built on (the sidebar may already show another)."""
    trainer()
    return st.session_state[KEY_BUILT_WITH]["dataset"]


# -- Play ------------------------------------------------------------------------------------------


def is_playing() -> bool:
    """Whether Play is on. It is the Play/Pause control's own value, not a flag its click
    toggles: a value travels with every later rerun request, so a click that lands while a
    Play tick is running cannot be lost (a one-shot button trigger could be)."""
    return st.session_state.get(KEY_PLAYING) == "play" and not st.session_state.get(KEY_STOP_PLAYING)


def stop_playing() -> None:
    """Pause, from anywhere: a callback, a full run or a fragment's tick. The control's own key
    cannot be written once the control is drawn in this run (Streamlit raises
    StreamlitWidgetAlreadyInstantiatedError, which flashed on screen when training diverged while
    playing), so the pause waits in a key of its own until ``prepare_play_control``."""
    st.session_state[KEY_STOP_PLAYING] = True


def prepare_play_control() -> None:
    """Before the Play/Pause control is drawn: apply a pending pause, and give the control a
    value when it has none (Streamlit drops a widget's value on the pages that do not draw it).
    Its key is written only then: a value written at every run overrode a click the browser had
    just taken (``ui.controls`` says why)."""
    if st.session_state.pop(KEY_STOP_PLAYING, None) or st.session_state.get(KEY_PLAYING) not in ("play", "pause"):
        st.session_state[KEY_PLAYING] = "pause"


def steps_per_tick() -> int:
    init()
    return int(st.session_state[KEY_SPEED])


def set_steps_per_tick(value: int) -> None:
    st.session_state[KEY_SPEED] = int(value)


def session_key() -> str:
    """A random name for this session (for process-wide bookkeeping such as Play pacing)."""
    if KEY_SESSION not in st.session_state:
        st.session_state[KEY_SESSION] = uuid.uuid4().hex
    return st.session_state[KEY_SESSION]


# -- notices and plain values ----------------------------------------------------------------------


def notice(text: str, kind: str = "info") -> None:
    """A message to show once at the top of the next page drawn."""
    st.session_state[KEY_NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    return st.session_state.pop(KEY_NOTICE, None)


def widget_value(key: str, default=None):
    """The value kept under ``key`` (a widget's own key, or a selection's)."""
    return st.session_state.get(key, default)


def set_widget_value(key: str, value) -> None:
    st.session_state[key] = value


def default_value(key: str, value):
    """The value under ``key``, set to ``value`` first if there is none."""
    return st.session_state.setdefault(key, value)


def figure_cache() -> dict:
    """The session's built figures, by chart name (see ``live.cached_figures``)."""
    return st.session_state.setdefault(KEY_FIGURES, {})


def forget(key: str) -> None:
    """Drop the value kept under ``key``."""
    st.session_state.pop(key, None)
