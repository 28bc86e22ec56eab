"""The recipes: a run built from one has every one of its settings, each part can be taken out for
an ablation, and the command line trains and saves one."""

import numpy as np
import pytest

from nn_core.augment import Augmentation
from nn_core.cli import main
from nn_core.io import load_model
from nn_core.recipes import RECIPES, ROBUST, build, train
from nn_core.schedules import Schedule


def test_a_recipes_run_has_every_setting_of_the_recipe(mnist):
    run = build(ROBUST, mnist, seed=3)
    assert run.model.layer_sizes == [784, *ROBUST.hidden, 10] and run.model.seed == 3
    assert (run.optimizer_name, run.lr, run.batch_size, run.dropout) == ("adam", 0.001, 64, 0.2)
    assert run.schedule == ROBUST.schedule and run.augmentation == ROBUST.augmentation and run.steps == 0
    assert ROBUST.schedule.epochs == ROBUST.epochs  # the schedule ends with the run
    assert len(ROBUST.parts) == 5 and all(what and why for what, why in ROBUST.parts)


def test_each_part_can_be_taken_out_for_an_ablation():
    assert ROBUST.without("augmentation").augmentation == Augmentation()
    assert ROBUST.without("dropout").dropout == 0
    assert ROBUST.without("schedule").schedule == Schedule()
    assert ROBUST.without("dropout").augmentation == ROBUST.augmentation
    with pytest.raises(ValueError, match="no part"):
        ROBUST.without("hidden")


def test_small_digits_get_the_shifts_scaled_to_their_size(digits):
    aug = build(ROBUST, digits).augmentation
    assert aug.shift == pytest.approx(ROBUST.augmentation.shift * 8 / 28, abs=0.01)
    assert aug.rotate == ROBUST.augmentation.rotate


def test_training_a_recipe_reports_each_epoch_and_learns(digits):
    seen = []
    run = train(build(ROBUST, digits), 2, lambda done, total, t: seen.append((done, total, t.epochs_done)))
    assert seen == [(1, 2, 1), (2, 2, 2)]
    assert run.evaluate("val")["accuracy"] > 0.8


def test_the_command_line_trains_and_saves_the_recipe(capsys, tmp_path):
    path = tmp_path / "model.npz"
    assert main(["--recipe", "robust", "--dataset", "digits-8x8", "--epochs", "2", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    assert "recipe robust: adam lr 0.001, batch 64, dropout 0.2, schedule cosine over 2 epochs, 0.5 of warm-up" in out
    assert out.count("val acc") == 2 and "test accuracy" in out
    model = load_model(path)
    assert model.layer_sizes == [64, 1024, 512, 10] and model.metadata["recipe"] == "robust"
    assert np.isfinite(model.params["W1"]).all()
    assert set(RECIPES) == {"robust"}


def test_a_shorter_run_ends_its_schedule_with_it():
    short = ROBUST.for_epochs(1)
    assert short.epochs == 1 and short.schedule == Schedule("cosine", warmup=0.25, epochs=1)
    assert ROBUST.for_epochs(ROBUST.epochs) is ROBUST
    with pytest.raises(ValueError):
        ROBUST.for_epochs(0)


def test_the_command_line_refuses_a_recipe_it_does_not_know(capsys):
    with pytest.raises(SystemExit):
        main(["--recipe", "fast", "--dataset", "digits-8x8"])
    assert "invalid choice" in capsys.readouterr().err
