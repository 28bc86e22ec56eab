"""What the learner has picked, kept across reruns and pages: the validation digit the lessons
follow, a confusion-matrix cell, a mistake to look at; and reading Plotly click payloads."""

from __future__ import annotations

import random

from nn_core import inspection

from . import state

KEY_SAMPLE = "sample"  # the validation row the lesson pages follow
KEY_CELL_TRUE, KEY_CELL_PREDICTED = "_cell_true", "_cell_predicted"
KEY_MISTAKE = "mistake_position"


# -- the digit the lessons follow ------------------------------------------------------------------


def sample_index() -> int:
    """The chosen validation row, kept within the current dataset's validation split."""
    n = len(state.dataset().y_val)
    index = int(state.widget_value(KEY_SAMPLE, 0))
    return index if 0 <= index < n else 0


def set_sample_index(index: int) -> None:
    state.set_widget_value(KEY_SAMPLE, int(index))


def random_sample(label: int | None = None) -> None:
    """A random validation row, of class ``label`` if given."""
    y = state.dataset().y_val
    rows = [i for i, c in enumerate(y.tolist()) if label is None or c == label]
    if not rows:
        state.notice(f"There is no {label} among the validation digits.", "warning")
        return
    set_sample_index(random.choice(rows))


def next_mistake_sample() -> None:
    """The next validation row the network gets wrong."""
    current = state.trainer()
    X, y = current.dataset.split("val")
    found = inspection.next_mistake(current.model, X, y, after=sample_index())
    if found is None:
        state.notice("The network gets every validation digit right: no mistake to show.", "success")
        return
    set_sample_index(found)


# -- the Evaluation page's choices -----------------------------------------------------------------


def cell_from_chart(chart_key: str) -> None:
    """``on_select`` of the confusion grid: the clicked square becomes the chosen cell."""
    event = state.widget_value(chart_key)
    cell = clicked_cell(event.selection.points if event is not None else [])
    if cell is not None:
        state.set_widget_value(KEY_CELL_TRUE, cell[0])
        state.set_widget_value(KEY_CELL_PREDICTED, cell[1])


def chosen_cell(default: tuple[int, int]) -> tuple[int, int]:
    """The chosen (true, predicted) cell; ``default`` until one is chosen."""
    return int(state.default_value(KEY_CELL_TRUE, default[0])), int(state.default_value(KEY_CELL_PREDICTED, default[1]))


def mistake_position(count: int) -> int:
    """Which of ``count`` mistakes the browser shows (kept in range as the network changes)."""
    position = int(state.widget_value(KEY_MISTAKE, 0))
    return position if 0 <= position < count else 0


def move_mistake(delta: int, count: int) -> None:
    if count:
        state.set_widget_value(KEY_MISTAKE, (mistake_position(count) + delta) % count)


# -- Plotly click payloads -------------------------------------------------------------------------


def clicked_cell(points: list[dict]) -> tuple[int, int] | None:
    """(true, predicted) of the first clicked square of the grid: its ``customdata`` (which the
    browser sends as a list, or as a dict keyed "0", "1", ...)."""
    for point in points:
        data = point.get("customdata")
        if point.get("curve_number", 0) != 0 or data is None:
            continue
        if isinstance(data, dict):
            data = [data.get(str(i)) for i in range(2)]
        try:
            return int(data[0]), int(data[1])
        except (TypeError, ValueError, IndexError):
            continue
    return None


def clicked_row(points: list[dict]) -> int | None:
    """The data row of the first clicked point of a map whose ``customdata`` starts with the row."""
    for point in points:
        data = point.get("customdata")
        if isinstance(data, dict):
            data = [data.get("0")]
        try:
            return int(data[0])
        except (TypeError, ValueError, IndexError):
            continue
    return None
