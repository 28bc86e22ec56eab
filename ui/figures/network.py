"""The network drawn as layers of units joined by their weights, on one digit: forward (what each
unit outputs, how strongly each connection weighs) or backward (how much gradient goes through
each unit and connection). Tiles and the digit are drawn as pictures inside the diagram."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from .theme import BLUE, NEGATIVE, POSITIVE, TRUE_CLASS, css_rgb, layout

Array = np.ndarray
BANDS = 4  # edge widths: weak to strong


def _positions(count: int) -> Array:
    return np.linspace(0.95, 0.05, count) if count > 1 else np.array([0.5])


def _edges(fig: go.Figure, starts, ends, values: Array) -> None:
    """Lines from ``starts[i]`` to ``ends[i]``: thicker for larger |value|, red for positive, blue
    for negative; bucketed into BANDS widths per sign (a few traces, not one per edge)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    peak = float(np.abs(values).max(initial=0.0)) or 1.0
    for sign, colour in ((1, POSITIVE), (-1, NEGATIVE)):
        for band in range(BANDS):
            xs, ys = [], []
            for (x0, y0), (x1, y1), value in zip(starts, ends, values):
                strength = abs(value) / peak
                if np.sign(value) == sign and min(BANDS - 1, int(BANDS * strength)) == band and strength > 0.02:
                    xs += [x0, x1, None]
                    ys += [y0, y1, None]
            if xs:
                fig.add_scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                    line=dict(color=css_rgb(colour, 0.25 + 0.2 * band), width=0.6 + 1.6 * band),
                )


def _picture(fig: go.Figure, rgb: Array, x: float, y: float, sizex: float, sizey: float) -> None:
    fig.add_layout_image(
        source=Image.fromarray(rgb),
        x=x,
        y=y,
        xref="x",
        yref="y",
        sizex=sizex,
        sizey=sizey,
        xanchor="center",
        yanchor="middle",
        sizing="contain",
        layer="above",
    )


def network_diagram(
    picture,
    class_names: tuple[str, ...],
    backward: bool = False,
    digit: Array | None = None,
    tiles: list[Array] | None = None,
    height: int = 380,
) -> go.Figure:
    """``picture`` (an ``nn_core.inspection.NetworkPicture``) as a diagram. ``digit`` (an RGB
    picture of the input) stands for the input layer; ``tiles`` (RGB pictures, one per shown unit
    of the first hidden layer) are drawn as those units. Forward: a unit's dot grows with its
    activation, a connection with its weight; backward: both with the gradient through them."""
    fig = go.Figure()
    L = len(picture.layer_sizes) - 1
    ys = [np.array([0.5])] + [_positions(len(picture.units[l])) for l in range(1, L + 1)]
    per_unit = picture.unit_gradients if backward else picture.activations
    per_edge = picture.weight_gradients if backward else picture.weights
    with_tiles = tiles is not None and L > 1
    tile_y = min(0.8 / max(len(picture.units[1]), 1), 0.11)
    # where each layer's dots are, and where connections arrive (the left edge of a tile, if any)
    dot_x = [0.0] + [float(l) + (0.17 if l == 1 and with_tiles else 0.0) for l in range(1, L + 1)]
    arrive_x = [0.0] + [float(l) - (0.08 if l == 1 and with_tiles else 0.0) for l in range(1, L + 1)]
    for l in range(1, L + 1):
        starts = [(0.22 if l == 1 else dot_x[l - 1], float(y)) for y in ys[l - 1]]
        ends = [(arrive_x[l], float(y)) for y in ys[l]]
        pairs = [(s, e) for e in ends for s in starts]
        _edges(fig, [p[0] for p in pairs], [p[1] for p in pairs], per_edge[l])
    names = ["input"] + [f"hidden {l}" for l in range(1, L)] + ["output"]
    for l in range(1, L + 1):
        values = np.asarray(per_unit[l], dtype=np.float64)
        peak = float(np.abs(values).max(initial=0.0)) or 1.0
        units = picture.units[l]
        if l == L:
            labels = [class_names[int(u)] for u in units]
            text = [f"{name}  {p:.0%}" for name, p in zip(labels, picture.probs[units])]
            hover = [
                f"class {name}: probability {p:.1%}" + (f", gradient dZ {g:+.3f}" if backward else "")
                for name, p, g in zip(labels, picture.probs[units], picture.unit_gradients[l])
            ]
        else:
            text = [None] * len(units)
            hover = [
                f"{names[l]} unit {int(u)}: " + (f"gradient dZ {v:+.4f}" if backward else f"activation {v:.3f}")
                for u, v in zip(units, values)
            ]
        fig.add_scatter(
            x=np.full(len(units), dot_x[l], dtype=np.float32),
            y=ys[l].astype(np.float32),
            mode="markers+text" if l == L else "markers",
            text=text,
            textposition="middle right",
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
            marker=dict(
                size=8 + 22 * np.abs(values) / peak,
                color=np.where(values >= 0, css_rgb(POSITIVE), css_rgb(NEGATIVE)).tolist() if backward else BLUE,
                line=dict(color="white", width=1),
            ),
        )
        if l == L and picture.label is not None:  # the true class, ringed
            where = int(np.flatnonzero(units == picture.label)[0])
            fig.add_scatter(
                x=[float(L)],
                y=[float(ys[L][where])],
                mode="markers",
                hoverinfo="skip",
                showlegend=False,
                marker=dict(size=34, color="rgba(0,0,0,0)", line=dict(color=TRUE_CLASS, width=2.5)),
            )
    if digit is not None:
        _picture(fig, digit, 0.0, 0.5, 0.42, 0.34)
    if with_tiles:
        for tile, y in zip(tiles, ys[1]):
            _picture(fig, tile, 1.0, float(y), 0.16, tile_y)
    for l in range(L + 1):
        shown = len(picture.units[l]) if l else 1
        note = "" if l in (0, L) or shown == picture.layer_sizes[l] else f"<br>{shown} shown"
        fig.add_annotation(
            x=l, y=-0.1, text=f"<b>{names[l]}</b><br>{picture.layer_sizes[l]:,} units{note}", showarrow=False
        )
    fig.update_xaxes(visible=False, range=[-0.35, L + 0.6])
    fig.update_yaxes(visible=False, range=[-0.25, 1.05])
    fig.update_layout(hovermode="closest", plot_bgcolor="rgba(0,0,0,0)")
    return layout(fig, "", height=height)
