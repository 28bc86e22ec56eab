"""The learner's own handwriting on the Draw page: add a drawing with its label, see the collection
and how the network reads it, download and upload it as a Kaggle CSV, and teach the network their
hand (``nn_core.handwriting``). The digits are kept with the learner's work (the reload store and
whole-run files: ``ui.persistence``, ``ui.files``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nn_core import handwriting
from nn_core.dataset import DataFormatError
from nn_core.metrics import confusion_matrix

from . import shared, state
from .figures import evaluation as evaluation_figures
from .figures import images
from .settings import settings_of
from .text import plain

KEY_DIGITS = "my_digits"  # nn_core.handwriting.MyDigits
KEY_TAUGHT = "_my_digits_taught"  # (the new run's serial, FineTune numbers) of the last teaching
KEY_LABEL = "_my_label"
KEY_UPLOAD = "_my_digits_upload"
KEY_ROUND = "_canvas_round"  # how many drawings were added: each addition starts a new, empty canvas
KEY_ADDED = "_my_added"  # (kind, text): what the last Add did, said where the answer was
KEY_TEACH_ERROR = "_my_teach_error"  # why the last teaching did not happen, said under its button


def digits() -> handwriting.MyDigits:
    return state.widget_value(KEY_DIGITS) or handwriting.NONE


def set_digits(mine: handwriting.MyDigits) -> None:
    state.set_widget_value(KEY_DIGITS, mine)


def usable(data) -> bool:
    """Whether the learner's digits fit the data (28 x 28, ten digits)."""
    return data.n_features == handwriting.PIXELS and data.n_classes == 10


def canvas_key() -> str:
    """The drawing canvas's key: a new one after each Add, so the canvas is empty for the next digit
    (and the answer to the one just added goes with it)."""
    return f"canvas_{state.widget_value(KEY_ROUND, 0)}"


def _add(pixels: np.ndarray) -> None:
    label = state.widget_value(KEY_LABEL)
    if label is None:
        return
    try:
        set_digits(digits().add(pixels, int(label)))
    except ValueError as error:
        state.set_widget_value(KEY_ADDED, ("error", f"Not added: {plain(error)}."))
        return
    state.set_widget_value(KEY_LABEL, None)
    state.forget(canvas_key())
    state.set_widget_value(KEY_ROUND, state.widget_value(KEY_ROUND, 0) + 1)
    state.set_widget_value(
        KEY_ADDED, ("success", f"Added to your digits as a **{label}** (you have {len(digits())}). Draw the next one.")
    )


def added_message() -> str | None:
    """What the last Add did, for where the answer was until the next drawing (not at the top of
    the page: a message that comes and goes there moves the canvas)."""
    said = state.widget_value(KEY_ADDED)
    return said[1] if said is not None and said[0] == "success" else None


def add_box(pixels: np.ndarray, guess: int) -> None:
    """Under the answer: say which digit it really is, and keep it."""
    said = state.widget_value(KEY_ADDED)
    state.forget(KEY_ADDED)  # a drawing: the last Add's message has had its moment
    with st.container(border=True, key="add_digit"):
        if said is not None:  # an upload stays after Add (a drawing does not): say it here
            getattr(st, said[0])(said[1])
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        label = left.selectbox(
            "Which digit did you draw?",
            list(range(10)),
            index=None,
            placeholder=f"it says {guess}: is it?",
            key=KEY_LABEL,
        )
        right.button(
            "Add to my digits",
            icon="➕",
            on_click=_add,
            args=(pixels,),
            disabled=label is None,
            help=None if label is not None else "Say which digit it is first",
            width="stretch",
        )


def _remove(index: int) -> None:
    try:
        set_digits(digits().remove(index))
    except ValueError as error:
        state.notice(f"Not removed: {plain(error)}.", "error")


def _upload() -> None:
    uploaded = state.widget_value(KEY_UPLOAD)
    if uploaded is None:
        return
    try:
        loaded = handwriting.MyDigits.from_csv(uploaded.getvalue(), uploaded.name)
    except (DataFormatError, ValueError) as error:
        state.notice(f"Not loaded: {plain(error)}. Your digits are unchanged.", "error")
        return
    joined, added = digits().join(loaded)
    set_digits(joined)
    state.notice(f"{added} digits from {plain(uploaded.name)} joined yours.", "success")


def _teach() -> None:
    trainer = state.trainer()
    base_source = shared.base_source(state.built_source())  # teaching again mixes into everyone's digits
    state.set_widget_value(KEY_TEACH_ERROR, None)
    state.forget(KEY_ADDED)  # what the last Add said is old news once teaching is asked for
    try:
        result = handwriting.fine_tune(trainer, digits(), base=shared.shared_dataset(base_source))
    except ValueError as error:
        state.set_widget_value(KEY_TEACH_ERROR, f"Not taught: {plain(error)}.")
        return
    source = shared.add_mix(result.trainer.dataset, base_source, result.taught)
    # first: Undo keeps the settings before
    state.install(result.trainer, source, origin="taught your handwriting", trained=True)
    # the settings of the run it is now: its data (everyone's digits and yours) and its constant rate
    state.replace_settings(settings_of(result.trainer, state.settings().update(dataset=source)))
    numbers = {
        "copies": result.copies,
        "before": result.before,
        "after": result.after,
        "held": len(result.held),
        "trained_on": result.trained_on,
        "val_before": result.val_before,
        "val_after": result.val_after,
    }
    state.set_widget_value(KEY_TAUGHT, (result.trainer.serial, numbers))


def my_digits_section(model, data) -> None:
    """The collection: what it holds, how the network reads it, the files, and teaching."""
    st.header("Your digits")
    mine = digits()
    if not usable(data):
        st.info("Your digits are 28×28 handwritten digits: switch to a dataset of those to use them.")
        return
    if not len(mine):
        st.markdown(
            "Draw a digit, say which it is, and **Add to my digits**: a collection of your handwriting, to see how "
            f"the network reads it and to teach it your hand (from {handwriting.MIN_TO_TEACH} digits on). They are "
            "kept with your work."
        )
    else:
        predicted = model.predict(mine.X)
        confidence = model.predict_proba(mine.X).max(axis=1)
        right = predicted == mine.y
        counts = mine.counts()
        st.markdown(
            f"**{len(mine)}** digit{'s' if len(mine) != 1 else ''} ("
            + ", ".join(f"{count} × {digit}" for digit, count in enumerate(counts) if count)
            + f"). The network reads **{right.mean():.0%}** of them right ({int(right.sum())} of {len(mine)})."
        )
        left, middle = st.columns([3, 2])
        shown = min(len(mine), 60)
        left.image(
            images.gray_rgb(images.tile_grid(mine.X[-shown:], data.image_shape, columns=10), scale=2),
            caption=(f"Your last {shown} digits, oldest first" if shown > 1 else "Your digit")
            + f"; labels: {', '.join(map(str, mine.y[-shown:]))}",
            alt=f"your last {shown} handwritten digits, which you labelled {', '.join(map(str, mine.y[-shown:]))}",
            width="stretch",
        )
        middle.plotly_chart(
            evaluation_figures.confusion_grid(
                confusion_matrix(mine.y, predicted, 10), data.class_names, height=360, title="On your digits"
            ),
            key="my_confusion",
        )
        table = pd.DataFrame(
            {
                "digit": range(len(mine)),
                "you said": mine.y,
                "it says": predicted,
                "sure": [f"{c:.0%}" for c in confidence],
                "right": ["✅ right" if r else "❌ wrong" for r in right],
            }
        )
        st.dataframe(table, hide_index=True, height=min(36 * (len(mine) + 1), 250))
        left, right_column = st.columns([1, 2], vertical_alignment="bottom")
        index = left.number_input("Digit", 0, len(mine) - 1, len(mine) - 1, key="_my_remove_index")
        right_column.button("Remove it", icon="🗑️", on_click=_remove, args=(int(index),), key="my_remove")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.download_button(
            "Download my digits (CSV)",
            mine.to_csv,  # written when clicked, not at every rerun (up to 2,000 digits of text)
            file_name="my-digits.csv",
            mime="text/csv",
            icon="⬇️",
            disabled=not len(mine),
            key="my_download",
        )
    st.file_uploader(
        "Upload digits (Kaggle's train.csv format: label, pixel0 … pixel783)",
        type=["csv", "gz"],
        key=KEY_UPLOAD,
        on_change=_upload,
    )
    teach_section(mine)


def teach_section(mine: handwriting.MyDigits) -> None:
    st.subheader("Teach it my handwriting")
    st.markdown(
        f"{handwriting.FINE_TUNE_EPOCHS} more epochs for your network on a mix: up to "
        f"{handwriting.REHEARSAL:,} of the training digits and yours, repeated to make about "
        f"{handwriting.MINE_SHARE:.0%} of it. {handwriting.HELD_BACK:.0%} of each digit you drew is **held back** "
        "and never trained on: the network's accuracy on those, before and after, is the honest measure. The "
        "taught network is a new run, kept in Your runs."
    )
    problem = handwriting.teach_problem(mine)
    st.button(
        f"Teach it my handwriting ({handwriting.FINE_TUNE_EPOCHS} epochs)",
        icon="🎓",
        on_click=_teach,
        disabled=problem is not None,
        help=None if problem is None else f"{plain(problem).capitalize()}.",
        key="my_teach",
    )
    failed = state.widget_value(KEY_TEACH_ERROR)
    if failed:
        st.error(failed)
    elif problem is not None and len(mine):  # said beside the button, where the learner is looking
        st.caption(f"To teach it: {plain(problem)}.")
    taught = state.widget_value(KEY_TAUGHT)
    if taught is not None and taught[0] == state.trainer().serial:
        st.success(teaching_outcome(taught[1]), icon="🎓")


def teaching_outcome(n: dict) -> str:
    """What teaching did, measured: on the learner's held-back digits and on everyone's."""
    said = (
        f"On the **{n['held']}** of your digits held back (never trained on): **{n['before']:.0%}** right before, "
        f"**{n['after']:.0%}** after, trained on the other {n['trained_on']}. On everyone's validation digits: "
        f"{n['val_before']:.1%} before, {n['val_after']:.1%} after"
    )
    fell = n["val_before"] - n["val_after"]
    if fell >= 0.005:
        return (
            f"{said}: {fell * 100:.1f} points fewer. Each of your digits was in the mix {n['copies']} times, so "
            "the network leant towards your hand a little at everyone else's expense. More of your digits repeat "
            "less; Undo brings the network before back."
        )
    hand = "it learned your hand" if n["after"] > n["before"] else "it read your held-back digits no better"
    if fell <= -0.005:
        return f"{said}: {hand}, and read everyone's digits better too."
    return f"{said}: {hand}, and read everyone else's as well as before."
