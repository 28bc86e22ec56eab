"""Classification metrics from true labels and predictions (integer arrays of equal length)."""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def accuracy(y_true: Array, y_pred: Array) -> float:
    """Fraction of rows where the prediction equals the label."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float((y_true == y_pred).mean()) if len(y_true) else float("nan")


def confusion_matrix(y_true: Array, y_pred: Array, classes: int) -> Array:
    """Counts C, shape (classes, classes): ``C[i, j]`` = rows with label i predicted as j."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    return np.bincount(y_true * classes + y_pred, minlength=classes * classes).reshape(classes, classes)


def _safe_divide(num: Array, den: Array) -> Array:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def per_class_accuracy(y_true: Array, y_pred: Array, classes: int) -> Array:
    """For each class, the fraction of its rows predicted right (its recall); NaN if absent."""
    C = confusion_matrix(y_true, y_pred, classes)
    return _safe_divide(np.diag(C).astype(float), C.sum(axis=1).astype(float))


def precision_recall(y_true: Array, y_pred: Array, classes: int) -> tuple[Array, Array]:
    """Per class: precision (right among predicted as it) and recall (right among its rows)."""
    C = confusion_matrix(y_true, y_pred, classes).astype(float)
    hits = np.diag(C)
    return _safe_divide(hits, C.sum(axis=0)), _safe_divide(hits, C.sum(axis=1))
