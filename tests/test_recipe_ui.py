"""The Training page's one-click recipe and its memorising experiment, in AppTest."""

import numpy as np
import pytest

from lessons import experiments
from nn_core.recipes import ROBUST
from tests.apptest import all_text, button, chart, control, new_app, on_page, open_folds, trainer
from ui import recipe, sidebar


@pytest.fixture
def short_recipe(monkeypatch):
    """The recipe for 2 epochs (the whole one takes half a minute): the same parts."""
    monkeypatch.setattr(recipe.recipes, "ROBUST", ROBUST.for_epochs(2))


@pytest.mark.slow
def test_the_recipe_button_replaces_the_network_with_the_recipes_and_trains_it(short_recipe):
    at = open_folds(on_page(new_app(), "pages/6_Training.py"))
    button(at, "Step ×10").click().run()
    old = trainer(at)
    text = all_text(at)
    assert "Train a strong reader." in text and all(what in text for what, _ in ROBUST.parts)
    button(at, "Train a strong reader (2 epochs)").click().run()
    assert not at.exception
    new = trainer(at)
    assert new is not old and new.epochs_done == 2 and old.steps == 10  # the old one untouched
    assert new.model.layer_sizes == [784, 1024, 512, 10] and new.optimizer_name == "adam"
    assert (new.dropout, new.augmentation) == (ROBUST.dropout, ROBUST.augmentation)
    assert new.schedule == ROBUST.for_epochs(2).schedule
    settings = at.session_state["settings"]
    assert settings.hidden == (1024, 512) and settings.optimizer == "adam" and settings.lr == 0.001
    assert settings.augmentation == ROBUST.augmentation and settings.dropout == ROBUST.dropout
    assert "The strong reader is trained" in all_text(at)
    assert [e.trainer.serial for e in at.session_state["ledger"].runs] == [old.serial, new.serial]
    at.session_state[sidebar.KEY_GENERALISATION] = True
    at.run()
    assert control(at.slider, "_dropout").value == ROBUST.dropout  # the sidebar says what it trained with


def test_the_memorising_experiment_shows_the_gap_without_and_with_augmentation(monkeypatch):
    monkeypatch.setattr(experiments, "OVERFIT_EPOCHS", 4)
    monkeypatch.setattr(experiments, "OVERFIT_HIDDEN", 64)
    at = open_folds(on_page(new_app(), "pages/6_Training.py"))
    before = trainer(at)
    button(at, "Train both (a few seconds)").click().run()
    assert not at.exception and trainer(at) is before and before.steps == 0
    figure = chart(at, "overfit_chart")
    names = [t["name"].split(":")[0] for t in figure["data"]]
    assert names == [
        "without augmentation",
        "without augmentation",
        "with augmentation",
        "with augmentation",
    ]
    demo = experiments.overfit_demo(at.session_state["trainer"].dataset, 500, 64, 4)
    plain = demo.runs["without augmentation"]
    assert f"**{plain.gap:.1%}**" in all_text(at)


def test_memorising_few_digits_opens_a_gap_that_augmentation_narrows(mnist):
    demo = experiments.overfit_demo(mnist, rows=500, hidden=256, epochs=12)
    plain, augmented = demo.runs["without augmentation"], demo.runs["with augmentation"]
    assert demo.rows == 500 and len(plain.epochs) == 12
    assert plain.train[-1] > 0.99 and plain.gap > 0.08  # memorised
    assert augmented.gap < plain.gap / 2
    assert np.all(np.diff(plain.epochs) > 0)


def test_few_digits_keeps_as_many_of_each_class(mnist):
    small = experiments.few_digits(mnist, 500)
    assert np.bincount(small.y_train).tolist() == [50] * 10 and small.X_val is mnist.X_val
