"""Bounded training records (a table that thins itself so memory stays flat on long runs), and the
moving average their curves are smoothed with."""

from __future__ import annotations

import numpy as np


class Trace:
    """Rows of named values, kept at a stride that doubles whenever ``cap`` rows are reached.

    With the default cap of 4,000 rows a run of any length keeps between 2,000 and 4,000
    evenly spaced rows spanning the whole run: the first row always, then every
    ``stride``-th row offered. Each column holds floats or equally shaped arrays.
    """

    def __init__(self, cap: int = 4000):
        if cap < 2:
            raise ValueError("a trace needs room for at least 2 rows")
        self.cap = cap
        self.stride = 1
        self.offered = 0
        self.columns: dict[str, list] = {}

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def append(self, **values) -> None:
        """Offer one row; it is kept if it falls on the current stride."""
        offered, self.offered = self.offered, self.offered + 1
        if offered % self.stride:
            return
        for name, value in values.items():
            self.columns.setdefault(name, []).append(value)
        if len(self) >= self.cap:
            for name in self.columns:
                self.columns[name] = self.columns[name][::2]
            self.stride *= 2

    def column(self, name: str) -> np.ndarray:
        """One column as an array: (rows,) for scalars, (rows, ...) for array values."""
        values = self.columns.get(name, [])
        return np.array(values) if values else np.empty(0)

    def last(self, name: str, default=None):
        values = self.columns.get(name)
        return values[-1] if values else default

    def until(self, step: int, column: str = "step") -> Trace:
        """A copy holding only the rows whose ``column`` is at most ``step`` (a run continued
        from that moment), at the same stride."""
        copy = Trace(self.cap)
        copy.stride = self.stride
        kept = sum(1 for value in self.columns.get(column, []) if value <= step)
        copy.columns = {name: values[:kept] for name, values in self.columns.items()}
        copy.offered = kept * self.stride
        return copy

    def clear(self) -> None:
        self.stride, self.offered = 1, 0
        self.columns.clear()


SMOOTHING = 0.9  # the usual moving average's weight on its past: the loss chart's, the divergence guard's


def ema_step(average: float | None, value: float, smoothing: float = SMOOTHING) -> float:
    """The moving average after one more ``value``: ``smoothing * average + (1 - smoothing) * value``;
    with no average yet (None), ``value`` itself."""
    return value if average is None else smoothing * average + (1 - smoothing) * value


def debiased(average: float, smoothing: float, count: int) -> float:
    """A moving average begun at 0, after ``count`` values, divided by ``1 - smoothing**count`` so
    the first points are not dragged towards 0."""
    return average / (1 - smoothing**count)


def ema(values, weight: float = SMOOTHING) -> np.ndarray:
    """Exponential moving average, bias-corrected so the first points are not dragged to 0 (the loss
    chart's smoothed curve, and what the Why answers read), float64 (rows,)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    running = 0.0
    for i, v in enumerate(values):
        running = ema_step(running, v, weight)
        out[i] = debiased(running, weight, i + 1)
    return out


def trace_table(trace: Trace, array_names: dict[str, list[str]] | None = None):
    """The trace as a pandas DataFrame: one column per scalar; an array column becomes one column
    per entry, named by ``array_names[column]`` (else ``column_0``, ``column_1``, ...)."""
    import pandas as pd

    array_names = array_names or {}
    table = {}
    for name, values in trace.columns.items():
        column = np.asarray(values)
        if column.ndim == 1:
            table[name] = column
            continue
        flat = column.reshape(len(column), -1)
        labels = array_names.get(name) or [f"{name}_{i}" for i in range(flat.shape[1])]
        for i, label in enumerate(labels[: flat.shape[1]]):
            table[label] = flat[:, i]
    return pd.DataFrame(table)
