import numpy as np
import pytest

from nn_core import MLP, probe
from nn_core.activations import get_activation, softmax
from nn_core.losses import cross_entropy_dZ


@pytest.fixture(scope="module")
def model():
    return MLP([784, 32, 10], seed=3)


def test_class_means_are_each_class_average(mnist):
    means = probe.class_means(mnist.X_train, mnist.y_train, 10)
    assert means.shape == (10, 784)
    assert np.allclose(means[7], mnist.X_train[mnist.y_train == 7].mean(axis=0), atol=1e-6)


def test_samples_per_class_picks_rows_of_that_class_and_marks_missing_ones():
    y = np.array([0, 1, 0, 2, 0, 1])
    grid = probe.samples_per_class(y, 4, 2)
    assert grid.tolist() == [[0, 2], [1, 5], [3, -1], [-1, -1]]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_the_saturation_threshold_is_where_the_slope_falls_to_its_share_of_the_peak(activation):
    t = probe.saturation_threshold(activation)
    _, df = get_activation(activation)
    peak = float(df(np.array([0.0]))[0])
    assert float(df(np.array([t]))[0]) == pytest.approx(probe.SATURATION_SHARE * peak)


def test_flat_regions_count_the_right_share():
    Z = np.array([[-2.0, -1.0, 0.5, 5.0]])
    assert probe.flat_region(Z, "relu").fraction == 0.5
    assert probe.flat_region(Z, "sigmoid").fraction == 0.25  # only 5.0 is beyond 4.36
    assert probe.flat_region(Z, "tanh").fraction == 0.25  # only 5.0 is beyond 2.18
    assert probe.flat_region(Z, "identity") is None
    assert probe.dead_units(np.array([[-1.0, 1.0], [0.0, -1.0]])).tolist() == [True, False]


@pytest.mark.parametrize("temperature", [0.1, 1.0, 5.0])
def test_softmax_steps_end_at_softmax_of_the_scaled_logits(temperature):
    z = np.array([2.0, -1.0, 0.5, 300.0])
    steps = probe.softmax_steps(z, temperature)
    assert steps.shifted.max() == 0 and steps.exps.max() == 1.0
    assert np.allclose(steps.probs, softmax(z[None] / temperature)[0])
    assert steps.probs.sum() == pytest.approx(1.0)


def test_a_higher_temperature_flattens_the_probabilities():
    z = np.array([2.0, 1.0, 0.0])
    assert probe.softmax_steps(z, 5.0).probs.max() < probe.softmax_steps(z, 1.0).probs.max()
    with pytest.raises(ValueError):
        probe.softmax_steps(z, 0.0)


def test_two_linear_layers_equal_one_and_a_relu_between_breaks_that():
    demo = probe.linear_collapse()
    assert demo.max_difference < 1e-12
    assert not np.allclose(demo.with_relu, demo.single)


def test_mean_activation_by_class(model, mnist):
    X, y = mnist.X_val[:200], mnist.y_val[:200]
    means = probe.mean_activation_by_class(model, X, y)
    A1 = model.forward(X)["A1"]
    assert means.shape == (10, 32)
    assert np.allclose(means[3], A1[y == 3].mean(axis=0), atol=1e-6)


def test_a_units_sum_is_its_pre_activation(model, mnist):
    x = mnist.X_val[5]
    parts = probe.unit_sum(model, x, 7)
    assert parts.z == pytest.approx(float(model.forward(x[None])["Z1"][0, 7]), abs=1e-5)
    assert parts.total + parts.bias == pytest.approx(parts.z)
    assert np.all(parts.products[x == 0] == 0)
    assert abs(parts.products[parts.top_pixels(1)[0]]) == pytest.approx(np.abs(parts.products).max())
    with pytest.raises(ValueError, match="units 0 to 31"):
        probe.unit_sum(model, x, 32)


def test_next_mistake_wraps_around_and_says_none_when_all_are_right(model, mnist):
    X, y = mnist.X_val[:50], mnist.y_val[:50]
    wrong = np.flatnonzero(model.predict(X) != y)
    assert probe.next_mistake(model, X, y, after=-1) == wrong[0]
    assert probe.next_mistake(model, X, y, after=int(wrong[0])) == wrong[1]
    assert probe.next_mistake(model, X, y, after=int(wrong[-1])) == wrong[0]
    assert probe.next_mistake(model, X, model.predict(X)) is None


def test_the_logit_gradient_of_softmax_cross_entropy_is_a_minus_y():
    check = probe.logit_gradient(np.array([1.0, 3.0, -2.0, 0.5]), label=2)
    assert np.allclose(check.analytic, check.probs - np.eye(4)[2])
    assert check.max_difference < 1e-8


def test_one_sample_step_works_on_a_copy_and_follows_the_gradient(model, mnist):
    x, label = mnist.X_val[0], int(mnist.y_val[0])
    before = {k: v.copy() for k, v in model.params.items()}
    step = probe.one_sample_step(model, x, label, lr=0.05)
    for name in model.params:
        assert np.array_equal(model.params[name], before[name])  # the network is untouched
        assert np.allclose(step.after[name], before[name] - 0.05 * step.backward["d" + name], atol=1e-7)
    assert step.loss_after < step.loss_before
    assert np.allclose(step.backward["dZ2"][0], cross_entropy_dZ(step.probs_before[None], np.array([label]))[0])
    assert step.backward["dA0"].shape == (1, 784)


def test_the_loss_slice_tangent_has_backprops_slope(model, mnist):
    x, y = mnist.X_val[:1], mnist.y_val[:1]
    pixel = int(np.argmax(x[0]))
    s = probe.loss_slice(model, x, y, "W1", (4, pixel), span=1e-3, points=3)
    slope = (s.losses[2] - s.losses[0]) / (s.offsets[2] - s.offsets[0])
    assert s.gradient == pytest.approx(slope, rel=1e-4, abs=1e-9)
    assert s.loss == pytest.approx(s.losses[1])
    assert np.allclose(s.tangent()[1], s.loss)
    with pytest.raises(ValueError, match="no parameter"):
        probe.loss_slice(model, x, y, "W9", (0, 0))


def test_init_spreads_show_the_seeds_randn_far_wider_than_he(mnist):
    spreads = {s.init: s for s in probe.init_spreads([784, 64, 10], "relu", mnist.X_train[:128])}
    assert spreads["seed"].z_std[0] > 10 * spreads["he"].z_std[0]
    assert spreads["uniform"].z_std[0] > spreads["he"].z_std[0]


def test_init_race_trains_each_initialisation_on_the_same_steps(mnist):
    race = probe.init_race(mnist, (32,), "relu", steps=60, lr=0.1, batch_size=32, inits=("he", "seed"))
    assert set(race) == {"he", "seed"}
    for run in race.values():
        assert len(run["loss"]) == 60 and run["stopped"] is None
    assert race["he"]["loss"][-20:].mean() < race["seed"]["loss"][-20:].mean()


def test_the_input_gradient_points_where_ink_raises_the_class(model, mnist):
    x = mnist.X_val[2].astype(np.float64)
    push = probe.input_gradient(model, x, 5)
    p5 = lambda pixels: float(model.predict_proba(pixels[None])[0, 5])  # noqa: E731
    assert p5(x + 0.01 * push / np.abs(push).max()) > p5(x)
    assert push.shape == (784,)


def test_strongest_units_are_the_largest_activations(model, mnist):
    units, values = probe.strongest_units(model, mnist.X_val[0], k=4)
    A1 = model.forward(mnist.X_val[:1])["A1"][0]
    assert np.array_equal(values, np.sort(A1)[::-1][:4]) and np.array_equal(A1[units], values)
