import numpy as np
import pytest

from nn_core.optim import SGD, Adam, make_optimizer


def test_plain_sgd_steps_against_the_gradient():
    p = {"W": np.array([1.0, 2.0], dtype=np.float32)}
    SGD().update(p, {"W": np.array([0.5, -1.0], dtype=np.float32)}, lr=0.1)
    np.testing.assert_allclose(p["W"], [0.95, 2.1])
    assert p["W"].dtype == np.float32


def test_momentum_accumulates_velocity():
    p, g = {"W": np.zeros(1)}, {"W": np.ones(1)}
    opt = SGD(momentum=0.9)
    for _ in range(3):
        opt.update(p, g, lr=1.0)
    # velocities 1, 1.9, 2.71
    np.testing.assert_allclose(p["W"], [-(1 + 1.9 + 2.71)])


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    p = {"W": np.array([0.0, 0.0])}
    Adam().update(p, {"W": np.array([0.1, -50.0])}, lr=0.01)
    np.testing.assert_allclose(p["W"], [-0.01, 0.01], rtol=1e-4)


def test_unknown_optimizer_is_a_value_error():
    with pytest.raises(ValueError, match="adam"):
        make_optimizer("rmsprop")
