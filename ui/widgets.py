"""Reusable controls: the settings sidebar (the same on every page) and small helpers.

Streamlit forgets the state of a widget that a page does not draw, so settings live in the
session's ``Settings`` object; each widget has a key of its own (``_lr``), is given the
setting's value before it is drawn, and copies its value back in ``on_change``.
"""

from __future__ import annotations

import inspect

import streamlit as st

from nn_core.data import available_datasets
from nn_core.download import DownloadError, is_cached, load_mnist

from . import state
from .settings import (
    ACTIVATION_CHOICES,
    BATCH_CHOICES,
    FULL_BATCH,
    INIT_CHOICES,
    L2_CHOICES,
    LR_CHOICES,
    OPTIMIZER_CHOICES,
    parse_hidden,
)
from .text import plain

ACTIVATION_LABELS = {
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "identity": "none (linear)",
}
INIT_LABELS = {
    "he": "He (for ReLU)",
    "xavier": "Xavier (for sigmoid, tanh)",
    "uniform": "uniform ±0.5 (seed's text)",
    "seed": "standard normal (seed's code)",
}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "adam": "Adam"}


def _format_number(value: float) -> str:
    return "0" if value == 0 else f"{value:g}"


def _copy_to_settings(name: str, convert=lambda v: v) -> None:
    try:
        state.update_settings(**{name: convert(state.widget_value(f"_{name}"))})
    except ValueError as error:
        state.notice(f"{name}: {plain(error)}", "error")


def _bind(name: str, value) -> dict:
    """Give widget ``_name`` the setting's value and return the kwargs that copy it back."""
    state.set_widget_value(f"_{name}", value)
    return {"key": f"_{name}", "on_change": _copy_to_settings, "args": (name,)}


def _dataset_choices(current: str) -> list[str]:
    choices = available_datasets()
    for extra in ("mnist", current):
        if extra not in choices:
            choices.append(extra)
    return choices


def _upload_csv() -> None:
    uploaded = state.widget_value("_upload")
    if uploaded is None:
        return
    try:
        source = state.add_upload(uploaded.getvalue(), uploaded.name)
    except ValueError as error:
        state.notice(f"Not loaded: {plain(error)}. Your network and data are unchanged.", "error")
        return
    state.update_settings(dataset=source)
    state.notice(f"{plain(uploaded.name)} loaded. Press **New network** in the sidebar to train on it.", "success")


def _download_full_mnist() -> None:
    bar = st.progress(0.0, text="Starting the download…")
    try:
        load_mnist(progress=lambda fraction, text: bar.progress(fraction, text=text))
    except DownloadError as error:
        bar.empty()
        st.error(str(error))
        return
    bar.empty()
    st.success("Full MNIST is downloaded and kept for next time.")


def settings_sidebar() -> None:
    """Dataset, network and training settings, with the New network button when needed."""
    current = state.settings()
    st.subheader("Settings")
    st.selectbox(
        "Dataset",
        _dataset_choices(current.dataset),
        format_func=state.source_label,
        help="Changing the data needs a new network.",
        **_bind("dataset", current.dataset),
    )
    if current.dataset == "mnist" and not is_cached():
        st.caption("Full MNIST is downloaded once (about 11 MB), checked against its published checksums.")
        if st.button("Download full MNIST", icon="⬇️"):
            _download_full_mnist()
    with st.expander("Use your own Kaggle CSV"):
        st.file_uploader(
            "train.csv (label, pixel0 … pixel783)",
            type=["csv", "gz"],
            key="_upload",
            on_change=_upload_csv,
            help="The format of Kaggle's digit-recognizer competition; gzip is fine.",
        )

    st.markdown("**Network** · *needs a new network*")
    st.text_input(
        "Hidden layers (units)",
        help="Comma-separated, e.g. 128 or 256, 64",
        **{
            **_bind("hidden", ", ".join(map(str, current.hidden))),
            "on_change": _copy_to_settings,
            "args": ("hidden", parse_hidden),
        },
    )
    st.selectbox(
        "Activation", ACTIVATION_CHOICES, format_func=ACTIVATION_LABELS.get, **_bind("activation", current.activation)
    )
    st.selectbox("Initialisation", INIT_CHOICES, format_func=INIT_LABELS.get, **_bind("init", current.init))
    st.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, **_bind("seed", current.seed))

    changes = state.pending_changes()
    if changes:
        st.warning("Changed: " + "; ".join(changes) + ". The current network keeps training until you make a new one.")
    st.button(
        "New network",
        icon="🔄",
        on_click=state.new_network,
        type="primary" if changes else "secondary",
        help="Start again from fresh random weights with these settings (the trained network is discarded).",
        key="sidebar_new_network",
    )

    st.markdown("**Training** · *takes effect on the next step*")
    st.selectbox(
        "Optimizer", OPTIMIZER_CHOICES, format_func=OPTIMIZER_LABELS.get, **_bind("optimizer", current.optimizer)
    )
    st.select_slider("Learning rate", LR_CHOICES, format_func=_format_number, **_bind("lr", current.lr))
    st.slider(
        "Momentum",
        0.0,
        0.99,
        step=0.01,
        disabled=current.optimizer == "adam",
        help="Adam keeps its own moving averages; this applies to SGD.",
        **_bind("momentum", current.momentum),
    )
    st.select_slider(
        "Batch size",
        BATCH_CHOICES,
        format_func=lambda b: "all" if b == FULL_BATCH else str(b),
        help="Rows per step; *all* is full-batch gradient descent, as in the seed notebook.",
        **_bind("batch_size", current.batch_size),
    )
    st.select_slider("L2 (weight decay)", L2_CHOICES, format_func=_format_number, **_bind("l2", current.l2))


def status_line(metrics: dict) -> str:
    """The Training page's status line (Markdown) from ``Trainer.metrics()``."""
    val, speed = metrics["val_accuracy"], metrics["samples_per_second"]
    parts = [
        f"Epoch **{metrics['epoch']:.2f}**",
        f"Step **{metrics['step']:,}**",
        f"Samples seen **{metrics['samples_seen']:,}**",
        f"Learning rate **{metrics['lr']:g}**",
        f"Validation accuracy **{'–' if val != val else f'{val:.1%}'}**",
        f"**{'–' if speed != speed else f'{speed:,.0f}'}** samples/s",
    ]
    return " &nbsp;·&nbsp; ".join(parts)


def show_code(*functions, label: str = "The NumPy code behind this") -> None:
    """The source of ``functions`` in an expander, so math, code and numbers sit side by side."""
    with st.expander(label, icon="🧮"):
        for function in functions:
            st.code(inspect.getsource(function), language="python")


def try_this(text: str) -> None:
    """The experiment box that ends every lesson page."""
    with st.container(border=True):
        st.markdown(f"**🧪 Try this**\n\n{text}")


def _copy_sample() -> None:
    state.set_sample_index(state.widget_value("_sample"))


def sample_picker(mistakes: bool = True) -> int:
    """Pick the validation digit the lesson pages follow: by row, at random (of a chosen digit),
    or the next one the network gets wrong. Returns its row."""
    data = state.dataset()
    index = state.sample_index()
    state.set_widget_value("_sample", index)
    cols = st.columns([1.3, 1.1, 1, 1.2] if mistakes else [1.3, 1.1, 1], vertical_alignment="bottom")
    cols[0].number_input(
        f"Validation digit (row 0 to {len(data.y_val) - 1:,})",
        min_value=0,
        max_value=len(data.y_val) - 1,
        step=1,
        key="_sample",
        on_change=_copy_sample,
    )
    choices = [None, *range(data.n_classes)]
    digit = cols[1].selectbox(
        "Random of class",
        choices,
        format_func=lambda c: "any" if c is None else data.class_names[c],
        key="_sample_class",
    )
    cols[2].button("Random", icon="🎲", on_click=state.random_sample, args=(digit,), width="stretch")
    if mistakes:
        cols[3].button(
            "Next mistake",
            icon="❌",
            on_click=state.next_mistake_sample,
            help="The next validation digit the network gets wrong",
            width="stretch",
        )
    return index


def unit_picker(label: str, units: int, key: str) -> int:
    """A number input for a unit of a layer with ``units`` units; a value left over from a
    bigger network is brought back into range before the widget is drawn."""
    value = state.widget_value(key, 0)
    if not 0 <= int(value) < units:
        state.set_widget_value(key, 0)
    column, _ = st.columns([1, 2])
    return int(column.number_input(f"{label} (0 to {units - 1})", 0, units - 1, step=1, key=key))
