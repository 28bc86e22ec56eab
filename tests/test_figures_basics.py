"""ui.figures.basics: the traces and shapes each builder promises."""

import math

import numpy as np
import pytest

from lessons import experiments
from nn_core.activations import get_activation, softmax_steps
from ui.figures import basics

NAMES = tuple(str(d) for d in range(10))


def test_class_counts_and_split_bars_label_their_numbers():
    fig = basics.class_count_bars(np.array([350, 349]), ("0", "1"))
    assert list(fig.data[0].text) == ["350", "349"]
    split = basics.split_bars({"train": 70, "val": 10, "test": 20})
    assert [t.x[0] for t in split.data] == [70, 10, 20] and "70%" in split.data[0].name


def test_pixel_histogram_counts_every_pixel_in_raw_units():
    pixels = np.array([[0.0, 0.0, 1.0, 0.5]], dtype=np.float32)
    fig = basics.pixel_histogram(pixels, 255.0, bins=4)
    assert fig.data[0].y.sum() == 4 and fig.data[0].x.max() < 255


def test_neuron_curve_marks_the_neuron_and_the_target():
    f, _ = get_activation("sigmoid")
    fig = basics.neuron_curve(f, "σ", 0.5, float(f(np.array(0.5))), 1.0)
    assert fig.data[1].x[0] == 0.5 and "A = 0.622" in fig.data[1].text[0]


def test_init_figures_show_every_initialisation(mnist):
    spreads = experiments.init_spreads([784, 16, 8, 10], "relu", mnist.X_train[:32])
    fig = basics.init_spread_figure(spreads)
    assert len(fig.data) == 2 and len(fig.data[0].x) == 4  # two hidden layers, four inits
    race = {
        "he": {"steps": np.arange(3), "loss": np.array([2.3, 2.0, 1.0]), "val_accuracy": 0.5, "stopped": None},
        "randn": {"steps": np.arange(2), "loss": np.array([9.0, np.nan]), "val_accuracy": 0.1, "stopped": "NaN"},
    }
    names = [t.name for t in basics.init_race_figure(race).data]
    assert names == ["He → 50%", "randn (diverged)"]


def test_activation_figure_shades_the_flat_region_and_histograms_each_layer():
    f, df = get_activation("sigmoid")
    Z = [np.random.default_rng(0).normal(0, 3, (50, 8)), np.zeros((50, 4))]
    fig = basics.activation_figure("sigmoid", f, df, Z, ((-math.inf, -4.4), (4.4, math.inf)), "saturated")
    assert [t.type for t in fig.data] == ["bar", "bar", "scatter", "scatter"]
    assert len(fig.layout.shapes) == 2
    assert fig.data[1].y.max() == pytest.approx(100, abs=2)  # all of layer 2 sits in the bin at 0


def test_softmax_steps_figure_has_three_panels_of_one_bar_per_class():
    steps = softmax_steps(np.linspace(-1, 2, 10))
    fig = basics.softmax_steps_figure(steps, NAMES)
    assert len(fig.data) == 3 and all(len(t.y) == 10 for t in fig.data)
    assert fig.data[2].y.sum() == pytest.approx(100, abs=1e-3)


def test_unit_response_bars_have_one_bar_per_class():
    fig = basics.unit_response_bars(np.linspace(0, 1, 10), NAMES, unit=4)
    assert len(fig.data[0].y) == 10 and "unit 4" in fig.layout.title.text
