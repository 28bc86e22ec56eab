"""Probe digits through a run: which digits are probed and their probabilities at each held moment."""

import numpy as np

from lessons.probes import default_probes, probe_curves
from nn_core import MLP
from nn_core.train import Trainer


def test_default_probes_are_the_first_validation_row_of_each_class(mnist):
    y_val = mnist.split("val")[1]
    rows = default_probes(y_val, mnist.n_classes)
    assert len(rows) == mnist.n_classes == 10
    assert [int(y_val[r]) for r in rows] == list(range(10))
    for c, r in enumerate(rows):
        assert not np.any(y_val[:r] == c)  # the first of its class


def test_a_class_with_no_row_has_no_probe():
    y = np.array([3, 0, 3, 2, 0])
    assert default_probes(y, 5) == [1, 3, 0]  # classes 0, 2 and 3; 1 and 4 have no row


def test_probe_curves_are_each_probes_probability_of_its_class_at_every_held_moment_and_now(digits):
    trainer = Trainer(MLP([64, 16, 10], seed=2), digits, lr=0.1, batch_size=32)
    trainer.step(190)  # not an epoch's end (40 steps each)
    X_val, y_val = digits.split("val")
    rows = default_probes(y_val, 10)[::-1][:7]
    steps, probabilities = probe_curves(trainer, rows)
    held = trainer.snapshot_steps()
    assert held[-1] < trainer.steps  # the present is not held: it is added
    assert list(steps) == [*held, trainer.steps]
    assert probabilities.shape == (len(steps), len(rows))
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    for s, row in zip(steps, probabilities, strict=True):
        expected = trainer.model_at(s).predict_proba(X_val[rows])[np.arange(len(rows)), y_val[rows]]
        np.testing.assert_array_equal(row, expected)
    assert not np.allclose(probabilities[0], probabilities[-1])


def test_probe_curves_right_after_an_epoch_end_count_now_once(digits):
    trainer = Trainer(MLP([64, 16, 10], seed=2), digits, lr=0.1, batch_size=32)
    trainer.epoch()
    assert trainer.snapshot_steps()[-1] == trainer.steps
    steps, probabilities = probe_curves(trainer, [0, 1])
    assert list(steps) == trainer.snapshot_steps() and len(set(steps)) == len(steps)
    assert probabilities.shape == (len(steps), 2)


def test_probe_curves_of_an_untrained_run_are_one_moment(digits):
    trainer = Trainer(MLP([64, 16, 10], seed=2), digits)
    steps, probabilities = probe_curves(trainer, [4, 5, 6], split="test")
    X_test, y_test = digits.split("test")
    assert list(steps) == [0]
    expected = trainer.model.predict_proba(X_test[[4, 5, 6]])[np.arange(3), y_test[[4, 5, 6]]]
    np.testing.assert_array_equal(probabilities[0], expected)


def test_the_probes_grow_surer_of_their_class_over_two_epochs_on_mnist(mnist):
    trainer = Trainer(MLP([784, 128, 10]), mnist, lr=0.1, batch_size=64)
    trainer.epoch()
    trainer.epoch()
    rows = default_probes(mnist.split("val")[1], mnist.n_classes)
    steps, probabilities = probe_curves(trainer, rows)
    assert steps[0] == 0 and steps[-1] == trainer.steps == 110
    mean = probabilities.mean(axis=1)
    assert mean[0] < 0.2  # about one in ten at the start
    assert mean[-1] > 0.6 and mean[-1] > 3 * mean[0]
