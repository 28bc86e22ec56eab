"""Losses on the output layer, each with the gradient with respect to the logits ``Z``.

Every loss is a mean over the ``m`` rows of the batch, so every gradient carries ``1/m``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import softmax, softmax_backward

Array = np.ndarray


def log_softmax(Z: Array) -> Array:
    """log(softmax(Z)) row-wise, computed as ``Z - logsumexp(Z)``: finite for any finite Z."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def one_hot(y: Array, classes: int, dtype=np.float32) -> Array:
    """Y, shape (m, classes): row i is all zeros but a 1 in column ``y[i]``."""
    Y = np.zeros((len(y), classes), dtype=dtype)
    Y[np.arange(len(y)), y] = 1
    return Y


def cross_entropy(Z: Array, y: Array) -> float:
    """Mean of ``-log softmax(Z)[i, y_i] = logsumexp(Z_i) - Z[i, y_i]``, from the logits
    (never from clipped probabilities, which would turn a confident mistake into log 0)."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_sums = np.log(np.exp(shifted).sum(axis=1))
    return float(log_sums.sum() - shifted[np.arange(len(y)), y].sum()) / len(y)


def cross_entropy_dZ(A: Array, y: Array) -> Array:
    """dL/dZ for softmax + cross-entropy, fused: ``(A - Y) / m`` with ``A = softmax(Z)``."""
    m = len(y)
    dZ = A.copy()
    dZ[np.arange(m), y] -= 1
    dZ /= dZ.dtype.type(m)
    return dZ


def mse(A: Array, y: Array) -> float:
    """The seed's squared error on the probabilities: ``sum_k (A - Y)^2``, averaged over rows."""
    Y = one_hot(y, A.shape[1], A.dtype)
    return float(((A - Y) ** 2).sum(axis=1).mean())


def mse_dZ(A: Array, y: Array) -> Array:
    """dL/dZ for softmax + squared error: ``dA = 2 (A - Y) / m``, then back through softmax."""
    Y = one_hot(y, A.shape[1], A.dtype)
    dA = (2 / len(y)) * (A - Y)
    return softmax_backward(A, dA.astype(A.dtype, copy=False))


@dataclass(frozen=True)
class Loss:
    """One loss on the output layer: ``value(Z, A, y) -> float`` and ``dZ(Z, A, y) -> array``
    (the gradient with respect to the logits), with its label and formula."""

    name: str
    label: str
    value: Callable[[Array, Array, Array], float]
    dZ: Callable[[Array, Array, Array], Array]
    latex: str


LOSSES: dict[str, Loss] = {
    entry.name: entry
    for entry in (
        Loss(
            "cross_entropy",
            "cross-entropy",
            lambda Z, A, y: cross_entropy(Z, y),
            lambda Z, A, y: cross_entropy_dZ(A, y),
            r"L = -\frac{1}{m}\sum_i \log A_{i, y_i}",
        ),
        Loss(
            "mse",
            "squared error (the notebook's)",
            lambda Z, A, y: mse(A, y),
            lambda Z, A, y: mse_dZ(A, y),
            r"L = \frac{1}{m}\sum_i \sum_k (A_{ik} - Y_{ik})^2",
        ),
    )
}
DEFAULT_LOSS = "cross_entropy"


def get_loss(name: str) -> Loss:
    """The registry entry called ``name``."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}: choose one of {', '.join(LOSSES)}")
    return LOSSES[name]


__all__ = [
    "softmax",
    "log_softmax",
    "one_hot",
    "cross_entropy",
    "cross_entropy_dZ",
    "mse",
    "mse_dZ",
    "get_loss",
    "LOSSES",
]
