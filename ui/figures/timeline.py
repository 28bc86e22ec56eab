"""Figures of a run through time: the shown moment marked on a curve, several runs overlaid, the
probe digits' probabilities over training."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .theme import LEARNED, MOMENT, NOT_LEARNED, RUN_COLOURS, SMOOTHING, ema, f32, layout, panel_grid, thin

Array = np.ndarray


def run_colour(number: int) -> str:
    """Run ``number``'s colour (from 1): a run keeps its colour by its number."""
    return RUN_COLOURS[(number - 1) % len(RUN_COLOURS)]


def mark_moment(fig: go.Figure, step: int) -> go.Figure:
    """A dashed vertical line at ``step``, labelled: the past moment the pages show."""
    fig.add_vline(x=step, line=dict(color=MOMENT, dash="dash", width=1.5))
    fig.add_annotation(  # at the foot of the line, inside the plot: the legend is above it
        x=step,
        y=0.02,
        yref="paper",
        text=f" step {step:,}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font=dict(size=11, color=MOMENT),
        bgcolor="rgba(255,255,255,0.7)",
    )
    return fig


def runs_overlay(curves: list[dict], smoothing: float = SMOOTHING, most: int = 300) -> go.Figure:
    """Loss (smoothed batch loss, left) and validation accuracy (right) of several runs, one
    colour each. Each curve: ``label``, ``colour``, ``steps``, ``losses``, ``eval_steps``,
    ``val_accuracy`` (arrays), and ``present`` (drawn thicker)."""
    axes, titles, ((loss_x, loss_y), (accuracy_x, accuracy_y)) = panel_grid(
        ["Loss (smoothed)", "Validation accuracy"], 2, gap_x=0.1
    )
    traces = []
    for curve in curves:
        width = 3 if curve.get("present") else 1.8
        losses = np.asarray(curve["losses"], dtype=np.float64)
        keep = thin(len(losses), most)
        style = dict(name=curve["label"], line=dict(color=curve["colour"], width=width), legendgroup=curve["label"])
        if len(losses):
            traces.append(
                go.Scatter(
                    x=f32(curve["steps"])[keep],
                    y=f32(ema(losses, smoothing)[keep]),
                    mode="lines",
                    xaxis=loss_x,
                    yaxis=loss_y,
                    **style,
                )
            )
        traces.append(
            go.Scatter(
                x=f32(curve["eval_steps"]),
                y=f32(curve["val_accuracy"]) * 100,
                mode="lines+markers",
                marker=dict(size=4),
                showlegend=not len(losses),
                xaxis=accuracy_x,
                yaxis=accuracy_y,
                **style,
            )
        )
    for name in ("xaxis", "xaxis2"):
        axes[name]["title"] = dict(text="step")
    axes["yaxis"]["title"] = dict(text="cross-entropy")
    axes["yaxis2"] |= dict(title=dict(text="accuracy"), ticksuffix="%", range=[0, 100])
    fig = go.Figure(traces)
    fig.update_layout(**axes, annotations=titles, hovermode="closest")
    fig = layout(fig, "Runs compared", height=340)
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
    axes, annotations, panels = panel_grid(titles[:n], columns, gap_x=0.03, gap_y=0.34)
    traces, shapes = [], []
    for i, (xaxis, yaxis) in enumerate(panels):
        axes[f"xaxis{xaxis[1:]}"]["nticks"] = 4
        axes[f"yaxis{yaxis[1:]}"] |= dict(range=[-5, 105], ticksuffix="%", dtick=50, showticklabels=i % columns == 0)
        traces.append(
            go.Scatter(
                x=f32(steps),
                y=f32(probabilities[:, i]) * 100,
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=LEARNED if probabilities[-1, i] >= 0.5 else NOT_LEARNED, width=2),
                name=titles[i],
                showlegend=False,
                xaxis=xaxis,
                yaxis=yaxis,
                hovertemplate="step %{x}: %{y:.0f}%<extra></extra>",
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
                    xref=xaxis,
                    yref=f"{yaxis} domain",
                    line=dict(color=MOMENT, dash="dash", width=1),
                )
            )
    fig = go.Figure(traces)
    fig.update_layout(**axes, annotations=annotations, shapes=shapes, hovermode="closest")
    return layout(fig, "Probe digits: the probability of the right answer over training", height=130 + 180 * rows)
