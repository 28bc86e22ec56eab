"""Theme and shared helpers of every figure: colours, the common layout, float32 arrays, smoothing."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nn_core.history import SMOOTHING, ema  # noqa: F401  (the figures' smoothing is the engine's)

Array = np.ndarray


# Paul Tol's "muted" scheme (told apart with the common colour-vision deficiencies) and a dark grey;
# where colour alone would tell the digits apart, each also has its own dash and marker symbol.
DIGIT_COLOURS = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#555555",
)
DIGIT_DASHES = (
    "solid",
    "dot",
    "dash",
    "longdash",
    "dashdot",
    "longdashdot",
    "2px,5px",
    "10px,3px,2px,3px",
    "12px,3px",
    "3px,3px,9px,3px",
)
DIGIT_SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "cross",
    "x",
    "triangle-up",
    "triangle-down",
    "star",
    "hexagon",
    "pentagon",
)


# Vega's "tableau10" (the start of it): one colour per layer, and the figures' blue, orange, green and red.
BLUE, ORANGE, GREEN, RED, TEAL, PURPLE = "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"
LAYER_COLOURS = (BLUE, ORANGE, GREEN, RED, TEAL, PURPLE)
TRAIN, VALIDATION, TEST = BLUE, ORANGE, GREEN  # a split's colour, the same on every chart
RIGHT, WRONG = GREEN, RED  # an answer, or a check, that is right or wrong
REFERENCE = "#888"  # what a curve is read against: the start, a threshold line, the ideal
INK = "#333"  # a dashed rule across a chart, text on a pale cell
MOMENT = "#555"  # the shown past moment's line and label
SHADE = "#999"  # a shaded band (an activation's flat region)
BEFORE = "#bbb"  # the bars before a step, beside the bars after it
CELL_EDGE = "#ddd"  # a confusion cell's outline
TRUE_CLASS = "#2ca02c"  # the right answer, ringed: the confusion grid's diagonal, the true output unit
SELECTION = "#1f77b4"  # the cell the learner chose
HIGHLIGHT = "#ffa600"  # the unit the learner chose
POSITIVE, NEGATIVE = "#b2182b", "#2166ac"  # the ends of DIVERGING: red up, blue down

# Okabe and Ito's colours, told apart with every common colour blindness (their yellow, too pale
# on white, is left out); a run keeps its colour by its number.
RUN_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999")
LEARNED, NOT_LEARNED = RUN_COLOURS[2], RUN_COLOURS[3]  # a probe digit above or below 50%: green, vermillion

# the Backpropagation page's chain: forward values, the highlighted path, the backward sweep
FORWARD, PATH, OFF_PATH = BLUE, ORANGE, "#b8b8b8"
BACKWARD = "#c0392b"
OFF_PATH_TEXT, BOX_TEXT = "#777", "#222"
PATH_FILL, BOX_FILL = "#fff4e6", "#eef3f9"


DIVERGING = "RdBu_r"  # negative blue, zero white, positive red


def layout(fig: go.Figure, title: str, x: str = "", y: str = "", height: int = 300) -> go.Figure:
    fig.update_layout(  # title on the first line, legend on the second, so they never overlap
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top", yref="container", font=dict(size=15)),
        height=height,
        margin=dict(l=10, r=10, t=64 if title else 30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        xaxis_title=x,
        yaxis_title=y,
        hovermode=fig.layout.hovermode or "x unified",  # a builder's own choice (set before) wins
        # Plotly's toolbar down the right edge, not across the top: on a phone it covered titles and legends
        modebar=dict(orientation="v", bgcolor="rgba(255,255,255,0.6)"),
    )
    return fig


def log_axis(fig: go.Figure, values, axis: str = "y", **where) -> go.Figure:
    """A log axis labelled at powers of ten only (0.001, 0.01, 0.1, 1, 10: no minor-tick digits; over
    more than six decades at every second or third power, so the labels never run into each other),
    spanning whole decades around the positive ``values`` so at least two labels show; below
    1e-4 the labels are written as powers (10⁻⁶)."""
    finite = np.asarray(values, dtype=np.float64).reshape(-1)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.1, 10.0)
    bottom, top = np.floor(np.log10(low)), np.ceil(np.log10(high))
    if top - bottom < 1:
        top = bottom + 1
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(
        type="log",
        dtick=max(1, int(np.ceil((top - bottom) / 6))),  # every power of ten, or every 2nd, 3rd...: 7 labels at most
        range=[bottom - 0.05, top + 0.05],
        exponentformat="power" if bottom < -4 else "none",
        minor=dict(showgrid=False, ticks=""),
        **where,
    )
    return fig


def css_rgb(colour: str, alpha: float | None = None) -> str:
    """A "#rrggbb" colour as CSS: ``rgb(r,g,b)``, or ``rgba(r,g,b,alpha)`` given ``alpha``."""
    channels = ",".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return f"rgb({channels})" if alpha is None else f"rgba({channels},{alpha})"


def f32(values) -> Array:
    return np.asarray(values, dtype=np.float32)


def thin(n: int, most: int) -> slice:
    """A slice keeping at most about ``most`` of ``n`` evenly spaced points, the last included."""
    stride = max(1, -(-n // most))
    return slice((n - 1) % stride, None, stride)


def symmetric_limit(values: Array) -> float:
    """A colour range symmetric about 0 that ignores the top 0.5% (one outlier should not wash out the rest)."""
    finite = np.abs(values[np.isfinite(values)])
    return float(np.percentile(finite, 99.5)) if finite.size else 1.0


def panel_grid(titles: list[str], columns: int, gap_x: float = 0.06, gap_y: float = 0.3) -> tuple[dict, list, list]:
    """Axes for small panels in a grid, laid out by hand: ``make_subplots`` and ``add_trace(row=,
    col=)`` cost 10-50 ms a figure, paid again at every step of the Training page.

    Returns the layout's axis entries (``xaxis``, ``yaxis``, ``xaxis2``, ...), one title annotation
    per panel, and each panel's ``(xaxis, yaxis)`` names for its traces ("x", "y", "x2", "y2", ...)."""
    n = len(titles)
    rows = max(1, -(-n // columns))
    gap_y = gap_y / rows
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    axes, annotations, names = {}, [], []
    for i, title in enumerate(titles):
        row, col = divmod(i, columns)
        x0, y1 = col * (width + gap_x), 1 - row * (height + gap_y)
        suffix = "" if i == 0 else str(i + 1)
        axes[f"xaxis{suffix}"] = dict(domain=[max(0.0, x0), min(1.0, x0 + width)], anchor=f"y{suffix}")
        axes[f"yaxis{suffix}"] = dict(domain=[max(0.0, y1 - height), min(1.0, y1)], anchor=f"x{suffix}")
        annotations.append(
            dict(
                text=title,
                x=x0 + width / 2,
                y=y1,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=12),
            )
        )
        names.append((f"x{suffix}", f"y{suffix}"))
    return axes, annotations, names
