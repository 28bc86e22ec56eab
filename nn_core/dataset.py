"""The ``Dataset`` every source produces, and the stratified, seeded split behind it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray

DIGIT_NAMES = tuple(str(d) for d in range(10))
SPLITS = ("train", "val", "test")
VAL_FRACTION, TEST_FRACTION = 0.1, 0.2


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
    pixel_max: float = 255.0  # the raw value of full ink: pixels were divided by it

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
    y: Array, val_fraction: float = VAL_FRACTION, test_fraction: float = TEST_FRACTION, seed: int = 0
) -> tuple[Array, Array, Array]:
    """Row indices (train, val, test), shuffled by ``seed``, with exactly
    ``round(n * test_fraction)`` test and ``round(n * val_fraction)`` validation rows, and each
    class spread over the three in the same proportions (to within one row).

    Each class's rows, in random order, get evenly spaced keys (rank + 0.5) / class size;
    sorting all rows by key (ties in random order) and cutting the sorted list at the split
    sizes takes the same share of every class.
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    keys = np.empty(n)
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        keys[rows] = (np.arange(len(rows)) + 0.5) / len(rows)
    order = np.lexsort((rng.random(n), keys))
    n_test, n_val = int(round(n * test_fraction)), int(round(n * val_fraction))
    test, val, train = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    return rng.permutation(train), rng.permutation(val), rng.permutation(test)


def _scaled(X: Array, max_value: float) -> Array:
    out = np.asarray(X, dtype=np.float32) / np.float32(max_value)
    out.flags.writeable = False
    return out


def make_dataset(
    name: str,
    X: Array,
    y: Array,
    image_shape: tuple[int, int],
    description: str,
    class_names: tuple[str, ...] = DIGIT_NAMES,
    max_value: float = 255.0,
    seed: int = 0,
    test: tuple[Array, Array] | None = None,
) -> Dataset:
    """A ``Dataset`` from raw pixels (scaled by ``1 / max_value``) and labels.

    Without ``test``, the rows are split stratified into train, validation and test
    (70/10/20); with a given ``test`` split (MNIST's own, raw pixels like ``X``), only
    validation is held out of ``X`` (10% of it, stratified).
    """
    y = np.asarray(y, dtype=np.int64)
    if test is None:
        train, val, test_rows = stratified_split(y, seed=seed)
        X_test, y_test = X[test_rows], y[test_rows]
    else:
        train, val, _ = stratified_split(y, val_fraction=VAL_FRACTION, test_fraction=0.0, seed=seed)
        X_test, y_test = test[0], np.asarray(test[1], dtype=np.int64)
    arrays = {
        "X_train": _scaled(X[train], max_value),
        "y_train": y[train],
        "X_val": _scaled(X[val], max_value),
        "y_val": y[val],
        "X_test": _scaled(X_test, max_value),
        "y_test": np.array(y_test),
    }
    for key in ("y_train", "y_val", "y_test"):
        arrays[key].flags.writeable = False
    return Dataset(
        name,
        **arrays,
        image_shape=image_shape,
        class_names=class_names,
        description=description,
        pixel_max=float(max_value),
    )


# -- summaries of the data, for the lessons ------------------------------------------------


def class_counts(y: Array, classes: int) -> Array:
    """Samples per class, shape (classes,)."""
    return np.bincount(np.asarray(y), minlength=classes)


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


def sample_images_per_class(X: Array, y: Array, classes: int, per_class: int) -> Array:
    """The first ``per_class`` images of each class, class after class, shape
    (classes * per_class, features); all NaN where a class has fewer."""
    rows = samples_per_class(y, classes, per_class).reshape(-1)
    return np.where(rows[:, None] >= 0, X[np.maximum(rows, 0)], np.nan)


@dataclass(frozen=True)
class RawRow:
    """One image as the file stored it: whole numbers from 0 to ``pixel_max``."""

    values: Array  # (features,) int
    brightest: int  # the pixel with the most ink
    edge: int  # the pixel nearest half ink (on a stroke's edge)


def raw_row(x: Array, pixel_max: float) -> RawRow:
    values = np.rint(np.asarray(x) * pixel_max).astype(int)
    return RawRow(values, int(np.argmax(values)), int(np.argmin(np.abs(values - pixel_max / 2))))


def blank_share(X: Array) -> float:
    """The share of pixels that are exactly 0 (paper)."""
    return float((np.asarray(X) == 0).mean())
