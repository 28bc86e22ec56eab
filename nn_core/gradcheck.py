"""Gradient checks: backprop's gradients against central differences, in float64.

For a parameter entry theta, the numeric estimate is
``(L(theta + eps) - L(theta - eps)) / (2 eps)``, and per tensor the relative error is
``||analytic - numeric|| / (||analytic|| + ||numeric||)``: about 1e-9 when backprop is right,
near 1 when it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import MLP

Array = np.ndarray


@dataclass
class TensorCheck:
    name: str
    analytic: Array  # the checked entries, flattened
    numeric: Array
    indices: Array  # flat indices of the checked entries

    @property
    def relative_error(self) -> float:
        diff = np.linalg.norm(self.analytic - self.numeric)
        scale = np.linalg.norm(self.analytic) + np.linalg.norm(self.numeric)
        return float(diff / scale) if scale > 0 else 0.0

    @property
    def max_abs_difference(self) -> float:
        return float(np.abs(self.analytic - self.numeric).max(initial=0.0))


def numeric_gradient(loss_at, theta: Array, indices: Array, eps: float = 1e-6) -> Array:
    """Central differences of ``loss_at()`` w.r.t. ``theta.flat[indices]`` (theta is changed and restored)."""
    flat = theta.reshape(-1)
    estimates = np.empty(len(indices))
    for i, index in enumerate(indices):
        saved = flat[index]
        flat[index] = saved + eps
        plus = loss_at()
        flat[index] = saved - eps
        minus = loss_at()
        flat[index] = saved
        estimates[i] = (plus - minus) / (2 * eps)
    return estimates


def check_gradients(
    model: MLP,
    X: Array,
    y: Array,
    loss: str = "cross_entropy",
    l2: float = 0.0,
    eps: float = 1e-6,
    max_entries: int | None = None,
    seed: int = 0,
    masks: dict | None = None,
) -> list[TensorCheck]:
    """One ``TensorCheck`` per parameter tensor, on a float64 copy of ``model``.

    ``max_entries`` caps the entries checked per tensor (a random sample); None checks all.
    ``masks`` (dropout's, ``network.dropout_masks``) are held fixed: the loss with those units
    dropped is a smooth function of the weights, and its gradient is what a training step uses.
    """
    model64 = model.copy(dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    masks64 = None if masks is None else {l: np.asarray(m, dtype=np.float64) for l, m in masks.items()}
    _, grads = model64.loss_and_grads(X64, y, loss, l2, masks=masks64)

    def loss_at() -> float:
        return model64.loss(model64.forward(X64, masks64), y, loss, l2)

    rng = np.random.default_rng(seed)
    checks = []
    for name, theta in model64.params.items():
        indices = np.arange(theta.size)
        if max_entries is not None and theta.size > max_entries:
            indices = np.sort(rng.choice(theta.size, max_entries, replace=False))
        numeric = numeric_gradient(loss_at, theta, indices, eps)
        checks.append(TensorCheck(name, grads[name].reshape(-1)[indices], numeric, indices))
    return checks
