"""Figures of the Evaluation page: the confusion grid, per-digit scores, confidence, calibration, the layer map."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nn_core.evaluation import row_normalised

from .theme import (
    BLUE,
    CELL_EDGE,
    DIGIT_COLOURS,
    DIGIT_SYMBOLS,
    GREEN,
    INK,
    ORANGE,
    REFERENCE,
    RIGHT,
    SELECTION,
    TRUE_CLASS,
    WRONG,
    f32,
    layout,
    log_axis,
)

Array = np.ndarray


def confusion_grid(
    confusion: Array,
    class_names: tuple[str, ...],
    normalised: bool = False,
    selected: tuple[int, int] | None = None,
    height: int = 460,
    title: str = "",
) -> go.Figure:
    """The confusion matrix as a grid of square markers (rows: true class, columns: answer).

    A scatter, not a heatmap: Streamlit returns a clicked scatter point as a selection, and a
    clicked heatmap cell as nothing. Each point's ``customdata`` is ``(true, predicted, count)``.
    """
    k = len(class_names)
    counts = np.asarray(confusion)
    shares = row_normalised(counts)
    true, predicted = np.divmod(np.arange(k * k), k)
    values = (shares if normalised else counts).reshape(-1)
    off_diagonal = true != predicted
    # the diagonal holds most samples: colour mistakes on their own scale so small ones still show
    scale = float(values[off_diagonal].max(initial=0.0)) or 1.0
    colours = np.where(off_diagonal, np.minimum(values / scale, 1.0), 0.0)
    text = [f"{v:.0%}" if normalised else f"{int(v)}" for v in values]
    fig = go.Figure(
        go.Scatter(  # true class 0 drawn at the top by placing it at y = k - 1: a reversed axis
            x=predicted.astype(np.float32),  # misplaces clicks and hovers in Plotly.js here
            y=(k - 1 - true).astype(np.float32),
            mode="markers+text",
            marker=dict(
                symbol="square",
                size=max(12, int((height - 120) / k * 0.92)),
                color=f32(colours),
                colorscale="Reds",
                cmin=0,
                cmax=1,
                line=dict(color=np.where(off_diagonal, CELL_EDGE, TRUE_CLASS).tolist(), width=2),
            ),
            text=text,
            textfont=dict(size=11, color=np.where(colours > 0.6, "white", INK).tolist()),
            customdata=np.column_stack([true, predicted, counts.reshape(-1)]),
            hovertemplate="true %{customdata[0]}, answered %{customdata[1]}: %{customdata[2]} digits"
            "<extra>click to see them</extra>",
        )
    )
    if selected is not None:
        fig.add_scatter(
            x=[selected[1]],
            y=[k - 1 - selected[0]],
            mode="markers",
            marker=dict(symbol="square-open", size=max(12, int((height - 120) / k)), color=SELECTION, line_width=3),
            hoverinfo="skip",
        )
    fig.update_xaxes(
        tickmode="array", tickvals=list(range(k)), ticktext=list(class_names), range=[-0.6, k - 0.4], side="top"
    )
    fig.update_yaxes(tickmode="array", tickvals=list(range(k)), ticktext=list(class_names)[::-1], range=[-0.6, k - 0.4])
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(showgrid=False, zeroline=False, scaleanchor="x")
    fig.update_layout(hovermode="closest", showlegend=False, plot_bgcolor="rgba(0,0,0,0)", clickmode="event+select")
    fig = layout(fig, title, "answered", "true class", height=height)
    fig.update_layout(margin=dict(t=80 if title else 40))
    return fig


def per_class_scores(precision: Array, recall: Array, class_names: tuple[str, ...]) -> go.Figure:
    """Precision and recall per class, as grouped bars in percent (a class's accuracy is its recall)."""
    fig = go.Figure()
    for values, name, colour in (
        (precision, "precision", BLUE),
        (recall, "recall (= accuracy on that class)", ORANGE),
    ):
        fig.add_bar(x=list(class_names), y=f32(values) * 100, name=name, marker_color=colour)
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_layout(barmode="group", hovermode="x unified")
    return layout(fig, "Per digit", "class", "score", height=300)


def confidence_histogram(confidence: Array, correct: Array, threshold: float, bins: int = 20) -> go.Figure:
    """The top probability of right answers and of wrong ones, and the "not sure" threshold."""
    edges = np.linspace(0, 1, bins + 1)
    centres = f32((edges[:-1] + edges[1:]) / 2)
    fig = go.Figure()
    for mask, name, colour in ((correct, "right", RIGHT), (~correct, "wrong", WRONG)):
        counts, _ = np.histogram(confidence[mask], edges)
        fig.add_bar(x=centres, y=f32(counts), name=f"{name} ({int(mask.sum())})", marker_color=colour, opacity=0.75)
    fig.add_vline(x=threshold, line=dict(color=INK, dash="dash"), annotation_text="not sure below")
    log_axis(fig, [0.8, float(len(confidence) or 1)])  # a bin of one answer still shows
    fig.update_layout(barmode="overlay", bargap=0.05, hovermode="x unified")
    return layout(fig, "How sure was each answer?", "top probability", "answers")


def coverage_figure(thresholds: Array, coverage: Array, accuracy: Array, threshold: float) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=f32(thresholds), y=f32(coverage) * 100, name="answered", mode="lines", line_color=BLUE)
    fig.add_scatter(x=f32(thresholds), y=f32(accuracy) * 100, name="accuracy of those", mode="lines", line_color=GREEN)
    fig.add_vline(x=threshold, line=dict(color=INK, dash="dash"))
    fig.update_yaxes(range=[0, 102], ticksuffix="%")
    return layout(fig, "Answer less, be right more", "threshold", "share of the digits")


def reliability_figure(edges: Array, confidence: Array, accuracy: Array, counts: Array) -> go.Figure:
    """Per confidence bin, the accuracy against the diagonal of perfect calibration."""
    centres = f32((edges[:-1] + edges[1:]) / 2)
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 1], y=[0, 100], mode="lines", name="perfectly calibrated", line=dict(color=REFERENCE, dash="dot")
    )
    fig.add_bar(
        x=centres,
        y=f32(np.nan_to_num(accuracy)) * 100,
        width=float(edges[1] - edges[0]) * 0.9,
        name="accuracy in the bin",
        marker_color=BLUE,
        customdata=np.column_stack([np.nan_to_num(confidence) * 100, counts]),
        hovertemplate="mean confidence %{customdata[0]:.1f}%<br>accuracy %{y:.1f}%<br>%{customdata[1]} answers",
    )
    fig.update_yaxes(range=[0, 102], ticksuffix="%")
    fig.update_xaxes(range=[0, 1])
    fig.update_layout(hovermode="closest")
    return layout(fig, "Calibration", "confidence", "accuracy")


def pca_map(
    points: Array, labels: Array, predicted: Array, class_names: tuple[str, ...], explained: Array, title: str
) -> go.Figure:
    """The samples on two principal axes, one colour per true class; hover names the digit."""
    fig = go.Figure()
    rows = np.arange(len(labels))
    for c, name in enumerate(class_names):
        mask = labels == c
        if not mask.any():
            continue
        fig.add_scatter(
            x=f32(points[mask, 0]),
            y=f32(points[mask, 1]),
            mode="markers",
            name=name,
            marker=dict(size=6, color=DIGIT_COLOURS[c % 10], symbol=DIGIT_SYMBOLS[c % 10], opacity=0.8),
            customdata=np.column_stack([rows[mask], predicted[mask]]),
            hovertemplate=f"a {name}, answered %{{customdata[1]}}<br>test row %{{customdata[0]}}<extra></extra>",
        )
    fig.update_layout(hovermode="closest", legend=dict(itemsizing="constant"))
    return layout(
        fig,
        title,
        f"first principal axis ({explained[0]:.0%} of the variance)",
        f"second ({explained[1]:.0%})",
        height=460,
    )


def robustness_figure(curves: list[tuple[str, str, object]], perturbation) -> go.Figure:
    """Accuracy against the amount of one perturbation (``nn_core.robustness``), one line per
    network: ``curves`` holds (label, colour, Curve); each line has its own dash too, so colour
    never carries the difference alone."""
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    for i, (label, colour, curve) in enumerate(curves):
        fig.add_scatter(
            x=f32(curve.amounts),
            y=f32(curve.accuracy) * 100,
            name=label,
            mode="lines+markers",
            line=dict(color=colour, width=2, dash=dashes[i % len(dashes)]),
            marker=dict(size=6),
        )
    fig.update_yaxes(range=[0, 101], ticksuffix="%")
    return layout(fig, f"Accuracy on digits {perturbation.label}", perturbation.unit, "accuracy", height=340)
