"""Figures of the Backpropagation lesson."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .theme import BEFORE, BLUE, DIGIT_COLOURS, GREEN, RED, REFERENCE, RIGHT, WRONG, f32, layout, log_axis


def logit_gradient_figure(check, class_names: tuple[str, ...]) -> go.Figure:
    """dL/dZ per class: the formula A - Y as bars, the finite-difference estimate as markers."""
    names = list(class_names)
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=f32(check.analytic),
        name="A − Y (the formula)",
        marker_color=list(DIGIT_COLOURS[: len(names)]),
        text=[f"{v:+.3f}" for v in check.analytic],
        textposition="outside",
        cliponaxis=False,
    )
    fig.add_scatter(
        x=names,
        y=f32(check.numeric),
        mode="markers",
        name="finite differences",
        marker=dict(symbol="x", size=11, color="black"),
    )
    fig.update_xaxes(type="category")
    fig.update_layout(hovermode="x unified")
    return layout(fig, "∂L/∂Z for each class on this digit", "class", "∂L/∂Z", height=300)


def loss_slice_figure(slice_, descent=None) -> go.Figure:
    """The loss as one weight moves, the tangent backprop predicts, where the weight is now, and
    (given ``descent``) the steps of size η gradient descent takes from there, numbered."""
    x = slice_.value + slice_.offsets
    fig = go.Figure()
    fig.add_scatter(x=f32(x), y=f32(slice_.losses), mode="lines", name="loss", line=dict(color=BLUE, width=3))
    fig.add_scatter(
        x=f32(x),
        y=f32(slice_.tangent()),
        mode="lines",
        name=f"tangent, slope = backprop's gradient {slice_.gradient:.4g}",
        line=dict(color=RED, dash="dash"),
    )
    fig.add_scatter(
        x=[slice_.value],
        y=[slice_.loss],
        mode="markers",
        name="the weight now",
        marker=dict(size=12, color=RED),
    )
    low, high = float(slice_.losses.min()), float(slice_.losses.max())
    if descent is not None and len(descent.positions) > 1:
        fig.add_scatter(
            x=f32(descent.positions),
            y=f32(descent.losses),
            mode="lines+markers+text",
            name=f"steps of η = {descent.lr:g}: {descent.outcome}",
            text=[str(k) for k in range(len(descent.positions))],
            textposition="top center",
            line=dict(color=GREEN, width=1.5, dash="dot"),
            marker=dict(size=9, color=GREEN, symbol="circle-open", line_width=2),
        )
        finite = descent.losses[np.isfinite(descent.losses)]
        high = max(high, min(float(finite.max(initial=high)), 3 * high + 1))  # a climb shows, within reason
    pad = 0.15 * (high - low) + 1e-6
    fig.update_yaxes(range=[low - pad, high + pad])
    fig.update_layout(hovermode="closest")
    index = ", ".join(map(str, slice_.index))
    return layout(fig, f"Loss on this digit as {slice_.name}[{index}] moves", f"{slice_.name}[{index}]", "loss")


def notebook_runs_figure(runs: dict[str, dict]) -> go.Figure:
    """Training accuracy over iterations, one line per version of the notebook's code."""
    fig = go.Figure()
    styles = ({"color": RED}, {"color": BLUE, "width": 3}, {"color": GREEN, "dash": "dash"})
    for (label, run), style in zip(runs.items(), styles):
        fig.add_scatter(
            x=f32(run["iterations"]),
            y=f32(run["accuracy"]) * 100,
            mode="lines",
            name=f"{label}: {run['accuracy'][-1]:.1%}",
            line=style,
        )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return layout(fig, "The notebook's network, training accuracy", "iteration (full batch)", "training accuracy")


def before_after_probs(before, after, class_names: tuple[str, ...], label: int) -> go.Figure:
    names = list(class_names)
    fig = go.Figure()
    for values, name, colour in ((before, "before the step", BEFORE), (after, "after", BLUE)):
        fig.add_bar(x=names, y=f32(values) * 100, name=name, marker_color=colour)
    fig.add_annotation(x=names[label], y=105, text="true class", showarrow=False, font=dict(size=11))
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 112], ticksuffix="%")
    fig.update_layout(barmode="group", hovermode="x unified")
    return layout(fig, "Probabilities on this digit", "class", "probability", height=280)


def relative_error_bars(names: list[str], errors: list[float]) -> go.Figure:
    """Gradient-check relative error per tensor on a log axis, with the 1e-6 line a correct backprop stays under."""
    errors = np.maximum(np.asarray(errors, dtype=np.float64), 1e-16)
    fig = go.Figure(
        go.Bar(
            x=names,
            y=f32(errors),
            marker_color=[RIGHT if e < 1e-6 else WRONG for e in errors],
            text=[f"{e:.1e}" for e in errors],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.add_hline(y=1e-6, line=dict(color=REFERENCE, dash="dot"), annotation_text="1e-6")
    log_axis(fig, [1e-16, 1.0])
    fig.update_layout(hovermode="closest")
    return layout(fig, "Relative error, backprop against finite differences", "tensor", "relative error", height=280)
