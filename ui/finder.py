"""The learning-rate finder's section of a page: the range test's button, its curve and reason,
and the button that makes its suggestion the learning rate.

The result is kept with the serial and revision of the network it measured: a result about a
network since replaced is not shown, and one about a network that has trained since is shown
with the step it was measured at.
"""

from __future__ import annotations

import streamlit as st

from nn_core.lr_finder import START, STEPS, STOP, find_learning_rate

from . import state
from .figures.finder import lr_finder_figure
from .settings import snap_lr

KEY_RESULT = "_lr_finder"  # (the trainer's serial, its revision, the LRFinderResult)


def run_finder() -> None:
    """The button's callback: a range test on a copy of the session's network."""
    trainer = state.trainer()
    state.set_widget_value(KEY_RESULT, (trainer.serial, trainer.revision, find_learning_rate(trainer)))


def use_learning_rate(lr: float) -> None:
    state.update_settings(lr=lr)
    state.notice(f"The learning rate is now {lr:g}, the finder's suggestion.")


def _decimal(value: float) -> str:
    """0.00001 rather than 1e-05."""
    return f"{value:f}".rstrip("0").rstrip(".")


def finder_section() -> None:
    """Draw the finder in the current container."""
    st.markdown(
        f"**The learning-rate finder** trains a copy of your network for {STEPS} batches while the learning "
        f"rate grows from {_decimal(START)} to {_decimal(STOP)}, and records each batch's loss. The rate where "
        "the loss falls fastest is a good one; where it blows up is too high. It runs on a copy: your own "
        "network is never touched."
    )
    st.button("Find a learning rate", icon="🔎", on_click=run_finder, key="find_lr")
    kept = state.widget_value(KEY_RESULT)
    trainer = state.trainer()
    if kept is None or kept[0] != trainer.serial:
        return
    _, revision, result = kept
    st.plotly_chart(
        lr_finder_figure(result.lrs, result.losses, result.smoothed, result.suggested_lr, result.reason),
        key="lr_finder",
    )
    st.markdown(
        f"Suggested: **{result.suggested_lr:.2g}**, because {result.reason}. "
        f"The test stopped because {result.stopped_because}."
    )
    if revision != trainer.revision:
        st.caption(
            f"Measured at step {result.at_step:,}; your network has changed since (step {trainer.steps:,} now). "
            "Run the test again for a curve of the network as it is."
        )
    snapped = snap_lr(result.suggested_lr)
    st.button(
        f"Use learning rate {snapped:g}",
        on_click=use_learning_rate,
        args=(snapped,),
        key="use_found_lr",
        help="The suggestion, rounded to the nearest notch of the learning-rate slider.",
    )
