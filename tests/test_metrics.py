import numpy as np

from nn_core.metrics import accuracy, confusion_matrix, per_class_accuracy, precision_recall

y_true = np.array([0, 0, 1, 1, 1, 2])
y_pred = np.array([0, 1, 1, 1, 0, 0])


def test_confusion_matrix_counts_label_rows_and_prediction_columns():
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 3), [[1, 1, 0], [1, 2, 0], [1, 0, 0]])


def test_accuracy_and_per_class_accuracy():
    assert accuracy(y_true, y_pred) == 0.5
    np.testing.assert_allclose(per_class_accuracy(y_true, y_pred, 4), [0.5, 2 / 3, 0.0, np.nan])


def test_precision_and_recall():
    precision, recall = precision_recall(y_true, y_pred, 3)
    np.testing.assert_allclose(precision, [1 / 3, 2 / 3, np.nan])
    np.testing.assert_allclose(recall, [0.5, 2 / 3, 0.0])
