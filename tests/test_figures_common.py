"""ui.figures.common: the traces and shapes each builder promises."""

import math

import numpy as np
import pytest

from nn_core import MLP
from ui.figures import basics, common

NAMES = tuple(str(d) for d in range(10))


def test_image_figure_reshapes_and_picks_its_colours():
    fig = common.image_figure(np.arange(6) / 6, (2, 3), "x")
    assert fig.data[0].z.shape == (2, 3) and fig.data[0].zmin == 0
    weights = common.image_figure(np.array([-2.0, 1.0, 0.5, 0.0]), (2, 2), diverging=True)
    assert weights.data[0].zmid == 0 and weights.data[0].zmin == -weights.data[0].zmax


def test_unit_tiles_name_each_tiles_unit():
    W = np.arange(2 * 4, dtype=np.float32).reshape(2, 4)
    fig = common.unit_tiles_figure(W, (2, 2), columns=2, units=np.array([7, 3]))
    units, values = fig.data[0].customdata[..., 0], fig.data[0].customdata[..., 1]
    assert units[0, 0] == 7 and units[0, 3] == 3 and math.isnan(units[0, 2])
    assert values[1, 4] == W[1, 3]  # the hover gives the true value


def test_tiles_on_their_own_scales_colour_every_tile_fully_but_hover_the_true_values():
    W = np.array([[0.0, 0.001, -0.002, 0.0005], [10.0, -20.0, 5.0, 0.0]], dtype=np.float32)
    fig = common.unit_tiles_figure(W, (2, 2), columns=2, each_tile=True)
    z, values = fig.data[0].z, fig.data[0].customdata[..., 1]
    tiny, big = np.nanmax(np.abs(z[:, :2])), np.nanmax(np.abs(z[:, 3:]))
    assert tiny == pytest.approx(1, abs=0.05) and big == pytest.approx(1, abs=0.05)  # alike, whatever their size
    assert values[0, 1] == np.float32(0.001) and values[0, 3] == 10.0


def test_matrix_heatmap_and_bias_bars():
    model = MLP([4, 3, 2])
    heat = common.matrix_heatmap(model.params["W2"], "W2", "in", "out")
    assert heat.data[0].z.shape == (2, 3)
    bars = basics.bias_bars(model.params, model.params)
    assert [t.name for t in bars.data] == ["now", "at initialisation", "now", "at initialisation"]


def test_unit_bars_highlight_the_chosen_unit_and_probability_bars_outline_the_label():
    fig = common.unit_bars(np.array([1.0, -1.0, 2.0]), "Z1", "", highlight=2)
    assert list(fig.data[0].marker.color) == ["#b2182b", "#2166ac", "#ffa600"]
    probs = common.probability_bars(np.full(10, 0.1), NAMES, label=3)
    assert list(probs.data[0].marker.line.width).index(3) == 3
