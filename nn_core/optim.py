"""Optimizers: small classes with ``update(params, grads, lr)`` that change ``params`` in place,
or, given ``out``, write the updated parameters there and leave ``params`` as they were.

The learning rate is an argument of every update, not part of the state, so the learner can
move it between steps. Weight decay (L2) is in the gradient (see ``MLP.backward``).

Each optimizer scales its step into a kept scratch array and subtracts that in place: the
plain ``p -= lr * g`` allocates a temporary as large as the weights on every step, which
measured 2-3 times slower on the 784x128 first layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


class _Scratch:
    """A reusable array per parameter name, for the scaled step."""

    def __init__(self):
        self._arrays: dict[str, Array] = {}

    def scaled(self, k: str, values: Array, factor: float) -> Array:
        out = self._arrays.get(k)
        if out is None or out.shape != values.shape or out.dtype != values.dtype:
            out = self._arrays[k] = np.empty_like(values)
        return np.multiply(values, values.dtype.type(factor), out=out)


class SGD:
    """Plain gradient descent, or with momentum > 0 the heavy-ball form PyTorch uses:
    ``v = momentum * v + grad``, ``param -= lr * v``."""

    name = "sgd"

    def __init__(self, momentum: float = 0.0):
        self.momentum = float(momentum)
        self.velocity: dict[str, Array] = {}
        self._scratch = _Scratch()

    def update(
        self, params: dict[str, Array], grads: dict[str, Array], lr: float, out: dict[str, Array] | None = None
    ) -> None:
        for k, p in params.items():
            g = grads[k]
            if self.momentum:
                v = self.velocity.get(k)
                if v is None:
                    v = self.velocity[k] = g.copy()
                else:
                    v *= p.dtype.type(self.momentum)
                    v += g
                g = v
            np.subtract(p, self._scratch.scaled(k, g, lr), out=p if out is None else out[k])

    def reset(self) -> None:
        """Forget the velocity (after restoring parameters, say)."""
        self.velocity.clear()


class Momentum(SGD):
    """SGD with momentum (0.9 unless told otherwise)."""

    name = "momentum"

    def __init__(self, momentum: float = 0.9):
        super().__init__(momentum)


class Adam:
    """Adam (Kingma & Ba, 2015) with bias-corrected first and second moments."""

    name = "adam"

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m: dict[str, Array] = {}
        self.v: dict[str, Array] = {}
        self.t = 0
        self._scratch = _Scratch()

    def update(
        self, params: dict[str, Array], grads: dict[str, Array], lr: float, out: dict[str, Array] | None = None
    ) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for k, p in params.items():
            g = grads[k]
            if k not in self.m:
                self.m[k] = np.zeros_like(p)
                self.v[k] = np.zeros_like(p)
            m, v = self.m[k], self.v[k]
            m *= p.dtype.type(b1)
            m += p.dtype.type(1 - b1) * g
            v *= p.dtype.type(b2)
            v += p.dtype.type(1 - b2) * (g * g)
            denominator = np.sqrt(v)
            denominator += p.dtype.type(self.eps)
            np.subtract(p, self._scratch.scaled(k, m, step) / denominator, out=p if out is None else out[k])

    def reset(self) -> None:
        self.m.clear()
        self.v.clear()
        self.t = 0


@dataclass(frozen=True)
class Optimizer:
    """One optimizer: ``make(momentum)`` builds it; ``takes_momentum`` says whether the momentum
    setting means anything to it (Adam keeps its own moving averages)."""

    name: str
    label: str
    make: Callable[[float], SGD | Adam]
    takes_momentum: bool


OPTIMIZERS: dict[str, Optimizer] = {
    entry.name: entry
    for entry in (
        Optimizer("sgd", "SGD", SGD, True),
        Optimizer("momentum", "SGD + momentum", lambda momentum: Momentum(momentum or 0.9), True),
        Optimizer("adam", "Adam", lambda momentum: Adam(), False),
    )
}
DEFAULT_OPTIMIZER = "sgd"


def make_optimizer(name: str, momentum: float = 0.0):
    """The optimizer called ``name``; ``momentum`` applies to those that take it."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name].make(momentum)
