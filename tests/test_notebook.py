import numpy as np
import pytest

from lessons.notebook import BUG_NAMES, NotebookBugs, gradient_descent, one_hot, run_on_dataset, softmax


@pytest.mark.slow
def test_the_notebook_as_written_stays_at_chance(mnist):
    run = run_on_dataset(mnist, NotebookBugs(), iterations=200)
    assert run.accuracy[-1] < 0.15
    assert run.b1_shape == (10, len(mnist.y_train))  # b1 grew into one bias per sample
    assert run.softmax_column_sum[-1] == pytest.approx(1 / len(mnist.y_train))


@pytest.mark.slow
def test_the_corrected_algorithm_learns_like_the_notebook_reports(mnist):
    run = run_on_dataset(mnist, NotebookBugs.fixed(), iterations=501, init="uniform")
    assert run.accuracy[-1] >= 0.85  # measured: 0.872 on the bundled training split
    assert run.b1_shape == (10, 1)
    assert run.softmax_column_sum[-1] == pytest.approx(1.0)
    assert run.accuracy[0] < 0.3


@pytest.mark.slow
def test_the_whole_matrix_softmax_alone_is_enough_to_break_training(mnist):
    only_softmax = NotebookBugs(**{name: name == "softmax_whole_matrix" for name in BUG_NAMES})
    all_but_softmax = NotebookBugs(**{name: name != "softmax_whole_matrix" for name in BUG_NAMES})
    assert run_on_dataset(mnist, only_softmax, iterations=150, init="uniform").accuracy[-1] < 0.15
    assert run_on_dataset(mnist, all_but_softmax, iterations=150, init="uniform").accuracy[-1] > 0.6


def test_softmax_as_written_normalises_over_the_whole_matrix():
    Z = np.random.default_rng(0).normal(size=(10, 4))
    np.testing.assert_allclose(softmax(Z, NotebookBugs()).sum(), 1.0)
    np.testing.assert_allclose(softmax(Z, NotebookBugs.fixed()).sum(axis=0), 1.0)


def test_one_hot_is_the_notebooks_column_layout():
    np.testing.assert_array_equal(one_hot(np.array([1, 0])), [[0, 1], [1, 0]])


def test_the_corrected_seed_gradient_matches_nn_core():
    """The fixed seed backprop equals nn_core's gradients for the same 784-10-10 network."""
    from lessons.notebook import backward_prop, forward_prop, init_params
    from nn_core import MLP

    rng = np.random.default_rng(0)
    X, Y = rng.random((784, 6)), np.array([0, 1, 2, 3, 4, 9])
    W1, b1, W2, b2 = init_params("uniform", seed=1)
    fixed = NotebookBugs.fixed()
    Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X, fixed)
    dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y, m_global=6, bugs=fixed)
    model = MLP([784, 10, 10], dtype=np.float64)
    model.params = {"W1": W1, "b1": b1[:, 0], "W2": W2, "b2": b2[:, 0]}
    _, grads = model.loss_and_grads(X.T, Y)
    for mine, theirs in [(grads["W1"], dW1), (grads["b1"], db1[:, 0]), (grads["W2"], dW2), (grads["b2"], db2[:, 0])]:
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-14)


def test_gradient_descent_records_every_tenth_iteration_and_the_last():
    X, Y = np.random.default_rng(0).random((784, 30)), np.arange(30) % 10
    run = gradient_descent(X, Y, iterations=25, bugs=NotebookBugs.fixed(), record_every=10)
    assert run.iterations == [0, 10, 20, 24]


def test_every_bug_has_its_lines_for_the_page():
    from lessons.notebook import BUG_LINES

    assert tuple(BUG_LINES) == BUG_NAMES
    assert all(len(entry) == 4 and entry[2] != entry[3] for entry in BUG_LINES.values())


def test_a_scalar_db2_moves_every_output_bias_alike(mnist):
    as_written = run_on_dataset(mnist, NotebookBugs(), iterations=5)
    fixed = run_on_dataset(mnist, NotebookBugs.fixed(), iterations=5)
    assert np.ptp(as_written.b2_change) < 1e-12 and as_written.b2_change[0] != 0
    assert np.ptp(fixed.b2_change) > 0


def test_the_notebooks_code_runs_on_8x8_digits(digits):
    run = run_on_dataset(digits, NotebookBugs.fixed(), iterations=50, init="uniform")
    assert run.params[0].shape == (10, 64) and run.accuracy[-1] > 0.3


@pytest.mark.slow
def test_the_one_story_is_what_the_runs_measure(mnist):
    """``lessons.notebook.STORY``, claim by claim, on the bundled digits at the page's 300 iterations."""

    def accuracy(init="randn", **fixed):
        bugs = NotebookBugs(**{name: not fixed.get(name, False) for name in BUG_NAMES})
        return run_on_dataset(mnist, bugs, iterations=300, init=init).accuracy[-1]

    others = {name: True for name in BUG_NAMES if name != "softmax_whole_matrix"}
    assert accuracy() < 0.12  # as written: chance
    assert accuracy(**others) < 0.12  # no other fix moves it without the softmax's
    softmax_fixed, every = accuracy(softmax_whole_matrix=True), accuracy(**dict.fromkeys(BUG_NAMES, True))
    assert 0.15 < softmax_fixed < 1 / 3 and every < 1 / 3  # the code's start: under a third
    assert abs(every - softmax_fixed) < 0.06  # the three other fixes: a few points
    assert accuracy("uniform", **dict.fromkeys(BUG_NAMES, True)) > 0.75  # the text's start: about four in five


def test_the_story_with_numbers_names_each_run():
    from lessons.notebook import STORY, measured_story

    text = measured_story(
        {"as written": 0.1, "softmax fixed": 0.268, "all fixed": 0.303, "all fixed, uniform start": 0.823}, 300
    )
    assert all(f"{v}%" in text for v in ("10.0", "26.8", "30.3", "82.3")) and "300 iterations" in text
    assert "softmax" in STORY and "weights far too large" in STORY
