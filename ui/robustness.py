"""The Evaluation page's robustness curves: the accuracy of the learner's network, and of runs
from the ledger they pick, as the test digits are moved, turned, redrawn thicker or thinner, or
noised (``nn_core.robustness``). A network's curve is worked out once per state of its weights."""

from __future__ import annotations

import streamlit as st

from nn_core import robustness
from nn_core.robustness import PERTURBATIONS

from . import state
from .figures import evaluation as figures
from .figures.timeline import run_colour

KEY_CURVES = "_robustness_curves"  # (serial, revision, split, perturbation) -> Curve
KEY_KIND, KEY_RUNS = "robustness_kind", "robustness_runs"
MOST_KEPT = 48
MOST_DIGITS = 2000  # of a larger split (full MNIST's 10,000 test digits), the first this many: a second a curve


def _curve(trainer, split: str, kind: str):
    kept = state.widget_value(KEY_CURVES) or {}
    key = (trainer.serial, trainer.revision, split, kind)
    if key not in kept:
        X, y = trainer.dataset.split(split)
        X, y = X[:MOST_DIGITS], y[:MOST_DIGITS]
        kept = dict(list(kept.items())[-(MOST_KEPT - 1) :])
        kept[key] = robustness.curve(trainer.model, X, y, trainer.dataset.image_shape, kind)
        state.set_widget_value(KEY_CURVES, kept)
    return kept[key]


def robustness_section(split: str) -> None:
    """A perturbation to choose, the networks to compare, their curves and one line that reads them."""
    st.markdown(
        "Handwriting from other people is not centred and upright the way the training digits are. Here every "
        f"{split} digit is changed by a growing amount, the same change for each network, and each network's accuracy "
        "measured again. A network trained with augmentation (sidebar, *Generalisation*) keeps its accuracy longer."
        + (
            f" (The first {MOST_DIGITS:,} of the {len(state.trainer().dataset.split(split)[1]):,} {split} digits.)"
            if len(state.trainer().dataset.split(split)[1]) > MOST_DIGITS
            else ""
        )
    )
    kind = (
        st.segmented_control(
            "Change",
            list(PERTURBATIONS),
            format_func={"shift": "move", "rotate": "turn", "stroke": "stroke width", "noise": "noise"}.get,
            default="shift",
            key=KEY_KIND,
        )
        or "shift"
    )
    present = state.trainer()
    ledger = state.ledger()
    others = [run for run in ledger.runs if run.trainer is not present and run.trainer.dataset is present.dataset]
    names = {run.trainer.serial: run.name for run in others}
    picked = st.multiselect(
        "Compare with",
        list(names),
        format_func=names.get,
        key=KEY_RUNS,
        placeholder="runs from Your runs (Training page)",
        help="Runs of this session on the same data",
    )
    shown = [present] + [run.trainer for run in others if run.trainer.serial in picked]
    labels = ledger.legend_labels([t.serial for t in shown]) if len(shown) > 1 else {}
    entries = {run.trainer.serial: run for run in ledger.runs}
    with st.spinner("Changing the digits and asking each network…"):
        curves = [
            (
                ("yours: " if t is present else "")
                + labels.get(t.serial, entries[t.serial].name if t.serial in entries else "your network"),
                run_colour(entries[t.serial].number if t.serial in entries else 1),
                _curve(t, split, kind),
            )
            for t in shown
        ]
    spec = PERTURBATIONS[kind]
    st.plotly_chart(figures.robustness_figure(curves, spec), key="robustness_chart")
    mine = curves[0][2]
    middle = spec.amounts[len(spec.amounts) // 2]
    st.markdown(
        f"Yours: **{mine.at(0):.1%}** on the unchanged digits, **{mine.at(middle):.1%}** {spec.label} {middle:g} "
        f"({spec.unit}), **{float(mine.accuracy[-1]):.1%}** at {spec.amounts[-1]:g}."
        if kind != "stroke"
        else f"Yours: **{mine.at(0):.1%}** on the unchanged digits, **{mine.at(-1.0):.1%}** with strokes a pixel "
        f"thinner, **{mine.at(1.0):.1%}** a pixel thicker."
    )
