import numpy as np
import pytest

from nn_core.activations import (
    ACTIVATIONS,
    UnknownActivationError,
    get_activation,
    sigmoid,
    softmax,
    softmax_backward,
    softmax_jacobian,
    softmax_steps,
)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_differences(name):
    f, df = get_activation(name, slope=0.05)
    Z = np.random.default_rng(0).normal(scale=3, size=200)
    Z = Z[np.abs(Z) > 1e-3]  # keep away from ReLU's kink
    eps = 1e-6
    numeric = (f(Z + eps) - f(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(df(Z), numeric, rtol=1e-6, atol=1e-9)


def test_leaky_relu_slope_is_used_for_negative_inputs():
    f, df = get_activation("leaky_relu", slope=0.2)
    np.testing.assert_allclose(f(np.array([-10.0, 3.0])), [-2.0, 3.0])
    np.testing.assert_allclose(df(np.array([-10.0, 3.0])), [0.2, 1.0])


def test_relu_derivative_keeps_dtype():
    _, df = get_activation("relu")
    assert df(np.ones(3, dtype=np.float32)).dtype == np.float32


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = sigmoid(np.array([-1e4, -50.0, 0.0, 50.0, 1e4]))
    np.testing.assert_allclose(values, [0.0, 1.9287498479639178e-22, 0.5, 1.0, 1.0])


def test_softmax_rows_sum_to_one_and_are_stable_for_huge_logits():
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1.0, 2.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = softmax(Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(A[1], [1 / 3] * 3)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(A[2], e / e.sum())


def test_softmax_backward_equals_the_jacobian_product():
    rng = np.random.default_rng(1)
    Z, dA = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    A = softmax(Z)
    expected = np.stack([softmax_jacobian(a).T @ g for a, g in zip(A, dA)])
    np.testing.assert_allclose(softmax_backward(A, dA), expected, atol=1e-12)


def test_unknown_activation_names_the_choices():
    with pytest.raises(UnknownActivationError, match="relu"):
        get_activation("swish")
    assert issubclass(UnknownActivationError, ValueError)


@pytest.mark.parametrize("temperature", [0.1, 1.0, 5.0])
def test_softmax_steps_end_at_softmax_of_the_scaled_logits(temperature):
    z = np.array([2.0, -1.0, 0.5, 300.0])
    steps = softmax_steps(z, temperature)
    assert steps.shifted.max() == 0 and steps.exps.max() == 1.0
    assert np.allclose(steps.probs, softmax(z[None] / temperature)[0])
    assert steps.probs.sum() == pytest.approx(1.0)


def test_a_higher_temperature_flattens_the_probabilities():
    z = np.array([2.0, 1.0, 0.0])
    assert softmax_steps(z, 5.0).probs.max() < softmax_steps(z, 1.0).probs.max()
    with pytest.raises(ValueError):
        softmax_steps(z, 0.0)
