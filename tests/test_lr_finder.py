"""nn_core.lr_finder: the rates tried, the learner's trainer left bit for bit as it was, the early
stop, the suggestion rule on made-up curves, and a suggestion that trains well on the bundled digits."""

import copy
import pickle

import numpy as np
import pytest

from nn_core import MLP, guard
from nn_core.lr_finder import (
    BLOW_UP_FACTOR,
    LRFinderResult,
    find_learning_rate,
    lr_schedule,
    suggest_learning_rate,
)
from nn_core.train import Trainer


def test_rates_grow_exponentially_from_start_to_stop(mnist):
    result = find_learning_rate(Trainer(MLP([784, 16, 10]), mnist), start=1e-4, stop=1e-2, steps=20)
    assert isinstance(result, LRFinderResult)
    assert len(result.lrs) == len(result.losses) == len(result.smoothed) == 20
    assert result.lrs[0] == pytest.approx(1e-4, rel=1e-12) and result.lrs[-1] == pytest.approx(1e-2, rel=1e-12)
    np.testing.assert_allclose(result.lrs[1:] / result.lrs[:-1], 100 ** (1 / 19), rtol=1e-12)
    assert "last rate" in result.stopped_because
    np.testing.assert_allclose(lr_schedule(1e-5, 10, 100), 1e-5 * 1e6 ** (np.arange(100) / 99))


def test_smoothed_loss_is_the_bias_corrected_moving_average(mnist):
    result = find_learning_rate(Trainer(MLP([784, 16, 10]), mnist), start=1e-3, stop=1e-1, steps=30, smoothing=0.9)
    weights = 0.9 ** np.arange(30)
    expected = [np.dot(weights[: i + 1][::-1], result.losses[: i + 1]) / weights[: i + 1].sum() for i in range(30)]
    np.testing.assert_allclose(result.smoothed, expected, rtol=1e-10)
    assert not result.lrs.flags.writeable and not result.smoothed.flags.writeable


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_learners_trainer_is_untouched_bit_for_bit(mnist, optimizer):
    trainer = Trainer(MLP([784, 32, 10]), mnist, lr=0.05, optimizer=optimizer, momentum=0.9, l2=1e-4, seed=3)
    trainer.step(7)  # optimizer state, a part-used batch order, history: all there to disturb
    before = pickle.dumps(trainer)
    params = {k: v.copy() for k, v in trainer.model.params.items()}
    initial = {k: v.copy() for k, v in trainer.initial_params.items()}
    optimizer_state = copy.deepcopy(vars(trainer.optimizer))
    rng_state = copy.deepcopy(trainer._rng.bit_generator.state)
    counters = (trainer.steps, trainer.revision, trainer.samples_seen, trainer.epochs_done, trainer._position)
    lengths = {name: len(trace) for name, trace in trainer.history.items()}
    settings = (trainer.lr, trainer.batch_size, trainer.momentum, trainer.l2, trainer.optimizer_name)

    result = find_learning_rate(trainer)

    assert result.at_step == 7 and len(result.lrs) > 10
    for k in params:
        assert trainer.model.params[k].tobytes() == params[k].tobytes(), k
        assert trainer.initial_params[k].tobytes() == initial[k].tobytes(), k
    state_now = vars(trainer.optimizer)
    assert state_now.keys() == optimizer_state.keys()
    for name, value in optimizer_state.items():
        if isinstance(value, dict):
            assert value.keys() == state_now[name].keys()
            assert all(np.array_equal(value[k], state_now[name][k]) for k in value), name
        elif name != "_scratch":
            assert state_now[name] == value, name
    assert trainer._rng.bit_generator.state == rng_state
    assert (trainer.steps, trainer.revision, trainer.samples_seen, trainer.epochs_done, trainer._position) == counters
    assert {name: len(trace) for name, trace in trainer.history.items()} == lengths
    assert (trainer.lr, trainer.batch_size, trainer.momentum, trainer.l2, trainer.optimizer_name) == settings
    assert trainer.diverged is None
    assert pickle.dumps(trainer) == before  # and everything else, down to the last buffer


def test_the_test_stops_early_when_the_loss_blows_up(mnist):
    result = find_learning_rate(Trainer(MLP([784, 32, 10]), mnist), start=1e-3, stop=1e4, steps=60)
    assert len(result.lrs) < 60 and result.lrs[-1] < 1e4
    assert "blew up" in result.stopped_because or "passed" in result.stopped_because
    assert np.isfinite(result.losses).all() and np.isfinite(result.smoothed).all()
    assert result.suggested_lr < result.lrs[-1]


def test_the_smoothed_loss_passing_four_times_its_lowest_stops_the_test(mnist, monkeypatch):
    monkeypatch.setattr(guard, "EXPLODE_FACTOR", 1e30)  # only a non-finite loss trips the guard now
    result = find_learning_rate(Trainer(MLP([784, 32, 10]), mnist), start=1e-3, stop=1e6, steps=80)
    assert result.stopped_because.startswith(f"the smoothed loss passed {BLOW_UP_FACTOR:g}x its lowest")
    assert result.smoothed[-1] > BLOW_UP_FACTOR * result.smoothed.min()
    assert (result.smoothed[:-1] <= BLOW_UP_FACTOR * np.minimum.accumulate(result.smoothed[:-1])).all()


LRS = np.logspace(-5, 1, 100)
X = np.log10(LRS)
LOSSES = 2.3 + np.random.default_rng(0).normal(0, 0.05, 100)  # batch-to-batch changes of about 0.05


def test_the_suggestion_is_the_steepest_fall_before_the_minimum():
    # falls fastest at lr 0.01 (a tanh step in log10 lr), lowest at 0.3, then climbs
    smoothed = 2.3 - np.tanh(2 * (X + 2)) + np.where(X > -0.5, 5 * (X + 0.5) ** 2, 0)
    lr, reason = suggest_learning_rate(LRS, LOSSES, smoothed, blew_up_at=10.0)
    assert lr == pytest.approx(0.01, rel=0.1)
    assert "lr 0.01" in reason and "steepest" in reason and "10" in reason


def test_a_steepest_point_next_to_the_minimum_gives_way_to_half_the_minimum():
    smoothed = 2.3 - np.tanh(4 * (X + 0.3)) + np.where(X > -0.1, 80 * (X + 0.1) ** 2, 0)
    lowest = LRS[np.argmin(smoothed)]
    lr, reason = suggest_learning_rate(LRS, LOSSES, smoothed, blew_up_at=3.0)
    assert lr == pytest.approx(lowest / 2)
    assert f"lr {lowest / 2:.2g}" in reason and "margin" in reason


def test_a_loss_that_never_falls_gives_a_tenth_of_the_blow_up_rate():
    # a trained network's batch losses wobble by about 0.1; its smoothed curve dips by less than that
    losses = 0.3 + np.random.default_rng(0).normal(0, 0.08, 80)
    smoothed = 0.33 - 0.02 * np.sin(np.linspace(0, 3, 80)) + 0.05 * np.linspace(0, 1, 80) ** 4
    lr, reason = suggest_learning_rate(LRS[:80], losses, smoothed, blew_up_at=0.7)
    assert lr == pytest.approx(0.07)
    assert "does not fall" in reason and "0.7" in reason


def test_a_blow_up_in_the_first_batches_suggests_the_lowest_rate():
    lr, reason = suggest_learning_rate(LRS[:2], np.array([2.3, 9.0]), np.array([2.3, 5.0]), blew_up_at=LRS[2])
    assert lr == LRS[0] and "lowest rate" in reason


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_suggested_rate_trains_the_default_network_to_85_percent_in_one_epoch(mnist, seed):
    trainer = Trainer(MLP([784, 128, 10], seed=seed), mnist, batch_size=64, optimizer="sgd", seed=seed)
    result = find_learning_rate(trainer)
    fresh = Trainer(MLP([784, 128, 10], seed=seed), mnist, lr=result.suggested_lr, batch_size=64, seed=seed)
    fresh.epoch()
    accuracy = fresh.evaluate("val")["accuracy"]
    assert accuracy >= 0.85, f"lr {result.suggested_lr:.3g} ({result.reason}) reached {accuracy:.3f}"
    assert f"{result.suggested_lr:.2g}" in result.reason
