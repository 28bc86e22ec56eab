"""ui.figures.network: the traces and shapes each builder promises."""

from nn_core import MLP
from ui.figures import network


def test_network_diagram_draws_every_layer_with_its_size():
    model = MLP([784, 128, 64, 10])
    fig = network.network_diagram(model.layer_sizes, model.params)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == [
        "<b>input</b><br>784 units",
        "<b>hidden 1</b><br>128 units",
        "<b>hidden 2</b><br>64 units",
        "<b>output</b><br>10 units",
    ]
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [len(t.x) for t in markers] == [10, 10, 10, 10]
