"""Links from the pages to a term of the Glossary page (``lessons.glossary.TERMS``), by its key.

Two kinds, checked in Chromium (Streamlit 1.67):

- ``link(key)`` draws an ``st.page_link`` carrying ``?term=key``: it keeps the learner's session
  (their network, at its step), and the Glossary shows that term first. Use this one.
- ``term(key)`` is Markdown, ``[learning rate](/Glossary#learning-rate)``, for inline text. Streamlit
  opens every Markdown link that is not a bare ``#anchor`` in a new tab: a new session, so a new,
  untrained network, and the ``#anchor`` is lost when the page puts its token in the address. Only
  the Glossary's own ``#anchor`` links (its contents) stay in the page.

Both raise KeyError for a key that is not a term, so a page cannot link a term that does not exist
(``tests/test_glossary.py`` also checks every literal key the pages write).
"""

from __future__ import annotations

import streamlit as st

from lessons import pages
from lessons.glossary import TERMS, Term

GLOSSARY_PAGE = pages.GLOSSARY.path
page_url = pages.url_of
TERM = "term"  # the query parameter of a link to one term


def glossary_url(key: str) -> str:
    """The Glossary page's address with the term ``key``'s anchor (KeyError if there is none)."""
    return f"{page_url(GLOSSARY_PAGE)}#{TERMS[key].anchor}"


def term(key: str, text: str | None = None) -> str:
    """Markdown linking ``text`` (the term's name by default) to the term ``key`` on the Glossary
    page; KeyError for a key that is not a term. It opens in a new tab (see the module docstring)."""
    return f"[{text or TERMS[key].name}]({glossary_url(key)})"


def link(key: str, text: str | None = None, where=st) -> None:
    """A link to the term ``key`` (KeyError if there is none) that keeps the session: the Glossary
    page opens with that term first. ``where``: a column or container to draw it in."""
    entry = TERMS[key]
    where.page_link(GLOSSARY_PAGE, label=text or entry.name, icon="📖", query_params={TERM: key}, width="content")


def requested_term() -> Term | None:
    """The term a ``link`` asked for, or None. Read it before ``ui.page.setup``, which leaves only
    the run's token in the address."""
    return TERMS.get(st.query_params.get(TERM, ""))


def terms_row(keys: tuple[str, ...]) -> None:
    """A line of links to the Glossary's terms a page uses (KeyError for one that is not a term)."""
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.caption("Words on this page:", width="content")
    for key in keys:
        link(key, where=row)
