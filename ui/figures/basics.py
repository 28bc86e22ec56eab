"""Figures of the first lessons: Data, Weights & biases and Activations."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nn_core.network import INITS

from .theme import (
    BLUE,
    DIGIT_COLOURS,
    GREEN,
    LAYER_COLOURS,
    ORANGE,
    RED,
    REFERENCE,
    SHADE,
    TEST,
    TRAIN,
    VALIDATION,
    ema,
    f32,
    layout,
    log_axis,
)

Array = np.ndarray


def short_init_name(name: str) -> str:
    """A legend's name for an initialisation: its registry entry's short label."""
    return INITS[name].short if name in INITS else name


def class_count_bars(counts: Array, class_names: tuple[str, ...], title: str = "Samples per class") -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=f32(counts),
            marker_color=list(DIGIT_COLOURS[: len(class_names)]),
            text=[f"{int(c):,}" for c in counts],
            textposition="outside",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, float(np.max(counts)) * 1.18 if len(counts) else 1])
    fig.update_layout(hovermode="closest")
    return layout(fig, title, "class", "samples")


def pixel_histogram(pixels: Array, pixel_max: float, bins: int = 32) -> go.Figure:
    """The raw pixel values (before scaling) of a set of images, on a log count axis."""
    raw = np.asarray(pixels, dtype=np.float32).reshape(-1) * pixel_max
    counts, edges = np.histogram(raw, bins=bins, range=(0, pixel_max))
    fig = go.Figure(
        go.Bar(
            x=f32((edges[:-1] + edges[1:]) / 2),
            y=f32(counts),
            width=float(edges[1] - edges[0]),
            marker_color=BLUE,
            hovertemplate="value %{x:.0f}: %{y:,} pixels<extra></extra>",
        )
    )
    log_axis(fig, [0.8, float(counts.max(initial=1))])  # a bin of one pixel still shows
    fig.update_layout(hovermode="closest", bargap=0.05)
    return layout(fig, "Pixel values: mostly blank paper, some full ink", f"raw value (0 to {pixel_max:g})", "pixels")


def split_bars(sizes: dict[str, int]) -> go.Figure:
    names = {"train": "training", "val": "validation", "test": "test"}
    total = max(sum(sizes.values()), 1)
    fig = go.Figure()
    for (split, n), colour in zip(sizes.items(), (TRAIN, VALIDATION, TEST)):
        fig.add_bar(
            y=["rows"],
            x=[n],
            name=f"{names[split]} {n:,} ({n / total:.0%})",
            orientation="h",
            marker_color=colour,
            text=f"{names[split]}<br>{n:,}",
            textposition="inside",
        )
    fig.update_layout(barmode="stack", hovermode="closest", showlegend=False)
    fig.update_yaxes(visible=False)
    return layout(fig, "", "rows", height=130)


def neuron_curve(activation_fn, activation_name: str, Z: float, A: float, target: float) -> go.Figure:
    """The activation over z, the neuron's current (Z, A) and the target output."""
    z = np.linspace(min(-6.0, Z - 1), max(6.0, Z + 1), 241)
    fig = go.Figure()
    fig.add_scatter(x=f32(z), y=f32(activation_fn(z)), mode="lines", name=activation_name, line=dict(color=BLUE))
    fig.add_hline(y=target, line=dict(color=GREEN, dash="dash"), annotation_text=f"target Y = {target:g}")
    fig.add_scatter(
        x=[Z],
        y=[A],
        mode="markers+text",
        marker=dict(size=13, color=RED),
        text=[f"A = {A:.3f}"],
        textposition="top left",
        name="this neuron",
    )
    fig.add_shape(type="line", x0=Z, x1=Z, y0=A, y1=target, line=dict(color=RED, dash="dot"))
    fig.update_layout(hovermode="closest", showlegend=False)
    return layout(fig, f"A = {activation_name}(Z); the dotted gap is the error A − Y", "Z = w·x + b", "A", height=300)


def unit_response_bars(means: Array, class_names: tuple[str, ...], unit: int) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=f32(means),
            marker_color=list(DIGIT_COLOURS[: len(class_names)]),
            hovertemplate="digit %{x}: mean activation %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_layout(hovermode="closest")
    return layout(fig, f"How strongly unit {unit} responds to each digit", "class", "mean activation A1", height=280)


def bias_bars(params: dict[str, Array], initial: dict[str, Array] | None = None) -> go.Figure:
    """One panel per layer: each unit's bias now, and at initialisation as markers."""
    names = [k for k in params if k.startswith("b")]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[f"{n} ({params[n].size} units)" for n in names])
    for i, name in enumerate(names, start=1):
        units = np.arange(params[name].size, dtype=np.float32)
        fig.add_bar(x=units, y=f32(params[name]), name="now", marker_color=BLUE, showlegend=i == 1, row=1, col=i)
        if initial is not None:
            fig.add_scatter(
                x=units,
                y=f32(initial[name]),
                mode="markers",
                name="at initialisation",
                marker=dict(color=REFERENCE, size=4, symbol="line-ew-open"),
                showlegend=i == 1,
                row=1,
                col=i,
            )
    fig.update_layout(hovermode="closest", bargap=0.1)
    fig.update_annotations(font_size=12, yshift=-4)
    fig = layout(fig, "Biases: one per unit", height=280)
    fig.update_layout(margin=dict(t=90), legend=dict(y=1.16))
    return fig


def init_spread_figure(spreads) -> go.Figure:
    """Grouped bars: per initialisation, the spread (std) of each hidden layer's pre-activations Z."""
    fig = go.Figure()
    layers = len(spreads[0].z_std) if spreads else 0
    for layer in range(layers):
        fig.add_bar(
            x=[short_init_name(s.init) for s in spreads],
            y=[float(s.z_std[layer]) for s in spreads],
            name=f"hidden layer {layer + 1}",
            marker_color=LAYER_COLOURS[layer % 6],
            text=[f"{s.z_std[layer]:.2g}" for s in spreads],
            textposition="outside",
        )
    log_axis(fig, [float(s.z_std[layer]) for s in spreads for layer in range(layers)])
    fig.update_layout(hovermode="closest", barmode="group")
    return layout(fig, "Spread of Z at the start (std, log scale)", "initialisation", "std of Z", height=300)


def init_race_figure(results: dict[str, dict]) -> go.Figure:
    """The smoothed training loss of each initialisation over the same steps."""
    fig = go.Figure()
    for i, (init, run) in enumerate(results.items()):
        loss = np.asarray(run["loss"], dtype=np.float64)
        label = short_init_name(init)
        label += f" → {run['val_accuracy']:.0%}" if run["stopped"] is None else " (diverged)"
        fig.add_scatter(
            x=f32(run["steps"]),
            y=f32(ema(loss)) if len(loss) else f32([]),
            mode="lines",
            name=label,
            line=dict(color=LAYER_COLOURS[i % 6], width=2),
        )
    smoothed = [ema(np.asarray(run["loss"], dtype=np.float64)) for run in results.values() if len(run["loss"])]
    log_axis(fig, np.concatenate(smoothed) if smoothed else [])
    return layout(fig, "Training loss of each initialisation (validation accuracy at the end)", "step", "loss")


def activation_figure(
    name: str,
    f,
    df,
    layer_Z: list[Array],
    intervals: tuple[tuple[float, float], ...] = (),
    region_label: str = "",
    z_range: float = 4.0,
) -> go.Figure:
    """``f`` and ``f'`` over z, over histograms of each hidden layer's pre-activations (right axis),
    with the flat region (dead or saturated) shaded."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    edges = np.linspace(-z_range, z_range, 61)
    tallest = 1.0
    for layer, Z in enumerate(layer_Z):
        values = np.clip(np.asarray(Z, dtype=np.float32).reshape(-1), -z_range, z_range)
        counts, _ = np.histogram(values, edges)
        share = counts / max(values.size, 1) * 100
        tallest = max(tallest, float(share.max(initial=0.0)))
        fig.add_bar(
            x=f32((edges[:-1] + edges[1:]) / 2),
            y=f32(share),
            width=float(edges[1] - edges[0]),
            name=f"Z{layer + 1} of your network",
            marker_color=LAYER_COLOURS[(layer + 2) % 6],
            opacity=0.35,
            secondary_y=True,
            hovertemplate="z ≈ %{x:.1f}: %{y:.1f}% of values<extra></extra>",
        )
    z = np.linspace(-z_range, z_range, 401)
    y_low, y_high = -1.2, 3.2
    fig.update_yaxes(range=[y_low, y_high], secondary_y=False)
    fig.add_scatter(x=f32(z), y=f32(f(z)), mode="lines", name=f"{name}(z)", line=dict(color=BLUE, width=3))
    fig.add_scatter(
        x=f32(z), y=f32(df(z)), mode="lines", name=f"{name}′(z)", line=dict(color=RED, width=2, dash="dash")
    )
    for low, high in intervals:
        fig.add_vrect(
            x0=max(low, -z_range),
            x1=min(high, z_range),
            fillcolor=SHADE,
            opacity=0.15,
            line_width=0,
            annotation_text=region_label if low == intervals[0][0] else "",
            annotation_position="top left",
        )
    fig.update_yaxes(title_text="value", secondary_y=False)
    fig.update_yaxes(
        title_text="% of pre-activations",
        secondary_y=True,
        showgrid=False,
        range=[y_low / y_high * tallest * 1.1, tallest * 1.1],  # its 0 level with the functions' 0
        tickvals=sorted({round(float(v)) for v in np.linspace(0, tallest, 4)}),
        ticksuffix="%",
    )
    fig.update_layout(barmode="overlay", hovermode="closest")
    return layout(fig, f"{name} and its derivative, over your network's pre-activations", "z", height=360)


def softmax_steps_figure(steps, class_names: tuple[str, ...]) -> go.Figure:
    """Softmax in three panels: the logits z/T, exp(z/T - max), and the probabilities."""
    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=["1. logits z / T", "2. exp(z/T − max): the largest is 1", "3. ÷ their sum: probabilities"],
    )
    names = list(class_names)
    colours = list(DIGIT_COLOURS[: len(names)])
    for col, values, fmt in ((1, steps.scaled, ".2f"), (2, steps.exps, ".3f"), (3, steps.probs * 100, ".1f")):
        fig.add_bar(
            x=names,
            y=f32(values),
            marker_color=colours,
            showlegend=False,
            text=[f"{v:{fmt}}" + ("%" if col == 3 else "") for v in values],
            textposition="outside",
            cliponaxis=False,
            row=1,
            col=col,
        )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 118], ticksuffix="%", row=1, col=3)
    fig.update_yaxes(range=[0, 1.18], row=1, col=2)
    fig.update_layout(hovermode="closest")
    fig.update_annotations(font_size=12)
    return layout(fig, "", height=300)


def overfitting_figure(demo) -> go.Figure:
    """Training (solid) and validation (dashed) accuracy by epoch, one colour per run of
    ``lessons.experiments.overfit_demo``; the gap between a colour's two lines is what it memorised."""
    fig = go.Figure()
    for (name, curves), colour in zip(demo.runs.items(), (ORANGE, BLUE)):
        for values, split, dash in ((curves.train, "training", "solid"), (curves.val, "validation", "dash")):
            fig.add_scatter(
                x=f32(curves.epochs),
                y=f32(values) * 100,
                name=f"{name}: {split} {values[-1]:.1%}",
                mode="lines",
                line=dict(color=colour, dash=dash, width=2),
            )
    fig.update_yaxes(ticksuffix="%")
    return layout(
        fig,
        f"{demo.hidden:,} units, {demo.rows} training digits: training against validation accuracy",
        "epoch",
        "accuracy",
        height=340,
    )
