"""What one server process holds for every session: datasets (read-only), uploaded CSVs, a parsed
Kaggle test file, and the cached results of the lessons' slower runs. Nothing here belongs to one
learner, and nothing here touches session state.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from lessons import experiments, notebook
from nn_core import DataFormatError, Dataset, load_dataset
from nn_core.handwriting import MyDigits, digits_from_bytes, digits_to_bytes, mixed_dataset
from nn_core.kaggle_csv import load_kaggle_csv, read_kaggle_test_csv

UPLOAD_PREFIX = "upload:"
MINE_PREFIX = "mine:"  # a dataset with the learner's digits mixed in (``nn_core.handwriting``)
MAX_UPLOADS = 4
MAX_TAUGHT = 64  # the digits of this many mixes are kept to make them again (each a few hundred kB)
SOURCE_LABELS = {
    "mnist-5k": "MNIST, 5,000 digits (bundled)",
    "digits-8x8": "8x8 digits (bundled, tiny)",
    "mnist": "full MNIST, 70,000 digits",
    "fashion-mnist": "Fashion-MNIST (clothes)",
}


def shared_dataset(source: str) -> Dataset:
    """The dataset at ``source``, one read-only copy per process. An upload or a mix with a
    learner's digits is kept in a bounded store (``MAX_UPLOADS``); a mix is made again from its
    base and its digits (``remember_taught``) when it is not there."""
    if not source.startswith((UPLOAD_PREFIX, MINE_PREFIX)):
        return _loaded(source)
    store = _upload_store()
    if source.startswith(MINE_PREFIX) and source not in store and taught_digits(source) is not None:
        _keep(store, source, _mix(source, digits_from_bytes(taught_digits(source))))
    if source not in store:
        raise DataFormatError(
            "the uploaded file is no longer in memory: upload it again"
            if source.startswith(UPLOAD_PREFIX)
            else "the training digits with yours mixed in are no longer in memory: teach it your handwriting again"
        )
    return store[source]


@st.cache_resource(show_spinner="Loading the digits…")
def _loaded(source: str) -> Dataset:
    return load_dataset(source)


@st.cache_resource
def _upload_store() -> dict[str, Dataset]:
    return {}


def add_upload(data: bytes, file_name: str) -> str:
    """Parse an uploaded Kaggle CSV (raises DataFormatError) and return its dataset source key."""
    key = f"{UPLOAD_PREFIX}{hashlib.sha256(data).hexdigest()[:12]}:{file_name}"
    if key not in _upload_store():
        _keep(_upload_store(), key, replace(load_kaggle_csv(data, name=file_name), name=file_name))
    return key


@st.cache_resource
def _taught_store() -> dict[str, bytes]:
    """The digits each mix was made with (``digits_to_bytes``, a few hundred kB at most), by digest."""
    return {}


def _keep(store: dict, key: str, value, most: int = MAX_UPLOADS) -> None:
    """``store[key] = value``, the oldest dropped first if it is full (not for a key it holds)."""
    while key not in store and len(store) >= most:
        store.pop(next(iter(store)))
    store[key] = value


def _mix(source: str, taught: MyDigits) -> Dataset:
    return mixed_dataset(shared_dataset(base_source(source)), taught.X, taught.y)


def mix_source(base: str, taught: MyDigits) -> str:
    """The source key of the dataset at ``base`` with ``taught`` mixed in: it names the digits
    (by a digest) and the base, from which the mix is made again (``nn_core.handwriting.mixed_dataset``)."""
    return f"{MINE_PREFIX}{taught.digest()}:{base}"


def add_mix(dataset: Dataset, base: str, taught: MyDigits) -> str:
    """Keep ``dataset``, the one at ``base`` with ``taught`` mixed in, like an upload, and the
    digits to make it again; return its source key."""
    key = mix_source(base, taught)
    _keep(_upload_store(), key, dataset)
    remember_taught(digits_to_bytes(taught))
    return key


def taught_digest(source: str) -> str | None:
    """The digest of the digits a mix's source names, or None for a source that is not a mix."""
    return source.split(":", 2)[1] if source.startswith(MINE_PREFIX) else None


def taught_digits(source: str) -> bytes | None:
    """The digits the mix at ``source`` was made with (to save beside a run on it), or None."""
    return _taught_store().get(taught_digest(source) or "")


def remember_taught(data: bytes) -> None:
    """Digits a mix was made with (``taught_digits``, saved beside a run), so the mix can be made
    again from its base; anything that is not a file of digits is ignored."""
    try:
        digest = digits_from_bytes(data).digest()
    except ValueError:
        return
    if digest not in _taught_store():
        _keep(_taught_store(), digest, data, most=MAX_TAUGHT)


def base_source(source: str) -> str:
    """The dataset a mixed one was made from (a source that is not mixed is its own base)."""
    return source.split(":", 2)[2] if source.startswith(MINE_PREFIX) else source


SHORT_LABELS = {"mnist-5k": "MNIST 5,000", "digits-8x8": "8x8 digits", "mnist": "full MNIST"}  # + "your digits"


def source_label(source: str) -> str:
    if source.startswith(MINE_PREFIX):  # short enough for the sidebar's box
        base = base_source(source)
        return f"{SHORT_LABELS.get(base, source_label(base))} + your digits"
    if source.startswith(UPLOAD_PREFIX):
        return f"uploaded: {source.split(':', 2)[2]}"
    return SOURCE_LABELS.get(source, source)


@st.cache_resource(max_entries=2, show_spinner="Reading test.csv…")
def kaggle_test_pixels(data: bytes, file_name: str):
    """The pixels of an uploaded Kaggle test.csv, parsed once (read-only, shared)."""
    pixels = read_kaggle_test_csv(data, name=file_name)
    pixels.flags.writeable = False
    return pixels


@st.cache_data(max_entries=16, show_spinner="Training one small network per initialisation…")
def init_race(source: str, hidden: tuple[int, ...], activation: str, lr: float, batch_size: int, seed: int) -> dict:
    """``experiments.init_race`` on the dataset at ``source``, cached per settings and shared by sessions."""
    return experiments.init_race(shared_dataset(source), hidden, activation, lr=lr, batch_size=batch_size, seed=seed)


@st.cache_data(max_entries=8, show_spinner=False)
def overfit_demo(source: str, rows: int, hidden: int, epochs: int) -> experiments.OverfitDemo:
    """``lessons.experiments.overfit_demo`` on the dataset at ``source`` (the same for every learner)."""
    return experiments.overfit_demo(shared_dataset(source), rows, hidden, epochs)


@st.cache_data(max_entries=64, show_spinner="Running the notebook's own code…")
def notebook_run(source: str, bugs: tuple[bool, ...], init: str, iterations: int) -> dict:
    """The notebook's training loop on the dataset at ``source`` with these bugs, as plain data."""
    run = notebook.run_on_dataset(
        shared_dataset(source), notebook.NotebookBugs(*bugs), iterations=iterations, init=init
    )
    return {
        "iterations": run.iterations,
        "accuracy": run.accuracy,
        "softmax_column_sum": run.softmax_column_sum,
        "b1_shape": run.b1_shape,
        "b2_change": run.b2_change,
    }
