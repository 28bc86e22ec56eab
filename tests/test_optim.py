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


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_an_update_written_elsewhere_equals_the_update_in_place(name):
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(3, 4)).astype(np.float32), "b1": rng.normal(size=3).astype(np.float32)}
    grads = {k: rng.normal(size=v.shape).astype(np.float32) for k, v in params.items()}
    in_place = {k: v.copy() for k, v in params.items()}
    make_optimizer(name).update(in_place, grads, 0.1)
    out = {k: np.empty_like(v) for k, v in params.items()}
    untouched = {k: v.copy() for k, v in params.items()}
    make_optimizer(name).update(params, grads, 0.1, out=out)
    for k in params:
        assert np.array_equal(params[k], untouched[k])
        np.testing.assert_array_equal(out[k], in_place[k])
