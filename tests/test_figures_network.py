"""ui.figures.network: the diagram of a network on one digit."""

import numpy as np

from nn_core import MLP, inspection
from ui.figures import network

NAMES = tuple("0123456789")


def test_the_diagram_draws_every_layer_the_shown_units_and_the_probabilities(mnist):
    model = MLP([784, 32, 16, 10], seed=1)
    picture = inspection.network_picture(model, mnist.X_val[0], int(mnist.y_val[0]), units=6)
    fig = network.network_diagram(
        picture, NAMES, digit=np.zeros((28, 28, 3), np.uint8), tiles=[np.zeros((2, 2, 3), np.uint8)] * 6
    )
    notes = [a.text for a in fig.layout.annotations]
    assert [n.split("<br>")[1] for n in notes] == ["784 units", "32 units", "16 units", "10 units"]
    outputs = [t for t in fig.data if t.mode == "markers+text"][0]
    assert list(outputs.text) == [f"{c}  {p:.0%}" for c, p in zip(NAMES, picture.probs)]
    assert len(fig.layout.images) == 1 + 6  # the digit and one tile per shown unit of the first layer


def test_forward_the_lines_are_weights_and_backward_they_are_gradients(mnist):
    model = MLP([784, 12, 10], seed=2)
    x, label = mnist.X_val[3], int(mnist.y_val[3])
    picture = inspection.network_picture(model, x, label, units=5)
    step = inspection.one_sample_step(model, x, label, 0.0)
    rows, columns = picture.units[2], picture.units[1]
    assert np.allclose(picture.weights[2], model.params["W2"][np.ix_(rows, columns)])
    assert np.allclose(picture.weight_gradients[2], step.backward["dW2"][np.ix_(rows, columns)], atol=1e-7)
    assert np.allclose(picture.unit_gradients[1], step.backward["dZ1"][0][columns], atol=1e-7)
    A1 = model.forward(x[None])["A1"][0]
    assert set(columns) == set(np.argsort(-A1)[:5])  # the units this digit switches on most
    forward = network.network_diagram(picture, NAMES)
    backward = network.network_diagram(picture, NAMES, backward=True)
    assert forward.to_json() != backward.to_json()
