"""ui.figures.backprop: the traces and shapes each builder promises."""

import numpy as np
import plotly.graph_objects as go
import pytest

from lessons.notebook import NotebookBugs, gradient_descent
from nn_core import MLP, inspection
from ui.figures import backprop

NAMES = tuple(str(d) for d in range(10))


def test_backprop_figures():
    check = inspection.logit_gradient(np.linspace(-1, 1, 10), 4)
    fig = backprop.logit_gradient_figure(check, NAMES)
    assert fig.data[0].y[4] < 0 and len(fig.data[1].y) == 10

    model = MLP([4, 3, 2])
    x = np.ones((1, 4))
    slice_ = inspection.loss_slice(model, x, np.array([1]), "b2", (0,), span=0.5, points=5)
    nudge = backprop.loss_slice_figure(slice_)
    assert len(nudge.data[0].x) == 5 and nudge.data[2].x[0] == pytest.approx(slice_.value)

    errors = backprop.relative_error_bars(["W1", "b1"], [1e-9, 0.5])
    assert list(errors.data[0].marker.color) == ["#54a24b", "#e45756"]

    probs = backprop.before_after_probs(np.full(10, 0.1), np.eye(10)[2], NAMES, 2)
    assert [t.name for t in probs.data] == ["before the step", "after"]


def test_notebook_runs_figure_names_each_run_with_its_final_accuracy():
    rng = np.random.default_rng(0)
    X, Y = rng.random((784, 30)), rng.integers(0, 10, 30)
    run = gradient_descent(X, Y, iterations=3, bugs=NotebookBugs.fixed(), record_every=1)
    data = {"iterations": run.iterations, "accuracy": run.accuracy}
    fig = backprop.notebook_runs_figure({"as written": data, "all fixed": data})
    assert isinstance(fig, go.Figure) and fig.data[1].name.startswith("all fixed: ")
