"""ui.figures.training: the traces and shapes each builder promises."""

import numpy as np
import plotly.graph_objects as go

from nn_core import MLP
from ui.figures import training

STEPS = np.arange(1, 101)
LOSSES = np.linspace(2.3, 0.3, 100)


def test_loss_figure_has_batch_smoothed_and_validation_traces():
    fig = training.loss_figure(STEPS, LOSSES, np.array([0, 50, 100]), np.array([2.3, 1.0, 0.5]))
    assert [t.name for t in fig.data] == ["batch loss", "smoothed", "validation"]
    assert len(fig.data[0].y) == 100 and len(fig.data[2].x) == 3
    assert fig.data[0].y.dtype == np.float32  # sent compactly, not as a list


def test_loss_figure_of_an_untrained_network_is_empty_but_valid():
    fig = training.loss_figure(np.empty(0), np.empty(0), np.empty(0), np.empty(0))
    assert isinstance(fig, go.Figure) and [t.name for t in fig.data] == ["batch loss", "validation"]


def test_accuracy_figure_is_in_percent():
    fig = training.accuracy_figure(np.array([0, 50]), np.array([0.1, 0.8]), np.array([0.12, 0.75]))
    np.testing.assert_allclose(fig.data[1].y, [12, 75], rtol=1e-6)


def test_per_class_bars_label_each_class_and_skip_missing_ones():
    fig = training.per_class_bars(np.array([0.5, np.nan, 1.0]), ("a", "b", "c"))
    assert list(fig.data[0].x) == ["a", "b", "c"]
    assert list(fig.data[0].text) == ["50%", "", "100%"]


def test_per_class_curves_have_one_line_per_class():
    per_class = np.random.default_rng(0).random((4, 10))
    fig = training.per_class_curves(np.arange(4), per_class, tuple("0123456789"))
    assert len(fig.data) == 10 and fig.data[3].name == "3"
    np.testing.assert_allclose(fig.data[3].y, per_class[:, 3] * 100, rtol=1e-6)


def test_layer_lines_have_one_trace_per_layer_on_a_log_axis():
    fig = training.layer_lines_figure(np.arange(3), np.array([[1, 2], [3, 4], [5, 6]]), "Gradient norm", "")
    assert [t.name for t in fig.data] == ["layer 1", "layer 2"] and fig.layout.yaxis.type == "log"


def test_dead_units_figure_is_in_percent_per_hidden_layer():
    fig = training.dead_units_figure(np.arange(2), np.array([[0.0], [0.25]]))
    assert fig.data[0].name == "hidden layer 1"
    np.testing.assert_allclose(fig.data[0].y, [0, 25])


def test_weight_histograms_compare_now_and_initial_per_matrix():
    model = MLP([20, 6, 3])
    initial = {k: v.copy() for k, v in model.params.items()}
    model.params["W1"] += 1
    fig = training.weight_histograms(model.params, initial, bins=10)
    assert len(fig.data) == 4  # (initial, now) for W1 and W2
    assert fig.data[0].name == "at initialisation" and fig.data[1].name == "now"
    assert fig.data[1].y[:-1].sum() == 6 * 20  # the last count is repeated to close the step
    assert len(fig.data[1].x) == len(fig.data[1].y) == 11  # bin edges


def test_loss_figure_thins_long_runs_but_keeps_the_last_step():
    steps = np.arange(1, 4001)
    fig = training.loss_figure(steps, np.linspace(2.3, 0.1, 4000), np.array([0]), np.array([2.3]), most=400)
    assert len(fig.data[0].x) <= 400 and fig.data[0].x[-1] == 4000
    assert len(fig.data[1].y) == len(fig.data[0].x)


def test_a_builders_own_hover_mode_is_kept_and_the_default_is_x_unified():
    assert training.per_class_bars(np.array([0.5, 1.0]), ("a", "b")).layout.hovermode == "closest"
    assert training.loss_figure(STEPS, LOSSES, np.array([0]), np.array([2.3])).layout.hovermode == "x unified"


def test_with_a_rate_strip_the_steps_axis_is_under_the_strip_and_the_legend_has_room():
    steps = np.arange(1, 101)
    fig = training.loss_figure(
        steps, np.linspace(2, 0.5, 100), steps[::10], np.linspace(2, 0.6, 10), rates=np.where(steps < 50, 0.1, 0.5)
    )
    assert fig.layout.xaxis.anchor == "y2" and fig.layout.xaxis.title.text == "step"
    assert fig.layout.yaxis2.domain[1] < fig.layout.yaxis.domain[0]  # the strip under the loss
    assert fig.layout.margin.t >= 80
