"""Every "Try this" does what it says and finds what it promises (``lessons.try_this``): each test
follows the text on the page, with the app's own controls where it names them."""

import numpy as np
import pytest

from lessons import pages
from lessons.chain import PARAMETERS, chain
from lessons.try_this import TRY_THIS
from nn_core import diagnostics
from tests.apptest import all_text, button, new_app, on_page, open_fold, trainer
from ui import selections
from ui.widgets import TRY_THIS_LABEL


@pytest.mark.parametrize("path", list(TRY_THIS))
def test_every_lesson_page_has_one_and_draws_it_only_when_opened(path):
    at = on_page(new_app(), path)
    assert not at.exception and TRY_THIS[path] not in " ".join(m.value for m in at.markdown)  # closed: not drawn
    assert [e.label for e in at.expander].count(TRY_THIS_LABEL) == 1
    at = open_fold(at, TRY_THIS_LABEL)
    assert not at.exception and TRY_THIS[path] in " ".join(m.value for m in at.markdown)


def followed_label(at) -> int:
    return int(trainer(at).dataset.y_val[at.session_state[selections.KEY_SAMPLE]])


def test_data_random_of_class_4_shows_different_4s():
    at = on_page(new_app(), pages.DATA.path)
    assert "**4** under *Random of class*" in TRY_THIS[pages.DATA.path]
    at.selectbox(key="_sample_class").set_value(4).run()
    rows = set()
    for _ in range(4):
        button(at, "Random").click().run()
        assert followed_label(at) == 4
        rows.add(at.session_state[selections.KEY_SAMPLE])
    assert len(rows) >= 2
    assert any("Every digit, many hands" in e.label for e in at.expander)


@pytest.mark.slow
def test_weights_one_epoch_adds_less_than_the_random_start_to_every_unit():
    at = on_page(new_app(), pages.WEIGHTS.path)
    at.segmented_control(key="tiles_view").set_value("now").run()  # the switch the text names
    assert not at.exception
    t = trainer(at)
    t.step(int(np.ceil(len(t.dataset.y_train) / t.batch_size)))  # one epoch
    start, now = t.initial_params["W1"], t.model.params["W1"]
    added, began = np.linalg.norm(now - start, axis=1), np.linalg.norm(start, axis=1)
    assert np.all(added < began), f"{np.mean(added < began):.0%} of units"


def flat_share(t, activation: str) -> float:
    Z = t.model.forward(t.dataset.X_val[:500])["Z1"]
    return diagnostics.flat_region(Z, activation, t.model.leaky_slope).fraction


def test_activations_sigmoid_tails_from_he_and_from_standard_normal():
    at = on_page(new_app(), pages.ACTIVATIONS.path)
    at.radio(key="activation_shown").set_value("sigmoid").run()
    assert not at.exception and trainer(at).model.init == "he"
    assert flat_share(trainer(at), "sigmoid") < 0.05  # "almost none"
    next(box for box in at.selectbox if box.label == "Initialisation").set_value("randn").run()
    button(at, "New network").click().run()
    at = on_page(at, pages.ACTIVATIONS.path)
    assert trainer(at).model.init == "randn" and not at.exception
    assert flat_share(trainer(at), "sigmoid") > 0.5  # "over half"


@pytest.mark.slow
def test_forward_next_mistake_is_wrong_and_most_are_right_after_an_epoch():
    at = on_page(new_app(), pages.FORWARD.path)
    button(at, "Next mistake").click().run()
    t = trainer(at)
    X, y = t.dataset.split("val")
    row = at.session_state[selections.KEY_SAMPLE]
    assert t.model.predict(X[row : row + 1])[0] != y[row]
    wrong = t.model.predict(X) != y
    t.step(int(np.ceil(len(t.dataset.y_train) / t.batch_size)))
    assert np.mean(t.model.predict(X[wrong]) == y[wrong]) > 0.5  # "most ... are right by then"


def test_backprop_a_negative_w1_leaves_only_b2_learning():
    at = open_fold(on_page(new_app(), pages.BACKPROP.path), "**The chain rule on two units")
    at.slider(key="chain_w1").set_value(-0.5).run()
    assert not at.exception and "learns nothing from this input" in all_text(at)  # the page says it too
    p = chain(1.5, -0.5, 1.2, 1.0, -0.5, 0.0, "relu")  # the page's defaults (x, w2, y, biases), w1 below 0
    assert p.values["z1"] < 0 and p.values["a1"] == 0
    gradients = p.gradients
    assert all(gradients[name] == 0 for name in ("w1", "b1", "x", "w2"))
    assert gradients["b2"] != 0 and set(PARAMETERS) == {"w1", "b1", "w2", "b2"}
