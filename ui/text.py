"""Showing text that came from a user (a file name, a cell of an uploaded file) as itself.

Streamlit renders the text of ``st.markdown``, ``st.error`` and the like as Markdown (links,
images, LaTeX between dollar signs). A name like ``![x](http://…)`` must not become an image the
browser fetches, so user text goes through ``plain`` before it is put into any message.
"""

from __future__ import annotations

import re

# What can turn plain text into markup mid-sentence: emphasis, code, links and images (an
# escaped "[" breaks both), HTML tags, tables, strikethrough and LaTeX.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def plain(text: object, limit: int = 200) -> str:
    """``text`` with every Markdown, HTML and LaTeX character escaped, cut to ``limit`` characters."""
    text = str(text).replace("\r", " ").replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _SPECIAL.sub(r"\\\1", text)


def latex_matrix(values) -> str:
    """A LaTeX ``bmatrix`` of a vector or a matrix of numbers (a vector becomes one row)."""
    import numpy as np

    rows = np.atleast_2d(values)
    return r"\begin{bmatrix}" + r" \\ ".join(" & ".join(f"{v:g}" for v in row) for row in rows) + r"\end{bmatrix}"
