"""The settings sidebar, the same on every page but one: dataset, network and training settings,
drawn from ``ui.settings.DISPLAY``, each choice list read from nn_core's registries when drawn.
On the Training page the settings drawn next to Play are left out (one control per setting).

Settings live in the session's ``Settings`` object; each control copies its value there in
``on_change`` and is never written by the server (``ui.controls`` says why).
"""

from __future__ import annotations

import streamlit as st

from nn_core import augment
from nn_core.augment import LIMITS, Augmentation
from nn_core.data import available_datasets
from nn_core.download import DownloadError, is_cached, load_mnist
from nn_core.optim import OPTIMIZERS
from nn_core.schedules import SCHEDULES, Schedule

from . import controls, selections, shared, state
from .figures import images
from .settings import DISPLAY, nearest
from .text import plain

FULL_MNIST = "mnist"  # the dataset that is downloaded on request
KEY_GENERALISATION = "_generalisation_open"  # the sidebar's Generalisation fold (open or not)


def _section(section: str, live_area: bool) -> None:
    """Every setting of ``section`` that has a control (those drawn next to Play left out there)."""
    for name, display in DISPLAY.items():
        if display.section == section and display.control and not (live_area and display.live_area):
            extra = {}
            if name == "momentum":
                extra["disabled"] = not OPTIMIZERS[state.settings().optimizer].takes_momentum
            controls.setting(name, **extra)


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


def settings_sidebar(live_area: bool = False) -> None:
    """The settings a newcomer needs first (data, layers, activation, optimizer, learning rate,
    batch size), the rest folded under Advanced, and the New network button when needed. With
    ``live_area`` (the Training page), the settings drawn next to Play are not drawn here: one
    control per setting on a page."""
    current = state.settings()
    st.subheader("Settings")
    display, choices = DISPLAY["dataset"], _dataset_choices(current.dataset)
    controls.draw(
        st,
        "selectbox",
        display.label,
        "_dataset",
        current.dataset,
        lambda value: controls.copy_to_settings("dataset", value),
        tuple(choices),  # an upload adds a choice: a new control, never a stale position in the old list
        options=choices,
        format_func=shared.source_label,
        help=display.help,
    )
    if current.dataset == FULL_MNIST and not is_cached():
        st.caption("Full MNIST is downloaded once (about 11 MB), checked against its published checksums.")
        if st.button("Download full MNIST", icon="⬇️"):
            _download_full_mnist()

    st.markdown("**Training** · *takes effect on the next step*")
    if live_area:
        st.caption("The learning rate and the batch size are next to Play.")
    _section("training", live_area)

    # Its content is drawn only while it is open (opening it reruns the page): nine widgets and a
    # preview cost every Step click about 15 ms otherwise.
    fold = st.expander("Generalisation: augmentation, dropout, schedule", key=KEY_GENERALISATION, on_change="rerun")
    if fold.open:
        with fold:
            generalisation_settings()

    st.markdown("**Network** · *needs a new network*")
    _section("network", live_area)
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
        _section("advanced", live_area)
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
    values = {name: controls.value_of(f"_aug_{name}") for name in AUGMENTATION_SLIDERS}
    try:
        state.update_settings(augmentation=Augmentation(**values))
    except ValueError as error:
        state.notice(f"Augmentation: {plain(error)}", "error")


def _copy_schedule() -> None:
    kind = controls.value_of("_schedule_kind")
    current = state.settings().schedule
    values = {"kind": kind}
    if kind == "step" and current.kind == "step":
        values |= {"every": controls.value_of("_schedule_every", current.every)}
        values |= {"gamma": controls.value_of("_schedule_gamma", current.gamma)}
    elif kind == "cosine" and current.kind == "cosine":
        values |= {"epochs": controls.value_of("_schedule_epochs", current.epochs)}
        values |= {"warmup": controls.value_of("_schedule_warmup", current.warmup)}
    try:
        state.update_settings(schedule=Schedule(**values))
    except ValueError as error:
        state.notice(f"Schedule: {plain(error)}", "error")


def generalisation_settings() -> None:
    """What makes a network read digits it has not seen: augmentation's ranges with a preview of
    the followed digit, dropout, and the learning rate's schedule; all take effect on the next step."""
    current = state.settings()
    aug = current.augmentation
    st.caption("Each training batch, as it is drawn, gets random changes up to these (the data itself stays).")
    for name, (label, step, help_text) in AUGMENTATION_SLIDERS.items():
        controls.draw(
            st,
            "slider",
            label,
            f"_aug_{name}",
            getattr(aug, name),
            lambda _: _copy_augmentation(),
            min_value=0.0,
            max_value=LIMITS[name],
            step=step,
            help=help_text,
        )
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
    controls.setting("dropout")
    schedule = current.schedule
    moved = lambda _: _copy_schedule()  # noqa: E731
    kind = controls.draw(
        st,
        "selectbox",
        DISPLAY["schedule"].label,
        "_schedule_kind",
        schedule.kind,
        moved,
        options=list(SCHEDULES),
        format_func=SCHEDULES.get,
        help="The rate a step uses is the learning rate times the schedule's factor, by epoch",
    )
    parts = {
        "step": (("every", "Drop every (epochs)", STEP_EVERY), ("gamma", "…multiplying the rate by", STEP_GAMMA)),
        "cosine": (
            ("epochs", "Down to its floor at epoch", SCHEDULE_EPOCHS),
            ("warmup", "Warm-up (epochs)", WARMUP_EPOCHS),
        ),
    }
    for part, label, choices in parts.get(kind, ()):
        value = nearest(choices)(getattr(schedule, part))
        controls.draw(st, "select_slider", label, f"_schedule_{part}", value, moved, options=choices)
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
