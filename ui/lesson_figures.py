"""Figures for the lesson pages (data, weights, activations, forward pass). Arrays in, ``go.Figure`` out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import DIGIT_COLOURS, DIVERGING, LAYER_COLOURS, _f32, _layout, ema, symmetric_limit, tile_grid

Array = np.ndarray
INIT_NAMES = {"he": "He", "xavier": "Xavier", "uniform": "uniform ±0.5", "seed": "randn (seed)"}


def _image_axes(fig: go.Figure) -> go.Figure:
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_layout(hovermode="closest", plot_bgcolor="rgba(0,0,0,0)")
    return fig


def image_figure(
    pixels: Array,
    image_shape: tuple[int, int],
    title: str = "",
    diverging: bool = False,
    value_name: str = "value",
    height: int = 300,
) -> go.Figure:
    """One image with a hover per pixel (row, column, value): ink dark on white, or diverging around 0."""
    image = _f32(pixels).reshape(image_shape)
    if diverging:
        limit = symmetric_limit(image) or 1.0
        colours = dict(colorscale=DIVERGING, zmid=0, zmin=-limit, zmax=limit)
    else:
        colours = dict(colorscale="gray_r", zmin=0, zmax=max(1.0, float(np.nanmax(image)) if image.size else 1.0))
    fig = go.Figure(
        go.Heatmap(
            z=image,
            **colours,
            hovertemplate=f"row %{{y}}, column %{{x}}<br>{value_name} %{{z:.3f}}<extra></extra>",
            colorbar=dict(thickness=10, len=0.8),
            showscale=diverging,
        )
    )
    return _layout(_image_axes(fig), title, height=height)


def gray_rgb(grid: Array, scale: int = 3) -> Array:
    """A grid of [0, 1] pixels as a uint8 RGB image, ink dark on white, NaN gaps light grey."""
    ink = np.clip(np.nan_to_num(grid, nan=0.0), 0, 1)
    rgb = np.repeat((255 * (1 - ink))[..., None], 3, axis=2)
    rgb[np.isnan(grid)] = 236
    return rgb.round().astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1)


def class_count_bars(counts: Array, class_names: tuple[str, ...], title: str = "Samples per class") -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=_f32(counts),
            marker_color=list(DIGIT_COLOURS[: len(class_names)]),
            text=[f"{int(c):,}" for c in counts],
            textposition="outside",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, float(np.max(counts)) * 1.18 if len(counts) else 1])
    fig.update_layout(hovermode="closest")
    return _layout(fig, title, "", "samples")


def pixel_histogram(pixels: Array, pixel_max: float, bins: int = 32) -> go.Figure:
    """The raw pixel values (before scaling) of a set of images, on a log count axis."""
    raw = np.asarray(pixels, dtype=np.float32).reshape(-1) * pixel_max
    counts, edges = np.histogram(raw, bins=bins, range=(0, pixel_max))
    fig = go.Figure(
        go.Bar(
            x=_f32((edges[:-1] + edges[1:]) / 2),
            y=_f32(counts),
            width=float(edges[1] - edges[0]),
            marker_color="#4c78a8",
            hovertemplate="value %{x:.0f}: %{y:,} pixels<extra></extra>",
        )
    )
    fig.update_yaxes(type="log", dtick=1, exponentformat="power")
    fig.update_layout(hovermode="closest", bargap=0.05)
    return _layout(fig, "Pixel values: mostly blank paper, some full ink", f"raw value (0 to {pixel_max:g})", "pixels")


def split_bars(sizes: dict[str, int]) -> go.Figure:
    names = {"train": "training", "val": "validation", "test": "test"}
    total = max(sum(sizes.values()), 1)
    fig = go.Figure()
    for (split, n), colour in zip(sizes.items(), ("#4c78a8", "#f58518", "#54a24b")):
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
    return _layout(fig, "", "rows", height=130)


# -- weights and biases ------------------------------------------------------------------------


def neuron_curve(activation_fn, activation_name: str, Z: float, A: float, target: float) -> go.Figure:
    """The activation over z, the neuron's current (Z, A) and the target output."""
    z = np.linspace(min(-6.0, Z - 1), max(6.0, Z + 1), 241)
    fig = go.Figure()
    fig.add_scatter(x=_f32(z), y=_f32(activation_fn(z)), mode="lines", name=activation_name, line=dict(color="#4c78a8"))
    fig.add_hline(y=target, line=dict(color="#54a24b", dash="dash"), annotation_text=f"target Y = {target:g}")
    fig.add_scatter(
        x=[Z],
        y=[A],
        mode="markers+text",
        marker=dict(size=13, color="#e45756"),
        text=[f"A = {A:.3f}"],
        textposition="top left",
        name="this neuron",
    )
    fig.add_shape(type="line", x0=Z, x1=Z, y0=A, y1=target, line=dict(color="#e45756", dash="dot"))
    fig.update_layout(hovermode="closest", showlegend=False)
    return _layout(fig, f"A = {activation_name}(Z); the dotted gap is the error A − Y", "Z = w·x + b", "A", height=300)


def unit_response_bars(means: Array, class_names: tuple[str, ...], unit: int) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=_f32(means),
            marker_color=list(DIGIT_COLOURS[: len(class_names)]),
            hovertemplate="digit %{x}: mean activation %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_layout(hovermode="closest")
    return _layout(fig, f"How strongly unit {unit} responds to each digit", "", "mean activation A1", height=280)


def matrix_heatmap(W: Array, title: str, x_title: str, y_title: str, height: int = 300) -> go.Figure:
    """A weight matrix (out, in) with rows as outputs, diverging colours centred on 0."""
    W = _f32(W)
    limit = symmetric_limit(W) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=W,
            colorscale=DIVERGING,
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}<br>weight %{{z:.4f}}<extra></extra>",
            colorbar=dict(thickness=10),
        )
    )
    fig.update_yaxes(autorange="reversed", dtick=1 if W.shape[0] <= 12 else None)
    fig.update_layout(hovermode="closest")
    return _layout(fig, title, x_title, y_title, height=height)


def bias_bars(params: dict[str, Array], initial: dict[str, Array] | None = None) -> go.Figure:
    """One panel per layer: each unit's bias now, and at initialisation as markers."""
    names = [k for k in params if k.startswith("b")]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[f"{n} ({params[n].size} units)" for n in names])
    for i, name in enumerate(names, start=1):
        units = np.arange(params[name].size, dtype=np.float32)
        fig.add_bar(x=units, y=_f32(params[name]), name="now", marker_color="#4c78a8", showlegend=i == 1, row=1, col=i)
        if initial is not None:
            fig.add_scatter(
                x=units,
                y=_f32(initial[name]),
                mode="markers",
                name="at initialisation",
                marker=dict(color="#888", size=4, symbol="line-ew-open"),
                showlegend=i == 1,
                row=1,
                col=i,
            )
    fig.update_layout(hovermode="closest", bargap=0.1)
    fig.update_annotations(font_size=12, yshift=-4)
    fig = _layout(fig, "Biases: one per unit", height=280)
    fig.update_layout(margin=dict(t=90), legend=dict(y=1.16))
    return fig


def init_spread_figure(spreads) -> go.Figure:
    """Grouped bars: per initialisation, the spread (std) of each hidden layer's pre-activations Z."""
    fig = go.Figure()
    layers = len(spreads[0].z_std) if spreads else 0
    for layer in range(layers):
        fig.add_bar(
            x=[INIT_NAMES.get(s.init, s.init) for s in spreads],
            y=[float(s.z_std[layer]) for s in spreads],
            name=f"hidden layer {layer + 1}",
            marker_color=LAYER_COLOURS[layer % 6],
            text=[f"{s.z_std[layer]:.2g}" for s in spreads],
            textposition="outside",
        )
    fig.update_yaxes(type="log")
    fig.update_layout(hovermode="closest", barmode="group")
    return _layout(fig, "Spread of Z at the start (std, log scale)", "", "std of Z", height=300)


def init_race_figure(results: dict[str, dict]) -> go.Figure:
    """The smoothed training loss of each initialisation over the same steps."""
    fig = go.Figure()
    for i, (init, run) in enumerate(results.items()):
        loss = np.asarray(run["loss"], dtype=np.float64)
        label = INIT_NAMES.get(init, init)
        label += f" → {run['val_accuracy']:.0%}" if run["stopped"] is None else " (diverged)"
        fig.add_scatter(
            x=_f32(run["steps"]),
            y=_f32(ema(loss, 0.9)) if len(loss) else _f32([]),
            mode="lines",
            name=label,
            line=dict(color=LAYER_COLOURS[i % 6], width=2),
        )
    fig.update_yaxes(type="log")
    return _layout(fig, "Training loss of each initialisation (validation accuracy at the end)", "step", "loss")


# -- activations -------------------------------------------------------------------------------


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
            x=_f32((edges[:-1] + edges[1:]) / 2),
            y=_f32(share),
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
    fig.add_scatter(x=_f32(z), y=_f32(f(z)), mode="lines", name=f"{name}(z)", line=dict(color="#4c78a8", width=3))
    fig.add_scatter(
        x=_f32(z), y=_f32(df(z)), mode="lines", name=f"{name}′(z)", line=dict(color="#e45756", width=2, dash="dash")
    )
    for low, high in intervals:
        fig.add_vrect(
            x0=max(low, -z_range),
            x1=min(high, z_range),
            fillcolor="#999",
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
    return _layout(fig, f"{name} and its derivative, over your network's pre-activations", "z", height=360)


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
            y=_f32(values),
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
    return _layout(fig, "", height=300)


# -- forward pass ----------------------------------------------------------------------------------


def unit_bars(values: Array, title: str, y_title: str, highlight: int | None = None, height: int = 240) -> go.Figure:
    """One bar per unit of a layer; ``highlight`` marks the chosen unit."""
    values = _f32(values).reshape(-1)
    colours = np.where(values >= 0, "#b2182b", "#2166ac").astype(object)
    if highlight is not None and 0 <= highlight < len(values):
        colours[highlight] = "#ffa600"
    fig = go.Figure(
        go.Bar(
            x=np.arange(len(values), dtype=np.float32),
            y=values,
            marker_color=list(colours),
            hovertemplate="unit %{x}: %{y:.4f}<extra></extra>",
        )
    )
    fig.update_layout(hovermode="closest", bargap=0.05)
    return _layout(fig, title, "unit", y_title, height=height)


def probability_bars(
    probs: Array, class_names: tuple[str, ...], label: int | None = None, title: str = "A2: the probabilities"
) -> go.Figure:
    """One bar per class (%), the true class outlined."""
    probs = _f32(probs).reshape(-1) * 100
    outline = [3 if label is not None and i == label else 0 for i in range(len(probs))]
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=probs,
            marker=dict(color=list(DIGIT_COLOURS[: len(probs)]), line=dict(color="black", width=outline)),
            text=[f"{p:.1f}%" for p in probs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 115], ticksuffix="%")
    fig.update_layout(hovermode="closest")
    return _layout(fig, title, "", "", height=260)


def unit_tiles_figure(
    W: Array,
    image_shape: tuple[int, int],
    columns: int = 16,
    title: str = "",
    value_name: str = "weight",
    units: Array | None = None,
) -> go.Figure:
    """Rows of ``W`` as tiles in a grid; hovering a tile names its unit (``units[i]`` for row i,
    else i) and the pixel's value."""
    grid = tile_grid(W, image_shape, columns)
    ids = np.arange(W.shape[0]) if units is None else np.asarray(units)
    units = tile_grid(np.repeat(ids.astype(np.float32)[:, None], W.shape[1], axis=1), image_shape, columns)
    limit = symmetric_limit(grid) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            customdata=units,
            colorscale=DIVERGING,
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hoverongaps=False,
            hovertemplate=f"unit %{{customdata:.0f}}<br>{value_name} %{{z:.4f}}<extra></extra>",
            colorbar=dict(title=value_name, thickness=10),
        )
    )
    rows = -(-W.shape[0] // max(1, min(columns, W.shape[0])))
    return _layout(_image_axes(fig), title, height=min(900, 120 + rows * 52))


def square_preview(image: Array, side: int = 150, box: tuple[int, int, int, int] | None = None) -> Array:
    """A [0, 1] ink image padded to a square (paper around it), enlarged to ``side`` pixels, as
    uint8 RGB; ``box`` (top, bottom, left, right in the image's pixels) is outlined in red."""
    from PIL import Image, ImageDraw

    h, w = image.shape
    n = max(h, w)
    top, left = (n - h) // 2, (n - w) // 2
    square = np.zeros((n, n))
    square[top : top + h, left : left + w] = image
    picture = Image.fromarray(gray_rgb(square, scale=1)).resize((side, side), Image.Resampling.NEAREST)
    if box is not None:
        scale = side / n
        b_top, b_bottom, b_left, b_right = box
        ImageDraw.Draw(picture).rectangle(
            [
                (left + b_left) * scale,
                (top + b_top) * scale,
                (left + b_right) * scale - 1,
                (top + b_bottom) * scale - 1,
            ],
            outline=(214, 39, 40),
            width=2,
        )
    return np.asarray(picture)
