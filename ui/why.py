"""The Training page's "Why is it doing that?": the learner's questions (``lessons.why.QUESTIONS``)
beside the answer to the chosen one, from the session's network, with its fixes as buttons.

It opens on the first question whose answer found something (blank tiles at step 0, a stuck
accuracy, a jump) until the learner picks one; the questions that found something are marked.
The answers are of the network now, and are redrawn with the page (a Step, Pause, a knob).
"""

from __future__ import annotations

import streamlit as st

from lessons.why import QUESTIONS, Answer, answers, most_relevant

from . import moments, state
from .widgets import fix_buttons

KEY_OPEN = "why_open"  # the expander's own key: its content runs only while it is open
KEY_QUESTION = "why_question"  # the question the learner picked (kept while the radio is not drawn)
KEY_RADIO = "_why_question"  # the radio's own key
FOUND_MARK = "💡"


def _picked() -> None:
    state.set_widget_value(KEY_QUESTION, state.widget_value(KEY_RADIO))


def _answer(key: str, answer: Answer) -> None:
    st.markdown(f"#### {QUESTIONS[key].ask}")
    st.markdown(answer.summary)
    if answer.details:
        st.markdown("\n".join(f"- {line}" for line in answer.details))
    fix_buttons(answer.fixes, f"why_fix_{key}")


def why_section() -> None:
    """The questions and the answer to the chosen one, for the session's trainer."""
    trainer = state.trainer()
    answered = answers(trainer)
    chosen = state.widget_value(KEY_QUESTION)
    if chosen not in QUESTIONS:
        chosen = most_relevant(answered)
    state.set_widget_value(KEY_RADIO, chosen)
    note = f"Answered from your network at step {trainer.steps:,}"
    if moments.moment().is_past:
        note += ", the present one (not the past moment the charts show)"
    st.caption(f"{note}. {FOUND_MARK} marks the questions whose answer found something.")
    left, right = st.columns([2, 3], gap="large")
    left.radio(
        "Your question",
        list(QUESTIONS),
        format_func=lambda key: f"{QUESTIONS[key].ask} {FOUND_MARK}" if answered[key].found else QUESTIONS[key].ask,
        key=KEY_RADIO,
        on_change=_picked,
        label_visibility="collapsed",
    )
    with right:
        _answer(chosen, answered[chosen])
