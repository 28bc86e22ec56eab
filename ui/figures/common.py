"""The figures most pages share: one image with a hover per pixel, one bar per unit or class, tiles of units, a weight matrix."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .images import per_tile_scaled, tile_grid
from .theme import DIGIT_COLOURS, DIVERGING, HIGHLIGHT, NEGATIVE, POSITIVE, f32, layout, symmetric_limit

Array = np.ndarray


def image_axes(fig: go.Figure) -> go.Figure:
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
    image = f32(pixels).reshape(image_shape)
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
    return layout(image_axes(fig), title, height=height)


def unit_bars(
    values: Array, title: str, y_title: str, highlight: int | None = None, height: int = 240, x_title: str = "unit"
) -> go.Figure:
    """One bar per unit of a layer; ``highlight`` marks the chosen unit."""
    values = f32(values).reshape(-1)
    colours = np.where(values >= 0, POSITIVE, NEGATIVE).astype(object)
    if highlight is not None and 0 <= highlight < len(values):
        colours[highlight] = HIGHLIGHT
    fig = go.Figure(
        go.Bar(
            x=np.arange(len(values), dtype=np.float32),
            y=values,
            marker_color=list(colours),
            hovertemplate="unit %{x}: %{y:.4f}<extra></extra>",
        )
    )
    fig.update_layout(hovermode="closest", bargap=0.05)
    return layout(fig, title, x_title, y_title, height=height)


def probability_bars(
    probs: Array, class_names: tuple[str, ...], label: int | None = None, title: str = "A2: the probabilities"
) -> go.Figure:
    """One bar per class (%), the true class outlined."""
    probs = f32(probs).reshape(-1) * 100
    outline = [3 if label is not None and i == label else 0 for i in range(len(probs))]
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=probs,
            marker=dict(color=list(DIGIT_COLOURS[: len(probs)]), line=dict(color="black", width=outline)),
            text=[f"{p:.0f}%" for p in probs],  # whole percents: short enough to be drawn full size
            textposition="outside",
            textfont=dict(size=11),
            constraintext="none",  # Plotly shrinks a label to its bar's width: on ten narrow bars, unreadable
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 115], ticksuffix="%")
    fig.update_layout(hovermode="closest")
    return layout(fig, title, "class", "probability", height=260)


def unit_tiles_figure(
    W: Array,
    image_shape: tuple[int, int],
    columns: int = 16,
    title: str = "",
    value_name: str = "weight",
    units: Array | None = None,
    each_tile: bool = False,
) -> go.Figure:
    """Rows of ``W`` as tiles in a grid; hovering a tile names its unit (``units[i]`` for row i,
    else i) and the pixel's value. With ``each_tile``, every tile is coloured on its own scale
    (``images.per_tile_scaled``); the hover still gives the true values."""
    values = tile_grid(W, image_shape, columns)
    grid = tile_grid(per_tile_scaled(W), image_shape, columns) if each_tile else values
    ids = np.arange(W.shape[0]) if units is None else np.asarray(units)
    units = tile_grid(np.repeat(ids.astype(np.float32)[:, None], W.shape[1], axis=1), image_shape, columns)
    limit = 1.0 if each_tile else symmetric_limit(grid) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=f32(grid),
            customdata=np.stack([units, values], axis=-1).astype(np.float32),
            colorscale=DIVERGING,
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hoverongaps=False,
            hovertemplate=f"unit %{{customdata[0]:.0f}}<br>{value_name} %{{customdata[1]:.4f}}<extra></extra>",
            colorbar=dict(title="each tile's own scale" if each_tile else value_name, thickness=10),
            showscale=not each_tile,
        )
    )
    rows = -(-W.shape[0] // max(1, min(columns, W.shape[0])))
    return layout(image_axes(fig), title, height=min(900, 120 + rows * 52))


def matrix_heatmap(W: Array, title: str, x_title: str, y_title: str, height: int = 300) -> go.Figure:
    """A weight matrix (out, in) with rows as outputs, diverging colours centred on 0."""
    W = f32(W)
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
    return layout(fig, title, x_title, y_title, height=height)
