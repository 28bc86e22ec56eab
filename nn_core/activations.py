"""Activation functions and their derivatives, in a registry keyed by name.

Each entry is a pair ``(f, df)``: ``f(Z)`` is the activation, ``df(Z)`` its derivative
with respect to ``Z``, element-wise. A new activation is one entry in ``ACTIVATIONS``.
Softmax is not element-wise, so it lives beside the registry with its own backward rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

Array = np.ndarray


def relu(Z: Array) -> Array:
    return np.maximum(Z, 0)


def relu_derivative(Z: Array) -> Array:
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z: Array, slope: float = 0.01) -> Array:
    return np.where(Z > 0, Z, Z * Z.dtype.type(slope))


def leaky_relu_derivative(Z: Array, slope: float = 0.01) -> Array:
    return np.where(Z > 0, Z.dtype.type(1), Z.dtype.type(slope))


def sigmoid(Z: Array) -> Array:
    # exp of a large positive number overflows, so only ever exponentiate -|Z|.
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def sigmoid_derivative(Z: Array) -> Array:
    S = sigmoid(Z)
    return S * (1 - S)


def tanh(Z: Array) -> Array:
    return np.tanh(Z)


def tanh_derivative(Z: Array) -> Array:
    return 1 - np.tanh(Z) ** 2


def identity(Z: Array) -> Array:
    return Z


def identity_derivative(Z: Array) -> Array:
    return np.ones_like(Z)


ACTIVATIONS: dict[str, tuple[Callable[..., Array], Callable[..., Array]]] = {
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "identity": (identity, identity_derivative),
}


class UnknownActivationError(ValueError):
    """An activation name that is not in the registry."""


def get_activation(name: str, slope: float = 0.01) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    """Return ``(f, df)`` for ``name``; ``slope`` is leaky ReLU's slope for negative inputs."""
    if name not in ACTIVATIONS:
        raise UnknownActivationError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}")
    f, df = ACTIVATIONS[name]
    if name == "leaky_relu":
        return functools.partial(f, slope=slope), functools.partial(df, slope=slope)
    return f, df


def softmax(Z: Array) -> Array:
    """Row-wise softmax of logits ``Z`` (n, classes); each row sums to 1.

    Subtracting each row's maximum changes nothing mathematically (the factor cancels)
    but keeps ``exp`` from overflowing for large logits.
    """
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_and_log_norm(Z: Array) -> tuple[Array, Array]:
    """``softmax(Z)`` and, per row, ``log(sum(exp(Z)))`` (shape (n,)), from one exponentiation:
    the cross-entropy of row i is then ``log_norm[i] - Z[i, y_i]``, with no second pass."""
    peak = Z.max(axis=-1, keepdims=True)
    E = np.exp(Z - peak)
    total = E.sum(axis=-1, keepdims=True)
    E /= total
    return E, (peak + np.log(total))[..., 0]


def softmax_jacobian(a: Array) -> Array:
    """Jacobian dA/dZ of softmax for one row of probabilities ``a`` (k,): ``diag(a) - a a^T``."""
    return np.diag(a) - np.outer(a, a)


def softmax_backward(A: Array, dA: Array) -> Array:
    """dZ from dA through softmax, row by row, without building the Jacobian.

    Row i: ``J_i^T dA_i = A_i * (dA_i - <dA_i, A_i>)``.
    """
    return A * (dA - (dA * A).sum(axis=-1, keepdims=True))
