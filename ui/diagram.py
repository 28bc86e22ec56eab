"""The network diagram of a learner's trainer on one validation digit: what the home, Training and
Backpropagation pages draw (the numbers from nn_core, the pictures from ui.figures)."""

from __future__ import annotations

import plotly.graph_objects as go

from nn_core import inspection
from nn_core.through_time import Moment
from nn_core.train import Trainer

from .figures import images, network

UNITS = 8  # hidden units drawn per layer: those the digit switches on most


def network_figure(trainer: Trainer | Moment, row: int, backward: bool = False, height: int = 380) -> go.Figure:
    """The diagram for validation row ``row``: the digit as the input, the hidden units it switches
    on most drawn as what training added to their weights, the outputs with their probabilities."""
    model, data = trainer.model, trainer.dataset
    X, y = data.split("val")
    picture = inspection.network_picture(model, X[row], int(y[row]), units=UNITS)
    added = inspection.added_by_training(model.params, trainer.initial_params, "W1")
    tiles = [
        images.weight_tiles_rgb(added[[int(u)]], data.image_shape, columns=1, scale=2, each_tile=True)
        for u in picture.units[1]
    ]
    digit = images.digit_rgb(X[row], data.image_shape, scale=3)
    return network.network_diagram(
        picture, data.class_names, backward=backward, digit=digit, tiles=tiles, height=height
    )
