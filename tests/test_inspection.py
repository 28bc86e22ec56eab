import numpy as np
import pytest

from nn_core import MLP, inspection
from nn_core.losses import cross_entropy_dZ


@pytest.fixture(scope="module")
def model():
    return MLP([784, 32, 10], seed=3)


def test_a_units_response_is_its_mean_activation_per_class(model, mnist):
    X, y = mnist.X_val[:200], mnist.y_val[:200]
    response = inspection.unit_response(model, X, y, 7)
    A1 = model.forward(X)["A1"]
    assert response.means.shape == (10,)
    assert np.allclose(response.means[3], A1[y == 3, 7].mean(), atol=1e-6)
    assert response.favourite == int(np.argmax(response.means)) and not response.dead


def test_a_unit_off_for_every_digit_is_dead(model, mnist):
    dead = model.copy()
    dead.params["b1"][2] = -100.0
    assert inspection.unit_response(dead, mnist.X_val, mnist.y_val, 2).dead


def test_a_units_sum_is_its_pre_activation(model, mnist):
    x = mnist.X_val[5]
    parts = inspection.unit_sum(model, x, 7)
    assert parts.z == pytest.approx(float(model.forward(x[None])["Z1"][0, 7]), abs=1e-5)
    assert parts.total + parts.bias == pytest.approx(parts.z)
    assert np.all(parts.products[x == 0] == 0)
    assert abs(parts.products[parts.top_pixels(1)[0]]) == pytest.approx(np.abs(parts.products).max())
    with pytest.raises(ValueError, match="units 0 to 31"):
        inspection.unit_sum(model, x, 32)


def test_next_mistake_wraps_around_and_says_none_when_all_are_right(model, mnist):
    X, y = mnist.X_val[:50], mnist.y_val[:50]
    wrong = np.flatnonzero(model.predict(X) != y)
    assert inspection.next_mistake(model, X, y, after=-1) == wrong[0]
    assert inspection.next_mistake(model, X, y, after=int(wrong[0])) == wrong[1]
    assert inspection.next_mistake(model, X, y, after=int(wrong[-1])) == wrong[0]
    assert inspection.next_mistake(model, X, model.predict(X)) is None


def test_the_logit_gradient_of_softmax_cross_entropy_is_a_minus_y():
    check = inspection.logit_gradient(np.array([1.0, 3.0, -2.0, 0.5]), label=2)
    assert np.allclose(check.analytic, check.probs - np.eye(4)[2])
    assert check.max_difference < 1e-8
    assert check.jacobian.shape == (4, 4) and np.allclose(check.jacobian.sum(axis=0), 0)  # probabilities sum to 1
    assert check.jacobian_difference < 1e-12


def test_one_sample_step_works_on_a_copy_and_follows_the_gradient(model, mnist):
    x, label = mnist.X_val[0], int(mnist.y_val[0])
    before = {k: v.copy() for k, v in model.params.items()}
    step = inspection.one_sample_step(model, x, label, lr=0.05)
    for name in model.params:
        assert np.array_equal(model.params[name], before[name])  # the network is untouched
        assert np.allclose(step.after[name], before[name] - 0.05 * step.backward["d" + name], atol=1e-7)
    assert step.loss_after < step.loss_before
    assert np.allclose(step.backward["dZ2"][0], cross_entropy_dZ(step.probs_before[None], np.array([label]))[0])
    assert step.backward["dA0"].shape == (1, 784)


def test_the_loss_slice_tangent_has_backprops_slope(model, mnist):
    x, y = mnist.X_val[:1], mnist.y_val[:1]
    pixel = int(np.argmax(x[0]))
    s = inspection.loss_slice(model, x, y, "W1", (4, pixel), span=1e-3, points=3)
    slope = (s.losses[2] - s.losses[0]) / (s.offsets[2] - s.offsets[0])
    assert s.gradient == pytest.approx(slope, rel=1e-4, abs=1e-9)
    assert s.loss == pytest.approx(s.losses[1])
    assert np.allclose(s.tangent()[1], s.loss)
    with pytest.raises(ValueError, match="no parameter"):
        inspection.loss_slice(model, x, y, "W9", (0, 0))


def test_the_input_gradient_points_where_ink_raises_the_class(model, mnist):
    x = mnist.X_val[2].astype(np.float64)
    push = inspection.input_gradient(model, x, 5)
    p5 = lambda pixels: float(model.predict_proba(pixels[None])[0, 5])  # noqa: E731
    assert p5(x + 0.01 * push / np.abs(push).max()) > p5(x)
    assert push.shape == (784,)


def test_strongest_units_are_the_largest_activations(model, mnist):
    units, values = inspection.strongest_units(model, mnist.X_val[0], k=4)
    A1 = model.forward(mnist.X_val[:1])["A1"][0]
    assert np.array_equal(values, np.sort(A1)[::-1][:4]) and np.array_equal(A1[units], values)


def test_steps_along_one_weight_creep_land_or_climb_with_the_rate(model, mnist):
    x, y = mnist.X_val[:1], mnist.y_val[:1]
    where = inspection.largest_index(inspection.one_sample_step(model, x[0], int(y[0]), 0.0).backward["dW2"])
    landing = inspection.descent_along(model, x, y, "W2", where, 1.0).landing_rate
    assert 0 < landing < float("inf")
    small = inspection.descent_along(model, x, y, "W2", where, landing / 50)
    good = inspection.descent_along(model, x, y, "W2", where, landing)
    large = inspection.descent_along(model, x, y, "W2", where, landing * 6)
    assert small.outcome == "crept" and small.losses[-1] < small.losses[0]
    assert good.losses[-1] < small.losses[-1]  # it lands lower in the same number of steps
    assert large.outcome in ("overshot", "climbed") and large.reach > good.reach
    first_step = good.positions[1] - good.positions[0]
    gradient = inspection.loss_slice(model, x, y, "W2", where, span=1e-3, points=3).gradient
    assert first_step == pytest.approx(-landing * gradient, rel=1e-6)  # theta - eta * dL/dtheta
    assert model.params["W2"][where] == pytest.approx(good.positions[0])  # the network itself is untouched
