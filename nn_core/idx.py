"""MNIST's IDX files (``train-images-idx3-ubyte[.gz]`` and friends), read from a folder.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian 32-bit size per dimension, then the values. Every size is
checked against the bytes present before an array is made.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from .dataset import DIGIT_NAMES, DataFormatError, Dataset, make_dataset

Array = np.ndarray

IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_IDX_BYTES = 512 * 2**20
FASHION_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# (split, kind) -> file name patterns, the first that matches wins
PATTERNS = {
    ("train", "images"): ("train-images*idx3*",),
    ("train", "labels"): ("train-labels*idx1*",),
    ("test", "images"): ("t10k-images*idx3*", "test-images*idx3*"),
    ("test", "labels"): ("t10k-labels*idx1*", "test-labels*idx1*"),
}


def parse_idx(data: bytes, name: str = "the IDX file", expected_dims: int | None = None) -> Array:
    """The array stored in IDX bytes; ``expected_dims`` is 3 for images, 1 for labels."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        magic = data[:4].hex() if data else "nothing"
        want = {3: " (0x00000803 for images)", 1: " (0x00000801 for labels)"}.get(expected_dims, "")
        raise DataFormatError(
            f"{name} is not an IDX file: it does not start with an IDX magic number{want}; found 0x{magic}"
        )
    dtype, dims = np.dtype(IDX_TYPES[data[2]]), data[3]
    if expected_dims is not None and dims != expected_dims:
        raise DataFormatError(f"{name} holds {dims}-dimensional data; {expected_dims} dimensions were expected")
    header = 4 + 4 * dims
    if len(data) < header:
        raise DataFormatError(f"{name} is truncated: it ends inside its header")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    needed = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    present = len(data) - header
    if present < needed:
        raise DataFormatError(
            f"{name} is truncated: its header promises {' x '.join(map(str, shape))} values "
            f"({needed:,} bytes), but only {present:,} bytes follow"
        )
    if present > needed:
        raise DataFormatError(f"{name} has {present - needed:,} bytes more than its header describes")
    return np.frombuffer(data, dtype=dtype, count=needed // dtype.itemsize, offset=header).reshape(shape)


def read_idx(path, expected_dims: int | None = None) -> Array:
    """``parse_idx`` of a file, gunzipped if it is compressed."""
    path = Path(path)
    if path.stat().st_size > MAX_IDX_BYTES:
        raise DataFormatError(f"{path.name} is larger than {MAX_IDX_BYTES // 2**20} MB: not an MNIST-sized IDX file")
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise DataFormatError(f"{path.name} is gzip-compressed but damaged or cut short ({error})") from None
    return parse_idx(data, path.name, expected_dims)


def find_idx_files(folder) -> dict[tuple[str, str], Path]:
    """The four IDX files in ``folder``, keyed ("train" | "test", "images" | "labels")."""
    folder = Path(os.fspath(folder))
    if not folder.is_dir():
        raise DataFormatError(f"no folder at {folder}")
    found, missing = {}, []
    for key, patterns in PATTERNS.items():
        matches = [m for p in patterns for m in sorted(folder.glob(p)) if m.is_file()]
        if matches:
            found[key] = matches[0]
        else:
            split, kind = key
            missing.append(f"{'train' if split == 'train' else 't10k'}-{kind}-idx{3 if kind == 'images' else 1}-ubyte")
    if missing:
        raise DataFormatError(f"{folder} is missing MNIST IDX files: {', '.join(missing)} (optionally .gz)")
    return found


def load_idx_folder(
    folder,
    name: str | None = None,
    class_names: tuple[str, ...] | None = None,
    seed: int = 0,
    description: str | None = None,
) -> Dataset:
    """A ``Dataset`` from the four IDX files in ``folder``: its test split is the t10k files,
    and 10% of the training files (stratified) are held out for validation.

    A folder whose name mentions "fashion" gets Fashion-MNIST's class names unless told otherwise."""
    folder = Path(os.fspath(folder))
    files = find_idx_files(folder)
    arrays = {key: read_idx(path, 3 if key[1] == "images" else 1) for key, path in files.items()}
    for split in ("train", "test"):
        images, labels = arrays[(split, "images")], arrays[(split, "labels")]
        if len(images) != len(labels):
            raise DataFormatError(
                f"{files[(split, 'images')].name} has {len(images):,} images but "
                f"{files[(split, 'labels')].name} has {len(labels):,} labels"
            )
        if images.dtype != np.uint8 or labels.dtype != np.uint8:
            raise DataFormatError(f"the {split} files are not unsigned bytes (type 0x08), as MNIST's are")
    if class_names is None:
        class_names = FASHION_NAMES if "fashion" in folder.name.lower() else DIGIT_NAMES
    for split in ("train", "test"):
        labels = arrays[(split, "labels")]
        if len(labels) and labels.max() >= len(class_names):
            raise DataFormatError(
                f"{files[(split, 'labels')].name} has label {labels.max()}, outside 0-{len(class_names) - 1}"
            )
    train_images, test_images = arrays[("train", "images")], arrays[("test", "images")]
    image_shape = train_images.shape[1:]
    if test_images.shape[1:] != image_shape:
        raise DataFormatError(f"training images are {image_shape} but test images are {test_images.shape[1:]}")
    n_train, n_test = len(train_images), len(test_images)
    return make_dataset(
        name or folder.name,
        train_images.reshape(n_train, -1),
        arrays[("train", "labels")],
        image_shape,
        description or f"{n_train:,} training and {n_test:,} test images from the IDX files in {folder}",
        class_names=class_names,
        seed=seed,
        test=(test_images.reshape(n_test, -1), arrays[("test", "labels")]),
    )
