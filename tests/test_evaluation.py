import numpy as np
import pytest

from nn_core import MLP, evaluation
from nn_core.metrics import accuracy, confusion_matrix, per_class_accuracy, precision_recall
from nn_core.train import Trainer


@pytest.fixture(scope="module")
def trained(mnist):
    trainer = Trainer(MLP([784, 32, 10], seed=1), mnist, lr=0.1, seed=1)
    trainer.step(150)
    return trainer.model


@pytest.fixture(scope="module")
def result(trained, mnist):
    return evaluation.evaluate(trained, mnist.X_test, mnist.y_test)


def test_evaluate_agrees_with_nn_core_metrics(result, trained, mnist):
    predicted = trained.predict(mnist.X_test)
    assert np.array_equal(result.predicted, predicted)
    assert result.accuracy == accuracy(mnist.y_test, predicted)
    assert np.array_equal(result.confusion, confusion_matrix(mnist.y_test, predicted, 10))
    precision, recall = precision_recall(mnist.y_test, predicted, 10)
    assert np.allclose(result.precision, precision) and np.allclose(result.recall, recall)
    assert np.allclose(result.per_class_accuracy, per_class_accuracy(mnist.y_test, predicted, 10))
    assert result.loss == pytest.approx(trained.loss(trained.forward(mnist.X_test), mnist.y_test), rel=1e-6)
    assert 0.7 < result.accuracy < 1


def test_row_normalised_rows_sum_to_one_and_empty_rows_stay_zero():
    shares = evaluation.row_normalised(np.array([[3, 1], [0, 0]]))
    assert shares.tolist() == [[0.75, 0.25], [0.0, 0.0]]


def test_cell_members_are_that_cell_most_confident_first(result):
    rows = evaluation.cell_members(result, 4, 9)
    assert len(rows) == result.confusion[4, 9]
    assert np.all(result.y[rows] == 4) and np.all(result.predicted[rows] == 9)
    assert np.all(np.diff(result.confidence[rows]) <= 0)


def test_confident_mistakes_are_every_mistake_most_confident_first(result):
    rows = evaluation.confident_mistakes(result)
    assert len(rows) == int((result.y != result.predicted).sum())
    assert np.all(result.y[rows] != result.predicted[rows]) and np.all(np.diff(result.confidence[rows]) <= 0)


def test_abstaining_trades_coverage_for_accuracy(result):
    everything = evaluation.abstain_below(result, 0.0)
    assert everything.coverage == 1.0 and everything.accuracy == pytest.approx(result.accuracy)
    sure = evaluation.abstain_below(result, 0.9)
    assert sure.coverage < 1 and sure.accuracy > result.accuracy
    assert sure.answered == int((result.confidence >= 0.9).sum())
    nothing = evaluation.abstain_below(result, 1.01)
    assert nothing.coverage == 0 and np.isnan(nothing.accuracy)
    thresholds, coverage, acc = evaluation.abstention_curve(result, points=100)
    at = int(np.flatnonzero(np.isclose(thresholds, 0.9))[0])
    assert thresholds[0] == 0.0 and coverage[0] == 1.0
    assert coverage[at] == sure.coverage and acc[at] == sure.accuracy


def test_the_worst_confusion_is_the_largest_mistake_and_never_the_diagonal():
    confusion = np.array([[50, 2, 0], [7, 40, 1], [0, 3, 90]])
    assert evaluation.worst_confusion(confusion) == (1, 0)
    assert evaluation.worst_confusion(np.diag([5, 5])) == (0, 0)  # no mistake: the first cell


def test_reliability_bins_count_every_answer_and_average_within_bins(result):
    rel = evaluation.reliability(result, bins=10)
    assert rel.counts.sum() == len(result.y)
    full = rel.counts > 0
    assert np.all((rel.confidence[full] >= rel.edges[:-1][full]) & (rel.confidence[full] <= rel.edges[1:][full]))
    top = result.confidence >= 0.9
    assert rel.accuracy[-1] == pytest.approx(result.correct[top].mean())
    assert 0 <= rel.expected_calibration_error < 0.3


def test_a_perfectly_calibrated_toy_has_no_calibration_error():
    probs = np.array([[1.0, 0.0], [0.0, 1.0]])
    toy = evaluation.Evaluation(
        np.array([0, 1]), probs, np.array([0, 1]), 0.0, 1.0, np.ones(2), np.ones(2), np.ones(2), np.eye(2)
    )
    assert evaluation.reliability(toy).expected_calibration_error == 0.0


def test_pca_finds_the_direction_of_most_variance():
    rng = np.random.default_rng(0)
    t = rng.normal(size=500)
    A = np.column_stack([3 * t, 0.1 * rng.normal(size=500), -3 * t])
    projection = evaluation.pca_2d(A)
    assert projection.explained[0] > 0.99
    assert np.abs(np.corrcoef(projection.points[:, 0], t)[0, 1]) > 0.999
    assert np.allclose(projection.points.mean(axis=0), 0)
    again = evaluation.pca_2d(A)
    assert np.array_equal(projection.points, again.points)  # signs fixed: the same picture every time


def test_pca_of_a_single_feature_has_a_flat_second_axis():
    projection = evaluation.pca_2d(np.arange(5.0)[:, None])
    assert projection.points.shape == (5, 2) and np.all(projection.points[:, 1] == 0)


def test_layer_outputs_run_from_the_pixels_to_the_probabilities(trained, mnist):
    X = mnist.X_test[:5]
    assert np.array_equal(evaluation.layer_outputs(trained, X, 0), X)
    assert np.allclose(evaluation.layer_outputs(trained, X, 2).sum(axis=1), 1, atol=1e-5)
    with pytest.raises(ValueError, match="layers run from 0"):
        evaluation.layer_outputs(trained, X, 3)
