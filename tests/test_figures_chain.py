"""ui.figures.chain: the chain's figure shows the numbers it is given and highlights one path."""

import numpy as np
import pytest

from lessons import chain
from ui.figures.chain import PATH, chain_figure, plain


@pytest.fixture
def p():
    return chain.chain(1.5, 0.8, 1.2, 1.0, b1=-0.5)


def texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.text]


def test_every_value_slope_and_backward_gradient_is_written(p):
    fig = chain_figure(p, "w1", "ReLU", "sigmoid")
    written = "\n".join(texts(fig))
    for name, value in p.values.items():
        assert f"<b>{plain(name)}</b><br>{chain.number(value)}" in written, name
    for (of, wrt), value in p.slopes.items():
        assert f"∂{plain(of)}/∂{plain(wrt)} = " in written and f"<b>{chain.number(value)}</b>" in written
    for name, value in p.node_gradients.items():
        assert f"∂E/∂{plain(name)}<br><b>{chain.number(value)}</b>" in written, name
    assert "ReLU" in written and "sigmoid" in written


def test_the_title_gives_the_followed_gradient_as_the_product_of_its_path(p):
    for wrt in ("w1", "b2", "x"):
        title = chain_figure(p, wrt, "ReLU", "sigmoid").layout.title.text
        assert f"∂E/∂{plain(wrt)}" in title and f"<b>{chain.number(p.gradient(wrt))}</b>" in title
        assert f"the {len(chain.path(wrt))} local slopes" in title


def test_only_the_paths_arrows_and_boxes_are_highlighted(p):
    fig = chain_figure(p, "w2", "ReLU", "sigmoid")
    highlighted = [a for a in fig.layout.annotations if a.showarrow and a.arrowcolor == PATH]
    assert len(highlighted) == len(chain.path("w2")) == 3
    outlined = {round(s.x0 + s.x1, 3) for s in fig.layout.shapes if s.line.color == PATH}
    assert len(outlined) == 4  # w2, z2, a2 and E


def test_the_numbers_follow_the_chain_given():
    before = chain_figure(chain.chain(1.5, 0.8, 1.2, 1.0), "w1", "ReLU", "sigmoid")
    after = chain_figure(chain.chain(1.5, -0.8, 1.2, 1.0), "w1", "ReLU", "sigmoid")
    assert "<b>0</b>" in after.layout.title.text and texts(before) != texts(after)


def test_the_hover_points_are_float32(p):
    scatter = chain_figure(p, "w1", "ReLU", "sigmoid").data[0]
    assert np.asarray(scatter.x).dtype == np.float32 and len(scatter.x) == len(p.values)
