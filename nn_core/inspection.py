"""Looking inside one network on one input: a unit's sum, the gradient of one sample, one step on
a copy, the loss along one weight. Each function returns plain arrays or small records and never
changes the model it is given (``one_sample_step`` works on a copy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import softmax, softmax_jacobian
from .diagnostics import dead_units
from .gradcheck import numeric_gradient
from .losses import DEFAULT_LOSS, cross_entropy, one_hot
from .network import MLP

Array = np.ndarray


def largest_entries(values: Array, k: int) -> Array:
    """Indices of the ``k`` entries of the 1-D ``values`` largest in size, largest first."""
    return np.argsort(-np.abs(np.asarray(values).reshape(-1)), kind="stable")[:k]


def largest_index(values: Array) -> tuple[int, ...]:
    """The index (one int per axis) of the entry of ``values`` largest in size."""
    values = np.asarray(values)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(values))), values.shape))


def slope_at(model: MLP, z: float) -> float:
    """The hidden activation's derivative g'(z) at one value."""
    return float(model.g_prime(np.array([z], dtype=model.dtype))[0])


def activation_at(model: MLP, z: float) -> float:
    """The hidden activation g(z) at one value, in float64."""
    return float(model.g(np.array([z], dtype=np.float64))[0])


@dataclass(frozen=True)
class UnitResponse:
    """How one hidden unit responds to a set of labelled inputs."""

    unit: int
    means: Array  # its mean activation over each class's inputs, (classes,)
    favourite: int  # the class it responds to most
    dead: bool  # stuck for every input (``diagnostics.dead_units``)


def unit_response(model: MLP, X: Array, y: Array, unit: int, layer: int = 1) -> UnitResponse:
    cache = model.forward(X)
    A = cache[f"A{layer}"][:, unit].astype(np.float64)
    classes = model.layer_sizes[-1]
    means = np.bincount(y, weights=A, minlength=classes) / np.maximum(np.bincount(y, minlength=classes), 1)
    dead = bool(dead_units(cache[f"Z{layer}"][:, [unit]], model.activation, model.leaky_slope)[0])
    return UnitResponse(unit, means, int(np.argmax(means)), dead)


def added_by_training(now: dict[str, Array], start: dict[str, Array], name: str) -> Array:
    """What training added to parameter ``name``: its value now minus at the start."""
    return now[name] - start[name]


@dataclass(frozen=True)
class Answer:
    """The network's answer for one input."""

    probs: Array  # (classes,)
    guess: int
    runner_up: int

    @property
    def confidence(self) -> float:
        return float(self.probs[self.guess])


def answer(model: MLP, x: Array) -> Answer:
    probs = model.predict_proba(np.asarray(x).reshape(1, -1))[0]
    order = np.argsort(probs, kind="stable")
    return Answer(probs, int(order[-1]), int(order[-2]) if len(order) > 1 else int(order[-1]))


@dataclass(frozen=True)
class UnitSum:
    """How hidden unit j adds up its input: ``Z1[j] = sum_i W1[j, i] x_i + b1[j]``."""

    unit: int
    weights: Array  # W1[j], (inputs,)
    products: Array  # W1[j] * x, (inputs,)
    bias: float
    z: float
    inked: int  # inputs that are not 0

    @property
    def total(self) -> float:
        """The weighted sum before the bias."""
        return float(self.products.sum())

    def top_pixels(self, k: int = 3) -> Array:
        """Indices of the ``k`` products largest in size."""
        return largest_entries(self.products, k)


def unit_sum(model: MLP, x: Array, unit: int) -> UnitSum:
    W, b = model.params["W1"], model.params["b1"]
    if not 0 <= unit < W.shape[0]:
        raise ValueError(f"the first layer has units 0 to {W.shape[0] - 1}, not {unit}")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    weights = W[unit].astype(np.float64)
    products = weights * x
    return UnitSum(unit, weights, products, float(b[unit]), float(products.sum() + b[unit]), int((x != 0).sum()))


def units_switched_on(model: MLP, x: Array) -> int:
    """How many first-layer units have Z > 0 for the input ``x``."""
    return int((model.forward(np.asarray(x).reshape(1, -1))["Z1"][0] > 0).sum())


def next_mistake(model: MLP, X: Array, y: Array, after: int = -1) -> int | None:
    """The first row after ``after`` (wrapping round) that the model gets wrong; None if none."""
    wrong = np.flatnonzero(model.predict(X) != y)
    if len(wrong) == 0:
        return None
    later = wrong[wrong > after]
    return int(later[0] if len(later) else wrong[0])


@dataclass(frozen=True)
class LogitGradient:
    """dL/dZ for softmax + cross-entropy on one sample: the formula A - Y against finite differences."""

    logits: Array
    probs: Array
    target: Array  # one-hot Y
    analytic: Array  # A - Y
    numeric: Array

    @property
    def max_difference(self) -> float:
        return float(np.abs(self.analytic - self.numeric).max())

    @property
    def jacobian(self) -> Array:
        """Softmax's derivative on this sample, dA_k/dZ_j = A_k (delta_kj - A_j), (classes, classes)."""
        return softmax_jacobian(self.probs)

    @property
    def through_jacobian(self) -> Array:
        """The chain rule done the long way, J^T dL/dA with dL/dA = -Y / A: equal to A - Y."""
        dL_dA = -self.target / np.maximum(self.probs, np.finfo(np.float64).tiny)
        return self.jacobian.T @ dL_dA

    @property
    def jacobian_difference(self) -> float:
        """The largest difference between the long way and A - Y."""
        return float(np.abs(self.through_jacobian - self.analytic).max())


def logit_gradient(z: Array, label: int, eps: float = 1e-6) -> LogitGradient:
    z = np.array(z, dtype=np.float64).reshape(1, -1)
    labels = np.array([label])
    numeric = numeric_gradient(lambda: cross_entropy(z, labels), z, np.arange(z.size), eps)
    probs = softmax(z)[0]
    target = one_hot(labels, z.shape[1], np.float64)[0]
    return LogitGradient(z[0], probs, target, probs - target, numeric)


@dataclass
class OneStep:
    """One gradient-descent step on one sample, on a copy of the network."""

    backward: dict[str, Array]  # every dZ, dA, dW, db of the sample (dA0 included)
    before: dict[str, Array]
    after: dict[str, Array]
    loss_before: float
    loss_after: float
    probs_before: Array
    probs_after: Array
    cache: dict[str, Array]  # the forward pass before the step

    @property
    def busiest_unit(self) -> int:
        """The first-layer unit with the largest |dZ1|: where most gradient arrives."""
        return int(largest_entries(self.backward["dZ1"][0], 1)[0])

    def unit_passing_most(self, layer: int) -> int:
        """The unit of hidden ``layer`` whose dZ is largest in size (where dZ is all 0, as for a
        layer of dead units, the one whose dA is largest)."""
        dZ = self.backward[f"dZ{layer}"][0]
        return int(largest_entries(dZ if np.any(dZ) else self.backward[f"dA{layer}"][0], 1)[0])


def one_sample_step(model: MLP, x: Array, label: int, lr: float, loss: str = DEFAULT_LOSS) -> OneStep:
    """Forward, backward and ``W <- W - lr dW`` on the single sample ``x``, on a copy of ``model``."""
    copy = model.copy()
    x = np.asarray(x, dtype=copy.dtype).reshape(1, -1)
    y = np.array([label])
    cache = copy.forward(x)
    L = copy.n_layers
    backward = copy.backward(cache, y, loss, input_grad=True)
    before = {k: v.copy() for k, v in copy.params.items()}
    for name, value in copy.params.items():
        value -= copy.dtype.type(lr) * backward["d" + name]
    after_cache = copy.forward(x)
    return OneStep(
        backward,
        before,
        copy.params,
        copy.loss(cache, y, loss),
        copy.loss(after_cache, y, loss),
        cache[f"A{L}"][0],
        after_cache[f"A{L}"][0],
        cache,
    )


@dataclass(frozen=True)
class LossSlice:
    """The loss as one weight moves, and the tangent whose slope is backprop's gradient."""

    name: str
    index: tuple[int, ...]
    value: float  # the weight now
    offsets: Array  # added to the weight
    losses: Array
    loss: float  # at offset 0
    gradient: float  # backprop's dL/dweight

    def tangent(self) -> Array:
        return self.loss + self.gradient * self.offsets


def loss_slice(
    model: MLP,
    X: Array,
    y: Array,
    name: str,
    index: tuple[int, ...],
    span: float = 1.0,
    points: int = 41,
    loss: str = DEFAULT_LOSS,
) -> LossSlice:
    """Loss on ``(X, y)`` with ``params[name][index]`` moved by offsets in [-span, span], in float64."""
    model64 = model.copy(dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    if name not in model64.params:
        raise ValueError(f"no parameter {name!r}: choose one of {', '.join(model64.params)}")
    theta = model64.params[name]
    index = tuple(int(i) for i in np.atleast_1d(index))
    _, grads = model64.loss_and_grads(X64, y, loss)
    saved = float(theta[index])
    offsets = np.linspace(-span, span, points)
    losses = np.empty(points)
    for i, offset in enumerate(offsets):
        theta[index] = saved + offset
        losses[i] = model64.loss(model64.forward(X64), y, loss)
    theta[index] = saved
    loss0 = model64.loss(model64.forward(X64), y, loss)
    return LossSlice(name, index, saved, offsets, losses, loss0, float(grads[name][index]))


@dataclass(frozen=True)
class DescentAlong:
    """Gradient descent on one weight alone (every other parameter fixed), from its value now."""

    name: str
    index: tuple[int, ...]
    lr: float
    positions: Array  # the weight's value before each step: theta_0, theta_1, ..., theta_n
    losses: Array  # the loss at each
    curvature: float  # d2L/dtheta2 at theta_0, by central differences of backprop's gradient

    @property
    def reach(self) -> float:
        """How far the steps took the weight from where it was."""
        return float(np.abs(self.positions - self.positions[0]).max(initial=0.0))

    @property
    def landing_rate(self) -> float:
        """1 / curvature: the rate whose first step lands at the bottom of a parabola of this
        curvature; below it steps creep, above twice it they overshoot and climb. inf where the
        loss is not curved upwards here."""
        return 1.0 / self.curvature if self.curvature > 0 else float("inf")

    @property
    def outcome(self) -> str:
        """What the steps did: "crept", "landed", "overshot" or "climbed"."""
        first, last = float(self.losses[0]), float(self.losses[-1])
        if not np.isfinite(last) or last > first:
            return "climbed"
        moves = np.diff(self.positions)
        if len(moves) > 1 and np.any(np.sign(moves[1:]) != np.sign(moves[:-1])):
            return "overshot"
        return "landed" if self.lr >= 0.5 * self.landing_rate else "crept"


def descent_along(
    model: MLP,
    X: Array,
    y: Array,
    name: str,
    index: tuple[int, ...],
    lr: float,
    steps: int = 5,
    loss: str = DEFAULT_LOSS,
) -> DescentAlong:
    """``steps`` updates ``theta <- theta - lr dL/dtheta`` of the one weight ``params[name][index]``
    on ``(X, y)``, in float64 on a copy: the learning rate's effect, drawn on the loss along that weight."""
    model64 = model.copy(dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    theta = model64.params[name]
    index = tuple(int(i) for i in np.atleast_1d(index))

    def at(value: float) -> tuple[float, float]:
        theta[index] = value
        value_loss, grads = model64.loss_and_grads(X64, y, loss)
        return value_loss, float(grads[name][index])

    start = float(theta[index])
    h = 1e-4 * max(1.0, abs(start))
    curvature = (at(start + h)[1] - at(start - h)[1]) / (2 * h)
    positions, losses = [start], []
    for _ in range(steps):
        value_loss, gradient = at(positions[-1])
        losses.append(value_loss)
        if not np.isfinite(value_loss) or abs(positions[-1]) > 1e6:
            break
        positions.append(positions[-1] - lr * gradient)
    if len(losses) < len(positions):
        losses.append(at(positions[-1])[0])
    return DescentAlong(name, index, float(lr), np.array(positions), np.array(losses), float(curvature))


@dataclass(frozen=True)
class NetworkPicture:
    """A network on one input, reduced to what a diagram can show: per hidden layer the ``units``
    the input switches on most, and per layer the values forward (activations, weights) and
    backward (the gradient through each unit and each connection) for that input.

    Lists are indexed by layer, 0 (the input) to L (the output); entry 0 of the per-unit lists is
    empty (the input is drawn whole). ``weights[l]`` and ``weight_gradients[l]`` are
    (shown units of l, shown units of l - 1); for l = 1 their one column is the whole input:
    ``Z1`` of each unit (what the input adds up to in it) and ``|dZ1| ||x||`` (the size of its
    row of dW1)."""

    layer_sizes: list[int]
    units: list[Array]
    activations: list[Array]  # A of the shown units; the probabilities at the output
    weights: list[Array]
    unit_gradients: list[Array]  # dZ of the shown units
    weight_gradients: list[Array]  # dW entries between shown units
    probs: Array
    label: int | None


def network_picture(model: MLP, x: Array, label: int | None = None, units: int = 8) -> NetworkPicture:
    """The diagram's numbers for ``x`` (and, for the backward values, its ``label``; without one,
    the network's own answer is taken as the target)."""
    x = np.asarray(x, dtype=model.dtype).reshape(1, -1)
    cache = model.forward(x)
    L = model.n_layers
    probs = cache[f"A{L}"][0].astype(np.float64)
    target = int(np.argmax(probs)) if label is None else int(label)
    grads = model.backward(cache, np.array([target]))
    shown = [np.empty(0, dtype=int)]
    for l in range(1, L):
        A, Z = cache[f"A{l}"][0], cache[f"Z{l}"][0]
        score = A if np.any(A > 0) else Z  # a dead layer: the units nearest to switching on
        shown.append(np.sort(np.argsort(-score, kind="stable")[: min(units, len(A))]))
    shown.append(np.arange(model.layer_sizes[-1]))
    activations, weights, unit_gradients, weight_gradients = (
        [np.empty(0)],
        [np.empty((0, 0))],
        [np.empty(0)],
        [np.empty((0, 0))],
    )
    for l in range(1, L + 1):
        rows = shown[l]
        activations.append(cache[f"A{l}"][0][rows].astype(np.float64))
        dZ = grads[f"dZ{l}"][0].astype(np.float64)
        unit_gradients.append(dZ[rows])
        if l == 1:
            weights.append(cache["Z1"][0][rows].astype(np.float64)[:, None])
            weight_gradients.append((np.abs(dZ[rows]) * float(np.linalg.norm(x)))[:, None])
        else:
            columns = shown[l - 1]
            weights.append(model.params[f"W{l}"][np.ix_(rows, columns)].astype(np.float64))
            weight_gradients.append(grads[f"dW{l}"][np.ix_(rows, columns)].astype(np.float64))
    return NetworkPicture(
        list(model.layer_sizes), shown, activations, weights, unit_gradients, weight_gradients, probs, label
    )


def input_gradient(model: MLP, x: Array, target: int) -> Array:
    """``-dL/dx`` for the loss ``-log p(target)``: the pixels where more ink would raise the
    target class's probability (positive) or lower it (negative), shape (inputs,)."""
    cache = model.forward(np.asarray(x).reshape(1, -1))
    grads = model.backward(cache, np.array([target]), input_grad=True)
    return -grads["dA0"][0]


def input_attribution(model: MLP, x: Array, target: int) -> Array:
    """The input gradient times the input (``-dL/dx * x``): how much each pixel's own ink pushed
    towards ``target`` (positive) or away (negative); 0 where there is no ink, shape (inputs,)."""
    return input_gradient(model, x, target) * np.asarray(x, dtype=np.float64).reshape(-1)


def strongest_units(model: MLP, x: Array, k: int = 8) -> tuple[Array, Array]:
    """The ``k`` first-layer units with the largest activation on ``x``: (units, activations)."""
    A1 = model.forward(np.asarray(x).reshape(1, -1))["A1"][0]
    units = np.argsort(-A1, kind="stable")[:k]
    return units, A1[units]
