"""What is wrong inside a network: flat regions, dead (stuck) units. One definition of each,
used by the trainer's history, the hints and every page.

A unit is **dead** (stuck) on a set of inputs when its pre-activation lies in its activation's
flat region for every one of them (``Activation.flat``, where g' is below ``FLAT_SHARE`` of
its peak) and that region is one a unit cannot learn its way out of: a ReLU at or below 0 on
every digit, a sigmoid or tanh saturated on every digit. Leaky ReLU's negative side is weak,
not dead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import DEFAULT_LEAKY_SLOPE, Flat, activation

Array = np.ndarray


@dataclass(frozen=True)
class FlatRegion:
    """Where an activation passes (almost) no gradient, and how much of a layer lies there."""

    label: str
    intervals: tuple[tuple[float, float], ...]  # on the Z axis; +-inf for open ends
    fraction: float  # share of the given pre-activations inside the intervals
    stuck: bool  # a unit with every input here has stopped learning


def in_flat(Z: Array, flat: Flat) -> Array:
    """Per entry of ``Z``: True inside the flat region (its finite ends included)."""
    Z = np.asarray(Z)
    inside = np.zeros(Z.shape, dtype=bool)
    for low, high in flat.intervals:
        inside |= (Z >= low) & (Z <= high)
    return inside


def flat_region(Z: Array, activation_name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> FlatRegion | None:
    """The dead (ReLU), weak (leaky ReLU) or saturated (sigmoid, tanh) part of ``Z``; None where
    the activation has none (the identity)."""
    flat = activation(activation_name).flat(slope)
    if flat is None:
        return None
    return FlatRegion(flat.label, flat.intervals, float(in_flat(Z, flat).mean()), flat.stuck)


def dead_units(Z: Array, activation_name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> Array:
    """Per unit (column of ``Z``, one row per input): True when it is stuck in its flat region for
    every row (see the module docstring); all False for an activation that cannot get stuck."""
    Z = np.asarray(Z)
    flat = activation(activation_name).flat(slope)
    if flat is None or not flat.stuck or Z.shape[0] == 0:
        return np.zeros(Z.shape[1], dtype=bool)
    return in_flat(Z, flat).all(axis=0)


def dead_unit_fraction(Z: Array, activation_name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> float:
    """The share of the units of ``Z`` that are dead, in [0, 1]."""
    dead = dead_units(Z, activation_name, slope)
    return float(dead.mean()) if dead.size else 0.0


def dead_unit_count(Z: Array, activation_name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> int:
    """How many units of ``Z`` are dead."""
    return int(dead_units(Z, activation_name, slope).sum())


def dead_description(activation_name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> tuple[str, str]:
    """``(what a stuck unit is called, why)`` for this activation: ("dead", "output 0 for every
    validation digit"); ("", "") where units cannot get stuck."""
    flat = activation(activation_name).flat(slope)
    if flat is None or not flat.stuck:
        return "", ""
    return flat.stuck_as, flat.stuck_because
