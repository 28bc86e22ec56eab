"""Judging a trained network on a labelled split: the numbers behind the Evaluation page.

``evaluate`` runs the network once over the split; the other functions take its probabilities
and the labels, so the page can slice them (a confusion-matrix cell, a confidence threshold,
a calibration bin) without running the network again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import cross_entropy
from .metrics import accuracy, confusion_matrix, per_class_accuracy, precision_recall
from .network import MLP

Array = np.ndarray


@dataclass(frozen=True)
class Evaluation:
    """A network's answers on one split, and the standard scores."""

    y: Array  # true labels (n,)
    probs: Array  # (n, classes)
    predicted: Array  # (n,)
    loss: float  # mean cross-entropy, without any L2 term
    accuracy: float
    per_class_accuracy: Array  # (classes,), NaN for a class absent from the split
    precision: Array
    recall: Array
    confusion: Array  # counts, rows = true class, columns = predicted

    @property
    def confidence(self) -> Array:
        """The top probability of each answer, (n,)."""
        return self.probs.max(axis=1)

    @property
    def correct(self) -> Array:
        return self.predicted == self.y


def evaluate(model: MLP, X: Array, y: Array) -> Evaluation:
    cache = model.forward(X)
    L = model.n_layers
    probs = cache[f"A{L}"]
    predicted = probs.argmax(axis=1)
    k = model.layer_sizes[-1]
    precision, recall = precision_recall(y, predicted, k)
    return Evaluation(
        y=np.asarray(y),
        probs=probs,
        predicted=predicted,
        loss=cross_entropy(cache[f"Z{L}"], y),
        accuracy=accuracy(y, predicted),
        per_class_accuracy=per_class_accuracy(y, predicted, k),
        precision=precision,
        recall=recall,
        confusion=confusion_matrix(y, predicted, k),
    )


def row_normalised(confusion: Array) -> Array:
    """Each row divided by its total: the share of each true class given each answer (0 for an empty row)."""
    totals = confusion.sum(axis=1, keepdims=True)
    return np.divide(confusion, totals, out=np.zeros(confusion.shape), where=totals > 0)


def worst_confusion(confusion: Array) -> tuple[int, int]:
    """(true, answered) of the largest off-diagonal count: the network's most common mistake."""
    off = np.array(confusion, copy=True)
    np.fill_diagonal(off, 0)
    true, answered = np.unravel_index(int(off.argmax()), off.shape)
    return int(true), int(answered)


def never_answered(result: Evaluation) -> Array:
    """The classes the network never answered on this split (their precision is 0/0)."""
    return np.flatnonzero(np.isnan(result.precision))


def class_counts(result: Evaluation) -> Array:
    return np.bincount(result.y, minlength=len(result.precision))


def mistake_count(result: Evaluation) -> int:
    return int((~result.correct).sum())


def cell_members(result: Evaluation, true: int, predicted: int) -> Array:
    """Rows whose label is ``true`` and answer ``predicted``, most confident first."""
    rows = np.flatnonzero((result.y == true) & (result.predicted == predicted))
    return rows[np.argsort(-result.confidence[rows], kind="stable")]


def confident_mistakes(result: Evaluation) -> Array:
    """Rows the network gets wrong, the most confident mistakes first."""
    rows = np.flatnonzero(~result.correct)
    return rows[np.argsort(-result.confidence[rows], kind="stable")]


@dataclass(frozen=True)
class Abstention:
    """Answering only when the top probability reaches ``threshold``."""

    threshold: float
    coverage: float  # share of samples still answered
    accuracy: float  # accuracy on those (NaN when none is answered)
    answered: int


def abstain_below(result: Evaluation, threshold: float) -> Abstention:
    answered = result.confidence >= threshold
    n = int(answered.sum())
    acc = float(result.correct[answered].mean()) if n else float("nan")
    return Abstention(float(threshold), n / len(result.y) if len(result.y) else 0.0, acc, n)


@dataclass(frozen=True)
class Reliability:
    """Calibration: per bin of confidence, how confident the network was and how often right."""

    edges: Array  # (bins + 1,)
    confidence: Array  # mean confidence per bin (NaN for an empty bin)
    accuracy: Array  # accuracy per bin (NaN for an empty bin)
    counts: Array

    @property
    def expected_calibration_error(self) -> float:
        """The count-weighted mean gap |accuracy - confidence| over the bins."""
        full = self.counts > 0
        if not full.any():
            return float("nan")
        gaps = np.abs(self.accuracy[full] - self.confidence[full])
        return float((gaps * self.counts[full]).sum() / self.counts.sum())


def reliability(result: Evaluation, bins: int = 10) -> Reliability:
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(result.confidence, edges[1:-1]), 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        confidence = np.bincount(which, result.confidence, bins) / counts
        acc = np.bincount(which, result.correct.astype(float), bins) / counts
    return Reliability(edges, confidence, acc, counts)


@dataclass(frozen=True)
class Projection:
    """Rows projected on their first two principal components."""

    points: Array  # (n, 2)
    explained: Array  # share of the variance along each of the two axes


def pca_2d(A: Array) -> Projection:
    """PCA by the SVD of the centred data, in float64; the signs are fixed so that each axis's
    largest loading is positive (the same data always gives the same picture)."""
    A = np.asarray(A, dtype=np.float64)
    centred = A - A.mean(axis=0)
    _, s, Vt = np.linalg.svd(centred, full_matrices=False)
    axes = Vt[:2]
    axes *= np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
    total = float((s**2).sum())
    explained = (s[:2] ** 2) / total if total > 0 else np.zeros(2)
    points = centred @ axes.T
    if points.shape[1] < 2:  # one feature: the second axis is flat
        points = np.column_stack([points, np.zeros(len(points))])
        explained = np.append(explained, 0.0)
    return Projection(points, explained)


def layer_outputs(model: MLP, X: Array, layer: int) -> Array:
    """``A{layer}`` for the rows of X: 0 is the input pixels, n_layers the output probabilities."""
    if not 0 <= layer <= model.n_layers:
        raise ValueError(f"layers run from 0 (the input) to {model.n_layers} (the output), not {layer}")
    return model.forward(X)[f"A{layer}"]


def abstention_curve(result: Evaluation, points: int = 100) -> tuple[Array, Array, Array]:
    """``(thresholds, coverage, accuracy)``: ``points`` thresholds from 0 to 0.99, and for each the
    share answered and the accuracy of what is answered."""
    thresholds = np.linspace(0, 0.99, points)
    outcomes = [abstain_below(result, t) for t in thresholds]
    return thresholds, np.array([o.coverage for o in outcomes]), np.array([o.accuracy for o in outcomes])
