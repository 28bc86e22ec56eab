"""The guided path ("Start here") in the app: its stops (``lessons.guide``) drawn, the predict-then-run
checkpoints along it (``lessons.checkpoints``) asked, and the learner's progress kept.

A checkpoint asks first: the Run button stays disabled until a prediction is chosen, and nothing
of the outcome shows before it runs. The outcome is computed on copies of the learner's network
for the digit they follow, kept with the step it was measured at, and counted in the progress.
"""

from __future__ import annotations

from dataclasses import astuple

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lessons import notebook, pages
from lessons.checkpoints import CHECKPOINTS, Checkpoint, Outcome
from lessons.guide import ALL_CHECKPOINTS, STOPS, TRAIN_EPOCHS, Stop

from . import actions, selections, shared, state

KEY_DONE = "path_done"  # checkpoint key -> (prediction, Outcome, serial, steps)
KEY_ARRIVED = "_path_arrived"  # (stop number, page id): the stop a path link brought the learner here for
KEY_ARRIVED_NOW = "_path_arrived_now"  # True only in the run a stop's link opened the page with
STOP = "stop"  # the query parameter of a stop's link


def trained_enough() -> bool:
    return state.trainer().epochs_elapsed >= TRAIN_EPOCHS


def _trained_line(trainer) -> str:
    val = trainer.metrics()["val_accuracy"]
    accuracy = "" if val != val else f", and gets **{val:.1%}** of the validation digits right"
    return f"it has trained **{trainer.epochs_elapsed:.2f} epochs** ({trainer.steps:,} steps){accuracy}"


def train_task() -> None:
    """The training stop's last step: not a prediction, the learner's own network trained."""
    trainer = state.trainer()
    with st.container(border=True, key="path_train"):
        if trained_enough():
            st.markdown(f"✅ **Your own network, trained:** {_trained_line(trainer)}. Now judge it.")
            number = next(i for i, stop in enumerate(STOPS, start=1) if stop.train)
            if number < len(STOPS):
                stop_link(number + 1, f"Next stop: {STOPS[number].title}")
            return
        st.markdown(
            f"🏋️ **Now train your own network** (not a copy) for at least {TRAIN_EPOCHS} whole epoch, with ▶️ Play or "
            f"the button: the next stop judges it. So far {_trained_line(trainer)}."
        )
        st.button("Train to the end of this epoch", icon="🏋️", on_click=actions.run_epoch, key="path_train_epoch")


def train_first() -> None:
    """Where a trained network is judged: if the learner's has not trained an epoch yet, say so,
    with the way to do it here."""
    if trained_enough():
        return
    with st.container(border=True, key="path_train_first"):
        st.markdown(
            f"🏋️ **Your network has hardly trained yet:** {_trained_line(state.trainer())}. This page judges a trained "
            "network: train it for an epoch first (here, or on the Training page)."
        )
        st.button("Train to the end of this epoch", icon="🏋️", on_click=actions.run_epoch, key="path_train_first_epoch")


def _page_id() -> str:
    context = get_script_run_ctx()
    return context.page_script_hash if context is not None else ""


def arrive() -> None:
    """Before the address is tidied: a stop's link (``?stop=N``) says which stop this page is
    opened for; that holds until the learner goes to another page."""
    asked, here = st.query_params.get(STOP), _page_id()
    state.set_widget_value(KEY_ARRIVED_NOW, False)
    if asked is not None and asked.isdigit() and 1 <= int(asked) <= len(STOPS):
        state.set_widget_value(KEY_ARRIVED, (int(asked), here))
        state.set_widget_value(KEY_ARRIVED_NOW, True)
        return
    kept = state.widget_value(KEY_ARRIVED)
    if kept is not None and kept[1] != here:
        state.set_widget_value(KEY_ARRIVED, None)


def arrived_now() -> bool:
    """Whether this run is the one a stop's link opened the page with (not a later click there)."""
    return bool(state.widget_value(KEY_ARRIVED_NOW))


def arrived(page_path: str) -> Stop | None:
    """The stop a path link opened this page for, or None (the page was opened another way)."""
    kept = state.widget_value(KEY_ARRIVED)
    if kept is None or kept[1] != _page_id():
        return None
    stop = STOPS[kept[0] - 1]
    return stop if stop.page == page_path else None


def stop_link(number: int, label: str, container=st) -> None:
    """A link to the path's stop ``number`` (1-based): its page, opened for that stop."""
    stop = STOPS[number - 1]
    container.page_link(stop.page, label=label, icon="🧭", query_params={STOP: str(number)})


def here(page_path: str) -> Stop | None:
    """At the top of a page a stop's link opened: which stop this is, and the way to the next."""
    stop = arrived(page_path)
    if stop is None:
        return None
    number = STOPS.index(stop) + 1
    with st.container(border=True, horizontal=True, vertical_alignment="center", key="path_here"):
        st.markdown(f"🧭 **Stop {number} of {len(STOPS)}: {stop.title}.** {stop.idea[0].upper()}{stop.idea[1:]}.")
        if number < len(STOPS):
            stop_link(number + 1, f"Next: {STOPS[number].title}")
        else:
            st.page_link(pages.HOME.path, label="The end of the path: back to Start here", icon="🧭")
    return stop


def done() -> dict:
    return state.widget_value(KEY_DONE) or {}


def progress() -> tuple[int, int]:
    """(checkpoints answered, checkpoints on the path)."""
    return sum(key in done() for key in ALL_CHECKPOINTS), len(ALL_CHECKPOINTS)


def _notebook_accuracy(bugs: notebook.NotebookBugs, iterations: int) -> float:
    """The notebook's run, cached and shared like the Backpropagation page's."""
    start = next(iter(notebook.STARTS))  # the notebook's own code: np.random.randn
    return shared.notebook_run(state.built_source(), astuple(bugs), start, iterations)["accuracy"][-1]


def to_record() -> dict:
    """The progress as plain data, to keep with the run (``from_record`` brings it back)."""
    trainer = state.trainer()
    return {
        key: {
            "prediction": prediction,
            "happened": outcome.happened,
            "why": outcome.why,
            "numbers": {k: v for k, v in outcome.numbers.items() if isinstance(v, (int, float, str))},
            "same_run": serial == trainer.serial,
            "steps": int(steps),
        }
        for key, (prediction, outcome, serial, steps) in done().items()
    }


def from_record(record) -> None:
    """The progress a run was saved with; an entry that is not a well-formed answer to one of the
    path's checkpoints is left out (the rest come back)."""
    if not isinstance(record, dict):
        return
    trainer, kept = state.trainer(), {}
    for key, entry in record.items():
        try:
            prediction, happened, why, steps = entry["prediction"], entry["happened"], entry["why"], entry["steps"]
            numbers = dict(entry.get("numbers", {}))
        except (TypeError, KeyError, ValueError):
            continue
        if (
            key in CHECKPOINTS
            and all(isinstance(v, str) for v in (prediction, happened, why))
            and isinstance(steps, int)
        ):
            serial = trainer.serial if entry.get("same_run") is True else -1
            kept[key] = (prediction, Outcome(happened, why, numbers), serial, steps)
    state.set_widget_value(KEY_DONE, kept)


def run_checkpoint(key: str) -> None:
    """The Run button's callback: the outcome on copies of the learner's network."""
    prediction = state.widget_value(f"_predict_{key}")
    if prediction is None:
        return
    trainer = state.trainer()
    outcome = CHECKPOINTS[key].run(trainer, selections.sample_index(), notebook_accuracy=_notebook_accuracy)
    state.set_widget_value(KEY_DONE, {**done(), key: (prediction, outcome, trainer.serial, trainer.steps)})


def revealed(key: str) -> bool:
    """Whether what would give checkpoint ``key``'s answer away may show: it has been answered,
    or the learner chose to look without predicting (that is not counted as progress)."""
    return key in done() or bool(state.widget_value(f"_skip_{key}"))


def skip_button(key: str, where=st) -> None:
    """The way past a checkpoint's question without answering it (nothing is ever locked)."""
    where.button(
        "Show it without predicting",
        key=f"skip_{key}",
        on_click=state.set_widget_value,
        args=(f"_skip_{key}", True),
        help="Opens what is below; the question stays unanswered on the path",
    )


def held_back(key: str, what: str) -> bool:
    """Whether ``what`` (a part of the page that answers checkpoint ``key``) may be drawn: once the
    checkpoint is answered or skipped. Until then, one line in its place that says when it opens,
    and the way to look anyway."""
    if revealed(key):
        return True
    number = ALL_CHECKPOINTS.index(key) + 1
    row = st.container(horizontal=True, vertical_alignment="center", key=f"held_back_{key}")
    row.caption(f"🔒 {what} opens with the outcome of prediction {number} above: it would give the answer away.")
    skip_button(key, row)
    return False


def forget(key: str) -> None:
    """Ask again (the prediction and the outcome are cleared)."""
    state.set_widget_value(KEY_DONE, {k: v for k, v in done().items() if k != key})
    state.set_widget_value(f"_predict_{key}", None)


def checkpoint(key: str) -> None:
    """One predict-then-run box: the question, the choices, Run; then what happened and why."""
    spec: Checkpoint = CHECKPOINTS[key]
    number = ALL_CHECKPOINTS.index(key) + 1
    options = dict(spec.options(state.dataset().class_names))
    answered = done().get(key)
    with st.container(border=True, key=f"checkpoint_{key}"):
        st.markdown(f"🤔 **Predict, then run** ({number} of {len(ALL_CHECKPOINTS)}). {spec.question}")
        if answered is not None:
            state.set_widget_value(f"_predict_{key}", answered[0])
        row = st.container(horizontal=True, vertical_alignment="center", gap="medium")  # one line: choose, run
        choice = row.radio(
            "Your prediction",
            list(options),
            format_func=options.get,
            index=None,
            horizontal=True,
            key=f"_predict_{key}",
            disabled=answered is not None,
            label_visibility="collapsed",
            width="content",
        )
        if answered is None:
            row.button(
                "Run it",
                icon="▶️",
                key=f"run_{key}",
                on_click=run_checkpoint,
                args=(key,),
                disabled=choice is None,
                help=None if choice is not None else "Choose your prediction first",
            )
            return
        prediction, outcome, serial, steps = answered
        right = prediction == outcome.happened
        verdict = (
            f"You predicted **{options.get(prediction, prediction)}**, and that is what happened."
            if right
            else f"You predicted **{options.get(prediction, prediction)}**; what happened: "
            f"**{options.get(outcome.happened, outcome.happened)}**."
        )
        (st.success if right else st.info)(f"{verdict} {outcome.why}", icon="✅" if right else "💡")
        trainer = state.trainer()
        if (serial, steps) != (trainer.serial, trainer.steps):
            st.caption(f"Measured on your network at step {steps:,}; it has changed since.")
        st.button("Ask me again", key=f"again_{key}", on_click=forget, args=(key,))


def key_idea(text: str) -> None:
    """A page's opening: the one thing to take away (Markdown, with a live number)."""
    st.markdown(f"💡 **The one thing to take away:** {text}")


def checkpoints_of(page_path: str) -> None:
    """Every checkpoint the path asks on this page, in the path's order."""
    for key in ALL_CHECKPOINTS:
        if CHECKPOINTS[key].page == page_path:
            checkpoint(key)


def start_here() -> None:
    """The path for the home page: each stop, its idea, its progress and a link to its page."""
    answered, total = progress()
    st.subheader("Start here", anchor="start-here")
    st.markdown(
        "The notebook this app grew from tells the story in this order, and so does the path: at each stop, "
        f"**predict** what will happen, then run it on a copy of your own network. **{answered} of {total}** "
        "predictions made."
    )
    st.progress(answered / total)
    for i, stop in enumerate(STOPS, start=1):
        finished = sum(key in done() for key in stop.checkpoints)
        mark = "✅" if finished == len(stop.checkpoints) else f"{finished}/{len(stop.checkpoints)}"
        if stop.train:
            mark += " · trained ✅" if trained_enough() else " · not trained yet"
        left, right = st.columns([5, 1], vertical_alignment="center")
        stop_link(i, f"{i}. {stop.title}: {stop.idea}", left)
        right.markdown(mark)
