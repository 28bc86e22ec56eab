"""The lesson pages' figure builders (ui.lesson_figures, ui.backprop_figures): the traces they promise."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from nn_core import MLP, probe
from nn_core.activations import get_activation
from nn_core.notebook import NotebookBugs, gradient_descent
from ui import backprop_figures as bf
from ui import lesson_figures as lf

NAMES = tuple(str(d) for d in range(10))


def test_image_figure_reshapes_and_picks_its_colours():
    fig = lf.image_figure(np.arange(6) / 6, (2, 3), "x")
    assert fig.data[0].z.shape == (2, 3) and fig.data[0].zmin == 0
    weights = lf.image_figure(np.array([-2.0, 1.0, 0.5, 0.0]), (2, 2), diverging=True)
    assert weights.data[0].zmid == 0 and weights.data[0].zmin == -weights.data[0].zmax


def test_gray_rgb_draws_ink_dark_and_gaps_grey():
    rgb = lf.gray_rgb(np.array([[0.0, 1.0, np.nan]]), scale=2)
    assert rgb.shape == (2, 6, 3) and rgb.dtype == np.uint8
    assert rgb[0, 0].tolist() == [255] * 3 and rgb[0, 2].tolist() == [0] * 3 and rgb[0, 4].tolist() == [236] * 3


def test_class_counts_and_split_bars_label_their_numbers():
    fig = lf.class_count_bars(np.array([350, 349]), ("0", "1"))
    assert list(fig.data[0].text) == ["350", "349"]
    split = lf.split_bars({"train": 70, "val": 10, "test": 20})
    assert [t.x[0] for t in split.data] == [70, 10, 20] and "70%" in split.data[0].name


def test_pixel_histogram_counts_every_pixel_in_raw_units():
    pixels = np.array([[0.0, 0.0, 1.0, 0.5]], dtype=np.float32)
    fig = lf.pixel_histogram(pixels, 255.0, bins=4)
    assert fig.data[0].y.sum() == 4 and fig.data[0].x.max() < 255


def test_neuron_curve_marks_the_neuron_and_the_target():
    f, _ = get_activation("sigmoid")
    fig = lf.neuron_curve(f, "σ", 0.5, float(f(np.array(0.5))), 1.0)
    assert fig.data[1].x[0] == 0.5 and "A = 0.622" in fig.data[1].text[0]


def test_unit_tiles_name_each_tiles_unit():
    W = np.arange(2 * 4, dtype=np.float32).reshape(2, 4)
    fig = lf.unit_tiles_figure(W, (2, 2), columns=2, units=np.array([7, 3]))
    units = fig.data[0].customdata
    assert units[0, 0] == 7 and units[0, 3] == 3 and math.isnan(units[0, 2])


def test_matrix_heatmap_and_bias_bars():
    model = MLP([4, 3, 2])
    heat = lf.matrix_heatmap(model.params["W2"], "W2", "in", "out")
    assert heat.data[0].z.shape == (2, 3)
    bars = lf.bias_bars(model.params, model.params)
    assert [t.name for t in bars.data] == ["now", "at initialisation", "now", "at initialisation"]


def test_init_figures_show_every_initialisation(mnist):
    spreads = probe.init_spreads([784, 16, 8, 10], "relu", mnist.X_train[:32])
    fig = lf.init_spread_figure(spreads)
    assert len(fig.data) == 2 and len(fig.data[0].x) == 4  # two hidden layers, four inits
    race = {
        "he": {"steps": np.arange(3), "loss": np.array([2.3, 2.0, 1.0]), "val_accuracy": 0.5, "stopped": None},
        "seed": {"steps": np.arange(2), "loss": np.array([9.0, np.nan]), "val_accuracy": 0.1, "stopped": "NaN"},
    }
    names = [t.name for t in lf.init_race_figure(race).data]
    assert names == ["He → 50%", "randn (seed) (diverged)"]


def test_activation_figure_shades_the_flat_region_and_histograms_each_layer():
    f, df = get_activation("sigmoid")
    Z = [np.random.default_rng(0).normal(0, 3, (50, 8)), np.zeros((50, 4))]
    fig = lf.activation_figure("sigmoid", f, df, Z, ((-math.inf, -4.4), (4.4, math.inf)), "saturated")
    assert [t.type for t in fig.data] == ["bar", "bar", "scatter", "scatter"]
    assert len(fig.layout.shapes) == 2
    assert fig.data[1].y.max() == pytest.approx(100, abs=2)  # all of layer 2 sits in the bin at 0


def test_softmax_steps_figure_has_three_panels_of_one_bar_per_class():
    steps = probe.softmax_steps(np.linspace(-1, 2, 10))
    fig = lf.softmax_steps_figure(steps, NAMES)
    assert len(fig.data) == 3 and all(len(t.y) == 10 for t in fig.data)
    assert fig.data[2].y.sum() == pytest.approx(100, abs=1e-3)


def test_unit_bars_highlight_the_chosen_unit_and_probability_bars_outline_the_label():
    fig = lf.unit_bars(np.array([1.0, -1.0, 2.0]), "Z1", "", highlight=2)
    assert list(fig.data[0].marker.color) == ["#b2182b", "#2166ac", "#ffa600"]
    probs = lf.probability_bars(np.full(10, 0.1), NAMES, label=3)
    assert list(probs.data[0].marker.line.width).index(3) == 3


def test_backprop_figures():
    check = probe.logit_gradient(np.linspace(-1, 1, 10), 4)
    fig = bf.logit_gradient_figure(check, NAMES)
    assert fig.data[0].y[4] < 0 and len(fig.data[1].y) == 10

    model = MLP([4, 3, 2])
    x = np.ones((1, 4))
    slice_ = probe.loss_slice(model, x, np.array([1]), "b2", (0,), span=0.5, points=5)
    nudge = bf.loss_slice_figure(slice_)
    assert len(nudge.data[0].x) == 5 and nudge.data[2].x[0] == pytest.approx(slice_.value)

    errors = bf.relative_error_bars(["W1", "b1"], [1e-9, 0.5])
    assert list(errors.data[0].marker.color) == ["#54a24b", "#e45756"]

    probs = bf.before_after_probs(np.full(10, 0.1), np.eye(10)[2], NAMES, 2)
    assert [t.name for t in probs.data] == ["before the step", "after"]


def test_seed_runs_figure_names_each_run_with_its_final_accuracy():
    rng = np.random.default_rng(0)
    X, Y = rng.random((784, 30)), rng.integers(0, 10, 30)
    run = gradient_descent(X, Y, iterations=3, bugs=NotebookBugs.fixed(), record_every=1)
    data = {"iterations": run.iterations, "accuracy": run.accuracy}
    fig = bf.seed_runs_figure({"as written": data, "all fixed": data})
    assert isinstance(fig, go.Figure) and fig.data[1].name.startswith("all fixed: ")


def test_unit_response_bars_have_one_bar_per_class():
    fig = lf.unit_response_bars(np.linspace(0, 1, 10), NAMES, unit=4)
    assert len(fig.data[0].y) == 10 and "unit 4" in fig.layout.title.text
