"""Each figure builder returns the traces and shapes it promises for given arrays."""

import numpy as np
import plotly.graph_objects as go
import pytest

from nn_core import MLP
from ui import figures

STEPS = np.arange(1, 101)
LOSSES = np.linspace(2.3, 0.3, 100)


def test_ema_is_bias_corrected_and_smooths():
    smoothed = figures.ema(np.array([2.0, 2.0, 2.0, 0.0]), 0.5)
    np.testing.assert_allclose(smoothed[:3], 2.0)
    assert 0 < smoothed[3] < 2


def test_loss_figure_has_batch_smoothed_and_validation_traces():
    fig = figures.loss_figure(STEPS, LOSSES, np.array([0, 50, 100]), np.array([2.3, 1.0, 0.5]))
    assert [t.name for t in fig.data] == ["batch loss", "smoothed", "validation"]
    assert len(fig.data[0].y) == 100 and len(fig.data[2].x) == 3
    assert fig.data[0].y.dtype == np.float32  # sent compactly, not as a list


def test_loss_figure_of_an_untrained_network_is_empty_but_valid():
    fig = figures.loss_figure(np.empty(0), np.empty(0), np.empty(0), np.empty(0))
    assert isinstance(fig, go.Figure) and [t.name for t in fig.data] == ["batch loss", "validation"]


def test_accuracy_figure_is_in_percent():
    fig = figures.accuracy_figure(np.array([0, 50]), np.array([0.1, 0.8]), np.array([0.12, 0.75]))
    np.testing.assert_allclose(fig.data[1].y, [12, 75], rtol=1e-6)


def test_per_class_bars_label_each_class_and_skip_missing_ones():
    fig = figures.per_class_bars(np.array([0.5, np.nan, 1.0]), ("a", "b", "c"))
    assert list(fig.data[0].x) == ["a", "b", "c"]
    assert list(fig.data[0].text) == ["50%", "", "100%"]


def test_per_class_curves_have_one_line_per_class():
    per_class = np.random.default_rng(0).random((4, 10))
    fig = figures.per_class_curves(np.arange(4), per_class, tuple("0123456789"))
    assert len(fig.data) == 10 and fig.data[3].name == "3"
    np.testing.assert_allclose(fig.data[3].y, per_class[:, 3] * 100, rtol=1e-6)


def test_tile_grid_places_each_unit_and_leaves_nan_gaps():
    W = np.arange(5 * 4, dtype=np.float32).reshape(5, 4)  # 5 units of 2x2 images
    grid = figures.tile_grid(W, (2, 2), columns=3)
    assert grid.shape == (2 * 3 - 1, 3 * 3 - 1)
    np.testing.assert_array_equal(grid[0:2, 0:2], W[0].reshape(2, 2))
    np.testing.assert_array_equal(grid[3:5, 3:5], W[4].reshape(2, 2))  # unit 4: row 1, column 1
    assert np.isnan(grid[2]).all() and np.isnan(grid[3:5, 6:8]).all()  # the gap row, the empty last tile


def test_tiles_figure_is_a_diverging_heatmap_centred_on_zero():
    grid = figures.tile_grid(np.random.default_rng(0).normal(size=(8, 784)).astype(np.float32), (28, 28), 4)
    fig = figures.tiles_figure(grid)
    heatmap = fig.data[0]
    assert heatmap.type == "heatmap" and heatmap.zmid == 0 and heatmap.zmin == -heatmap.zmax
    assert heatmap.z.shape == grid.shape


def test_diverging_rgb_maps_sign_to_colour():
    grid = np.array([[-1.0, 0.0, 1.0, np.nan]], dtype=np.float32)
    image = figures.diverging_rgb(grid, scale=1)
    assert image.shape == (1, 4, 3) and image.dtype == np.uint8
    blue, white, red, gap = image[0]
    assert blue[2] > blue[0] and red[0] > red[2] and (white == 255).all() and (gap == 237).all()


def test_layer_lines_have_one_trace_per_layer_on_a_log_axis():
    fig = figures.layer_lines_figure(np.arange(3), np.array([[1, 2], [3, 4], [5, 6]]), "Gradient norm", "")
    assert [t.name for t in fig.data] == ["layer 1", "layer 2"] and fig.layout.yaxis.type == "log"


def test_dead_units_figure_is_in_percent_per_hidden_layer():
    fig = figures.dead_units_figure(np.arange(2), np.array([[0.0], [0.25]]))
    assert fig.data[0].name == "hidden layer 1"
    np.testing.assert_allclose(fig.data[0].y, [0, 25])


def test_weight_histograms_compare_now_and_initial_per_matrix():
    model = MLP([20, 6, 3])
    initial = {k: v.copy() for k, v in model.params.items()}
    model.params["W1"] += 1
    fig = figures.weight_histograms(model.params, initial, bins=10)
    assert len(fig.data) == 4  # (initial, now) for W1 and W2
    assert fig.data[0].name == "at initialisation" and fig.data[1].name == "now"
    assert fig.data[1].y[:-1].sum() == 6 * 20  # the last count is repeated to close the step
    assert len(fig.data[1].x) == len(fig.data[1].y) == 11  # bin edges


def test_network_diagram_draws_every_layer_with_its_size():
    model = MLP([784, 128, 64, 10])
    fig = figures.network_diagram(model.layer_sizes, model.params)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [
        "<b>input</b><br>784 units",
        "<b>hidden 1</b><br>128 units",
        "<b>hidden 2</b><br>64 units",
        "<b>output</b><br>10 units",
    ]
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [len(t.x) for t in markers] == [10, 10, 10, 10]


@pytest.mark.parametrize("values", [np.array([0.0, 0.0]), np.array([np.nan])])
def test_symmetric_limit_never_breaks_on_flat_or_empty_data(values):
    assert figures.symmetric_limit(values) >= 0


def test_loss_figure_thins_long_runs_but_keeps_the_last_step():
    steps = np.arange(1, 4001)
    fig = figures.loss_figure(steps, np.linspace(2.3, 0.1, 4000), np.array([0]), np.array([2.3]), most=400)
    assert len(fig.data[0].x) <= 400 and fig.data[0].x[-1] == 4000
    assert len(fig.data[1].y) == len(fig.data[0].x)


def test_a_builders_own_hover_mode_is_kept_and_the_default_is_x_unified():
    assert figures.per_class_bars(np.array([0.5, 1.0]), ("a", "b")).layout.hovermode == "closest"
    assert figures.loss_figure(STEPS, LOSSES, np.array([0]), np.array([2.3])).layout.hovermode == "x unified"
