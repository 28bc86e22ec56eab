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
from nn_core.kaggle_csv import load_kaggle_csv, read_kaggle_test_csv

UPLOAD_PREFIX = "upload:"
MINE_PREFIX = "mine:"  # a dataset with the learner's digits mixed in (``nn_core.handwriting``)
MAX_UPLOADS = 4
SOURCE_LABELS = {
    "mnist-5k": "MNIST, 5,000 digits (bundled)",
    "digits-8x8": "8x8 digits (bundled, tiny)",
    "mnist": "full MNIST, 70,000 digits",
    "fashion-mnist": "Fashion-MNIST (clothes)",
}


@st.cache_resource(show_spinner="Loading the digits…")
def shared_dataset(source: str) -> Dataset:
    """The dataset at ``source``, one read-only copy per process."""
    if source.startswith((UPLOAD_PREFIX, MINE_PREFIX)):
        uploaded = _upload_store().get(source)
        if uploaded is None:
            raise DataFormatError(
                "the uploaded file is no longer in memory: upload it again"
                if source.startswith(UPLOAD_PREFIX)
                else "the training digits with yours mixed in are no longer in memory: teach it your handwriting again"
            )
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


def add_dataset(dataset: Dataset, base: str) -> str:
    """Keep a dataset made in the app from the one at source ``base`` (its training digits with the
    learner's mixed in) like an upload, and return its source key (which names ``base``)."""
    digest = hashlib.sha256(dataset.X_train.tobytes() + dataset.y_train.tobytes()).hexdigest()[:12]
    key = f"{MINE_PREFIX}{digest}:{base}"
    store = _upload_store()
    if key not in store:
        while len(store) >= MAX_UPLOADS:
            store.pop(next(iter(store)))
        store[key] = dataset
    return key


def base_source(source: str) -> str:
    """The dataset a mixed one was made from (a source that is not mixed is its own base)."""
    return source.split(":", 2)[2] if source.startswith(MINE_PREFIX) else source


def source_label(source: str) -> str:
    if source.startswith(MINE_PREFIX):
        return f"{source_label(base_source(source))} + your digits"
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
