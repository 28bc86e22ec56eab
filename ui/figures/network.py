"""The network drawn as layers of units joined by their weights."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .theme import LAYER_COLOURS, layout

Array = np.ndarray


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
    return layout(fig, "", height=340)
