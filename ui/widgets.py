"""Small controls the pages share: the code behind a panel, the "Try this" box, the pickers for
the followed digit and for one unit of a layer."""

from __future__ import annotations

import inspect
import re

import streamlit as st

from lessons.try_this import TRY_THIS

from . import actions, selections, state


def show_code(*functions, label: str = "The NumPy code behind this") -> None:
    """The source of ``functions`` in an expander, so math, code and numbers sit side by side."""
    with st.expander(label, icon="🧮"):
        for function in functions:
            st.code(inspect.getsource(function), language="python")


def formula(body: str) -> None:
    """``st.latex`` with a thin space at its end. KaTeX's strut after a final subscript or
    superscript sticks out 2 px, which makes the formula a scrollable region that the keyboard
    cannot reach (axe-core's scrollable-region-focusable)."""
    st.latex(body + r"\,")


def try_this(page_path: str) -> None:
    """The experiment that ends every lesson page (``lessons.try_this``), in a fold drawn only while open."""
    fold(TRY_THIS_LABEL, lambda: st.markdown(TRY_THIS[page_path]), icon="🧪")


TRY_THIS_LABEL = "**Try this**: one experiment, and what you will find"


def fold(label: str, draw, icon: str | None = None) -> None:
    """An expander whose content ``draw()`` is drawn only while it is open (``folded``)."""
    box = folded(label, icon=icon)
    if box.open:
        with box:
            draw()


def folded(label: str, key: str | None = None, expanded: bool = False, icon: str | None = None):
    """A fold of a page: an expander that reruns the page when opened or closed, so what is in it
    is drawn only while it is open (``if box.open: with box: ...``). A closed fold costs a click
    nothing and a reader sees nothing of it. ``key`` defaults to one made from the label."""
    return st.expander(label, expanded=expanded, icon=icon, key=key or fold_key(label), on_change="rerun")


def open_fold(label: str) -> None:
    """Open the fold labelled ``label`` before it is drawn (a stop's link opens the part it is for)."""
    state.set_widget_value(fold_key(label), True)


def fold_key(label: str) -> str:
    """The session-state key of the fold labelled ``label`` (True while it is open)."""
    return "fold_" + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]


def _copy_sample() -> None:
    selections.set_sample_index(state.widget_value("_sample"))


def sample_picker(mistakes: bool = True) -> int:
    """Pick the validation digit the lesson pages follow: by row, at random (of a chosen digit),
    or the next one the network gets wrong. Returns its row."""
    data = state.dataset()
    index = selections.sample_index()
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
    cols[2].button("Random", icon="🎲", on_click=selections.random_sample, args=(digit,), width="stretch")
    if mistakes:
        cols[3].button(
            "Next mistake",
            icon="❌",
            on_click=selections.next_mistake_sample,
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


def fix_buttons(fixes, key: str) -> None:
    """One button per fix (``lessons.hints.Fix``) side by side, each applying it; a fix that needs a
    new network says so. Used by the hints and by the Why answers."""
    for j, (column, fix) in enumerate(zip(st.columns(max(1, len(fixes))), fixes)):
        column.button(
            fix.label,
            key=f"{key}_{j}",
            on_click=actions.apply_fix,
            args=(fix,),
            icon="🔄" if fix.new_network else "🛠️",
            help="Starts a new network: the trained one is discarded."
            if fix.new_network
            else "Changes this setting now",
        )
