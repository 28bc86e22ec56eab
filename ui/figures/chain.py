"""The two-unit chain of the Backpropagation page drawn as boxes and arrows: each box its forward
value, each arrow its local slope, the bottom row the backward sweep's ∂E/∂node, and the path of
one parameter, whose slopes multiply to its gradient, highlighted."""

from __future__ import annotations

import plotly.graph_objects as go

from lessons.chain import FEEDS, NODES, SLOPE_FORMULAS, ChainPass, number, path

from .theme import BACKWARD, BOX_FILL, BOX_TEXT, FORWARD, OFF_PATH, OFF_PATH_TEXT, PATH, PATH_FILL, f32, layout

SUBSCRIPTS = str.maketrans("12", "₁₂")
# where each box sits: the chain along y = 0, what feeds it from above
PLACES = {name: (float(i), 0.0) for i, name in enumerate(NODES)}
PLACES |= {"w1": (0.62, 1.0), "b1": (1.38, 1.0), "w2": (2.62, 1.0), "b2": (3.38, 1.0), "y": (5.0, 1.0)}
MAIN, SIDE = (0.5, 0.46), (0.44, 0.34)  # box sizes (width, height) on the chain and above it
STEPS = {"z1": "×w₁ + b₁", "z2": "×w₂ + b₂", "E": "(a₂ − y)²"}  # what each arrow does


def plain(name: str) -> str:
    """A chain name as text: "w1" -> "w₁"."""
    return name.translate(SUBSCRIPTS)


def _formula(latex: str) -> str:
    """A local slope's formula (nn_core's LaTeX) as text: "\\sigma'(z_2)" -> "σ′(z₂)"."""
    return latex.replace(r"\sigma", "σ").replace("'", "′").replace("_1", "₁").replace("_2", "₂").replace(" - ", " − ")


def _box(fig: go.Figure, name: str, value: float, on_path: bool) -> None:
    x, y = PLACES[name]
    width, height = MAIN if y == 0 else SIDE
    fig.add_shape(
        type="rect",
        x0=x - width / 2,
        x1=x + width / 2,
        y0=y - height / 2,
        y1=y + height / 2,
        line=dict(color=PATH if on_path else FORWARD, width=3 if on_path else 1.5),
        fillcolor=PATH_FILL if on_path else BOX_FILL,
        layer="below",
    )
    fig.add_annotation(
        x=x,
        y=y,
        text=f"<b>{plain(name)}</b><br>{number(value)}",
        showarrow=False,
        font=dict(size=14 if y == 0 else 12, color=BOX_TEXT),
    )


def _arrow(fig: go.Figure, start: str, end: str, on_path: bool) -> tuple[float, float, float, float]:
    """An arrow from box ``start`` to box ``end``, edge to edge; returns its ends (x0, y0, x1, y1)."""
    (x0, y0), (x1, y1) = PLACES[start], PLACES[end]
    if y0 == y1:  # along the chain
        x0, x1 = x0 + MAIN[0] / 2, x1 - MAIN[0] / 2
    else:  # down into the chain
        y0, y1 = y0 - SIDE[1] / 2, y1 + MAIN[1] / 2
        x1 = x1 + 0.45 * (x0 - x1) * MAIN[0] / abs(x0 - x1) if x0 != x1 else x1
    fig.add_annotation(
        x=x1,
        y=y1,
        ax=x0,
        ay=y0,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowsize=1.1,
        arrowwidth=3.5 if on_path else 1.5,
        arrowcolor=PATH if on_path else OFF_PATH,
    )
    return x0, y0, x1, y1


def chain_figure(p: ChainPass, wrt: str, hidden_label: str, output_label: str, height: int = 380) -> go.Figure:
    """The chain ``p`` (an ``lessons.chain.ChainPass``): boxes with their values, arrows with their
    local slopes, ∂E/∂node under each box of the chain; the path from E back to ``wrt`` in orange,
    its slopes' product in the title. ``hidden_label`` and ``output_label`` name g and σ."""
    on_path = set(path(wrt))
    boxes_on_path = {name for slope in on_path for name in slope}
    fig = go.Figure()
    steps = STEPS | {"a1": hidden_label, "a2": output_label}
    for node, sources in FEEDS.items():
        for source in sources:
            slope = (node, source)
            x0, y0, x1, y1 = _arrow(fig, source, node, slope in on_path)
            colour = BACKWARD if slope in on_path else OFF_PATH_TEXT
            text = f"∂{plain(node)}/∂{plain(source)} = {_formula(SLOPE_FORMULAS[slope])}<br><b>{number(p.slopes[slope])}</b>"
            if y0 == y1:
                fig.add_annotation(
                    x=(x0 + x1) / 2,
                    y=0.03,
                    yanchor="bottom",
                    text=steps[node],
                    showarrow=False,
                    font=dict(size=11, color=FORWARD),
                )
                fig.add_annotation(
                    x=(x0 + x1) / 2, y=-0.42, text=text, showarrow=False, font=dict(size=12, color=colour)
                )
            else:
                side = "right" if x0 < PLACES[node][0] else "left"
                fig.add_annotation(
                    x=(x0 + x1) / 2 + (-0.04 if side == "right" else 0.04),
                    y=(y0 + y1) / 2,
                    text=text,
                    showarrow=False,
                    xanchor=side,
                    font=dict(size=11, color=colour),
                )
    _arrow(fig, "y", "E", False)  # the target feeds E too; its slope is not on any parameter's path
    for name in PLACES:
        _box(fig, name, p.values[name], name in boxes_on_path)
    for name, gradient in p.node_gradients.items():
        fig.add_annotation(
            x=PLACES[name][0],
            y=-0.98,
            text=f"∂E/∂{plain(name)}<br><b>{number(gradient)}</b>",
            showarrow=False,
            font=dict(size=12, color=BACKWARD),
        )
    names = list(PLACES)
    fig.add_scatter(  # hover on every box
        x=f32([PLACES[n][0] for n in names]),
        y=f32([PLACES[n][1] for n in names]),
        mode="markers",
        marker=dict(size=30, color="rgba(0,0,0,0)"),
        hovertext=[f"{plain(n)} = {p.values[n]:.6g}" for n in names],
        hoverinfo="text",
        showlegend=False,
    )
    fig.update_xaxes(visible=False, range=[-0.4, 5.4])
    fig.update_yaxes(visible=False, range=[-1.15, 1.25])
    fig.update_layout(hovermode="closest", plot_bgcolor="rgba(0,0,0,0)")
    factors = len(path(wrt))
    title = (
        f"∂E/∂{plain(wrt)} = the product of the {factors} local slopes on its path (orange) = "
        f"<b>{number(p.gradient(wrt))}</b>"
    )
    return layout(fig, title, height=height)
