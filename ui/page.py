"""The frame of every page: page config, sectioned navigation, the settings sidebar and the notices.

Every page, the home page included, starts with ``setup(pages.X)`` (its entry in ``lessons.pages``),
so a page opened from a bookmark on a fresh server looks and works exactly like one reached by a click.
"""

from __future__ import annotations

import streamlit as st

from lessons.pages import HOME, SECTIONS, Page

from . import guide, moments, persistence, server, state
from .sidebar import settings_sidebar

# Where the keyboard's focus is, visibly (WCAG 2.4.7): Streamlit marks a focused page link only
# with a faint background, the same as the page you are on. A style alone is all st.html is given.
FOCUS_STYLE = (
    "<style>a:focus-visible, button:focus-visible, [role='slider']:focus-visible, [role='radio']:focus-visible, "
    "[role='checkbox']:focus-visible, [role='switch']:focus-visible, [role='tab']:focus-visible, "
    "input:focus-visible, summary:focus-visible "
    "{outline: 3px solid #1f4e8c !important; outline-offset: 2px !important;}"
    # Streamlit leaves 6rem above a page's title: 3.5rem keeps a page's first screen for the lesson
    '[data-testid="stMainBlockContainer"] {padding-top: 3.5rem !important;}'
    # On a phone Streamlit stacks columns one per line: the Training page's knobs go two to a line, so
    # the loss curve is still on the screen where Play was pressed
    "@media (max-width: 640px) {.st-key-knobs [data-testid='stColumn'] "
    "{min-width: calc(50% - 0.5rem) !important; flex: 1 1 calc(50% - 0.5rem) !important;}}</style>"
)


def setup(shown: Page, live_area: bool = False) -> None:
    """Page config, the session's state, the navigation and the settings sidebar for the page
    ``shown`` (``live_area``: the page draws the learning rate and the batch size next to Play, so
    the sidebar does not)."""
    st.set_page_config(page_title=f"{shown.label} · Neural network digits", page_icon=shown.icon, layout="wide")
    st.html(FOCUS_STYLE)
    server.configure()
    persistence.open_session()
    guide.arrive()  # before the address keeps only the token
    persistence.keep_token_in_url()
    if not live_area:  # the live area saves after it has drawn: a pause shows at once, then saves
        persistence.save_if_due(playing=state.is_playing())
    with st.sidebar:
        st.page_link(HOME.path, label=HOME.label, icon=HOME.icon)
        answered, total = guide.progress()
        st.page_link(
            HOME.path, label=f"Start here: {answered} of {total}", icon="🧭", help="The guided path, on the home page"
        )
        for section, pages in SECTIONS.items():
            st.caption(section.upper())
            for shown in pages:
                st.page_link(shown.path, label=shown.label, icon=shown.icon)
        st.divider()
        settings_sidebar(live_area)
    # The notice's place is kept when there is none: an element that comes and goes above the page
    # would move everything under it, and a drawing on the canvas with it.
    slot = st.empty()
    shown = state.pop_notice()
    if shown:
        kind, text = shown
        getattr(slot, kind)(text)
    replaced = state.undo_record()
    if replaced is not None:  # no click destroys a trained network silently
        message, button = st.columns([4, 1], vertical_alignment="center")
        message.info(undo_text(replaced), icon="↩️")
        button.button("Undo", icon="↩️", on_click=state.undo, key="undo_replace", width="stretch")
    moments.retire_past_runs()
    past_moment_line()


def undo_text(replaced: state.Replaced) -> str:
    """What replaced the learner's network, and what Undo brings back."""
    steps = f"**{replaced.trainer.steps:,}** steps"
    if replaced.trained:  # taught: the new one is trained, and it stays in Your runs
        return (
            f"Your network was {replaced.origin or 'replaced'}: a new run, kept in Your runs. Undo brings back "
            f"the network as it was before ({steps})."
        )
    return f"A new network replaced yours, trained {steps}. Until the new one trains, you can bring the old one back."


def past_moment_line() -> None:
    """While a past moment is shown, one line that says so, with the way back."""
    shown = moments.moment()
    if shown.is_past:
        message, button = st.columns([4, 1], vertical_alignment="center")
        if moments.is_playing_past():  # this line is not redrawn at each moment: say what is going on
            text = f"**Playing the past**, from step 0 to now (step {shown.present_steps:,}), a kept moment at a time."
        else:
            text = (
                f"You are looking at the network **as it was at step {shown.steps:,}** (it is at step "
                f"{shown.present_steps:,} now). Training acts on the present network and brings you back to now."
            )
        message.info(text, icon="⏪")
        button.button("Back to now", icon="⏩", on_click=state.back_to_now, key="back_to_now", width="stretch")
