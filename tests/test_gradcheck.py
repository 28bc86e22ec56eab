import numpy as np

from nn_core import MLP
from nn_core.gradcheck import check_gradients, numeric_gradient


def test_numeric_gradient_of_a_quadratic_is_exact_and_restores_theta():
    theta = np.array([1.0, -2.0, 3.0])
    estimates = numeric_gradient(lambda: float((theta**2).sum()), theta, np.arange(3))
    np.testing.assert_allclose(estimates, 2 * theta, rtol=1e-8)
    np.testing.assert_array_equal(theta, [1.0, -2.0, 3.0])


def test_sampled_check_of_a_float32_model_runs_in_float64_and_leaves_it_untouched():
    model = MLP([784, 16, 10], seed=0)
    before = model.params["W1"].copy()
    rng = np.random.default_rng(0)
    X, y = rng.random((8, 784), dtype=np.float32), rng.integers(0, 10, 8)
    checks = check_gradients(model, X, y, max_entries=15)
    assert [c.name for c in checks] == ["W1", "b1", "W2", "b2"]
    assert len(checks[0].indices) == 15 and len(checks[3].indices) == 10
    assert max(c.relative_error for c in checks) < 1e-6
    np.testing.assert_array_equal(model.params["W1"], before)
