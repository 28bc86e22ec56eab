"""Figures of training over time: loss, accuracy, per-digit accuracy, per-layer lines, dead units, weight histograms."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .theme import (
    BLUE,
    DIGIT_COLOURS,
    DIGIT_DASHES,
    GREEN,
    LAYER_COLOURS,
    REFERENCE,
    SMOOTHING,
    TRAIN,
    VALIDATION,
    css_rgb,
    ema,
    f32,
    layout,
    log_axis,
    panel_grid,
    thin,
)

Array = np.ndarray


RATE_STRIP = 0.22  # the share of the loss chart's height its learning-rate strip takes


def loss_figure(
    steps: Array,
    losses: Array,
    eval_steps: Array,
    val_losses: Array,
    smoothing: float = SMOOTHING,
    most: int = 400,
    rates: Array | None = None,
) -> go.Figure:
    """Batch loss (faint), its moving average, and the validation loss at each evaluation; and,
    when the learning rate a step used changed during the run (a schedule, or a change by hand),
    that rate in a strip under the loss, on the same steps.

    At most ``most`` points per line are drawn (the average is taken over every step first):
    a browser redraws 400 points several times a second without falling behind the clicks."""
    fig = go.Figure()
    keep = thin(len(losses), most)
    smoothed = ema(losses, smoothing)[keep] if len(losses) else None
    all_steps = steps
    steps, losses = f32(steps)[keep], f32(losses)[keep]
    fig.add_scatter(x=steps, y=losses, name="batch loss", mode="lines", line=dict(color=css_rgb(TRAIN, 0.25), width=1))
    if smoothed is not None:
        fig.add_scatter(x=steps, y=f32(smoothed), name="smoothed", mode="lines", line=dict(color=TRAIN, width=2))
    fig.add_scatter(
        x=f32(eval_steps),
        y=f32(val_losses),
        name="validation",
        mode="lines+markers",
        line=dict(color=VALIDATION, width=2),
        marker=dict(size=5),
    )
    if rates is not None and len(rates) and np.ptp(np.asarray(rates, dtype=np.float64)) > 0:
        fig.add_scatter(
            x=f32(all_steps)[keep],
            y=f32(rates)[keep],
            name="rate used",  # short: four names share two lines of a third of the page
            mode="lines",
            line=dict(color=GREEN, width=2, shape="hv"),
            yaxis="y2",
        )
        fig.update_layout(
            yaxis=dict(domain=[RATE_STRIP + 0.08, 1]),
            yaxis2=dict(domain=[0, RATE_STRIP], anchor="x", title="rate", rangemode="tozero", nticks=3),
        )
        fig = layout(fig, "Loss, and the rate used", "step", "cross-entropy", height=360)
        # the steps axis at the very bottom, under the strip (anchored to the loss, its ticks and its
        # title sat on the strip), and room for a legend of four that takes two lines in a narrow column
        return fig.update_layout(xaxis=dict(anchor="y2"), margin=dict(t=84), legend=dict(font=dict(size=11)))
    return layout(fig, "Loss", "step", "cross-entropy")


def accuracy_figure(eval_steps: Array, train_accuracy: Array, val_accuracy: Array) -> go.Figure:
    fig = go.Figure()
    for values, name, colour in ((train_accuracy, "train", TRAIN), (val_accuracy, "validation", VALIDATION)):
        fig.add_scatter(
            x=f32(eval_steps),
            y=f32(values) * 100,
            name=name,
            mode="lines+markers",
            line=dict(color=colour),
            marker=dict(size=5),
        )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return layout(fig, "Accuracy", "step", "accuracy")


def per_class_bars(
    accuracy: Array, class_names: tuple[str, ...], title: str = "Validation accuracy per digit"
) -> go.Figure:
    """One bar per class; a class never seen (NaN) shows no bar."""
    accuracy = f32(accuracy) * 100
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=accuracy,
            marker_color=list(DIGIT_COLOURS[: len(class_names)]),
            text=[("" if np.isnan(a) else f"{a:.0f}%") for a in accuracy],
            textposition="outside",
        )
    )
    fig.update_yaxes(range=[0, 109], ticksuffix="%")
    fig.update_xaxes(type="category")
    fig.update_layout(hovermode="closest")
    return layout(fig, title, "class", "validation accuracy")


def per_class_curves(eval_steps: Array, per_class: Array, class_names: tuple[str, ...]) -> go.Figure:
    """Each class's validation accuracy over training: which are learned first, which lag."""
    fig = go.Figure()
    per_class = (
        f32(per_class).reshape(len(eval_steps), -1) * 100
        if len(eval_steps)
        else np.empty((0, len(class_names)), np.float32)
    )
    for c, name in enumerate(class_names):
        fig.add_scatter(
            x=f32(eval_steps),
            y=per_class[:, c],
            name=name,
            mode="lines",
            line=dict(color=DIGIT_COLOURS[c % 10], width=1.8, dash=DIGIT_DASHES[c % 10]),
            hovertemplate=f"digit {name}: %{{y:.0f}}% at step %{{x}}<extra></extra>",
        )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    fig.update_layout(hovermode="closest")
    return layout(fig, "Per-digit accuracy over training", "step", "validation accuracy")


def layer_lines_figure(
    steps: Array, values: Array, title: str, y_title: str, log_y: bool = True, prefix: str = "layer "
) -> go.Figure:
    """One line per layer (columns of ``values``) over training steps."""
    fig = go.Figure()
    values = f32(values).reshape(len(steps), -1) if len(steps) else np.empty((0, 0), np.float32)
    for layer in range(values.shape[1]):
        fig.add_scatter(
            x=f32(steps),
            y=values[:, layer],
            name=f"{prefix}{layer + 1}",
            mode="lines",
            line=dict(color=LAYER_COLOURS[layer % 6], width=1.5),
        )
    if log_y:
        log_axis(fig, values)
    return layout(fig, title, "step", y_title, height=260)


def dead_units_figure(eval_steps: Array, dead_fraction: Array) -> go.Figure:
    fig = layer_lines_figure(
        eval_steps,
        f32(dead_fraction) * 100,
        "Dead hidden units",
        "share of the layer",
        log_y=False,
        prefix="hidden layer ",
    )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def weight_histograms(
    now: dict[str, Array], initial: dict[str, Array], moment: str = "now", bins: int = 40
) -> go.Figure:
    """Per weight matrix, the histogram of its values now (filled) against at initialisation (outline).

    Each histogram is one stepped line (``y[i]`` is the count from ``x[i]`` to ``x[i + 1]``; the
    last count is repeated to close the step), not a bar per bin: the browser draws one path
    instead of 40, a fifth of the work of each redraw while training plays."""
    names = [k for k in now if k.startswith("W")]
    axes, titles, panels = panel_grid([f"{n} {now[n].shape[0]}×{now[n].shape[1]}" for n in names], len(names))
    traces = []
    for i, (name, (xaxis, yaxis)) in enumerate(zip(names, panels)):
        low = float(min(now[name].min(), initial[name].min()))
        high = float(max(now[name].max(), initial[name].max()))
        edges = np.linspace(low, high if high > low else low + 1e-6, bins + 1, dtype=np.float32)
        for values, label, style in (
            (initial[name], "at initialisation", dict(line=dict(color=REFERENCE, width=1))),
            (now[name], moment, dict(line=dict(color=BLUE, width=1), fill="tozeroy")),
        ):
            counts, _ = np.histogram(values, edges)
            traces.append(
                go.Scatter(
                    x=edges,
                    y=np.append(counts, counts[-1]).astype(np.float32),
                    name=label,
                    mode="lines",
                    line_shape="hv",
                    showlegend=i == 0,
                    legendgroup=label,
                    xaxis=xaxis,
                    yaxis=yaxis,
                    **style,
                )
            )
        axes[f"xaxis{xaxis[1:]}"]["title"] = dict(text="weight")
    axes["yaxis"]["title"] = dict(text="count")
    fig = go.Figure(traces)
    fig.update_layout(**axes, annotations=titles, hovermode="closest")
    fig = layout(fig, f"Weights {moment} against at initialisation", height=300)
    fig.update_layout(margin=dict(t=96), legend=dict(y=1.14))
    return fig
