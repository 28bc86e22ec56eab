"""The settings sidebar, the same on every page: dataset, network and training settings, each
choice list read from nn_core's registries when drawn.

Streamlit forgets the state of a widget that a page does not draw, so settings live in the
session's ``Settings`` object; each widget has a key of its own (``_lr``), is given the
setting's value before it is drawn, and copies its value back in ``on_change``.
"""

from __future__ import annotations

import streamlit as st

from nn_core import augment
from nn_core.activations import ACTIVATIONS
from nn_core.augment import LIMITS, Augmentation
from nn_core.data import available_datasets
from nn_core.download import DownloadError, is_cached, load_mnist
from nn_core.network import INITS, parse_hidden
from nn_core.optim import OPTIMIZERS
from nn_core.schedules import SCHEDULES, Schedule

from . import selections, shared, state
from .figures import images
from .settings import BATCH_CHOICES, DROPOUT_MOST, FULL_BATCH, L2_CHOICES, LR_CHOICES
from .text import plain

FULL_MNIST = "mnist"  # the dataset that is downloaded on request
KEY_GENERALISATION = "_generalisation_open"  # the sidebar's Generalisation fold (open or not)


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

    # Its content is drawn only while it is open (opening it reruns the page): nine widgets and a
    # preview cost every Step click about 15 ms otherwise.
    fold = st.expander("Generalisation: augmentation, dropout, schedule", key=KEY_GENERALISATION, on_change="rerun")
    if fold.open:
        with fold:
            generalisation_settings()

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


# -- generalisation: augmentation, dropout, the learning rate's schedule ---------------------------

AUGMENTATION_SLIDERS = {  # setting: (label, step, help)
    "shift": ("Shift (pixels)", 0.5, "Each digit moved up to this far, up or down and left or right"),
    "rotate": ("Rotate (degrees)", 1.0, "Each digit turned up to this far either way"),
    "scale": ("Scale (±)", 0.05, "Each digit made up to this much larger or smaller (0.1: 90% to 110%)"),
    "shear": ("Shear (degrees)", 1.0, "Each digit slanted up to this far either way"),
    "thicker": ("Thicker strokes", 0.1, "Strokes up to this far toward one pixel wider all round"),
    "thinner": ("Thinner strokes", 0.1, "Strokes up to this far toward one pixel narrower all round"),
    "noise": ("Pixel noise", 0.01, "Random ink added to every pixel, of up to this standard deviation"),
}
PREVIEW_COPIES = 8
SCHEDULE_EPOCHS = (5, 10, 20, 30, 50, 100)
WARMUP_EPOCHS = (0.0, 0.5, 1.0, 2.0)
STEP_EVERY = (1, 2, 5, 10)
STEP_GAMMA = (0.5, 0.2, 0.1)


def _copy_augmentation() -> None:
    values = {name: state.widget_value(f"_aug_{name}") for name in AUGMENTATION_SLIDERS}
    try:
        state.update_settings(augmentation=Augmentation(**values))
    except ValueError as error:
        state.notice(f"Augmentation: {plain(error)}", "error")


def _copy_schedule() -> None:
    kind = state.widget_value("_schedule_kind")
    current = state.settings().schedule
    values = {"kind": kind}
    if kind == "step":
        values |= {"every": state.widget_value("_schedule_every") or current.every}
        values |= {"gamma": state.widget_value("_schedule_gamma") or current.gamma}
    elif kind == "cosine":
        values |= {"epochs": state.widget_value("_schedule_epochs") or current.epochs}
        values |= {"warmup": state.widget_value("_schedule_warmup") or 0.0}
    try:
        state.update_settings(schedule=Schedule(**values))
    except ValueError as error:
        state.notice(f"Schedule: {plain(error)}", "error")


def _nearest(choices, value):
    return min(choices, key=lambda c: abs(c - value))


def generalisation_settings() -> None:
    """What makes a network read digits it has not seen: augmentation's ranges with a preview of
    the followed digit, dropout, and the learning rate's schedule; all take effect on the next step."""
    current = state.settings()
    aug = current.augmentation
    st.caption("Each training batch, as it is drawn, gets random changes up to these (the data itself stays).")
    for name, (label, step, help_text) in AUGMENTATION_SLIDERS.items():
        state.set_widget_value(f"_aug_{name}", getattr(aug, name))
        st.slider(label, 0.0, LIMITS[name], step=step, key=f"_aug_{name}", on_change=_copy_augmentation, help=help_text)
    data = state.dataset()
    index = selections.sample_index()
    copies = augment.copies(data.X_val[index], data.image_shape, aug, PREVIEW_COPIES, seed=index)
    st.image(
        images.gray_rgb(images.tile_grid(copies, data.image_shape, columns=4), scale=2),
        caption=f"{PREVIEW_COPIES} augmented copies of the digit you follow (validation row {index}): "
        + ("as the network would see them in a batch" if aug.active else "no augmentation, so all the same"),
        alt=f"{PREVIEW_COPIES} copies of a handwritten {data.class_names[int(data.y_val[index])]}, "
        + (f"each moved and redrawn at random: {aug.describe()}" if aug.active else "all the same"),
        width="stretch",
    )
    state.set_widget_value("_dropout", current.dropout)
    st.slider(
        "Dropout",
        0.0,
        DROPOUT_MOST,
        step=0.05,
        key="_dropout",
        on_change=_copy_to_settings,
        args=("dropout",),
        help="The share of each hidden layer's units switched off at random in each training step (never at "
        "evaluation); the others are scaled up to make up for them",
    )
    schedule = current.schedule
    state.set_widget_value("_schedule_kind", schedule.kind)
    kind = st.selectbox(
        "Learning-rate schedule",
        list(SCHEDULES),
        format_func=SCHEDULES.get,
        key="_schedule_kind",
        on_change=_copy_schedule,
        help="The rate a step uses is the learning rate times the schedule's factor, by epoch",
    )
    if kind == "step":
        state.set_widget_value("_schedule_every", _nearest(STEP_EVERY, schedule.every))
        state.set_widget_value("_schedule_gamma", _nearest(STEP_GAMMA, schedule.gamma))
        st.select_slider("Drop every (epochs)", STEP_EVERY, key="_schedule_every", on_change=_copy_schedule)
        st.select_slider("…multiplying the rate by", STEP_GAMMA, key="_schedule_gamma", on_change=_copy_schedule)
    elif kind == "cosine":
        state.set_widget_value("_schedule_epochs", _nearest(SCHEDULE_EPOCHS, schedule.epochs))
        state.set_widget_value("_schedule_warmup", _nearest(WARMUP_EPOCHS, schedule.warmup))
        st.select_slider(
            "Down to its floor at epoch", SCHEDULE_EPOCHS, key="_schedule_epochs", on_change=_copy_schedule
        )
        st.select_slider("Warm-up (epochs)", WARMUP_EPOCHS, key="_schedule_warmup", on_change=_copy_schedule)
    trainer = state.trainer()
    if schedule.kind == "cosine" and trainer.epochs_elapsed >= schedule.epochs and schedule.floor == 0:
        st.warning(
            f"This cosine ended at epoch {schedule.epochs:g} and your network is at epoch "
            f"{trainer.epochs_elapsed:.1f}: its rate is 0, so training changes nothing. Choose a later end.",
            icon="⚠️",
        )
    st.caption(
        f"The next step's rate: **{trainer.rate_now():.3g}** (the learning rate {trainer.lr:g} × "
        f"{trainer.schedule.factor(trainer.epochs_elapsed):.3g}, at epoch {trainer.epochs_elapsed:.2f})."
    )
