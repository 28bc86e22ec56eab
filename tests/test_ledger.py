"""The ledger of a session's runs: recording, the cap, names, legend labels and the table's rows."""

import math

import numpy as np
import pytest

from nn_core import MLP
from nn_core.ledger import MOST_RUNS, Ledger, describe, run_settings
from nn_core.train import Trainer


def run(digits, hidden=8, seed=0, **settings):
    return Trainer(MLP([digits.n_features, hidden, digits.n_classes], seed=seed), digits, **settings)


def test_recording_a_run_twice_keeps_one_entry(digits):
    ledger = Ledger()
    trainer = run(digits)
    first = ledger.record(trainer, origin="new network")
    version = ledger.version
    again = ledger.record(trainer, origin="something else")
    assert again is first and len(ledger.runs) == 1 and ledger.version == version
    assert (first.number, first.name, first.origin) == (1, "run 1", "new network")
    assert ledger.find(trainer.serial) is first and ledger.find(-1) is None
    second = ledger.record(run(digits))
    assert (second.number, second.name) == (2, "run 2") and ledger.version == version + 1


def test_past_the_cap_the_oldest_runs_go(digits):
    ledger = Ledger()
    trainers = [run(digits) for _ in range(MOST_RUNS + 3)]
    for trainer in trainers:
        ledger.record(trainer)
        assert len(ledger.runs) <= MOST_RUNS
    assert [e.trainer for e in ledger.runs] == trainers[3:]
    assert [e.number for e in ledger.runs] == list(range(4, MOST_RUNS + 4))  # numbers are never reused


def test_past_the_cap_the_kept_run_never_goes(digits):
    ledger = Ledger()
    present = run(digits)
    ledger.record(present)
    others = [run(digits) for _ in range(MOST_RUNS + 3)]
    for trainer in others:
        ledger.record(trainer, keep=present.serial)
    assert [e.trainer for e in ledger.runs] == [present, *others[4:]]
    assert len(ledger.runs) == MOST_RUNS


def test_renaming_and_removing_move_the_version(digits):
    ledger = Ledger()
    a, b = run(digits), run(digits)
    ledger.record(a)
    ledger.record(b)
    version = ledger.version
    ledger.rename(a.serial, "  wide   and\tslow  ")
    assert ledger.find(a.serial).name == "wide and slow" and ledger.version == version + 1
    ledger.rename(a.serial, "x" * 100)
    assert ledger.find(a.serial).name == "x" * 40 and ledger.version == version + 2
    for name in ("", "   "):  # a blank name changes nothing
        ledger.rename(a.serial, name)
    ledger.rename(-1, "nobody")
    assert ledger.find(a.serial).name == "x" * 40 and ledger.version == version + 2
    ledger.remove(b.serial)
    assert [e.trainer for e in ledger.runs] == [a] and ledger.version == version + 3
    ledger.remove(b.serial)
    assert ledger.version == version + 3


def labels_of(digits, *settings):
    ledger = Ledger()
    trainers = [run(digits, **s) for s in settings]
    for trainer in trainers:
        ledger.record(trainer)
    labels = ledger.legend_labels([t.serial for t in trainers])
    return [labels[t.serial] for t in trainers]


def test_legend_labels_name_only_what_differs(digits):
    assert labels_of(digits, {"lr": 0.01}, {"lr": 0.1}) == ["lr 0.01", "lr 0.1"]
    assert labels_of(digits, {"lr": 0.1, "momentum": 0.9}, {"lr": 0.01}) == [
        "lr 0.1, momentum 0.9",
        "lr 0.01, momentum 0",
    ]
    assert labels_of(digits, {"batch_size": 32}, {"batch_size": 256, "l2": 1e-4}) == [
        "batch 32, L2 0",
        "batch 256, L2 0.0001",
    ]
    assert labels_of(digits, {"hidden": 8}, {"hidden": 32}, {"seed": 3}) == [
        "hidden 8, seed 0",
        "hidden 32, seed 0",
        "hidden 8, seed 3",
    ]
    assert labels_of(digits, {}, {"optimizer": "adam"}) == ["momentum 0, SGD", "Adam"]  # Adam takes no momentum


def test_legend_labels_of_runs_with_the_same_settings_are_their_names(digits):
    assert labels_of(digits, {"lr": 0.05}, {"lr": 0.05}) == ["run 1", "run 2"]
    # two alike among others: the names tell them apart
    assert labels_of(digits, {"lr": 0.05}, {"lr": 0.05}, {"lr": 0.5}) == [
        "run 1: lr 0.05",
        "run 2: lr 0.05",
        "run 3: lr 0.5",
    ]


def test_legend_labels_follow_settings_changed_during_a_run_and_skip_unknown_runs(digits):
    ledger = Ledger()
    a, b = run(digits), run(digits)
    for trainer in (a, b):
        ledger.record(trainer)
    b.lr = 0.3
    assert ledger.legend_labels([a.serial, b.serial, -5]) == {a.serial: "lr 0.1", b.serial: "lr 0.3"}


def test_rows_report_steps_best_validation_accuracy_and_time(digits):
    ledger = Ledger()
    trained = run(digits, hidden=16, lr=0.1, batch_size=32, eval_every=10)
    trained.step(150)
    untrained = run(digits)
    ledger.record(trained, origin="new network")
    ledger.record(untrained, origin="replay of run 1")
    rows = ledger.rows()
    assert [row["serial"] for row in rows] == [trained.serial, untrained.serial]
    row = rows[0]
    accuracy, steps = (trained.history["evals"].column(c) for c in ("val_accuracy", "step"))
    assert len(accuracy) > 10 and len(set(accuracy)) > 3
    best = int(np.argmax(accuracy))
    assert row["best_val_accuracy"] == accuracy.max() == accuracy[best]
    assert row["best_at_step"] == steps[best] and 0 < row["best_at_step"] <= 150
    assert row["steps"] == 150 and row["seconds_trained"] == trained.seconds_trained > 0
    assert (row["number"], row["name"], row["origin"]) == (1, "run 1", "new network")
    assert row["settings"] == describe(trained)
    empty = rows[1]
    assert empty["steps"] == 0 and math.isnan(empty["best_val_accuracy"]) and empty["best_at_step"] is None
    assert empty["seconds_trained"] == 0 and empty["origin"] == "replay of run 1"


def test_rows_give_the_first_step_a_best_accuracy_was_reached(digits):
    ledger = Ledger()
    trainer = run(digits, hidden=16, lr=1e-9, batch_size=32, eval_every=5)  # too slow to change a prediction
    trainer.step(40)
    ledger.record(trainer)
    accuracy = trainer.history["evals"].column("val_accuracy")
    assert len(accuracy) > 5 and len(set(accuracy)) == 1
    assert ledger.rows()[0]["best_at_step"] == 0


def test_describe_names_every_setting_in_the_projects_words(digits):
    trainer = run(digits, lr=0.05, batch_size=32, momentum=0.9, l2=1e-3, optimizer="momentum")
    assert (
        describe(trainer)
        == "hidden 8, relu, He init, seed 0, lr 0.05, batch 32, momentum 0.9, L2 0.001, SGD + momentum"
    )
    adam = run(digits, optimizer="adam")
    assert "momentum" not in run_settings(adam) and describe(adam).endswith("batch 64, Adam")  # no L2 0
    assert "momentum" not in describe(run(digits, optimizer="sgd"))  # a momentum of 0 is not named


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_run_settings_are_the_live_settings_and_the_architecture(digits, optimizer):
    trainer = run(digits, hidden=12, seed=4, optimizer=optimizer)
    settings = run_settings(trainer)
    assert {k: settings[k] for k in ("hidden", "activation", "init", "seed")} == {
        "hidden": "12",
        "activation": "relu",
        "init": "he",
        "seed": 4,
    }
    assert {k: v for k, v in settings.items() if k in trainer.live_settings()} == trainer.live_settings()
