"""The chain rule as products of local slopes: on a chain of two units, and on a network's first layer.

The chain, the notebook's neuron (part 1 of the Backpropagation page) with one hidden unit before it:

    x → z1 = w1·x + b1 → a1 = g(z1) → z2 = w2·a1 + b2 → a2 = σ(z2) → E = (a2 − y)²

Each arrow has its own *local* slope (∂z1/∂w1 = x, ∂a1/∂z1 = g'(z1), ∂z2/∂a1 = w2, ∂a2/∂z2 = σ'(z2),
∂E/∂a2 = 2(a2 − y)), and a parameter's gradient is the product of the local slopes on its path to E:

    ∂E/∂w1 = ∂E/∂a2 · ∂a2/∂z2 · ∂z2/∂a1 · ∂a1/∂z1 · ∂z1/∂w1 = 2(a2 − y) · σ'(z2) · w2 · g'(z1) · x

One zero on a path (a switched-off ReLU, a blank pixel) makes the product exactly 0:
``zero_gradients`` counts where that happens in a network's first layer on one digit. Every number
is float64: these are teaching numbers. ``numeric_slope`` checks any slope by central differences
(``gradcheck.numeric_gradient``, the loop that checks the whole network).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nn_core.activations import DEFAULT_ACTIVATION, DEFAULT_LEAKY_SLOPE, get_activation
from nn_core.gradcheck import numeric_gradient
from nn_core.losses import DEFAULT_LOSS
from nn_core.network import MLP

from .neuron import NEURON_ACTIVATION

Array = np.ndarray
Slope = tuple[str, str]  # (of, with respect to): ("z1", "w1") is ∂z1/∂w1

NODES = ("x", "z1", "a1", "z2", "a2", "E")  # the chain, in forward order
PARAMETERS = ("w1", "b1", "w2", "b2")
INPUTS = ("x", *PARAMETERS, "y")

# Each node, from the nodes and parameters it is computed from: the local slopes are d(node)/d(each).
FEEDS: dict[str, tuple[str, ...]] = {
    "z1": ("x", "w1", "b1"),
    "a1": ("z1",),
    "z2": ("a1", "w2", "b2"),
    "a2": ("z2",),
    "E": ("a2",),
}
LOCAL_SLOPES: tuple[Slope, ...] = tuple((node, source) for node, sources in FEEDS.items() for source in sources)

# Every name as LaTeX, and every local slope's formula.
SYMBOLS = {"x": "x", "w1": "w_1", "b1": "b_1", "z1": "z_1", "a1": "a_1", "w2": "w_2", "b2": "b_2"}
SYMBOLS |= {"z2": "z_2", "a2": "a_2", "E": "E", "y": "y"}
SLOPE_FORMULAS: dict[Slope, str] = {
    ("z1", "x"): "w_1",
    ("z1", "w1"): "x",
    ("z1", "b1"): "1",
    ("a1", "z1"): "g'(z_1)",
    ("z2", "a1"): "w_2",
    ("z2", "w2"): "a_1",
    ("z2", "b2"): "1",
    ("a2", "z2"): r"\sigma'(z_2)",
    ("E", "a2"): "2(a_2 - y)",
}


def path(wrt: str) -> tuple[Slope, ...]:
    """The local slopes from E back to ``wrt`` (a parameter, ``x`` or a node), the loss's end first."""
    slopes: list[Slope] = []
    node = wrt
    while node != "E":
        fed = next(n for n, sources in FEEDS.items() if node in sources)
        slopes.append((fed, node))
        node = fed
    return tuple(reversed(slopes))


def _at(f, z: float) -> float:
    return float(f(np.array([z], dtype=np.float64))[0])


def _forward(inputs: dict[str, float], activation: str, slope: float, held: dict[str, float]) -> dict[str, float]:
    """Every value of the chain; a name in ``held`` takes that value instead of the one computed
    (how ``numeric_slope`` moves one quantity alone)."""
    g, _ = get_activation(activation, slope)
    sigma, _ = get_activation(NEURON_ACTIVATION)
    v = {name: held.get(name, value) for name, value in inputs.items()}
    v["z1"] = held.get("z1", v["w1"] * v["x"] + v["b1"])
    v["a1"] = held.get("a1", _at(g, v["z1"]))
    v["z2"] = held.get("z2", v["w2"] * v["a1"] + v["b2"])
    v["a2"] = held.get("a2", _at(sigma, v["z2"]))
    v["E"] = held.get("E", (v["a2"] - v["y"]) ** 2)
    return v


@dataclass(frozen=True)
class ChainPass:
    """One chain, forward and backward: its values, its local slopes, and each gradient as their
    product along a path (``gradient``) and as the backward sweep finds it (``node_gradients``)."""

    inputs: dict[str, float]  # x, w1, b1, w2, b2, y
    activation: str  # g's registry name
    leaky_slope: float
    values: dict[str, float]  # the inputs, then z1, a1, z2, a2, E
    slopes: dict[Slope, float]  # every local slope, keyed (of, with respect to)
    node_gradients: dict[str, float]  # ∂E/∂node for E, a2, z2, a1, z1, x: one backward sweep

    def factors(self, wrt: str) -> list[tuple[Slope, float]]:
        """The local slopes on ``wrt``'s path with their values, the loss's end first."""
        return [(s, self.slopes[s]) for s in path(wrt)]

    def gradient(self, wrt: str) -> float:
        """∂E/∂wrt: the product of the local slopes on its path."""
        return math.prod(value for _, value in self.factors(wrt))

    @property
    def gradients(self) -> dict[str, float]:
        """∂E/∂ of every parameter and of x."""
        return {name: self.gradient(name) for name in ("x", *PARAMETERS)}

    def zero_on_path(self, wrt: str) -> Slope | None:
        """The first local slope on ``wrt``'s path (from the loss) that is exactly 0, or None."""
        return next((s for s, value in self.factors(wrt) if value == 0), None)


def chain(
    x: float,
    w1: float,
    w2: float,
    y: float,
    b1: float = 0.0,
    b2: float = 0.0,
    activation: str = DEFAULT_ACTIVATION,
    leaky_slope: float = DEFAULT_LEAKY_SLOPE,
) -> ChainPass:
    """The chain's forward pass, every local slope, and the backward sweep; ``activation`` is the
    hidden unit's g (a registry name), the output unit is the notebook's sigmoid."""
    _, g_prime = get_activation(activation, leaky_slope)
    _, sigma_prime = get_activation(NEURON_ACTIVATION)
    inputs = {"x": float(x), "w1": float(w1), "b1": float(b1), "w2": float(w2), "b2": float(b2), "y": float(y)}
    v = _forward(inputs, activation, leaky_slope, {})
    slopes = {
        ("z1", "x"): v["w1"],
        ("z1", "w1"): v["x"],
        ("z1", "b1"): 1.0,
        ("a1", "z1"): _at(g_prime, v["z1"]),
        ("z2", "a1"): v["w2"],
        ("z2", "w2"): v["a1"],
        ("z2", "b2"): 1.0,
        ("a2", "z2"): _at(sigma_prime, v["z2"]),
        ("E", "a2"): 2.0 * (v["a2"] - v["y"]),
    }
    # The backward sweep: each node's gradient is the one after it times one local slope, so the
    # shared part of every path (∂E/∂a2 · ∂a2/∂z2 ...) is multiplied once, not once per parameter.
    node_gradients = {"E": 1.0}
    for node, source in (("E", "a2"), ("a2", "z2"), ("z2", "a1"), ("a1", "z1"), ("z1", "x")):
        node_gradients[source] = node_gradients[node] * slopes[(node, source)]
    return ChainPass(inputs, activation, float(leaky_slope), v, slopes, node_gradients)


def numeric_slope(p: ChainPass, of: str, wrt: str, eps: float = 1e-6) -> float:
    """d(of)/d(wrt) by central differences: ``wrt`` moved by ±eps alone, everything it feeds recomputed.
    ``of="E"`` checks a gradient; ``of`` next to ``wrt`` checks one local slope."""
    theta = np.array([p.values[wrt]], dtype=np.float64)

    def value_of() -> float:
        return _forward(p.inputs, p.activation, p.leaky_slope, {wrt: float(theta[0])})[of]

    return float(numeric_gradient(value_of, theta, np.arange(1), eps)[0])


@dataclass(frozen=True)
class GradientCheck:
    """One gradient of the chain: the product of local slopes against central differences."""

    name: str
    chain_rule: float
    numeric: float

    @property
    def difference(self) -> float:
        return abs(self.chain_rule - self.numeric)


def check(p: ChainPass, eps: float = 1e-6) -> list[GradientCheck]:
    """Every parameter's gradient and x's, each against central differences on E."""
    return [GradientCheck(name, p.gradient(name), numeric_slope(p, "E", name, eps)) for name in ("x", *PARAMETERS)]


def product_latex(p: ChainPass, wrt: str) -> str:
    """∂E/∂wrt in LaTeX, one line each: the local slopes on its path, their formulas, their values
    and the product (what the page prints; the numbers are ``p``'s)."""
    factors = p.factors(wrt)
    fractions = r" \cdot ".join(
        rf"\frac{{\partial {SYMBOLS[of]}}}{{\partial {SYMBOLS[by]}}}" for (of, by), _ in factors
    )
    formulas = r" \cdot ".join(SLOPE_FORMULAS[s] for s, _ in factors)
    values = "".join(f"({number(value)})" for _, value in factors)
    lhs = rf"\frac{{\partial E}}{{\partial {SYMBOLS[wrt]}}}"
    return (
        rf"\begin{{aligned}}{lhs} &= {fractions} \\ &= {formulas} \\ &= {values} = {number(p.gradient(wrt))}"
        r"\end{aligned}"
    )


def number(value: float) -> str:
    """A teaching number: four significant digits, and a plain 0 when it is exactly 0."""
    return "0" if value == 0 else f"{value:.4g}"


@dataclass(frozen=True)
class ZeroGradients:
    """Where a product of local slopes is exactly 0 in a network's first layer, on one input:
    dW1[j, i] = dZ1[j] · x[i], so a blank pixel (x[i] = 0) or a unit passing nothing back
    (dZ1[j] = 0, as a switched-off ReLU does, g' = 0) zeroes it."""

    weights: int  # entries of W1
    zero: int  # of which dW1 is exactly 0
    inputs: int
    blank_inputs: int  # pixels with x = 0
    units: int
    silent_units: int  # first-layer units with dZ1 = 0

    @property
    def zero_share(self) -> float:
        return self.zero / self.weights


def zero_gradients(model: MLP, x: Array, label: int, loss: str = DEFAULT_LOSS) -> ZeroGradients:
    """Count the exact zeros of dW1 for one input ``x`` with its ``label``, and the reasons."""
    x = np.asarray(x, dtype=model.dtype).reshape(1, -1)
    grads = model.backward(model.forward(x), np.array([int(label)]), loss)
    dW1, dZ1 = grads["dW1"], grads["dZ1"][0]
    return ZeroGradients(
        dW1.size, int((dW1 == 0).sum()), x.shape[1], int((x == 0).sum()), len(dZ1), int((dZ1 == 0).sum())
    )
