"""The rule-based hints: each fires on a history built to show it, quotes numbers that support it,
and stays quiet where its numbers do not."""

import numpy as np
import pytest

from lessons.hints import losses_at_this_rate, training_hints
from nn_core import MLP
from nn_core.augment import STANDARD
from nn_core.train import Trainer


def fake_trainer(mnist, losses=(), evals=(), lr=0.1, activation="relu", rates=None):
    trainer = Trainer(MLP([784, 16, 10], activation=activation), mnist, lr=lr)
    rates = [lr] * len(losses) if rates is None else rates
    for step, (loss, rate) in enumerate(zip(losses, rates), start=1):
        trainer.history["steps"].append(step=step, loss=float(loss), lr=rate)
    for row in evals:
        trainer.history["evals"].append(**row)
    return trainer


def titles(trainer):
    return [h.title for h in training_hints(trainer)]


def test_rising_loss_suggests_a_lower_learning_rate_and_says_it_rose(mnist):
    losses = np.concatenate([np.full(50, 0.5), np.full(50, 0.9)])
    hints = training_hints(fake_trainer(mnist, losses, lr=0.5))
    assert hints[0].title == "The learning rate looks too high" and hints[0].fixes[0].changes == {"lr": 0.5 / 3}
    assert "has risen" in hints[0].reason and "0.500 → 0.900" in hints[0].reason


def test_an_oscillating_loss_is_called_oscillating_with_its_spread(mnist):
    losses = np.tile([0.2, 1.8], 50)  # falling on average is no defence: it jumps
    hint = training_hints(fake_trainer(mnist, losses, lr=2.0))[0]
    assert hint.title == "The learning rate looks too high" and "jumps up and down" in hint.reason
    assert "spread is 80% of its mean (1.000)" in hint.reason


def test_a_falling_loss_never_calls_the_rate_too_high(mnist):
    losses = np.linspace(0.6, 0.33, 100) + np.random.default_rng(0).normal(0, 0.03, 100)
    assert titles(fake_trainer(mnist, losses, lr=1.0)) == []


def test_a_flat_loss_suggests_a_higher_learning_rate(mnist):
    hints = training_hints(fake_trainer(mnist, np.full(250, 2.3), lr=1e-4))
    assert [h.title for h in hints] == ["The learning rate looks too low"]
    assert hints[0].fixes[0].changes["lr"] == pytest.approx(3e-4)


def test_a_healthy_run_gives_no_hints(mnist):
    assert titles(fake_trainer(mnist, np.linspace(2.3, 0.3, 300))) == []


def test_only_the_steps_at_the_current_rate_count(mnist):
    steps = fake_trainer(mnist, [2.3, 9.0, 0.6, 0.5], rates=[10.0, 10.0, 1.0, 1.0], lr=1.0).history["steps"]
    assert losses_at_this_rate(steps, 1.0).tolist() == [0.6, 0.5]
    # a blow-up at lr 10, then a falling loss at lr 1: the blow-up is not held against lr 1
    losses = np.concatenate([np.linspace(0.5, 50, 60), np.linspace(0.6, 0.33, 100)])
    rates = [10.0] * 60 + [1.0] * 100
    assert titles(fake_trainer(mnist, losses, lr=1.0, rates=rates)) == []


def test_many_dead_units_offer_a_new_network_not_a_lower_rate_for_this_one(mnist):
    trainer = fake_trainer(mnist, evals=[{"step": 10, "dead_fraction": np.array([0.6])}], lr=0.9)
    (hint,) = training_hints(trainer)
    assert hint.title == "60% of hidden layer 1's units are dead"
    assert [f.new_network for f in hint.fixes] == [True, True]
    assert hint.fixes[0].changes == {"activation": "leaky_relu"} and hint.fixes[1].changes == {"lr": pytest.approx(0.3)}
    leaky = fake_trainer(mnist, evals=[{"step": 10, "dead_fraction": np.array([0.6])}], activation="leaky_relu")
    assert titles(leaky) == []


def test_no_two_hints_offer_the_same_fix(mnist):
    losses = np.concatenate([np.full(50, 0.5), np.full(50, 0.9)])
    trainer = fake_trainer(mnist, losses, lr=0.9, evals=[{"step": 100, "dead_fraction": np.array([0.7])}])
    fixes = [(tuple(sorted(f.changes.items())), f.new_network) for h in training_hints(trainer) for f in h.fixes]
    assert len(fixes) == len(set(fixes)) and len(fixes) == 3  # lower this rate; leaky ReLU; a new gentler network


def test_falling_validation_with_rising_training_accuracy_is_overfitting(mnist):
    rows = [
        {"step": s, "train_accuracy": t, "val_accuracy": v}
        for s, t, v in [(0, 0.5, 0.5), (50, 0.9, 0.92), (100, 0.95, 0.90), (150, 0.99, 0.88)]
    ]
    hints = training_hints(fake_trainer(mnist, evals=rows))
    assert hints[0].title.startswith("The network is starting to memorise")
    assert [fix.changes for fix in hints[0].fixes] == [{"augmentation": STANDARD}, {"dropout": 0.3}, {"l2": 1e-4}]
    assert hints[0].fixes[0].label.startswith("Augment the digits: shift ±2 px, rotate ±12°")
    augmented = fake_trainer(mnist, evals=rows)
    augmented.augmentation, augmented.dropout = STANDARD, 0.2
    assert [fix.changes for fix in training_hints(augmented)[0].fixes] == [{"l2": 1e-4}]  # offers only what is new


def test_no_hints_while_stopped_by_divergence(mnist):
    trainer = fake_trainer(mnist, np.full(250, 2.3), lr=1e-4)
    trainer.lr = 1e6
    trainer.step(5)
    assert trainer.diverged is not None and training_hints(trainer) == []


@pytest.mark.slow
def test_the_learning_rate_hints_still_read_a_run_with_a_schedule(mnist):
    from nn_core import MLP
    from nn_core.schedules import Schedule
    from nn_core.train import Trainer

    run = Trainer(MLP([784, 32, 10], seed=0), mnist, lr=1e-5, schedule=Schedule("step", every=0.2, gamma=0.9))
    run.step(300)
    assert "The learning rate looks too low" in [h.title for h in training_hints(run)]


def test_on_small_digits_the_overfitting_hint_offers_moves_of_their_size(digits):
    from lessons.hints import _overfitting

    hint = _overfitting(np.array([0.5, 0.9, 0.95, 0.99]), np.array([0.5, 0.92, 0.9, 0.88]), 0.0, image_shape=(8, 8))
    moves = hint.fixes[0].changes["augmentation"]
    assert moves.shift == pytest.approx(2 * 8 / 28, abs=0.01) and "±0.57 px" in hint.fixes[0].label
