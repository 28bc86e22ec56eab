import streamlit as st

from lessons import pages
from lessons.glossary import Term, by_section, matching
from ui import glossary, page, state
from ui.text import plain
from ui.widgets import formula

asked = glossary.requested_term()  # before setup, which leaves only the run's token in the address
page.setup(pages.GLOSSARY)
st.title("Glossary")
trainer = state.trainer()
st.markdown(
    "Every term the pages use, each in one sentence, with its symbol, the places it appears and, where it has one, "
    f"its value in your network now (step **{trainer.steps:,}**)."
)


def show_term(term: Term, anchor: str | bool) -> None:
    """One entry: its name (a header with ``anchor``), definition, symbol, live value and places."""
    st.subheader(term.name, anchor=anchor)
    st.markdown(term.definition)
    if term.symbol:
        formula(term.symbol)
    value = term.value_in(trainer)
    if value is not None:
        st.markdown(f"**In your network now:** {plain(value, limit=400)}")
    for row, (path, place) in enumerate(term.where):  # a row each: a page's place can be a long header
        with st.container(horizontal=True, gap="small", vertical_alignment="center", wrap=False):
            st.caption("Where:" if row == 0 else "", width=48)
            linked = pages.by_path(path)
            st.page_link(path, label=linked.label, icon=linked.icon)
            st.caption(place.replace(".", "\\.", 1) if place[0].isdigit() else place)  # "2." is no list


if asked is not None:
    with st.container(border=True):
        show_term(asked, anchor=False)
        st.caption(
            f"The term the link asked for; it is also [among the others](#{asked.anchor}), under {asked.section}."
        )


@st.fragment
def terms_list() -> None:
    """The search box reruns only this part."""
    query = st.text_input(
        "Search", placeholder="a word from a name or a definition: gradient, softmax, dead…", key="glossary_search"
    )
    groups = by_section(matching(query))
    if not groups:
        st.info(f"No term has *{plain(query)}* in its name or definition.")
        return
    st.markdown(
        "  \n".join(
            f"**{section}**: " + " · ".join(f"[{term.name}](#{term.anchor})" for term in group)
            for section, group in groups.items()
        )
    )
    for section, group in groups.items():
        st.header(section, anchor=False, divider="gray")
        for pair in range(0, len(group), 2):  # two cards a row: 67 terms in one column are a long scroll
            for column, term in zip(st.columns(2), group[pair : pair + 2]):
                with column.container(border=True, height="stretch"):
                    show_term(term, anchor=term.anchor)


terms_list()
