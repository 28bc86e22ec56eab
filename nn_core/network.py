"""A multilayer perceptron in NumPy: parameters, the forward pass and the backward pass.

Notation follows the seed notebook and the app's pages. Layer ``l`` (1..L) has weights
``Wl`` of shape (units_l, units_{l-1}) (row j of W1 is unit j's 28x28 picture) and bias
``bl`` of shape (units_l,). A batch ``X`` is row-major, (m, features), and

    Zl = A{l-1} @ Wl.T + bl        A0 = X
    Al = g(Zl)                     for hidden layers (g: relu, sigmoid, ...)
    AL = softmax(ZL)               for the output layer

Backward, for each layer from the last to the first:

    dZL = (AL - Y) / m             (softmax + cross-entropy, fused)
    dWl = dZl.T @ A{l-1}           dbl = sum of dZl over the batch
    dA{l-1} = dZl @ Wl             dZ{l-1} = dA{l-1} * g'(Z{l-1})
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import DEFAULT_ACTIVATION, DEFAULT_LEAKY_SLOPE, get_activation, softmax_and_log_norm
from .losses import get_loss

Array = np.ndarray


@dataclass(frozen=True)
class Init:
    """One way to draw a network's starting weights: ``draw(rng, fan_in, fan_out)`` returns
    ``(W, b)`` of shapes (fan_out, fan_in) and (fan_out,), in float64."""

    name: str
    label: str  # the sidebar's: "He (for ReLU)"
    short: str  # a legend's: "He"
    draw: Callable[[np.random.Generator, int, int], tuple[Array, Array]]


def _normal_scaled(variance: Callable[[int, int], float]):
    def draw(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[Array, Array]:
        return rng.standard_normal((fan_out, fan_in)) * np.sqrt(variance(fan_in, fan_out)), np.zeros(fan_out)

    return draw


def _uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[Array, Array]:
    return rng.random((fan_out, fan_in)) - 0.5, rng.random(fan_out) - 0.5


def _randn(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[Array, Array]:
    return rng.standard_normal((fan_out, fan_in)), rng.standard_normal(fan_out)


INITS: dict[str, Init] = {
    i.name: i
    for i in (
        Init("he", "He (for ReLU)", "He", _normal_scaled(lambda fan_in, fan_out: 2 / fan_in)),
        Init(
            "xavier",
            "Xavier (for sigmoid, tanh)",
            "Xavier",
            _normal_scaled(lambda fan_in, fan_out: 2 / (fan_in + fan_out)),
        ),
        Init("uniform", "uniform ±0.5 (the notebook's text)", "uniform ±0.5", _uniform),
        Init("randn", "standard normal (the notebook's code)", "randn", _randn),
    )
}
DEFAULT_INIT = "he"
INIT_ALIASES = {"seed": "randn"}  # model files saved before the rename call randn "seed"

MAX_HIDDEN_LAYERS = 5
MAX_UNITS = 2048


class ArchitectureError(ValueError):
    """Layer sizes or settings that cannot make a network."""


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer sizes from "128" or "256, 64" (at most MAX_HIDDEN_LAYERS layers of
    MAX_UNITS units); raises ArchitectureError with a reason."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ArchitectureError("give at least one hidden layer, e.g. 128 or 256, 64")
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ArchitectureError(f"hidden layers are whole numbers separated by commas, not {text!r}") from None
    if any(s < 1 or s > MAX_UNITS for s in sizes) or len(sizes) > MAX_HIDDEN_LAYERS:
        raise ArchitectureError(f"use 1 to {MAX_HIDDEN_LAYERS} hidden layers of 1 to {MAX_UNITS:,} units each")
    return sizes


def init_params(layer_sizes, init=DEFAULT_INIT, scale=1.0, seed=0, dtype=np.float32) -> dict[str, Array]:
    """Return ``{"W1": (n1, n0), "b1": (n1,), ...}`` drawn with the named scheme, times ``scale``.

    - ``"randn"``: standard normal weights and biases, what the notebook's ``np.random.randn`` does;
    - ``"uniform"``: uniform in [-0.5, 0.5] for weights and biases, what the notebook says it does;
    - ``"he"``: normal with variance 2 / fan_in, biases 0 (made for ReLU);
    - ``"xavier"``: normal with variance 2 / (fan_in + fan_out), biases 0 (made for tanh, sigmoid).
    """
    init = INIT_ALIASES.get(init, init)
    if init not in INITS:
        raise ArchitectureError(f"unknown initialisation {init!r}: choose one of {', '.join(INITS)}")
    rng = np.random.default_rng(seed)
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
        W, b = INITS[init].draw(rng, fan_in, fan_out)
        params[f"W{l}"] = (W * scale).astype(dtype)
        params[f"b{l}"] = (b * scale).astype(dtype)
    return params


def dropout_masks(layer_sizes, rows: int, rate: float, rng: np.random.Generator, dtype=np.float32) -> dict[int, Array]:
    """Inverted dropout's masks for a batch of ``rows``: per hidden layer l, each unit is kept with
    probability 1 - ``rate`` and scaled by 1 / (1 - rate), so its expected activation is unchanged
    and the network needs no change at evaluation (which uses no masks)."""
    if not 0 <= rate < 1:
        raise ValueError(f"the dropout rate must be at least 0 and below 1, not {rate}")
    keep = np.asarray(1 / (1 - rate), dtype)
    return {
        l: (rng.random((rows, layer_sizes[l]), dtype=np.float32) >= rate) * keep for l in range(1, len(layer_sizes) - 1)
    }


class MLP:
    """A fully connected network ending in softmax. ``params`` holds W1, b1, W2, b2, ..."""

    def __init__(
        self,
        layer_sizes,
        activation: str = DEFAULT_ACTIVATION,
        init: str = DEFAULT_INIT,
        seed: int = 0,
        dtype=np.float32,
        init_scale: float = 1.0,
        leaky_slope: float = DEFAULT_LEAKY_SLOPE,
        params: dict[str, Array] | None = None,
    ):
        """A network of these layer sizes, its weights drawn with ``init`` from ``seed``, or copies
        of ``params`` (shaped as the layer sizes need) when given."""
        layer_sizes = [int(n) for n in layer_sizes]
        if len(layer_sizes) < 2 or min(layer_sizes) < 1:
            raise ArchitectureError(
                f"layer sizes {layer_sizes} need an input and an output layer, each of at least 1 unit"
            )
        if layer_sizes[-1] < 2:
            raise ArchitectureError("the output layer needs at least 2 units (one per class)")
        self.layer_sizes = layer_sizes
        self.activation = activation
        self.leaky_slope = float(leaky_slope)
        self.g, self.g_prime = get_activation(activation, slope=self.leaky_slope)
        self.init = INIT_ALIASES.get(init, init)
        self.init_scale = float(init_scale)
        self.seed = int(seed)
        self.dtype = np.dtype(dtype)
        if params is None:
            self.params = init_params(layer_sizes, self.init, self.init_scale, self.seed, self.dtype)
        else:
            self.params = {k: np.array(v, dtype=self.dtype, copy=True) for k, v in params.items()}
        self.metadata: dict = {}

    @property
    def n_layers(self) -> int:
        """L: the number of weight layers (hidden layers + 1)."""
        return len(self.layer_sizes) - 1

    @property
    def n_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def config(self) -> dict:
        """The settings that rebuild this network's shape (not its weights), JSON-ready."""
        return {
            "layer_sizes": self.layer_sizes,
            "activation": self.activation,
            "init": self.init,
            "seed": self.seed,
            "dtype": self.dtype.name,
            "init_scale": self.init_scale,
            "leaky_slope": self.leaky_slope,
        }

    def copy(self, dtype=None) -> MLP:
        """An independent copy, optionally cast to another dtype (float64 for gradient checks)."""
        config = self.config()
        if dtype is not None:
            config["dtype"] = np.dtype(dtype).name
        return MLP(**config, params=self.params)

    def with_params(self, params: dict[str, Array]) -> MLP:
        """A network like this one holding copies of ``params`` (a snapshot's, say)."""
        clone = MLP(**self.config(), params=params)
        clone.metadata = dict(self.metadata)
        return clone

    # -- forward -----------------------------------------------------------------------

    def forward(self, X: Array, masks: dict[int, Array] | None = None) -> dict[str, Array]:
        """Cache of the forward pass: ``A0`` (= X), then ``Z1, A1, ..., ZL, AL`` each (m, units),
        and ``log_norm`` (m,), softmax's log-sum-exp per row, which the cross-entropy reuses.

        ``masks`` (training with dropout only): for hidden layer l, an (m, units) array of 0s and
        1 / (1 - rate) (``dropout_masks``) that multiplies its activations, kept as ``maskl``;
        ``Al`` is then the activation after dropout."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:
            X = X[None, :]
        if X.shape[1] != self.layer_sizes[0]:
            raise ArchitectureError(f"this network takes {self.layer_sizes[0]} inputs per sample, got {X.shape[1]}")
        cache = {"A0": X}
        A = X
        L = self.n_layers
        for l in range(1, L + 1):
            Z = A @ self.params[f"W{l}"].T
            Z += self.params[f"b{l}"]
            if l == L:
                A, log_norm = softmax_and_log_norm(Z)
            else:
                A = self.g(Z)
                if masks is not None and l in masks:
                    A = A * masks[l]  # a new array: g may hand back Z itself
                    cache[f"mask{l}"] = masks[l]
            cache[f"Z{l}"] = Z
            cache[f"A{l}"] = A
        cache["log_norm"] = log_norm
        return cache

    def predict_proba(self, X: Array) -> Array:
        """Class probabilities, shape (m, classes); rows sum to 1."""
        return self.forward(X)[f"A{self.n_layers}"]

    def predict(self, X: Array) -> Array:
        """Predicted class per row, shape (m,)."""
        return self.predict_proba(X).argmax(axis=1)

    # -- loss and backward ---------------------------------------------------------------

    def l2_penalty(self, l2: float) -> float:
        """``l2 / 2 * sum of squared weights`` (biases are not penalised)."""
        if not l2:
            return 0.0
        return 0.5 * l2 * sum(float(np.vdot(W, W)) for k, W in self.params.items() if k[0] == "W")

    def loss(self, cache: dict[str, Array], y: Array, loss: str = "cross_entropy", l2: float = 0.0) -> float:
        """Mean loss over the batch in ``cache`` plus the L2 penalty."""
        L = self.n_layers
        if loss == "cross_entropy" and "log_norm" in cache:  # log-sum-exp already taken by the forward pass
            Z = cache[f"Z{L}"]
            value = float(cache["log_norm"].sum(dtype=np.float64) - Z[np.arange(len(y)), y].sum(dtype=np.float64))
            return value / len(y) + self.l2_penalty(l2)
        return get_loss(loss).value(cache[f"Z{L}"], cache[f"A{L}"], y) + self.l2_penalty(l2)

    def backward(
        self,
        cache: dict[str, Array],
        y: Array,
        loss: str = "cross_entropy",
        l2: float = 0.0,
        input_grad: bool = False,
        out: dict[str, Array] | None = None,
    ) -> dict[str, Array]:
        """Every gradient of the backward pass, named after what it is the gradient of.

        ``dZl`` (m, units_l) for every layer, ``dAl`` (m, units_l) for the hidden layers
        (and ``dA0``, the gradient with respect to the input pixels, if ``input_grad``),
        ``dWl`` shaped like ``Wl`` and ``dbl`` like ``bl``.

        ``out`` may hold arrays ``dWl`` to write the weight gradients into: the trainer
        reuses them every step, which saves the page faults of a fresh 400 kB array each time.
        """
        dZ_fn = get_loss(loss).dZ
        L = self.n_layers
        y = np.asarray(y)
        grads = {}
        dZ = dZ_fn(cache[f"Z{L}"], cache[f"A{L}"], y)
        for l in range(L, 0, -1):
            W = self.params[f"W{l}"]
            grads[f"dZ{l}"] = dZ
            dW = np.matmul(dZ.T, cache[f"A{l - 1}"], out=None if out is None else out[f"dW{l}"])
            if l2:
                dW += W.dtype.type(l2) * W
            grads[f"dW{l}"] = dW
            grads[f"db{l}"] = dZ.sum(axis=0)
            if l > 1 or input_grad:
                dA = dZ @ W
                grads[f"dA{l - 1}"] = dA
                if l > 1:
                    dZ = dA * self.g_prime(cache[f"Z{l - 1}"])
                    mask = cache.get(f"mask{l - 1}")
                    if mask is not None:  # a dropped unit passed nothing on: nothing comes back through it
                        dZ *= mask
        return grads

    def loss_and_grads(
        self,
        X: Array,
        y: Array,
        loss: str = "cross_entropy",
        l2: float = 0.0,
        out: dict[str, Array] | None = None,
        masks: dict[int, Array] | None = None,
    ) -> tuple[float, dict[str, Array]]:
        """``(loss, grads)`` with ``grads`` keyed and shaped like ``params`` (W1, b1, ...);
        ``out`` as in ``backward``, ``masks`` (dropout) as in ``forward``."""
        cache = self.forward(X, masks)
        value = self.loss(cache, y, loss, l2)
        backward = self.backward(cache, y, loss, l2, out=out)
        return value, {k: backward["d" + k] for k in self.params}
