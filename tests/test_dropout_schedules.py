"""Dropout (inverted, per hidden layer, off at evaluation) and learning-rate schedules."""

import math

import numpy as np
import pytest

from nn_core import MLP
from nn_core.gradcheck import check_gradients
from nn_core.network import dropout_masks
from nn_core.schedules import WARMUP_START, Schedule
from nn_core.train import Trainer

# -- dropout ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu"])
@pytest.mark.parametrize("hidden", [(16,), (12, 8)])
def test_dropout_gradients_pass_a_gradient_check_with_a_fixed_mask(activation, hidden):
    rng = np.random.default_rng(0)
    model = MLP([20, *hidden, 4], activation, seed=1)
    X, y = rng.random((9, 20)), rng.integers(0, 4, 9)
    masks = dropout_masks(model.layer_sizes, 9, 0.4, rng, np.float64)
    assert set(masks) == set(range(1, len(hidden) + 1))
    checks = check_gradients(model, X, y, l2=1e-3, masks=masks)
    assert max(c.relative_error for c in checks) < 1e-6
    plain = check_gradients(model, X, y)
    assert not np.allclose(checks[0].analytic, plain[0].analytic)  # the mask changed the gradients


def test_a_dropped_unit_passes_nothing_and_its_weights_get_no_gradient():
    rng = np.random.default_rng(2)
    model = MLP([10, 6, 3], seed=0)
    X, y = rng.random((5, 10)), rng.integers(0, 3, 5)
    masks = {1: np.ones((5, 6))}
    masks[1][:, 2] = 0  # unit 2 dropped for every row
    cache = model.forward(X, masks)
    assert (cache["A1"][:, 2] == 0).all()
    _, grads = model.loss_and_grads(X, y, masks=masks)
    assert (grads["W1"][2] == 0).all() and grads["b1"][2] == 0


def test_inverted_dropout_keeps_the_expected_activation():
    rng = np.random.default_rng(3)
    for rate in (0.1, 0.5, 0.8):
        masks = dropout_masks([5, 400, 300, 2], 500, rate, rng)
        for mask in masks.values():
            assert set(np.unique(mask)) <= {0, np.float32(1 / (1 - rate))}
            assert mask.mean() == pytest.approx(1.0, abs=0.02)
            assert (mask == 0).mean() == pytest.approx(rate, abs=0.01)


def test_dropout_is_off_at_evaluation_and_on_in_training(mnist):
    run = Trainer(MLP([784, 64, 10], seed=0), mnist, dropout=0.5, eval_every=None)
    run.step(5)
    model = run.model
    X = mnist.X_val[:50]
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))  # no randomness
    without = Trainer(MLP([784, 64, 10], seed=0), mnist, eval_every=None)
    without.step(5)
    assert not np.array_equal(run.model.params["W1"], without.model.params["W1"])


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_a_dropout_rate_out_of_range_is_refused(mnist, rate):
    with pytest.raises(ValueError, match="dropout"):
        Trainer(MLP([784, 8, 10]), mnist, dropout=rate)


def test_dropout_changes_mid_run_at_the_next_step(mnist):
    run = Trainer(MLP([784, 32, 10], seed=0), mnist, eval_every=None)
    run.step(3)
    run.dropout = 0.5
    run.step(3)
    assert [(s, n, v) for s, n, v in run.settings_log if n == "dropout"] == [(0, "dropout", 0.0), (3, "dropout", 0.5)]


# -- schedules --------------------------------------------------------------------------------------


def test_a_constant_schedule_is_one_everywhere():
    assert all(Schedule().factor(e) == 1 for e in (0, 0.5, 3, 100))


def test_a_step_schedule_drops_by_its_factor_every_so_many_epochs():
    schedule = Schedule("step", every=2, gamma=0.5)
    assert [schedule.factor(e) for e in (0, 1.99, 2, 3.5, 4, 6)] == [1, 1, 0.5, 0.5, 0.25, 0.125]


def test_a_cosine_schedule_warms_up_then_falls_to_its_floor():
    schedule = Schedule("cosine", warmup=1, epochs=11, floor=0.1)
    assert schedule.factor(0) == pytest.approx(WARMUP_START)
    assert schedule.factor(0.5) == pytest.approx(WARMUP_START + (1 - WARMUP_START) / 2)
    assert schedule.factor(1) == pytest.approx(1)
    assert schedule.factor(6) == pytest.approx(0.1 + 0.9 * 0.5)  # half way down
    assert schedule.factor(11) == pytest.approx(0.1) and schedule.factor(50) == pytest.approx(0.1)
    values = [schedule.factor(e) for e in np.linspace(1, 11, 50)]
    assert all(a >= b for a, b in zip(values, values[1:]))


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "sometimes"},
        {"kind": "step", "every": 0},
        {"kind": "step", "gamma": 0},
        {"kind": "step", "gamma": 2},
        {"kind": "cosine", "warmup": 5, "epochs": 5},
        {"kind": "cosine", "floor": 1.5},
        {"kind": "cosine", "epochs": float("inf")},
        {"kind": "cosine", "tilt": 1},
    ],
)
def test_a_schedule_that_cannot_be_is_refused(bad):
    with pytest.raises(ValueError):
        Schedule.from_dict(bad)


def test_the_trainer_steps_with_the_scheduled_rate_and_a_change_takes_effect_at_the_next_step(mnist):
    run = Trainer(MLP([784, 16, 10], seed=0), mnist, lr=0.1, batch_size=100, eval_every=None)
    run.step(10)
    run.schedule = Schedule("step", every=0.5, gamma=0.1)  # 17.5 steps of 100 rows per drop
    assert run.rate_now() == pytest.approx(0.1)  # epoch 0.29: before the first drop
    run.step(10)
    rates = run.history["steps"].column("rate")
    assert list(rates[:10]) == [0.1] * 10
    epochs = [(s - 1) * 100 / len(mnist.y_train) for s in range(11, 21)]  # each step's epoch before it
    assert rates[10:] == pytest.approx([0.1 * 0.1 ** math.floor(e / 0.5 + 1e-9) for e in epochs])
    assert run.lr == 0.1  # the learning rate itself stays; the schedule multiplies it
    assert Schedule.from_dict(run.schedule.to_text()) == run.schedule


def test_a_schedule_describes_itself():
    assert Schedule().describe() == "constant"
    assert Schedule("step", every=5, gamma=0.5).describe() == "×0.5 every 5 epochs"
    assert Schedule("cosine", warmup=1, epochs=20).describe() == "cosine over 20 epochs, 1 of warm-up"
