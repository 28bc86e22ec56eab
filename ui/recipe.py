"""The Training page's one-click recipe ("Train a strong reader") and its overfitting experiment
("Try this: memorising, and how augmentation stops it").

The recipe replaces the learner's network with a new run of ``nn_core.recipes.ROBUST`` and trains
it in the page's own run, epoch by epoch, with a progress bar; the network it replaces stays in
Your runs. The experiment trains two networks of its own (never the learner's) and shows the gap
between their training and validation accuracy.
"""

from __future__ import annotations

import streamlit as st

from lessons import experiments
from nn_core import recipes

from . import shared, state
from .figures import basics
from .settings import SERVER_BLAS_THREADS, settings_of

KEY_RECIPE_RUN = "recipe_run"  # the Train button (its value is True in the run it was pressed)
KEY_OVERFIT = "overfit_demo"  # (dataset source, the experiment's result)
SECONDS_PER_EPOCH = 1.25  # measured on the 2-core machine with one BLAS thread (bench_recipe.py)


def strong_reader_section() -> None:
    """What the recipe is, each part and what it does, and the button that trains it."""
    recipe = recipes.ROBUST
    data = state.dataset()
    epochs = recipe.epochs
    seconds = epochs * SECONDS_PER_EPOCH * len(data.y_train) / 3500
    with st.container(border=True, key="strong_reader"):
        st.markdown(
            "🏆 **Train a strong reader.** One click builds a network that reads handwriting it has never seen and "
            f"trains it ({epochs} epochs, about {seconds:.0f} s). It replaces yours, which stays in **Your runs** "
            "below to bring back. On the bundled digits it gets about 98% of the test digits right, and about 80% "
            "of digits from other writers."
        )
        with st.expander("What it does, part by part"):
            st.markdown("\n".join(f"- **{what}**: {why}." for what, why in recipe.parts))
        if st.button(f"Train a strong reader ({epochs} epochs)", icon="🏆", type="primary", key=KEY_RECIPE_RUN):
            train_recipe(recipe)


def train_recipe(recipe: recipes.Recipe) -> None:
    """Build the recipe's run as the session's network and train it here, with a progress bar."""
    state.stop_playing()
    data, source = state.dataset(), state.built_source()
    run = recipes.build(recipe, data, seed=state.settings().seed, blas_threads=SERVER_BLAS_THREADS)
    state.install(run, source, origin=f"the {recipe.name} recipe")  # first: Undo keeps the settings before
    state.replace_settings(settings_of(run, state.settings()))
    bar = st.progress(0.0, text="Starting…")

    def progress(done: int, total: int, trainer) -> None:
        accuracy = trainer.metrics()["val_accuracy"]
        bar.progress(
            done / total,
            text=f"Epoch {done} of {total}: validation accuracy {accuracy:.1%}, rate {trainer.rate_now():.2g}",
        )

    recipes.train(run, recipe.epochs, progress)
    bar.empty()
    state.notice(
        f"The strong reader is trained: {run.metrics()['val_accuracy']:.1%} of the validation digits after "
        f"{run.epochs_done} epochs. Try it on **Draw a digit**.",
        "success",
    )
    st.rerun()


def overfitting_section() -> None:
    """Two networks of the experiment's own: 1,024 units on 500 digits, without and with augmentation."""
    source = state.built_source()
    rows, hidden, epochs = experiments.OVERFIT_ROWS, experiments.OVERFIT_HIDDEN, experiments.OVERFIT_EPOCHS
    st.markdown(
        f"**🧪 Try this: memorising, and what stops it.** A {hidden:,}-unit network trained on only {rows} digits "
        f"for {epochs} epochs learns them by heart: its training accuracy climbs to 100% while the validation "
        "digits lag far behind. The same network with the training digits augmented (moved and redrawn a little "
        "each time) cannot memorise them: the gap closes. Two networks of their own; yours is not touched."
    )
    kept = state.widget_value(KEY_OVERFIT)
    if st.button("Train both (a few seconds)", icon="🧪", key="overfit_run"):
        with st.spinner("Training the two networks…"):
            result = shared.overfit_demo(source, rows, hidden, epochs)
        state.set_widget_value(KEY_OVERFIT, (source, result))
        kept = (source, result)
    if kept is None or kept[0] != source:
        return
    result = kept[1]
    st.plotly_chart(basics.overfitting_figure(result), key="overfit_chart")
    plain, augmented = result.runs["without augmentation"], result.runs["with augmentation"]
    st.markdown(
        f"Without augmentation the gap between training and validation accuracy ended at **{plain.gap:.1%}** "
        f"({plain.train[-1]:.1%} against {plain.val[-1]:.1%}); with it, **{augmented.gap:.1%}** ({augmented.train[-1]:.1%} "
        f"against {augmented.val[-1]:.1%}). Augmentation made the network "
        + ("better" if augmented.val[-1] > plain.val[-1] else "no better")
        + f" on the digits it never saw: {augmented.val[-1] - plain.val[-1]:+.1%}."
    )
