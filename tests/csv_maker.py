"""Builders of small Kaggle-format CSV files for the data tests."""

import numpy as np

HEADER = ["label", *(f"pixel{i}" for i in range(784))]


def kaggle_rows(n: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (n, 784) uint8 and labels (n,) cycling through 0-9."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (n, 784)).astype(np.uint8)
    pixels[:, :300] = 0  # MNIST-like: many zeros
    return pixels, (np.arange(n) % 10).astype(np.uint8)


def kaggle_csv(pixels=None, labels=None, header=True, sep=",", newline="\n", cells: dict | None = None) -> bytes:
    """CSV bytes; ``cells`` maps (row, column) to a text replacing that cell (column 0 = label)."""
    if pixels is None:
        pixels, labels = kaggle_rows()
    table = pixels.astype(str).tolist() if labels is None else np.column_stack([labels, pixels]).astype(str).tolist()
    for (row, col), text in (cells or {}).items():
        table[row][col] = text
    lines = [sep.join(HEADER if labels is not None else HEADER[1:])] if header else []
    lines += [sep.join(row) for row in table]
    return (newline.join(lines) + newline).encode()
