"""The one module that touches ``st.session_state``: the session's settings, trainer and flags.

Each learner has their own trainer (in session state, never cached: a cached trainer would be
shared by everyone). Datasets are loaded once per process with ``st.cache_resource`` and
shared read-only by every session.
"""

from __future__ import annotations

import gc
import hashlib
import math
import time
import uuid
from dataclasses import replace

import numpy as np
import streamlit as st
from threadpoolctl import threadpool_limits

from nn_core import DataFormatError, Dataset, load_dataset, probe, seed
from nn_core.data import DEFAULT_DATASET, default_source
from nn_core.kaggle_csv import load_kaggle_csv
from nn_core.train import Trainer

from .settings import SERVER_BLAS_THREADS, Settings, apply_live, build_trainer, needs_new_network, trainer_settings
from .text import plain

# Every matrix product outside a training step too (evaluation, the lessons): see SERVER_BLAS_THREADS.
threadpool_limits(SERVER_BLAS_THREADS, user_api="blas")

KEY_SETTINGS = "settings"
KEY_TRAINER = "trainer"
KEY_BUILT_WITH = "trainer_built_with"
KEY_PLAYING = "_play"  # the Play/Pause control's own widget key: "play" or "pause"
KEY_SPEED = "steps_per_tick"
KEY_NOTICE = "notice"
KEY_SAMPLE = "sample"  # the validation row the lesson pages follow
UPLOAD_PREFIX = "upload:"
MAX_UPLOADS = 4


@st.cache_resource(show_spinner="Loading the digits…")
def shared_dataset(source: str) -> Dataset:
    """The dataset at ``source``, one read-only copy per process."""
    if source.startswith(UPLOAD_PREFIX):
        uploaded = _upload_store().get(source)
        if uploaded is None:
            raise DataFormatError("the uploaded file is no longer in memory: upload it again")
        return uploaded
    return load_dataset(source)


@st.cache_resource
def _upload_store() -> dict[str, Dataset]:
    return {}


def add_upload(data: bytes, file_name: str) -> str:
    """Parse an uploaded Kaggle CSV (raises DataFormatError) and return its dataset source key."""
    key = f"{UPLOAD_PREFIX}{hashlib.sha256(data).hexdigest()[:12]}:{file_name}"
    store = _upload_store()
    if key not in store:
        dataset = load_kaggle_csv(data, name=file_name)
        while len(store) >= MAX_UPLOADS:
            store.pop(next(iter(store)))
        store[key] = replace(dataset, name=file_name)
    return key


def source_label(source: str) -> str:
    if source.startswith(UPLOAD_PREFIX):
        return f"uploaded: {source.split(':', 2)[2]}"
    return {
        "mnist-5k": "MNIST, 5,000 digits (bundled)",
        "digits-8x8": "8x8 digits (bundled, tiny)",
        "mnist": "full MNIST, 70,000 digits",
        "fashion-mnist": "Fashion-MNIST (clothes)",
    }.get(source, source)


def init() -> None:
    """Create the session's settings on first use (from ``$NN_DIGITS_DATA`` for the dataset)."""
    if KEY_SETTINGS not in st.session_state:
        st.session_state[KEY_SETTINGS] = Settings(dataset=default_source())
        st.session_state[KEY_SPEED] = 5


def settings() -> Settings:
    init()
    return st.session_state[KEY_SETTINGS]


def update_settings(**changes) -> None:
    """Change settings; live ones (learning rate, momentum, batch size, L2, optimizer) reach the
    trainer at once, the others wait for ``new_network``."""
    new = settings().update(**changes)
    st.session_state[KEY_SETTINGS] = new
    if KEY_TRAINER in st.session_state:
        apply_live(st.session_state[KEY_TRAINER], new)


def _load_or_fall_back(source: str) -> tuple[Dataset, str]:
    try:
        return shared_dataset(source), source
    except (DataFormatError, OSError) as error:
        notice(
            f"Could not load {plain(source_label(source))}: {plain(error)}. Using the bundled 5,000 digits instead.",
            "error",
        )
        st.session_state[KEY_SETTINGS] = settings().update(dataset=DEFAULT_DATASET)
        return shared_dataset(DEFAULT_DATASET), DEFAULT_DATASET


def trainer() -> Trainer:
    """The session's trainer, built from the settings on first use."""
    if KEY_TRAINER not in st.session_state:
        new_network()
    return st.session_state[KEY_TRAINER]


def dataset() -> Dataset:
    return trainer().dataset


def new_network() -> None:
    """Replace the session's network with a fresh one built from the current settings."""
    dataset, source = _load_or_fall_back(settings().dataset)
    built = build_trainer(settings(), dataset)
    st.session_state[KEY_TRAINER] = built
    st.session_state[KEY_BUILT_WITH] = trainer_settings(built, source)
    set_playing(False)


def pending_changes() -> list[str]:
    """Settings changed since the network was built that only a new network can take."""
    trainer()
    return needs_new_network(settings(), st.session_state[KEY_BUILT_WITH])


def is_playing() -> bool:
    """Whether Play is on. It is the Play/Pause control's own value, not a flag its click
    toggles: a value travels with every later rerun request, so a click that lands while a
    Play tick is running cannot be lost (a one-shot button trigger could be)."""
    return st.session_state.get(KEY_PLAYING) == "play"


def set_playing(playing: bool) -> None:
    """Only from callbacks and fragment runs, before the control is drawn."""
    st.session_state[KEY_PLAYING] = "play" if playing else "pause"


def steps_per_tick() -> int:
    init()
    return int(st.session_state[KEY_SPEED])


def set_steps_per_tick(value: int) -> None:
    st.session_state[KEY_SPEED] = int(value)


def recover_from_divergence(divisor: float = 10.0) -> None:
    """The divergence box's fix: weights are already restored; divide the learning rate."""
    current = trainer()
    current.recover(divisor)
    from .settings import snap_lr

    st.session_state[KEY_SETTINGS] = settings().update(lr=snap_lr(current.lr))
    current.lr = settings().lr


def notice(text: str, kind: str = "info") -> None:
    """A message to show once at the top of the next page drawn."""
    st.session_state[KEY_NOTICE] = (kind, text)


def pop_notice() -> tuple[str, str] | None:
    return st.session_state.pop(KEY_NOTICE, None)


def widget_value(key: str, default=None):
    """A widget's current value (for widgets whose state lives in their own key)."""
    return st.session_state.get(key, default)


def set_widget_value(key: str, value) -> None:
    st.session_state[key] = value


# -- the sample the lesson pages follow ----------------------------------------------------------


def sample_index() -> int:
    """The chosen validation row, kept within the current dataset's validation split."""
    n = len(dataset().y_val)
    index = int(st.session_state.get(KEY_SAMPLE, 0))
    return index if 0 <= index < n else 0


def set_sample_index(index: int) -> None:
    st.session_state[KEY_SAMPLE] = int(index)


def random_sample(label: int | None = None) -> None:
    """A random validation row, of class ``label`` if given."""
    y = dataset().y_val
    rows = np.flatnonzero(y == label) if label is not None else np.arange(len(y))
    if len(rows) == 0:
        notice(f"There is no {label} among the validation digits.", "warning")
        return
    set_sample_index(int(np.random.default_rng().choice(rows)))


def next_mistake_sample() -> None:
    """The next validation row the network gets wrong."""
    current = trainer()
    X, y = current.dataset.split("val")
    found = probe.next_mistake(current.model, X, y, after=sample_index())
    if found is None:
        notice("The network gets every validation digit right: no mistake to show.", "success")
        return
    set_sample_index(found)


# -- actions the buttons call ---------------------------------------------------------------


def run_steps(n: int) -> None:
    """Steps by hand; like a video player's frame step, they pause Play."""
    set_playing(False)
    trainer().step(n)


def run_epoch() -> None:
    set_playing(False)
    trainer().epoch()


GC_EVERY = 10.0  # seconds between full garbage collections in a server process


@st.cache_resource
def _gc_clock() -> dict:
    return {"last": time.monotonic()}


def collect_garbage_now_and_then() -> None:
    """A full garbage collection at most every GC_EVERY seconds per process, from whichever
    session runs then. Streamlit's own after every run (``runner.postScriptGC``) is off: 50-100 ms
    seven times a second per playing learner. With no full collection at all, Python's collector
    seldom reaches the oldest generation with NumPy, pandas and Plotly loaded, and the server grew
    30-45 MB per round of 20 learners in the load benchmark (with this: +73, then +22 MB; whether
    the rest is garbage or the allocator keeping freed memory was not settled)."""
    clock, now = _gc_clock(), time.monotonic()
    if now - clock["last"] >= GC_EVERY:
        clock["last"] = now
        gc.collect()


def play_tick(current: Trainer, steps: int) -> bool:
    """One tick of Play: ``steps`` updates; False when training must stop (it diverged)."""
    collect_garbage_now_and_then()
    current.step(steps)
    return current.diverged is None


# -- pacing Play when many learners share the server ----------------------------------------------------

PLAY_INTERVAL = 0.2  # seconds between Play ticks of one learner on a quiet server
FULL_SPEED_PLAYERS = 2  # learners at full speed: one playing keeps most of a core busy (GIL: 1 in all)
PLAYER_TIMEOUT = 3.0  # a learner with no tick for this long is no longer playing


def pace(players: int) -> int:
    """How many times longer each learner's Play tick interval is, when ``players`` learners play
    at once: 1 up to FULL_SPEED_PLAYERS, then in proportion. Each tick then trains that many
    times more steps, so training keeps its speed while the page redraws less often: redrawing,
    not training, is what a tick mostly costs (about 50 ms against 1 ms per step)."""
    return max(1, math.ceil(players / FULL_SPEED_PLAYERS))


@st.cache_resource
def _players() -> dict[str, float]:
    """Process-wide: each playing session's key and the time of its last tick."""
    return {}


def _session_key() -> str:
    if "_session_key" not in st.session_state:
        st.session_state["_session_key"] = uuid.uuid4().hex
    return st.session_state["_session_key"]


def play_pace() -> int:
    """``pace`` of the learners who played in the last PLAYER_TIMEOUT seconds (this one included)."""
    now, players = time.time(), _players()
    for key, seen in list(players.items()):
        if now - seen > PLAYER_TIMEOUT:
            players.pop(key, None)
    return pace(len(players | {_session_key(): now}))


def mark_playing() -> None:
    _players()[_session_key()] = time.time()


def apply_fix(changes: dict) -> None:
    """A hint's one-click fix: new values for live settings (the learning rate snapped to the slider)."""
    from .settings import snap_lr

    if "lr" in changes:
        changes = {**changes, "lr": snap_lr(changes["lr"])}
    update_settings(**changes)


def cached_figures(wanted: dict, most: int | None = None, gap: float = 0.0) -> dict:
    """The figure for each ``name: (version, build)`` in ``wanted``, rebuilt only when its
    ``version`` moved. With ``most``, at most that many figures already on screen are rebuilt (those
    waiting longest first); with ``gap``, none of them within ``gap`` seconds of the last rebuild
    among ``wanted``. The others are re-sent as they were.

    Building a Plotly figure costs the server 5-25 ms. Re-sending an unchanged one costs the browser
    almost nothing, while redrawing one keeps it busy 40-70 ms, and a click waits for that:
    seven charts redrawn in one go kept it busy up to 0.4 s (a Chromium profile while playing)."""
    cache = st.session_state.setdefault("_figure_cache", {})
    stale = [name for name, (version, _) in wanted.items() if name not in cache or cache[name][0] != version]
    rebuild = [name for name in stale if name not in cache]  # nothing to re-send: always built
    waiting = sorted((name for name in stale if name in cache), key=lambda name: cache[name][2])
    last = max((cache[name][2] for name in wanted if name in cache), default=-math.inf)
    if time.monotonic() - last < gap:
        waiting = []
    rebuild += waiting if most is None else waiting[: max(0, most - len(rebuild))]
    for name in rebuild:
        version, build = wanted[name]
        cache[name] = (version, build(), time.monotonic())
    return {name: cache[name][1] for name in wanted}


@st.cache_data(max_entries=16, show_spinner="Training one small network per initialisation…")
def init_race(source: str, hidden: tuple[int, ...], activation: str, lr: float, batch_size: int, seed: int) -> dict:
    """``probe.init_race`` on the dataset at ``source``, cached per settings and shared by sessions."""
    return probe.init_race(shared_dataset(source), hidden, activation, lr=lr, batch_size=batch_size, seed=seed)


def built_source() -> str:
    """The dataset source the current network was built on (the sidebar may already show another)."""
    trainer()
    return st.session_state[KEY_BUILT_WITH]["dataset"]


@st.cache_data(max_entries=64, show_spinner="Running the notebook's own code…")
def seed_run(source: str, bugs: tuple[bool, ...], init: str, iterations: int) -> dict:
    """The notebook's training loop on the dataset at ``source`` with these bugs, as plain data."""
    run = seed.run_on_dataset(shared_dataset(source), seed.SeedBugs(*bugs), iterations=iterations, init=init)
    return {
        "iterations": run.iterations,
        "accuracy": run.accuracy,
        "softmax_column_sum": run.softmax_column_sum,
        "b1_shape": run.b1_shape,
        "b2_change": run.b2_change,
    }


# -- the Evaluation page's selections ----------------------------------------------------------------

KEY_CELL_TRUE, KEY_CELL_PREDICTED = "_cell_true", "_cell_predicted"
KEY_MISTAKE = "mistake_position"


def cell_from_chart(chart_key: str) -> None:
    """``on_select`` of the confusion grid: the clicked square becomes the chosen cell."""
    event = st.session_state.get(chart_key)
    cell = clicked_cell(event.selection.points if event is not None else [])
    if cell is not None:
        st.session_state[KEY_CELL_TRUE], st.session_state[KEY_CELL_PREDICTED] = cell


def clicked_cell(points: list[dict]) -> tuple[int, int] | None:
    """(true, predicted) of the first clicked square of the grid: its ``customdata`` (which the
    browser sends as a list, or as a dict keyed "0", "1", ...)."""
    for point in points:
        data = point.get("customdata")
        if point.get("curve_number", 0) != 0 or data is None:
            continue
        if isinstance(data, dict):
            data = [data.get(str(i)) for i in range(2)]
        try:
            return int(data[0]), int(data[1])
        except (TypeError, ValueError, IndexError):
            continue
    return None


def clicked_row(points: list[dict]) -> int | None:
    """The data row of the first clicked point of a map whose ``customdata`` starts with the row."""
    for point in points:
        data = point.get("customdata")
        if isinstance(data, dict):
            data = [data.get("0")]
        try:
            return int(data[0])
        except (TypeError, ValueError, IndexError):
            continue
    return None


def chosen_cell(default: tuple[int, int]) -> tuple[int, int]:
    """The chosen (true, predicted) cell; ``default`` until one is chosen."""
    st.session_state.setdefault(KEY_CELL_TRUE, default[0])
    st.session_state.setdefault(KEY_CELL_PREDICTED, default[1])
    return int(st.session_state[KEY_CELL_TRUE]), int(st.session_state[KEY_CELL_PREDICTED])


def mistake_position(count: int) -> int:
    """Which of ``count`` mistakes the browser shows (kept in range as the network changes)."""
    position = int(st.session_state.get(KEY_MISTAKE, 0))
    return position if 0 <= position < count else 0


def move_mistake(delta: int, count: int) -> None:
    if count:
        st.session_state[KEY_MISTAKE] = (mistake_position(count) + delta) % count


# -- loading a saved network -----------------------------------------------------------------------------


def load_network(data: bytes, file_name: str) -> None:
    """Replace the session's network with the one in a model file; raises ValueError (with the
    reason) and changes nothing if the file is not a model for the current data."""
    from nn_core.io import ModelFileError, load_model

    current = trainer()
    data_now = current.dataset
    model = load_model(data, expected_inputs=data_now.n_features)
    if model.layer_sizes[-1] != data_now.n_classes:
        raise ModelFileError(
            f"this model answers with {model.layer_sizes[-1]} classes, the current data has {data_now.n_classes}"
        )
    model.metadata = {**model.metadata, "file": file_name}
    new = update_settings_for(model)
    source = built_source()
    built = build_trainer(new, data_now, model)
    st.session_state[KEY_SETTINGS] = new
    st.session_state[KEY_TRAINER] = built
    st.session_state[KEY_BUILT_WITH] = trainer_settings(built, source)
    set_playing(False)


def update_settings_for(model) -> Settings:
    """The session's settings, with the architecture of ``model``."""
    config = model.config()
    return settings().update(
        hidden=tuple(config["layer_sizes"][1:-1]),
        activation=config["activation"],
        init=config["init"],
        seed=config["seed"],
    )


@st.cache_resource(max_entries=2, show_spinner="Reading test.csv…")
def kaggle_test_pixels(data: bytes, file_name: str):
    """The pixels of an uploaded Kaggle test.csv, parsed once (read-only, shared)."""
    from nn_core.kaggle_csv import read_kaggle_test_csv

    pixels = read_kaggle_test_csv(data, name=file_name)
    pixels.flags.writeable = False
    return pixels
