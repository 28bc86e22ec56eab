"""Robustness curves: at amount 0 the plain accuracy, the same changed digits for every network, and
an augmented network holding up better than a plain one; the Evaluation page draws nn_core's numbers."""

import numpy as np
import pytest

from nn_core import MLP
from nn_core import robustness as R
from nn_core.augment import Augmentation
from nn_core.train import Trainer
from tests.apptest import all_text, array, button, chart, new_app, on_page, open_fold, trainer


@pytest.fixture(scope="module")
def plain_and_augmented(mnist):
    runs = []
    for aug in (Augmentation(), Augmentation(shift=3, rotate=20)):
        run = Trainer(MLP([784, 64, 10], seed=0), mnist, lr=0.002, optimizer="adam", augmentation=aug, eval_every=None)
        for _ in range(4):
            run.epoch()
        runs.append(run)
    return runs


@pytest.mark.parametrize("kind", list(R.PERTURBATIONS))
def test_at_amount_zero_a_curve_is_the_plain_accuracy(plain_and_augmented, mnist, kind):
    model = plain_and_augmented[0].model
    X, y = mnist.split("test")
    curve = R.curve(model, X, y, mnist.image_shape, kind)
    assert curve.at(0) == pytest.approx(float((model.predict(X) == y).mean()))
    assert len(curve.amounts) == len(R.PERTURBATIONS[kind].amounts)


def test_the_changed_digits_are_the_same_for_every_network_and_grow_with_the_amount(mnist):
    X = mnist.X_test[:100]
    a = R.perturbed(X, mnist.image_shape, "shift", 3)
    np.testing.assert_array_equal(a, R.perturbed(X, mnist.image_shape, "shift", 3))
    small, large = (np.abs(R.perturbed(X, mnist.image_shape, "rotate", d) - X).sum() for d in (5, 30))
    assert 0 < small < large
    thick, thin = R.perturbed(X, mnist.image_shape, "stroke", 1), R.perturbed(X, mnist.image_shape, "stroke", -1)
    assert thick.sum() > X.sum() > thin.sum()
    with pytest.raises(ValueError, match="unknown perturbation"):
        R.perturbed(X, mnist.image_shape, "blur", 1)


def test_a_plain_network_falls_as_digits_move_and_an_augmented_one_holds_up_better(plain_and_augmented, mnist):
    X, y = mnist.split("test")
    plain, augmented = (R.curve(run.model, X, y, mnist.image_shape, "shift") for run in plain_and_augmented)
    assert plain.at(4) < plain.at(0) - 0.3  # moved 4 pixels, a plain network reads far fewer
    assert augmented.at(4) > plain.at(4) + 0.2
    turned = [R.curve(run.model, X, y, mnist.image_shape, "rotate") for run in plain_and_augmented]
    assert turned[1].at(30) > turned[0].at(30)


@pytest.mark.slow
def test_the_evaluation_page_draws_the_curves_of_the_network_and_of_a_run_it_is_compared_with():
    at = on_page(new_app(), "pages/6_Training.py")
    button(at, "Step ×10").click().run()
    first = trainer(at)
    button(at, "New network").click().run()  # the sidebar's: the trained one goes to Your runs
    at = on_page(at, "pages/6_Training.py")
    button(at, "Step ×10").click().run()
    at = open_fold(on_page(at, "pages/7_Evaluation.py"), "**How it holds up")
    assert not at.exception
    figure = chart(at, "robustness_chart")
    assert len(figure["data"]) == 1
    t = trainer(at)
    X, y = t.dataset.split("test")
    expected = R.curve(t.model, X, y, t.dataset.image_shape, "shift")
    np.testing.assert_allclose(array(figure["data"][0]["y"]), np.float32(expected.accuracy) * 100, rtol=1e-6)
    assert f"**{expected.at(0):.1%}** on the unchanged digits" in all_text(at)
    at.multiselect(key="robustness_runs").select(first.serial).run()
    figure = chart(at, "robustness_chart")
    assert len(figure["data"]) == 2 and figure["data"][0]["name"].startswith("yours")
    other = R.curve(first.model, X, y, t.dataset.image_shape, "shift")
    np.testing.assert_allclose(array(figure["data"][1]["y"]), np.float32(other.accuracy) * 100, rtol=1e-6)
    at.segmented_control(key="robustness_kind").set_value("noise").run()
    assert chart(at, "robustness_chart")["layout"]["xaxis"]["title"]["text"].startswith("pixel noise")
