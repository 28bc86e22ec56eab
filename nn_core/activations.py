"""Activation functions: one registry entry each, carrying everything the app shows of it.

An ``Activation`` holds the function ``f(Z)``, its derivative ``df(Z)`` (element-wise, with
respect to ``Z``), the label and the LaTeX of both, and its *flat region*: where the derivative
is below ``FLAT_SHARE`` of its peak, so almost no gradient gets through. A new activation is
one entry in ``ACTIVATIONS``: the sidebar, the lessons and the diagnostics read it from there.
Softmax is not element-wise, so it lives beside the registry with its own backward rule.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# A unit's activation is "flat" where g'(z) is below this share of its peak: sigmoid beyond
# |z| = 4.4, tanh beyond 2.2, ReLU below 0 (g' = 0 there).
FLAT_SHARE = 0.05
DEFAULT_LEAKY_SLOPE = 0.01


def relu(Z: Array) -> Array:
    return np.maximum(Z, 0)


def relu_derivative(Z: Array) -> Array:
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z: Array, slope: float = DEFAULT_LEAKY_SLOPE) -> Array:
    return np.where(Z > 0, Z, Z * Z.dtype.type(slope))


def leaky_relu_derivative(Z: Array, slope: float = DEFAULT_LEAKY_SLOPE) -> Array:
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


@dataclass(frozen=True)
class Flat:
    """Where an activation passes (almost) no gradient: ``intervals`` on the z axis (+-inf for
    open ends). ``stuck`` says whether a unit whose every input lies there has stopped learning
    (a dead ReLU, a saturated sigmoid); leaky ReLU's negative side is weak, not stuck."""

    label: str  # "dead: output 0, gradient 0"
    intervals: tuple[tuple[float, float], ...]
    stuck: bool = True
    stuck_as: str = "dead"  # what a stuck unit is called: "dead", "saturated"
    stuck_because: str = ""  # "output 0 for every digit"


def _saturation_threshold(df: Callable[[Array], Array], peak: float) -> float:
    """|z| beyond which ``df`` stays under FLAT_SHARE of ``peak`` (df even, falling from 0), by bisection."""
    low, high = 0.0, 1.0
    while float(df(np.array([high]))[0]) >= FLAT_SHARE * peak:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if float(df(np.array([middle]))[0]) >= FLAT_SHARE * peak else (low, middle)
    return high


def _relu_flat(slope: float) -> Flat:
    return Flat("dead: output 0, gradient 0", ((-math.inf, 0.0),), True, "dead", "output 0 for every validation digit")


def _leaky_flat(slope: float) -> Flat | None:
    if slope >= FLAT_SHARE:
        return None
    return Flat(f"weak: gradient only {slope:g}", ((-math.inf, 0.0),), stuck=False, stuck_as="weak")


def _saturating_flat(df: Callable[[Array], Array], peak: float) -> Callable[[float], Flat]:
    @functools.cache
    def threshold() -> float:
        return _saturation_threshold(df, peak)

    def flat(slope: float) -> Flat:
        t = threshold()
        return Flat(
            f"saturated: gradient under {FLAT_SHARE:.0%} of its peak",
            ((-math.inf, -t), (t, math.inf)),
            True,
            "saturated",
            "are saturated for every validation digit",
        )

    return flat


@dataclass(frozen=True)
class Activation:
    """One activation and what every page needs of it."""

    name: str
    label: str  # as the sidebar and the lessons write it
    f: Callable[..., Array]
    df: Callable[..., Array]
    latex: str  # g(z) = ...
    latex_derivative: str  # g'(z) = ...
    flat: Callable[[float], Flat | None]  # the flat region, given leaky ReLU's slope
    has_slope: bool = False  # takes leaky ReLU's ``slope`` argument
    switches_off: bool = False  # outputs exactly 0 for z <= 0, so "switched on" means z > 0


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            "ReLU",
            relu,
            relu_derivative,
            r"g(z) = \max(0, z)",
            r"g'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
            _relu_flat,
            switches_off=True,
        ),
        Activation(
            "leaky_relu",
            "leaky ReLU",
            leaky_relu,
            leaky_relu_derivative,
            r"g(z) = \begin{cases} z & z > 0 \\ a z & z \le 0 \end{cases}",
            r"g'(z) = \begin{cases} 1 & z > 0 \\ a & z \le 0 \end{cases}",
            _leaky_flat,
            has_slope=True,
            switches_off=True,
        ),
        Activation(
            "sigmoid",
            "sigmoid",
            sigmoid,
            sigmoid_derivative,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
            _saturating_flat(sigmoid_derivative, 0.25),
        ),
        Activation(
            "tanh",
            "tanh",
            tanh,
            tanh_derivative,
            r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            r"\tanh'(z) = 1 - \tanh^2(z)",
            _saturating_flat(tanh_derivative, 1.0),
        ),
        Activation(
            "identity",
            "none (linear)",
            identity,
            identity_derivative,
            r"g(z) = z",
            r"g'(z) = 1",
            lambda slope: None,
        ),
    )
}
DEFAULT_ACTIVATION = "relu"


class UnknownActivationError(ValueError):
    """An activation name that is not in the registry."""


def activation(name: str) -> Activation:
    """The registry entry called ``name``."""
    if name not in ACTIVATIONS:
        raise UnknownActivationError(f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def get_activation(
    name: str, slope: float = DEFAULT_LEAKY_SLOPE
) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    """Return ``(f, df)`` for ``name``; ``slope`` is leaky ReLU's slope for negative inputs."""
    entry = activation(name)
    if entry.has_slope:
        return functools.partial(entry.f, slope=slope), functools.partial(entry.df, slope=slope)
    return entry.f, entry.df


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


@dataclass(frozen=True)
class SoftmaxSteps:
    """softmax(z / T), one step at a time, for one row of logits."""

    logits: Array
    temperature: float
    scaled: Array  # z / T
    shifted: Array  # z / T - max: the largest is 0, so exp never overflows
    exps: Array  # in (0, 1]
    total: float
    probs: Array  # exps / total, sums to 1

    @property
    def top(self) -> int:
        """The class with the largest probability."""
        return int(np.argmax(self.probs))


def softmax_steps(z: Array, temperature: float = 1.0) -> SoftmaxSteps:
    if not temperature > 0:
        raise ValueError("the temperature must be above 0")
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    scaled = z / temperature
    shifted = scaled - scaled.max()
    exps = np.exp(shifted)
    total = float(exps.sum())
    return SoftmaxSteps(z, float(temperature), scaled, shifted, exps, total, exps / total)
