"""The learning-rate finder's figure: the loss of a range test against its growing learning rate."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .theme import BLUE, ORANGE, css_rgb, f32, layout, log_axis

Array = np.ndarray

SUGGESTION_COLOUR = ORANGE


def lr_finder_figure(
    lrs: Array, losses: Array, smoothed: Array, suggested_lr: float, reason: str | None = None
) -> go.Figure:
    """Batch loss (faint) and smoothed loss (bold) against the learning rate on a log axis, and
    the suggested rate as a dashed vertical line with a diamond on the smoothed curve and a label
    (``reason``, when given, is the diamond's hover text).

    The loss axis starts at 0 and stops a little above the smoothed curve and the first batch's
    loss, so that the batch spikes just before the blow-up do not flatten the part that matters.
    The line and the label are traces, not shapes: a shape's x on a log axis is in other units
    than a trace's, and a trace's numbers can be read back by a test."""
    rates = np.asarray(lrs, dtype=np.float64)  # the axis's decades from these: float32 puts 1e-5 below it
    lrs, losses, smoothed = f32(lrs), f32(losses), f32(smoothed)
    fig = go.Figure()
    fig.add_scatter(x=lrs, y=losses, name="batch loss", mode="lines", line=dict(color=css_rgb(BLUE, 0.3), width=1))
    fig.add_scatter(x=lrs, y=smoothed, name="smoothed", mode="lines", line=dict(color=BLUE, width=3))
    finite = np.concatenate([smoothed, losses[:1]])
    finite = finite[np.isfinite(finite)]
    top = 1.25 * float(finite.max()) if finite.size else 1.0
    label = f"suggested: {suggested_lr:.2g}"
    fig.add_scatter(
        x=f32([suggested_lr, suggested_lr]),
        y=f32([0, top]),
        name=label,
        mode="lines",
        line=dict(color=SUGGESTION_COLOUR, dash="dash", width=1.5),
        hoverinfo="skip",
    )
    if len(lrs):
        on_curve = np.interp(np.log10(suggested_lr), np.log10(rates), smoothed)
        fig.add_scatter(
            x=f32([suggested_lr]),
            y=f32([on_curve]),
            name=label,
            mode="markers+text",
            marker=dict(color=SUGGESTION_COLOUR, size=12, symbol="diamond"),
            text=[f"lr {suggested_lr:.2g}"],
            textposition="bottom right",
            hovertext=[reason or label],
            hoverinfo="text",
            showlegend=False,
        )
    log_axis(fig, rates if len(rates) else [suggested_lr], axis="x")
    fig.update_yaxes(range=[0, top])
    fig.update_layout(hovermode="closest")
    return layout(fig, "Learning-rate range test", "learning rate (log scale)", "loss")
