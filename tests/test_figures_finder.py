"""ui.figures.finder: a log learning-rate axis, the curves' numbers, and the suggestion marked where it is."""

import numpy as np
import plotly.graph_objects as go

from ui.figures.finder import lr_finder_figure

LRS = np.logspace(-5, 0.5, 90)
LOSSES = 2.3 - np.tanh(np.log10(LRS) + 1) + np.random.default_rng(0).normal(0, 0.05, 90)
SMOOTHED = 2.3 - np.tanh(np.log10(LRS) + 1)


def traces(fig: go.Figure) -> dict:
    return {t.name: t for t in fig.data if t.showlegend is not False}


def test_the_learning_rate_axis_is_log_with_whole_decades():
    fig = lr_finder_figure(LRS, LOSSES, SMOOTHED, 0.1)
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.dtick == 1
    assert tuple(fig.layout.xaxis.range) == (-5.05, 1.05)  # log10 units: 1e-5 to 10
    assert "learning rate" in fig.layout.xaxis.title.text


def test_the_traces_carry_the_batch_and_smoothed_losses_as_float32():
    fig = lr_finder_figure(LRS, LOSSES, SMOOTHED, 0.1)
    shown = traces(fig)
    raw, smooth = shown["batch loss"], shown["smoothed"]
    np.testing.assert_allclose(raw.x, LRS, rtol=1e-6)
    np.testing.assert_allclose(raw.y, LOSSES, rtol=1e-6)
    np.testing.assert_allclose(smooth.y, SMOOTHED, rtol=1e-6)
    assert raw.y.dtype == np.float32 and smooth.x.dtype == np.float32
    assert smooth.line.width > raw.line.width  # the smoothed curve is the bold one


def test_the_suggestion_is_marked_at_its_rate_on_the_smoothed_curve():
    fig = lr_finder_figure(LRS, LOSSES, SMOOTHED, 0.1, reason="the loss falls fastest near lr 0.1")
    line = traces(fig)["suggested: 0.1"]
    np.testing.assert_allclose(line.x, [0.1, 0.1], rtol=1e-6)
    assert line.line.dash == "dash" and line.y[0] == 0 and line.y[1] >= SMOOTHED.max()
    (marker,) = [t for t in fig.data if t.mode == "markers+text"]
    assert marker.x[0] == np.float32(0.1)
    np.testing.assert_allclose(marker.y[0], 2.3 - np.tanh(0), atol=1e-3)  # the smoothed loss at lr 0.1
    assert marker.text == ("lr 0.1",) and marker.hovertext == ("the loss falls fastest near lr 0.1",)


def test_a_blow_up_spike_does_not_stretch_the_loss_axis():
    losses = LOSSES.copy()
    losses[-1] = 40.0
    fig = lr_finder_figure(LRS, losses, SMOOTHED, 0.1)
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] < 5


def test_an_empty_test_gives_a_valid_figure():
    fig = lr_finder_figure(np.empty(0), np.empty(0), np.empty(0), 1e-5)
    assert isinstance(fig, go.Figure) and fig.layout.xaxis.type == "log"
