import numpy as np

from nn_core.activations import softmax
from nn_core.losses import cross_entropy, cross_entropy_dZ, log_softmax, mse, mse_dZ, one_hot


def test_cross_entropy_is_finite_and_exact_for_logits_of_1e4():
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    y = np.array([1, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = cross_entropy(Z, y)
    # row 0: the right class is 2e4 below the top logit; row 1: right and certain
    np.testing.assert_allclose(loss, (2e4 + 0.0) / 2)


def test_cross_entropy_matches_the_definition_for_ordinary_logits():
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(6, 5)), rng.integers(0, 5, 6)
    expected = -np.mean(np.log(softmax(Z)[np.arange(6), y]))
    np.testing.assert_allclose(cross_entropy(Z, y), expected)
    np.testing.assert_allclose(np.exp(log_softmax(Z)).sum(axis=1), 1.0)


def test_fused_gradient_is_probabilities_minus_one_hot_over_m():
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    A = softmax(Z)
    np.testing.assert_allclose(cross_entropy_dZ(A, y), (A - one_hot(y, 3, float)) / 4)


def _numeric_dZ(loss_of_Z, Z, eps=1e-6):
    numeric = np.zeros_like(Z)
    for index in np.ndindex(*Z.shape):
        plus, minus = Z.copy(), Z.copy()
        plus[index] += eps
        minus[index] -= eps
        numeric[index] = (loss_of_Z(plus) - loss_of_Z(minus)) / (2 * eps)
    return numeric


def test_both_loss_gradients_match_central_differences():
    rng = np.random.default_rng(3)
    Z, y = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    np.testing.assert_allclose(
        cross_entropy_dZ(softmax(Z), y), _numeric_dZ(lambda z: cross_entropy(z, y), Z), atol=1e-9
    )
    np.testing.assert_allclose(mse_dZ(softmax(Z), y), _numeric_dZ(lambda z: mse(softmax(z), y), Z), atol=1e-9)


def test_one_hot_defaults_to_float32():
    Y = one_hot(np.array([2, 0]), 3)
    assert Y.dtype == np.float32
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0]])
