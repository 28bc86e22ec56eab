"""Plotly figure builders: plain functions, arrays in, ``go.Figure`` out. None reads session state.

Arrays go to Plotly as float32 NumPy arrays (sent compactly), never as lists.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

Array = np.ndarray

DIGIT_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
LAYER_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2")
DIVERGING = "RdBu_r"  # negative blue, zero white, positive red


def _layout(fig: go.Figure, title: str, x: str = "", y: str = "", height: int = 300) -> go.Figure:
    fig.update_layout(  # title on the first line, legend on the second, so they never overlap
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top", yref="container", font=dict(size=15)),
        height=height,
        margin=dict(l=10, r=10, t=64 if title else 30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        xaxis_title=x,
        yaxis_title=y,
        hovermode=fig.layout.hovermode or "x unified",  # a builder's own choice (set before) wins
    )
    return fig


def _f32(values) -> Array:
    return np.asarray(values, dtype=np.float32)


def ema(values: Array, weight: float = 0.9) -> Array:
    """Exponential moving average, bias-corrected so the first points are not dragged to 0."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    running = 0.0
    for i, v in enumerate(values):
        running = weight * running + (1 - weight) * v
        out[i] = running / (1 - weight ** (i + 1))
    return out


def thin(n: int, most: int) -> slice:
    """A slice keeping at most about ``most`` of ``n`` evenly spaced points, the last included."""
    stride = max(1, -(-n // most))
    return slice((n - 1) % stride, None, stride)


def loss_figure(
    steps: Array, losses: Array, eval_steps: Array, val_losses: Array, smoothing: float = 0.9, most: int = 400
) -> go.Figure:
    """Batch loss (faint), its moving average, and the validation loss at each evaluation.

    At most ``most`` points per line are drawn (the average is taken over every step first):
    a browser redraws 400 points several times a second without falling behind the clicks."""
    fig = go.Figure()
    keep = thin(len(losses), most)
    smoothed = ema(losses, smoothing)[keep] if len(losses) else None
    steps, losses = _f32(steps)[keep], _f32(losses)[keep]
    fig.add_scatter(
        x=steps, y=losses, name="batch loss", mode="lines", line=dict(color="rgba(76,120,168,0.25)", width=1)
    )
    if smoothed is not None:
        fig.add_scatter(x=steps, y=_f32(smoothed), name="smoothed", mode="lines", line=dict(color="#4c78a8", width=2))
    fig.add_scatter(
        x=_f32(eval_steps),
        y=_f32(val_losses),
        name="validation",
        mode="lines+markers",
        line=dict(color="#f58518", width=2),
        marker=dict(size=5),
    )
    return _layout(fig, "Loss", "step", "cross-entropy")


def accuracy_figure(eval_steps: Array, train_accuracy: Array, val_accuracy: Array) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=_f32(eval_steps),
        y=_f32(train_accuracy) * 100,
        name="train",
        mode="lines+markers",
        line=dict(color="#4c78a8"),
        marker=dict(size=5),
    )
    fig.add_scatter(
        x=_f32(eval_steps),
        y=_f32(val_accuracy) * 100,
        name="validation",
        mode="lines+markers",
        line=dict(color="#f58518"),
        marker=dict(size=5),
    )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return _layout(fig, "Accuracy", "step", "")


def per_class_bars(
    accuracy: Array, class_names: tuple[str, ...], title: str = "Validation accuracy per digit"
) -> go.Figure:
    """One bar per class; a class never seen (NaN) shows no bar."""
    accuracy = _f32(accuracy) * 100
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
    return _layout(fig, title, "", "")


def per_class_curves(eval_steps: Array, per_class: Array, class_names: tuple[str, ...]) -> go.Figure:
    """Each class's validation accuracy over training: which are learned first, which lag."""
    fig = go.Figure()
    per_class = (
        _f32(per_class).reshape(len(eval_steps), -1) * 100
        if len(eval_steps)
        else np.empty((0, len(class_names)), np.float32)
    )
    for c, name in enumerate(class_names):
        fig.add_scatter(
            x=_f32(eval_steps),
            y=per_class[:, c],
            name=name,
            mode="lines",
            line=dict(color=DIGIT_COLOURS[c % 10], width=1.5),
        )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    fig.update_layout(hovermode="closest")
    return _layout(fig, "Per-digit accuracy over training", "step", "")


def tile_grid(W: Array, image_shape: tuple[int, int], columns: int = 16, gap: int = 1) -> Array:
    """Rows of ``W`` (units, pixels) as image tiles in a grid, NaN between tiles: (rows*(h+gap), columns*(w+gap))."""
    h, w = image_shape
    units = W.shape[0]
    columns = max(1, min(columns, units))
    rows = -(-units // columns)
    grid = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan, dtype=np.float32)
    for unit in range(units):
        r, c = divmod(unit, columns)
        grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = W[unit].reshape(h, w)
    return grid


def symmetric_limit(values: Array) -> float:
    """A colour range symmetric about 0 that ignores the top 0.5% (one outlier should not wash out the rest)."""
    finite = np.abs(values[np.isfinite(values)])
    return float(np.percentile(finite, 99.5)) if finite.size else 1.0


def tiles_figure(
    grid: Array, title: str = "First-layer weights, one tile per hidden unit", height: int = 420
) -> go.Figure:
    """A heatmap of ``tile_grid``'s output, diverging colours centred on 0."""
    limit = symmetric_limit(grid) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=_f32(grid),
            colorscale=DIVERGING,
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hoverongaps=False,
            colorbar=dict(title="weight", thickness=12),
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(hovermode="closest", plot_bgcolor="rgba(0,0,0,0)")
    return _layout(fig, title, height=height)


def diverging_rgb(grid: Array, scale: int = 3) -> Array:
    """``grid`` as an RGB image (uint8): blue for negative, white for 0, red for positive;
    NaN gaps are light grey. Each cell becomes ``scale`` x ``scale`` pixels."""
    limit = symmetric_limit(grid) or 1.0
    t = np.clip(np.nan_to_num(grid, nan=0.0) / limit, -1, 1)[..., None]
    white, red, blue = np.array([1.0, 1.0, 1.0]), np.array([0.70, 0.09, 0.17]), np.array([0.13, 0.40, 0.67])
    rgb = np.where(t >= 0, white + t * (red - white), white - t * (blue - white))
    rgb[np.isnan(grid)] = 0.93
    image = (rgb * 255).round().astype(np.uint8)
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def layer_lines_figure(
    steps: Array, values: Array, title: str, y_title: str, log_y: bool = True, prefix: str = "layer "
) -> go.Figure:
    """One line per layer (columns of ``values``) over training steps."""
    fig = go.Figure()
    values = _f32(values).reshape(len(steps), -1) if len(steps) else np.empty((0, 0), np.float32)
    for layer in range(values.shape[1]):
        fig.add_scatter(
            x=_f32(steps),
            y=values[:, layer],
            name=f"{prefix}{layer + 1}",
            mode="lines",
            line=dict(color=LAYER_COLOURS[layer % 6], width=1.5),
        )
    if log_y:
        fig.update_yaxes(type="log", exponentformat="power")
    return _layout(fig, title, "step", y_title, height=260)


def dead_units_figure(eval_steps: Array, dead_fraction: Array) -> go.Figure:
    fig = layer_lines_figure(
        eval_steps, _f32(dead_fraction) * 100, "Dead hidden units", "", log_y=False, prefix="hidden layer "
    )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def weight_histograms(now: dict[str, Array], initial: dict[str, Array], bins: int = 40) -> go.Figure:
    """Per weight matrix, the histogram of its values now (filled) against at initialisation (outline).

    Each histogram is one stepped line (``y[i]`` is the count from ``x[i]`` to ``x[i + 1]``; the
    last count is repeated to close the step), not a bar per bin: the browser draws one path
    instead of 40, a fifth of the work of each redraw while training plays."""
    names = [k for k in now if k.startswith("W")]
    fig = make_subplots(
        rows=1, cols=len(names), subplot_titles=[f"{n} {now[n].shape[0]}×{now[n].shape[1]}" for n in names]
    )
    for i, name in enumerate(names, start=1):
        low = float(min(now[name].min(), initial[name].min()))
        high = float(max(now[name].max(), initial[name].max()))
        edges = np.linspace(low, high if high > low else low + 1e-6, bins + 1, dtype=np.float32)
        for values, label, style in (
            (initial[name], "at initialisation", dict(line=dict(color="#888", width=1))),
            (now[name], "now", dict(line=dict(color="#4c78a8", width=1), fill="tozeroy")),
        ):
            counts, _ = np.histogram(values, edges)
            fig.add_scatter(
                x=edges,
                y=np.append(counts, counts[-1]).astype(np.float32),
                name=label,
                mode="lines",
                line_shape="hv",
                showlegend=i == 1,
                legendgroup=label,
                row=1,
                col=i,
                **style,
            )
    fig.update_layout(hovermode="closest")
    fig.update_annotations(font_size=12, yshift=-4)
    fig = _layout(fig, "Weights now against at initialisation", height=300)
    fig.update_layout(margin=dict(t=96), legend=dict(y=1.14))
    return fig


def network_diagram(
    layer_sizes: list[int], params: dict[str, Array], max_units: int = 10, max_edges_per_layer: int = 60
) -> go.Figure:
    """Layers as columns of units (large layers sampled), a sample of weights as edges coloured by sign."""
    fig = go.Figure()
    shown = [np.unique(np.linspace(0, n - 1, min(n, max_units)).round().astype(int)) for n in layer_sizes]
    positions = []
    for layer, units in enumerate(shown):
        y = np.linspace(1, 0, len(units)) if len(units) > 1 else np.array([0.5])
        positions.append({int(u): (float(layer), float(v)) for u, v in zip(units, y)})
    rng = np.random.default_rng(0)
    for layer in range(1, len(layer_sizes)):
        W = params[f"W{layer}"]
        pairs = [(o, i) for o in positions[layer] for i in positions[layer - 1]]
        if len(pairs) > max_edges_per_layer:
            pairs = [pairs[k] for k in rng.choice(len(pairs), max_edges_per_layer, replace=False)]
        strengths = np.array([abs(W[o, i]) for o, i in pairs])
        limit = float(strengths.max()) if len(strengths) else 1.0
        for sign, colour in ((1, "178,24,43"), (-1, "33,102,172")):
            for band in range(3):  # weak, middling, strong: fainter and thinner to stronger and thicker
                xs, ys = [], []
                for (o, i), strength in zip(pairs, strengths):
                    if np.sign(W[o, i]) == sign and min(2, int(3 * strength / (limit or 1.0))) == band:
                        (x0, y0), (x1, y1) = positions[layer - 1][i], positions[layer][o]
                        xs += [x0, x1, None]
                        ys += [y0, y1, None]
                if xs:
                    fig.add_scatter(
                        x=xs,
                        y=ys,
                        mode="lines",
                        hoverinfo="skip",
                        showlegend=False,
                        line=dict(color=f"rgba({colour},{0.25 + 0.3 * band})", width=0.8 + 1.2 * band),
                    )
    names = ["input"] + [f"hidden {i}" for i in range(1, len(layer_sizes) - 1)] + ["output"]
    for layer, units in enumerate(positions):
        xs = [p[0] for p in units.values()]
        ys = [p[1] for p in units.values()]
        hover = [f"{names[layer]} unit {u}" for u in units]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="markers",
            marker=dict(size=14, color=LAYER_COLOURS[layer % 6], line=dict(color="white", width=1)),
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
        fig.add_annotation(
            x=layer, y=-0.12, text=f"<b>{names[layer]}</b><br>{layer_sizes[layer]:,} units", showarrow=False
        )
    fig.update_xaxes(visible=False, range=[-0.4, len(layer_sizes) - 0.6])
    fig.update_yaxes(visible=False, range=[-0.25, 1.08])
    fig.update_layout(hovermode="closest", plot_bgcolor="rgba(0,0,0,0)")
    return _layout(fig, "", height=340)
