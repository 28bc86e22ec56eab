"""Writing MNIST IDX files, for the tests that read them."""

import gzip
from pathlib import Path

import numpy as np

Array = np.ndarray


def write_idx(path, array: Array) -> None:
    """Write ``array`` (uint8) as an IDX file, gzipped if ``path`` ends in .gz."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    data = header + array.tobytes()
    Path(path).write_bytes(gzip.compress(data) if str(path).endswith(".gz") else data)
