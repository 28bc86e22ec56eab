"""Parsing a 42,000-row Kaggle train.csv (the seed notebook's file), made from the bundled digits.

Times ``load_kaggle_csv`` (pandas' C engine straight into uint8, checks, stratified split,
scaling) against a plain ``pd.read_csv`` of the same file in the same run, and prints the ratio.

    python benchmarks/bench_data.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from nn_core import load_dataset  # noqa: E402
from nn_core.data import load_kaggle_csv  # noqa: E402

ROWS = 42_000


def write_kaggle_csv(path: Path) -> None:
    """42,000 real digits (the bundled 5,000, repeated), in Kaggle's label,pixel0..pixel783 format."""
    data = load_dataset("mnist-5k")
    X = np.concatenate([data.X_train, data.X_val, data.X_test])
    y = np.concatenate([data.y_train, data.y_val, data.y_test])
    rows = np.resize(np.arange(len(y)), ROWS)
    table = pd.DataFrame((X[rows] * 255).round().astype(np.uint8), columns=[f"pixel{i}" for i in range(784)])
    table.insert(0, "label", y[rows])
    table.to_csv(path, index=False)


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.csv"
        write_kaggle_csv(path)
        size = path.stat().st_size / 2**20
        ours = best_of(3, lambda: load_kaggle_csv(path))
        plain = best_of(3, lambda: pd.read_csv(path))
    print(f"{ROWS:,}-row Kaggle CSV ({size:.0f} MB), best of 3:")
    print(f"  load_kaggle_csv (parse, check, split, scale): {ours:.2f} s")
    print(f"  plain pd.read_csv (int64, no checks):          {plain:.2f} s")
    print(f"  ratio: {ours / plain:.2f}")


if __name__ == "__main__":
    main()
