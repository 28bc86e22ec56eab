"""Helpers for Streamlit AppTest page tests: find elements, and read the numbers inside charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()


def on_page(at: AppTest, path: str) -> AppTest:
    return at.switch_page(path).run() if path != "app.py" else at


def trained_a_little(clicks: int = 2) -> AppTest:
    """The Training page after ``clicks`` presses of Step ×10: outcomes and curves that are not
    all the untrained network's."""
    at = on_page(new_app(), "pages/6_Training.py")
    for _ in range(clicks):
        button(at, "Step ×10").click().run()
    return open_folds(at)  # the page's folds open: what it draws below the live view is drawn


def open_fold(at: AppTest, starts: str) -> AppTest:
    """Open the page's fold whose label starts with ``starts`` (``ui.widgets.folded``): its content
    is drawn only while it is open."""
    folds = [e for e in at.expander if e.label.startswith(starts) and e.key]
    assert len(folds) == 1, f"no one fold {starts!r} among {[e.label for e in at.expander]}"
    at.session_state[folds[0].key] = True
    return at.run()


def open_folds(at: AppTest) -> AppTest:
    """Every fold of the page open (``ui.widgets.folded``), as a reader who opens them all sees it."""
    for _ in range(3):  # a fold may hold another
        closed = [e.key for e in at.expander if e.key and not _is_open(at, e.key)]
        if not closed:
            break
        for key in closed:
            at.session_state[key] = True
        at = at.run()
    return at


def _is_open(at: AppTest, key: str) -> bool:
    return key in at.session_state and bool(at.session_state[key])


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def trainer(at: AppTest):
    return at.session_state["trainer"]


def all_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "error", "warning", "info", "success", "caption", "title", "latex")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (as a dict) of the chart drawn with ``key``."""
    matches = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert matches, f"no chart {key!r}"
    return json.loads(matches[0].proto.spec)


def array(value) -> np.ndarray:
    """A trace's data as an array: Plotly sends NumPy arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value)


def control(widgets, base: str):
    """The control of ``base`` among ``widgets`` (``at.select_slider``, ``at.selectbox``, …): the
    app keys a control ``base@generation`` (``ui.controls``), so its key is found by its base."""
    matches = [w for w in widgets if w.key is not None and w.key.rsplit("@", 1)[0] == base]
    assert len(matches) == 1, f"{len(matches)} controls {base!r} among {[w.key for w in widgets]}"
    return matches[0]
