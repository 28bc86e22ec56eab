"""The rule-based hints, on made-up histories."""

import numpy as np
import pytest

from nn_core import MLP, Trainer
from nn_core.hints import training_hints


def fake_trainer(mnist, losses=(), evals=(), lr=0.1, activation="relu"):
    trainer = Trainer(MLP([784, 16, 10], activation=activation), mnist, lr=lr)
    for step, loss in enumerate(losses, start=1):
        trainer.history["steps"].append(step=step, loss=float(loss), lr=lr)
    for row in evals:
        trainer.history["evals"].append(**row)
    return trainer


def titles(trainer):
    return [h.title for h in training_hints(trainer)]


def test_rising_loss_suggests_a_lower_learning_rate(mnist):
    losses = np.concatenate([np.full(50, 0.5), np.full(50, 0.9)])
    hints = training_hints(fake_trainer(mnist, losses, lr=0.5))
    assert hints[0].title == "The learning rate looks too high" and hints[0].fix == {"lr": 0.5 / 3}


def test_a_flat_loss_suggests_a_higher_learning_rate(mnist):
    hints = training_hints(fake_trainer(mnist, np.full(250, 2.3), lr=1e-4))
    assert [h.title for h in hints] == ["The learning rate looks too low"] and hints[0].fix["lr"] == pytest.approx(3e-4)


def test_a_healthy_run_gives_no_hints(mnist):
    assert titles(fake_trainer(mnist, np.linspace(2.3, 0.3, 300))) == []


def test_many_dead_units_are_reported(mnist):
    trainer = fake_trainer(mnist, evals=[{"step": 10, "dead_fraction": np.array([0.6])}])
    assert titles(trainer) == ["60% of hidden layer 1's units are dead"]
    assert (
        titles(fake_trainer(mnist, evals=[{"step": 10, "dead_fraction": np.array([0.6])}], activation="leaky_relu"))
        == []
    )


def test_falling_validation_with_rising_training_accuracy_is_overfitting(mnist):
    rows = [
        {"step": s, "train_accuracy": t, "val_accuracy": v}
        for s, t, v in [(0, 0.5, 0.5), (50, 0.9, 0.92), (100, 0.95, 0.90), (150, 0.99, 0.88)]
    ]
    hints = training_hints(fake_trainer(mnist, evals=rows))
    assert hints[0].title.startswith("The network is starting to memorise") and hints[0].fix == {"l2": 1e-4}


def test_no_hints_while_stopped_by_divergence(mnist):
    trainer = fake_trainer(mnist, np.full(250, 2.3), lr=1e-4)
    trainer.lr = 1e6
    trainer.step(5)
    assert trainer.diverged is not None and training_hints(trainer) == []
