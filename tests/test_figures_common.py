"""ui.figures.common: the traces and shapes each builder promises."""

import math

import numpy as np

from nn_core import MLP
from ui.figures import common, lessons

NAMES = tuple(str(d) for d in range(10))


def test_image_figure_reshapes_and_picks_its_colours():
    fig = common.image_figure(np.arange(6) / 6, (2, 3), "x")
    assert fig.data[0].z.shape == (2, 3) and fig.data[0].zmin == 0
    weights = common.image_figure(np.array([-2.0, 1.0, 0.5, 0.0]), (2, 2), diverging=True)
    assert weights.data[0].zmid == 0 and weights.data[0].zmin == -weights.data[0].zmax


def test_unit_tiles_name_each_tiles_unit():
    W = np.arange(2 * 4, dtype=np.float32).reshape(2, 4)
    fig = common.unit_tiles_figure(W, (2, 2), columns=2, units=np.array([7, 3]))
    units = fig.data[0].customdata
    assert units[0, 0] == 7 and units[0, 3] == 3 and math.isnan(units[0, 2])


def test_matrix_heatmap_and_bias_bars():
    model = MLP([4, 3, 2])
    heat = common.matrix_heatmap(model.params["W2"], "W2", "in", "out")
    assert heat.data[0].z.shape == (2, 3)
    bars = lessons.bias_bars(model.params, model.params)
    assert [t.name for t in bars.data] == ["now", "at initialisation", "now", "at initialisation"]


def test_unit_bars_highlight_the_chosen_unit_and_probability_bars_outline_the_label():
    fig = common.unit_bars(np.array([1.0, -1.0, 2.0]), "Z1", "", highlight=2)
    assert list(fig.data[0].marker.color) == ["#b2182b", "#2166ac", "#ffa600"]
    probs = common.probability_bars(np.full(10, 0.1), NAMES, label=3)
    assert list(probs.data[0].marker.line.width).index(3) == 3
