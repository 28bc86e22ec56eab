"""Replaying a run from its log of setting changes, and continuing a run from a held moment."""

import numpy as np
import pytest

from nn_core import MLP
from nn_core.augment import Augmentation
from nn_core.io import load_run, run_to_bytes
from nn_core.schedules import Schedule
from nn_core.settings import live_settings
from nn_core.train import Trainer


def params_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def copied(params: dict) -> dict:
    return {k: v.copy() for k, v in params.items()}


def trainer_on(data, hidden=32, **settings):
    settings = {"lr": 0.1, "batch_size": 32} | settings
    return Trainer(MLP([data.n_features, hidden, data.n_classes], seed=1), data, **settings)


def run_with_every_setting_changed(data) -> Trainer:
    """A run on default BLAS threads whose learning rate, batch size (so its BLAS threads: 1 below
    64 rows, 2 from 64), momentum, L2, optimizer, dropout, schedule and augmentation change
    between its steps; 79 steps, crossing the end of the first epoch on mnist-5k (3,500 rows)."""
    trainer = trainer_on(data, blas_threads=None)
    trainer.step(20)
    trainer.lr, trainer.batch_size = 0.05, 128
    trainer.dropout = 0.2
    trainer.step(15)
    trainer.momentum = 0.9
    trainer.schedule = Schedule("cosine", warmup=0.2, epochs=2)
    trainer.augmentation = Augmentation(shift=2, rotate=10, scale=0.1, shear=5, thicker=0.5, thinner=0.5, noise=0.05)
    trainer.step(10)
    trainer.optimizer_name, trainer.lr, trainer.l2 = "adam", 0.001, 1e-4
    trainer.step(12)
    trainer.batch_size, trainer.optimizer_name = 16, "momentum"
    trainer.step(22)
    return trainer


@pytest.fixture(scope="module")
def original(mnist):
    return run_with_every_setting_changed(mnist)


# -- replay -----------------------------------------------------------------------------------------


def test_a_replay_with_no_change_is_the_run_bit_for_bit_whatever_its_step_calls(original):
    assert original.epochs_done == 1
    assert {name for step, name, _ in original.settings_log if step > 0} == set(live_settings())
    for calls in ([original.steps], [7, 50, 1, 21], [1] * original.steps):
        replay = original.replay()
        assert replay.steps == 0 and replay is not original
        assert params_equal(replay.model.params, original.initial_params)
        for n in calls:
            replay.step(n)
        assert replay.steps == original.steps and replay.samples_seen == original.samples_seen
        assert params_equal(replay.model.params, original.model.params), calls
        np.testing.assert_array_equal(replay.history["steps"].column("loss"), original.history["steps"].column("loss"))
        assert replay.live_settings() == original.live_settings()
        assert replay.snapshot_steps() == original.snapshot_steps()


def test_a_replay_of_a_replay_is_the_run_too(original):
    replay = original.replay()
    replay.step(original.steps)
    again = replay.replay()
    again.step(original.steps)
    assert params_equal(again.model.params, original.model.params)


def test_a_replay_with_another_learning_rate_holds_it_from_the_first_step_and_keeps_the_other_changes(original):
    replay = original.replay(lr=0.01)
    assert params_equal(replay.model.params, original.initial_params)
    assert params_equal(replay.initial_params, original.initial_params)
    replay.step(original.steps)
    rates = np.asarray(replay.history["steps"].column("lr"))
    assert set(rates[:35]) == {0.01} and rates.max() <= 0.01  # then the schedule's factor, at most 1
    assert replay.live_settings() == original.live_settings() | {"lr": 0.01}
    assert replay.samples_seen == original.samples_seen  # the batch size changed when it did
    assert [(s, n, v) for s, n, v in replay.settings_log if n == "optimizer"] == [
        (s, n, v) for s, n, v in original.settings_log if n == "optimizer"
    ]
    assert not params_equal(replay.model.params, original.model.params)


def test_a_replay_with_a_change_that_is_not_live_is_refused(original):
    for change in ({"activation": "sigmoid"}, {"seed": 2}, {"lr": 0.01, "hidden": 64}):
        with pytest.raises(ValueError, match="a replay can change"):
            original.replay(**change)


def test_a_loaded_run_replays_bit_for_bit(mnist, original):
    loaded = load_run(run_to_bytes(original), mnist)
    replay = loaded.replay()
    replay.step(30)
    replay.step(original.steps - 30)
    assert params_equal(replay.model.params, original.model.params)


def test_a_loaded_replay_picks_up_its_remaining_schedule(mnist, original):
    replay = original.replay()
    replay.step(30)  # the log's later changes are still to come
    loaded = load_run(run_to_bytes(replay), mnist)
    loaded.step(original.steps - 30)
    assert params_equal(loaded.model.params, original.model.params)


# -- continue_from ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain(digits):
    """Plain SGD (no optimizer state to lose) over four epochs of the 1,258 rows at batch 32."""
    trainer = trainer_on(digits, hidden=16)
    trainer.step(100)
    trainer.step(60)
    return trainer


def test_continuing_plain_sgd_from_a_held_step_gives_the_original_weights_bit_for_bit(plain):
    held = plain.snapshot_steps()
    assert len(held) == plain.snapshots.capacity and plain.epochs_done == 4
    for step in held:
        again = plain.continue_from(step)
        assert again.steps == step
        again.step(plain.steps - step)
        assert params_equal(again.model.params, plain.model.params), step
        assert (again.samples_seen, again.epochs_done) == (plain.samples_seen, plain.epochs_done)


def test_continuing_from_between_held_steps_starts_at_the_held_step_before(plain):
    held = plain.snapshot_steps()
    step = next(s + 1 for s, after in zip(held, held[1:]) if after - s > 2 and s > 20)
    again = plain.continue_from(step)
    assert again.steps == step - 1 and again.model is not plain.model
    assert params_equal(again.model.params, plain.snapshots.at(step).params)
    assert again.snapshot_steps() == [s for s in held if s <= again.steps]
    assert params_equal(again.snapshots.held[0].params, plain.initial_params)
    for name, trace in again.history.items():
        kept = trace.column("step")
        assert len(kept) and kept.max() <= again.steps
        np.testing.assert_array_equal(kept, plain.history[name].column("step")[: len(kept)])
    np.testing.assert_array_equal(
        again.history["steps"].column("loss"), plain.history["steps"].column("loss")[: again.steps]
    )
    assert again.history["evals"].last("step") == max(s for s in plain.history["evals"].column("step") if s <= step)
    assert params_equal(again.initial_params, plain.initial_params)


def test_continuing_from_now_or_later_continues_from_the_present(plain):
    for step in (plain.steps, plain.steps + 50):
        again = plain.continue_from(step)
        assert again.steps == plain.steps
        assert params_equal(again.model.params, plain.model.params)
        assert again.snapshot_steps()[-1] == plain.steps


def test_continuing_leaves_the_original_untouched(digits):
    original = trainer_on(digits, hidden=16)
    original.step(90)
    before = (
        copied(original.model.params),
        original.steps,
        original.snapshot_steps(),
        list(original.settings_log),
        {name: len(trace) for name, trace in original.history.items()},
    )
    again = original.continue_from(40)
    again.lr = 0.3
    again.step(200)
    again.retire()
    after = (
        original.model.params,
        original.steps,
        original.snapshot_steps(),
        original.settings_log,
        {name: len(trace) for name, trace in original.history.items()},
    )
    assert params_equal(before[0], after[0]) and before[1:] == after[1:]
    witness = trainer_on(digits, hidden=16)
    for step in original.snapshot_steps():
        witness.step(step - witness.steps)
        assert params_equal(original.model_at(step).params, witness.model.params), step


def test_a_continued_run_replays_bit_for_bit_even_with_momentum(mnist):
    original = trainer_on(mnist, momentum=0.9, optimizer="momentum")
    original.step(60)
    again = original.continue_from(40)
    assert 30 < again.steps <= 40
    assert again.settings_log[-len(live_settings()) :] == [
        (again.steps, n, v) for n, v in again.live_settings().items()
    ]
    again.step(25)
    replay = again.replay()
    replay.step(again.steps)
    assert params_equal(replay.model.params, again.model.params)


def test_a_momentum_run_replays_and_loads_with_its_momentum(mnist):
    from nn_core.io import load_run, run_to_bytes

    original = Trainer(MLP([784, 16, 10], seed=1), mnist, optimizer="momentum", momentum=0.8)
    assert original.optimizer.momentum == 0.8
    original.step(5)
    again = original.replay()
    again.step(5)
    assert again.optimizer.momentum == 0.8
    np.testing.assert_array_equal(again.model.params["W1"], original.model.params["W1"])
    assert load_run(run_to_bytes(original, {}), mnist).optimizer.momentum == 0.8
