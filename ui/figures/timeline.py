"""Figures of a run through time: the shown moment marked on a curve, several runs overlaid, the
probe digits' probabilities over training."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .theme import ema, f32, layout, thin

Array = np.ndarray

# Okabe and Ito's colours, told apart with every common colour blindness (their yellow, too pale
# on white, is left out); a run keeps its colour by its number.
RUN_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#999999")


def run_colour(number: int) -> str:
    return RUN_COLOURS[(number - 1) % len(RUN_COLOURS)]


def mark_moment(fig: go.Figure, step: int) -> go.Figure:
    """A dashed vertical line at ``step``, labelled: the past moment the pages show."""
    fig.add_vline(x=step, line=dict(color="#555", dash="dash", width=1.5))
    fig.add_annotation(  # at the foot of the line, inside the plot: the legend is above it
        x=step,
        y=0.02,
        yref="paper",
        text=f" step {step:,}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font=dict(size=11, color="#555"),
        bgcolor="rgba(255,255,255,0.7)",
    )
    return fig


def runs_overlay(curves: list[dict], smoothing: float = 0.9, most: int = 300) -> go.Figure:
    """Loss (smoothed batch loss, left) and validation accuracy (right) of several runs, one
    colour each. Each curve: ``label``, ``colour``, ``steps``, ``losses``, ``eval_steps``,
    ``val_accuracy`` (arrays), and ``present`` (drawn thicker)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Loss (smoothed)", "Validation accuracy"))
    for curve in curves:
        width = 3 if curve.get("present") else 1.8
        losses = np.asarray(curve["losses"], dtype=np.float64)
        keep = thin(len(losses), most)
        if len(losses):
            fig.add_scatter(
                x=f32(curve["steps"])[keep],
                y=f32(ema(losses, smoothing)[keep]),
                name=curve["label"],
                mode="lines",
                line=dict(color=curve["colour"], width=width),
                legendgroup=curve["label"],
                row=1,
                col=1,
            )
        fig.add_scatter(
            x=f32(curve["eval_steps"]),
            y=f32(curve["val_accuracy"]) * 100,
            name=curve["label"],
            mode="lines+markers",
            marker=dict(size=4),
            line=dict(color=curve["colour"], width=width),
            legendgroup=curve["label"],
            showlegend=not len(losses),
            row=1,
            col=2,
        )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="cross-entropy", row=1, col=1)
    fig.update_yaxes(title_text="accuracy", ticksuffix="%", range=[0, 100], row=1, col=2)
    fig.update_layout(hovermode="closest")
    fig.update_annotations(font_size=13, yshift=-4)
    fig = layout(fig, "Runs compared", "step", "cross-entropy", height=340)
    fig.update_layout(margin=dict(t=96), legend=dict(y=1.16))
    return fig


def probe_figure(steps: Array, probabilities: Array, titles: list[str], shown_step: int | None = None) -> go.Figure:
    """Small multiples, one per probe digit: its probability of its true class at each held moment
    (``probabilities`` (moments, probes)), 0 to 100%; ``shown_step`` marks the shown moment.

    The grid of axes is laid out by hand: ``make_subplots`` and a ``add_vline`` per subplot took
    100-400 ms for ten panels, a slow rerun every time the time slider moved."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    n = probabilities.shape[1] if probabilities.ndim == 2 else 0
    columns = min(5, max(1, n))
    rows = max(1, -(-n // columns))
    gap_x, gap_y = 0.03, 0.34 / rows  # room for a row's tick labels and the next row's titles
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    traces, axes, annotations, shapes = [], {}, [], []
    for i in range(n):
        row, col = divmod(i, columns)
        x0, y1 = col * (width + gap_x), 1 - row * (height + gap_y)
        name = "" if i == 0 else str(i + 1)
        axes[f"xaxis{name}"] = dict(domain=[max(0.0, x0), min(1.0, x0 + width)], anchor=f"y{name}", nticks=4)
        axes[f"yaxis{name}"] = dict(
            domain=[max(0.0, y1 - height), min(1.0, y1)],
            anchor=f"x{name}",
            range=[-5, 105],
            ticksuffix="%",
            dtick=50,
            showticklabels=col == 0,
        )
        final = probabilities[-1, i]
        traces.append(
            go.Scatter(
                x=f32(steps),
                y=f32(probabilities[:, i]) * 100,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color="#009E73" if final >= 0.5 else "#D55E00", width=2),
                name=titles[i],
                showlegend=False,
                xaxis=f"x{name}",
                yaxis=f"y{name}",
                hovertemplate="step %{x}: %{y:.0f}%<extra></extra>",
            )
        )
        annotations.append(
            dict(
                text=titles[i],
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
        if shown_step is not None:
            shapes.append(
                dict(
                    type="line",
                    x0=shown_step,
                    x1=shown_step,
                    y0=0,
                    y1=1,
                    xref=f"x{name}",
                    yref=f"y{name} domain",
                    line=dict(color="#555", dash="dash", width=1),
                )
            )
    fig = go.Figure(traces)
    fig.update_layout(**axes, annotations=annotations, shapes=shapes, hovermode="closest")
    return layout(fig, "Probe digits: the probability of the right answer over training", height=130 + 180 * rows)
