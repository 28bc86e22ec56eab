"""One neuron, the seed notebook's example: ``Z = w·x + b``, ``A = g(Z)``, ``E = (A - Y)^2``.

The chain rule, one factor at a time, as the Backpropagation page writes it out:

    dE/dw = dE/dA · dA/dZ · dZ/dw = 2(A - Y) · g'(Z) · x
    dE/db = dE/dA · dA/dZ · dZ/db = 2(A - Y) · g'(Z) · 1
    dE/dx = dE/dA · dA/dZ · dZ/dx = 2(A - Y) · g'(Z) · w

``notebook_boxed_gradients`` is what the notebook boxed instead (``w`` where ``x`` belongs, ``1``
where ``w`` belongs), kept so the page can show both beside a finite-difference estimate.
Everything is float64: these are teaching numbers, not training ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.activations import get_activation
from nn_core.gradcheck import numeric_gradient

Array = np.ndarray
NEURON_ACTIVATION = "sigmoid"  # the notebook's single neuron


@dataclass(frozen=True)
class NeuronPass:
    """The forward pass of one neuron and every factor of its chain rule."""

    x: Array  # inputs, shape (k,)
    w: Array  # weights, shape (k,)
    b: float
    y: float  # target
    Z: float
    A: float
    E: float
    dE_dA: float  # 2 (A - Y)
    dA_dZ: float  # g'(Z)
    dE_dZ: float  # their product, the neuron's "error signal"
    dE_dw: Array  # dE/dZ · x, shape (k,)
    dE_db: float  # dE/dZ · 1
    dE_dx: Array  # dE/dZ · w, shape (k,)


def _vector(values) -> Array:
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


def neuron(x, w, b: float, y: float, activation: str = NEURON_ACTIVATION) -> NeuronPass:
    """Forward pass and chain-rule gradients; ``x`` and ``w`` are numbers or equal-length vectors."""
    x, w = _vector(x), _vector(w)
    if x.shape != w.shape:
        raise ValueError(f"{len(x)} inputs need {len(x)} weights, got {len(w)}")
    g, g_prime = get_activation(activation)
    Z = float(w @ x + b)
    A = float(g(np.float64(Z)))
    dE_dA = 2.0 * (A - y)
    dA_dZ = float(g_prime(np.float64(Z)))
    dE_dZ = dE_dA * dA_dZ
    return NeuronPass(x, w, float(b), float(y), Z, A, (A - y) ** 2, dE_dA, dA_dZ, dE_dZ, dE_dZ * x, dE_dZ, dE_dZ * w)


def neuron_error(x, w, b: float, y: float, activation: str = NEURON_ACTIVATION) -> float:
    """E = (g(w·x + b) - y)^2."""
    g, _ = get_activation(activation)
    return float((g(np.float64(_vector(w) @ _vector(x) + b)) - y) ** 2)


def numeric_neuron_gradients(x, w, b: float, y: float, activation: str = NEURON_ACTIVATION, eps: float = 1e-6) -> dict:
    """Central-difference estimates ``{"dE_dw", "dE_db", "dE_dx"}``, shaped like ``neuron``'s
    (``gradcheck.numeric_gradient``: the same loop that checks the whole network)."""
    x, w, bias = _vector(x).copy(), _vector(w).copy(), np.array([float(b)])

    def error() -> float:
        return neuron_error(x, w, float(bias[0]), y, activation)

    return {
        "dE_dw": numeric_gradient(error, w, np.arange(len(w)), eps),
        "dE_db": float(numeric_gradient(error, bias, np.arange(1), eps)[0]),
        "dE_dx": numeric_gradient(error, x, np.arange(len(x)), eps),
    }


def notebook_boxed_gradients(p: NeuronPass) -> dict:
    """The notebook's boxed formulas: ``dE/dw = 2(A-Y) g'(Z) · w`` and ``dE/dx = 2(A-Y) g'(Z) · 1``
    (``dE/db`` is right)."""
    return {"dE_dw": p.dE_dZ * p.w, "dE_db": p.dE_dZ, "dE_dx": np.full_like(p.x, p.dE_dZ)}


def gradient_step(p: NeuronPass, lr: float) -> tuple[Array, float]:
    """The weights and bias after one step downhill: ``w - lr · dE/dw``, ``b - lr · dE/db``."""
    return p.w - lr * p.dE_dw, p.b - lr * p.dE_db
