"""Each key chart's one-line summary: computed from the chart's own data, and on the page beside it
with nn_core's numbers."""

import numpy as np
import pytest

from lessons import summaries
from nn_core import evaluation
from nn_core.history import ema
from tests.apptest import all_text, on_page, open_fold, trained_a_little, trainer


def test_the_loss_line_quotes_the_first_loss_the_smoothed_last_and_the_validation_numbers():
    losses = np.array([2.3, 2.0, 1.5, 1.0, 0.8])
    text = summaries.loss(np.arange(1, 6), losses, np.array([0, 5]), np.array([2.3, 0.9]), np.array([0.1, 0.75]))
    assert text == (
        f"The loss fell from 2.30 to {ema(losses, 0.9)[-1]:.2f} (smoothed) over 5 steps; at step 5 the validation "
        "loss is 0.90 and the validation accuracy 75.0%."
    )
    assert "rose" in summaries.loss(np.arange(1, 3), np.array([1.0, 5.0]), [], [], [])
    assert summaries.loss([], [], [], [], []).startswith("No step taken yet")


def test_the_other_lines_name_their_extremes():
    names = tuple("0123456789")
    per_class = np.linspace(0.5, 0.95, 10)
    assert summaries.per_digit(per_class, names) == "Best learned: 9 (95.0% validation accuracy); least: 0 (50.0%)."
    matrix = np.diag(np.full(10, 9))
    matrix[4, 9] = 7
    assert summaries.confusion(matrix, names) == (
        "90 of the 97 validation digits on the diagonal (right); the most frequent mistake: 7 4s read as 9."
    )
    probs = np.array([0.05, 0.7, 0.2, 0.05, 0, 0, 0, 0, 0, 0])
    assert summaries.answer(probs, names, 2) == "The network says 1 with 70%; next, 2 with 20%. It is a 2: wrong."
    assert summaries.answer(probs, names, 8).endswith("It is an 8: wrong.") and summaries.a("4") == "a 4"
    accuracy = summaries.accuracy(np.array([0, 10, 20]), np.array([0.1, 0.8, 0.9]), np.array([0.1, 0.82, 0.8]))
    assert "gap of +10.0 points" in accuracy and "82.0%, was at step 10" in accuracy


@pytest.fixture(scope="module")
def app():
    return trained_a_little()


@pytest.mark.slow
def test_the_training_page_says_what_its_charts_show_with_the_trainers_numbers(app):
    t = trainer(app)
    steps, evals = t.history["steps"], t.history["evals"]
    expected = summaries.loss(
        steps.column("step"),
        steps.column("loss"),
        evals.column("step"),
        evals.column("val_loss"),
        evals.column("val_accuracy"),
    )
    text = all_text(app)
    assert expected in text and f"over {t.steps:,} steps" in expected
    assert summaries.per_digit(evals.last("val_per_class_accuracy"), t.dataset.class_names) in text
    X, y = t.dataset.split("val")
    matrix = evaluation.evaluate(t.model, X, y).confusion
    assert summaries.confusion(matrix, t.dataset.class_names) in text


def test_evaluation_and_home_say_it_too(app):
    at = open_fold(on_page(app, "pages/7_Evaluation.py"), "**Each digit")
    t = trainer(at)
    X, y = t.dataset.split("test")
    result = evaluation.evaluate(t.model, X, y)
    text = all_text(at)
    assert summaries.confusion(result.confusion, t.dataset.class_names, of="test") in text
    assert summaries.per_digit(result.recall, t.dataset.class_names, "recall") in text
    home = at.switch_page("app.py").run()
    X_val, y_val = t.dataset.split("val")
    row = home.session_state["sample"] if "sample" in home.session_state else 0
    assert summaries.answer(t.model.predict_proba(X_val[row])[0], t.dataset.class_names, int(y_val[row])) in all_text(
        home
    )
