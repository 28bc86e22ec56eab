"""Robustness curves: a network's accuracy on a split as every digit is moved, turned, thickened or
thinned, or noised by a growing amount (``nn_core.augment``'s transformations, fixed amounts).

The directions are drawn once from a seed (each digit is shifted its own way, turned clockwise or
anticlockwise), so two networks are measured on exactly the same changed digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import augment
from .network import MLP

Array = np.ndarray


@dataclass(frozen=True)
class Perturbation:
    key: str
    label: str  # "shifted by" ...
    unit: str  # the x axis
    amounts: tuple[float, ...]


PERTURBATIONS = {
    p.key: p
    for p in (
        Perturbation("shift", "moved", "pixels", (0, 1, 2, 3, 4, 5, 6)),
        Perturbation("rotate", "turned", "degrees", (0, 5, 10, 15, 20, 25, 30, 35, 40, 45)),
        Perturbation(
            "stroke",
            "with strokes thinner (below 0) or thicker (above 0)",
            "stroke change (1: a pixel wider all round)",
            (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0),
        ),
        Perturbation("noise", "noised", "pixel noise (standard deviation)", (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)),
    )
}


@dataclass(frozen=True)
class Curve:
    perturbation: str
    amounts: Array
    accuracy: Array

    def at(self, amount: float) -> float:
        return float(self.accuracy[list(self.amounts).index(amount)])


def perturbed(X: Array, image_shape: tuple[int, int], key: str, amount: float, seed: int = 0) -> Array:
    """``X`` with every row changed by ``amount`` of perturbation ``key``: a shift of ``amount``
    pixels in each digit's own direction, a turn of ``amount`` degrees either way, strokes
    ``amount`` of the way to a pixel wider (or narrower, below 0), noise of that deviation."""
    n = len(X)
    rng = np.random.default_rng(seed)
    direction = rng.uniform(0, 2 * np.pi, n)  # drawn whatever the kind, so every kind sees the same digits
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    if key == "shift":
        amounts = {"dy": amount * np.sin(direction), "dx": amount * np.cos(direction)}
    elif key == "rotate":
        amounts = {"angle": amount * sign}
    elif key == "stroke":
        amounts = {"thickness": np.full(n, float(amount))}
    elif key == "noise":
        amounts = {"noise": np.full(n, float(amount))}
    else:
        raise ValueError(f"unknown perturbation {key!r}: one of {', '.join(PERTURBATIONS)}")
    return augment.fixed(X, image_shape, np.random.default_rng(seed + 1), **amounts)


def curve(model: MLP, X: Array, y: Array, image_shape: tuple[int, int], key: str, seed: int = 0) -> Curve:
    """Accuracy of ``model`` on (X, y) at each amount of perturbation ``key``."""
    spec = PERTURBATIONS[key]
    accuracy = [float((model.predict(perturbed(X, image_shape, key, a, seed)) == y).mean()) for a in spec.amounts]
    return Curve(key, np.asarray(spec.amounts, dtype=float), np.asarray(accuracy))
