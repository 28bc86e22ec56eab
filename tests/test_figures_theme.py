"""ui.figures.theme: the traces and shapes each builder promises."""

import math
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from ui.figures import theme


def test_ema_is_bias_corrected_and_smooths():
    smoothed = theme.ema(np.array([2.0, 2.0, 2.0, 0.0]), 0.5)
    np.testing.assert_allclose(smoothed[:3], 2.0)
    assert 0 < smoothed[3] < 2


@pytest.mark.parametrize("values", [np.array([0.0, 0.0]), np.array([np.nan])])
def test_symmetric_limit_never_breaks_on_flat_or_empty_data(values):
    assert theme.symmetric_limit(values) >= 0


@pytest.mark.parametrize("low, high", [(0.5, 1.5), (0.003, 40.0), (2e-12, 3e-7), (1.0, 1.0)])
def test_log_axes_are_labelled_at_whole_powers_of_ten_over_at_least_one_decade(low, high):
    fig = theme.log_axis(go.Figure(go.Scatter(y=[low, high])), [low, high])
    axis = fig.layout.yaxis
    assert axis.type == "log" and axis.dtick == 1  # a label at each power of ten, none between
    bottom, top = axis.range
    assert bottom <= math.log10(low) and top >= math.log10(high) and top - bottom >= 1
    assert axis.exponentformat == ("power" if high < 1e-4 else "none")  # 0.001, 0.01, ... or 10⁻⁸


def test_a_log_axis_over_sixteen_decades_is_labelled_at_every_third_power_so_labels_never_collide():
    axis = theme.log_axis(go.Figure(go.Scatter(y=[1e-16, 1.0])), [1e-16, 1.0]).layout.yaxis
    bottom, top = axis.range
    assert axis.dtick == 3 and (top - bottom) / axis.dtick <= 7


def test_every_axis_of_the_training_charts_names_what_it_shows():
    from ui.figures import training

    steps = np.arange(3)
    for fig in (
        training.accuracy_figure(steps, np.ones(3), np.ones(3)),
        training.per_class_bars(np.ones(10) / 2, tuple("0123456789")),
        training.per_class_curves(steps, np.ones((3, 10)), tuple("0123456789")),
        training.layer_lines_figure(steps, np.ones((3, 2)), "Gradient norm", "‖dW‖"),
        training.dead_units_figure(steps, np.zeros((3, 1))),
    ):
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text, fig.layout.title.text


def test_css_rgb_writes_a_hex_colour_as_rgb_or_rgba():
    assert theme.css_rgb(theme.BLUE) == "rgb(76,120,168)"
    assert theme.css_rgb(theme.BLUE, 0.25) == "rgba(76,120,168,0.25)"


def test_colours_are_written_only_in_the_theme():
    figures = Path(theme.__file__).parent
    hex_colour = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")
    written = {p.name: hex_colour.findall(p.read_text()) for p in figures.glob("*.py") if p.name != "theme.py"}
    assert not {name: found for name, found in written.items() if found}
