"""Looking inside a network: the numbers the lesson pages show, computed here, never in a page.

Each function takes a model (or arrays) and returns plain arrays or small records; none
changes the model it is given (``one_sample_step`` works on a copy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import softmax
from .losses import cross_entropy, one_hot
from .network import INITS, MLP
from .train import Trainer

Array = np.ndarray

# A unit "saturates" where its derivative is below this share of its peak (sigmoid: |z| > 4.4,
# tanh: |z| > 2.2): the gradient through it is almost nothing.
SATURATION_SHARE = 0.05


# -- data --------------------------------------------------------------------------------


def class_means(X: Array, y: Array, classes: int) -> Array:
    """The average image of each class, shape (classes, features); zeros for an absent class."""
    sums = np.zeros((classes, X.shape[1]), dtype=np.float64)
    np.add.at(sums, y, X)
    counts = np.bincount(y, minlength=classes)[:, None]
    return (sums / np.maximum(counts, 1)).astype(np.float32)


def samples_per_class(y: Array, classes: int, per_class: int) -> Array:
    """Row indices of the first ``per_class`` samples of each class, shape (classes, per_class);
    -1 where a class has fewer."""
    grid = np.full((classes, per_class), -1, dtype=np.int64)
    for label in range(classes):
        rows = np.flatnonzero(y == label)[:per_class]
        grid[label, : len(rows)] = rows
    return grid


# -- activations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FlatRegion:
    """Where an activation passes (almost) no gradient, and how much of a layer lies there."""

    label: str
    intervals: tuple[tuple[float, float], ...]  # on the Z axis; +-inf for open ends
    fraction: float  # share of the given pre-activations inside the intervals


def saturation_threshold(activation: str) -> float:
    """|z| beyond which g'(z) < SATURATION_SHARE of its peak (sigmoid and tanh)."""
    if activation == "sigmoid":  # s(1 - s) = share / 4  ->  s = (1 + sqrt(1 - share)) / 2
        s = (1 + math.sqrt(1 - SATURATION_SHARE)) / 2
        return math.log(s / (1 - s))
    if activation == "tanh":  # 1 - t^2 = share
        return math.atanh(math.sqrt(1 - SATURATION_SHARE))
    raise ValueError(f"{activation} does not saturate")


def flat_region(Z: Array, activation: str, slope: float = 0.01) -> FlatRegion | None:
    """The dead (ReLU), weak (leaky ReLU) or saturated (sigmoid, tanh) part of ``Z``; None for identity."""
    Z = np.asarray(Z)
    if activation == "relu":
        return FlatRegion("dead: output 0, gradient 0", ((-math.inf, 0.0),), float((Z <= 0).mean()))
    if activation == "leaky_relu":
        return FlatRegion(f"weak: gradient only {slope:g}", ((-math.inf, 0.0),), float((Z <= 0).mean()))
    if activation in ("sigmoid", "tanh"):
        t = saturation_threshold(activation)
        share = f"{SATURATION_SHARE:.0%}"
        return FlatRegion(
            f"saturated: gradient under {share} of its peak",
            ((-math.inf, -t), (t, math.inf)),
            float((np.abs(Z) > t).mean()),
        )
    return None


def dead_units(Z: Array) -> Array:
    """Per unit (column of ``Z``): True when it is at or below 0 for every row (a dead ReLU)."""
    return (np.asarray(Z) <= 0).all(axis=0)


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


def softmax_steps(z: Array, temperature: float = 1.0) -> SoftmaxSteps:
    if not temperature > 0:
        raise ValueError("the temperature must be above 0")
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    scaled = z / temperature
    shifted = scaled - scaled.max()
    exps = np.exp(shifted)
    total = float(exps.sum())
    return SoftmaxSteps(z, float(temperature), scaled, shifted, exps, total, exps / total)


@dataclass(frozen=True)
class LinearCollapse:
    """Two linear layers and the single layer equal to them: ``W = W2 W1``, ``b = W2 b1 + b2``."""

    W1: Array
    b1: Array
    W2: Array
    b2: Array
    W: Array
    b: Array
    X: Array  # test points, (n, inputs)
    stacked: Array  # (X W1^T + b1) W2^T + b2
    single: Array  # X W^T + b
    with_relu: Array  # relu(X W1^T + b1) W2^T + b2: no single layer equals this

    @property
    def max_difference(self) -> float:
        return float(np.abs(self.stacked - self.single).max())


def linear_collapse(
    inputs: int = 2, hidden: int = 3, outputs: int = 2, points: int = 5, seed: int = 0
) -> LinearCollapse:
    rng = np.random.default_rng(seed)
    W1, b1 = rng.integers(-3, 4, (hidden, inputs)).astype(float), rng.integers(-2, 3, hidden).astype(float)
    W2, b2 = rng.integers(-3, 4, (outputs, hidden)).astype(float), rng.integers(-2, 3, outputs).astype(float)
    X = rng.integers(-2, 3, (points, inputs)).astype(float)
    W, b = W2 @ W1, W2 @ b1 + b2
    hidden_sums = X @ W1.T + b1
    return LinearCollapse(
        W1, b1, W2, b2, W, b, X, hidden_sums @ W2.T + b2, X @ W.T + b, np.maximum(hidden_sums, 0) @ W2.T + b2
    )


def mean_activation_by_class(model: MLP, X: Array, y: Array, layer: int = 1) -> Array:
    """Mean activation ``A_layer`` of each unit over each class's samples, shape (classes, units)."""
    A = model.forward(X)[f"A{layer}"].astype(np.float64)
    classes = model.layer_sizes[-1]
    sums = np.zeros((classes, A.shape[1]))
    np.add.at(sums, y, A)
    return sums / np.maximum(np.bincount(y, minlength=classes), 1)[:, None]


# -- forward pass ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSum:
    """How hidden unit j adds up its input: ``Z1[j] = sum_i W1[j, i] x_i + b1[j]``."""

    unit: int
    weights: Array  # W1[j], (inputs,)
    products: Array  # W1[j] * x, (inputs,)
    bias: float
    z: float

    @property
    def total(self) -> float:
        """The weighted sum before the bias."""
        return float(self.products.sum())

    def top_pixels(self, k: int = 3) -> Array:
        """Indices of the ``k`` products largest in size."""
        return np.argsort(-np.abs(self.products))[:k]


def unit_sum(model: MLP, x: Array, unit: int) -> UnitSum:
    W, b = model.params["W1"], model.params["b1"]
    if not 0 <= unit < W.shape[0]:
        raise ValueError(f"the first layer has units 0 to {W.shape[0] - 1}, not {unit}")
    weights = W[unit].astype(np.float64)
    products = weights * np.asarray(x, dtype=np.float64).reshape(-1)
    return UnitSum(unit, weights, products, float(b[unit]), float(products.sum() + b[unit]))


def next_mistake(model: MLP, X: Array, y: Array, after: int = -1) -> int | None:
    """The first row after ``after`` (wrapping round) that the model gets wrong; None if none."""
    wrong = np.flatnonzero(model.predict(X) != y)
    if len(wrong) == 0:
        return None
    later = wrong[wrong > after]
    return int(later[0] if len(later) else wrong[0])


# -- backpropagation ---------------------------------------------------------------------------


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


def logit_gradient(z: Array, label: int, eps: float = 1e-6) -> LogitGradient:
    z = np.asarray(z, dtype=np.float64).reshape(1, -1)
    labels = np.array([label])
    numeric = np.empty(z.shape[1])
    for k in range(z.shape[1]):
        step = np.zeros_like(z)
        step[0, k] = eps
        numeric[k] = (cross_entropy(z + step, labels) - cross_entropy(z - step, labels)) / (2 * eps)
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


def one_sample_step(model: MLP, x: Array, label: int, lr: float, loss: str = "cross_entropy") -> OneStep:
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
    loss: str = "cross_entropy",
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


# -- initialisation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitSpread:
    """How one initialisation scales the signal: per hidden layer, the spread of Z and A."""

    init: str
    z_std: Array  # (hidden layers,)
    a_std: Array
    flat_fraction: Array  # share of pre-activations in the flat region (dead or saturated)


def init_spreads(
    layer_sizes, activation: str, X: Array, seed: int = 0, inits: tuple[str, ...] = INITS
) -> list[InitSpread]:
    """The same batch ``X`` through fresh networks, one per initialisation."""
    spreads = []
    for init in inits:
        model = MLP(layer_sizes, activation, init, seed)
        cache = model.forward(X)
        hidden = range(1, model.n_layers)
        flat = [flat_region(cache[f"Z{l}"], activation) for l in hidden]
        spreads.append(
            InitSpread(
                init,
                np.array([float(cache[f"Z{l}"].std()) for l in hidden]),
                np.array([float(cache[f"A{l}"].std()) for l in hidden]),
                np.array([region.fraction if region else 0.0 for region in flat]),
            )
        )
    return spreads


def init_race(
    dataset,
    hidden: tuple[int, ...],
    activation: str,
    steps: int = 200,
    lr: float = 0.1,
    batch_size: int = 64,
    seed: int = 0,
    inits: tuple[str, ...] = INITS,
) -> dict[str, dict]:
    """Train one fresh network per initialisation for ``steps`` SGD steps on the same batches.

    Returns per init ``{"steps", "loss", "val_accuracy", "stopped"}``: the per-step training loss,
    the validation accuracy at the end, and the divergence message if the run blew up.
    """
    results = {}
    for init in inits:
        model = MLP([dataset.n_features, *hidden, dataset.n_classes], activation, init, seed)
        trainer = Trainer(
            model, dataset, lr=lr, batch_size=batch_size, seed=seed, eval_every=None, diag_every=10**9, blas_threads=1
        )
        trainer.step(steps)
        trace = trainer.history["steps"]
        X_val, y_val = dataset.split("val")
        results[init] = {
            "steps": trace.column("step"),
            "loss": trace.column("loss"),
            "val_accuracy": float((model.predict(X_val) == y_val).mean()),
            "stopped": trainer.diverged.message if trainer.diverged else None,
        }
    return results


def input_gradient(model: MLP, x: Array, target: int) -> Array:
    """``-dL/dx`` for the loss ``-log p(target)``: the pixels where more ink would raise the
    target class's probability (positive) or lower it (negative), shape (inputs,)."""
    cache = model.forward(np.asarray(x).reshape(1, -1))
    grads = model.backward(cache, np.array([target]), input_grad=True)
    return -grads["dA0"][0]


def strongest_units(model: MLP, x: Array, k: int = 8) -> tuple[Array, Array]:
    """The ``k`` first-layer units with the largest activation on ``x``: (units, activations)."""
    A1 = model.forward(np.asarray(x).reshape(1, -1))["A1"][0]
    units = np.argsort(-A1, kind="stable")[:k]
    return units, A1[units]
