"""The settings sidebar, the same on every page: dataset, network and training settings, each
choice list read from nn_core's registries when drawn.

Streamlit forgets the state of a widget that a page does not draw, so settings live in the
session's ``Settings`` object; each widget has a key of its own (``_lr``), is given the
setting's value before it is drawn, and copies its value back in ``on_change``.
"""

from __future__ import annotations

import streamlit as st

from nn_core.activations import ACTIVATIONS
from nn_core.data import available_datasets
from nn_core.download import DownloadError, is_cached, load_mnist
from nn_core.network import INITS, parse_hidden
from nn_core.optim import OPTIMIZERS

from . import shared, state
from .settings import BATCH_CHOICES, FULL_BATCH, L2_CHOICES, LR_CHOICES
from .text import plain

FULL_MNIST = "mnist"  # the dataset that is downloaded on request


def format_number(value: float) -> str:
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
    for extra in (FULL_MNIST, current):
        if extra not in choices:
            choices.append(extra)
    return choices


def _upload_csv() -> None:
    uploaded = state.widget_value("_upload")
    if uploaded is None:
        return
    try:
        source = shared.add_upload(uploaded.getvalue(), uploaded.name)
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


def learning_rate_slider(where=st, key: str = "_lr", on_change=None) -> None:
    """The learning rate on its log-scale slider, bound to the setting (the sidebar's and the
    Training page's controls are two widgets of one setting)."""
    current = state.settings().lr
    state.set_widget_value(key, current)
    where.select_slider(
        "Learning rate",
        LR_CHOICES,
        format_func=format_number,
        key=key,
        on_change=_copy_widget,
        args=("lr", key, on_change),
        help="η: how far each step moves every weight (a log scale: each notch is about ×2).",
    )


def batch_size_slider(where=st, key: str = "_batch_size", on_change=None) -> None:
    current = state.settings().batch_size
    state.set_widget_value(key, current)
    where.select_slider(
        "Batch size",
        BATCH_CHOICES,
        format_func=lambda b: "all" if b == FULL_BATCH else str(b),
        key=key,
        on_change=_copy_widget,
        args=("batch_size", key, on_change),
        help="Rows per step; *all* is full-batch gradient descent, as in the notebook.",
    )


def _copy_widget(name: str, key: str, then=None) -> None:
    try:
        state.update_settings(**{name: state.widget_value(key)})
    except ValueError as error:
        state.notice(f"{name}: {plain(error)}", "error")
    if then is not None:
        then()


def settings_sidebar() -> None:
    """The settings a newcomer needs first (data, layers, activation, optimizer, learning rate,
    batch size), the rest folded under Advanced, and the New network button when needed."""
    current = state.settings()
    st.subheader("Settings")
    st.selectbox(
        "Dataset",
        _dataset_choices(current.dataset),
        format_func=shared.source_label,
        help="Changing the data needs a new network.",
        **_bind("dataset", current.dataset),
    )
    if current.dataset == FULL_MNIST and not is_cached():
        st.caption("Full MNIST is downloaded once (about 11 MB), checked against its published checksums.")
        if st.button("Download full MNIST", icon="⬇️"):
            _download_full_mnist()

    st.markdown("**Training** · *takes effect on the next step*")
    learning_rate_slider()
    batch_size_slider()
    st.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        format_func=lambda n: OPTIMIZERS[n].label,
        **_bind("optimizer", current.optimizer),
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
        "Activation",
        list(ACTIVATIONS),
        format_func=lambda n: ACTIVATIONS[n].label,
        **_bind("activation", current.activation),
    )
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

    with st.expander("Advanced: initialisation, seed, momentum, L2"):
        st.selectbox("Initialisation", list(INITS), format_func=lambda n: INITS[n].label, **_bind("init", current.init))
        st.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, **_bind("seed", current.seed))
        st.slider(
            "Momentum",
            0.0,
            0.99,
            step=0.01,
            disabled=not OPTIMIZERS[current.optimizer].takes_momentum,
            help="Adam keeps its own moving averages; this applies to SGD.",
            **_bind("momentum", current.momentum),
        )
        st.select_slider("L2 (weight decay)", L2_CHOICES, format_func=format_number, **_bind("l2", current.l2))
    with st.expander("Use your own Kaggle CSV"):
        st.file_uploader(
            "train.csv (label, pixel0 … pixel783)",
            type=["csv", "gz"],
            key="_upload",
            on_change=_upload_csv,
            help="The format of Kaggle's digit-recognizer competition; gzip is fine.",
        )
