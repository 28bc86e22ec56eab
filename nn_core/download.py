"""Full MNIST (70,000 digits) on demand: downloaded once with pooch, verified, then read from the cache.

The four files are checked against their published MD5 checksums (the ones torchvision
and others use); a file that does not match is deleted, never cached. Once all four are
in the cache, loading needs no network at all. The cache folder is the user's cache
directory (``platformdirs``), or ``$NN_DIGITS_CACHE`` if set.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .dataset import DataFormatError, Dataset
from .idx import load_idx_folder

MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
# file name -> (published checksum, size in bytes)
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": ("md5:f68b3c2dcbeaaa9fbdd348bbdeb94873", 9_912_422),
    "train-labels-idx1-ubyte.gz": ("md5:d53e105ee54ea40749a09fcbcd1e9432", 28_881),
    "t10k-images-idx3-ubyte.gz": ("md5:9fb629c4189551a2d022fa330f9573f3", 1_648_877),
    "t10k-labels-idx1-ubyte.gz": ("md5:ec29112dd5afa0611ce80d1b7f02629c", 4_542),
}
CACHE_ENV_VAR = "NN_DIGITS_CACHE"

Progress = Callable[[float, str], None]  # (fraction of all bytes done, what is happening)


class DownloadError(DataFormatError):
    """A download that could not be completed or verified; nothing partial is kept."""


def cache_dir() -> Path:
    """Where downloaded datasets live: ``$NN_DIGITS_CACHE`` or the user's cache directory."""
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR])
    import platformdirs

    return Path(platformdirs.user_cache_dir("nn-digits-explainer"))


class _ProgressAdapter:
    """The tqdm-like object pooch updates, turned into calls of ``progress(fraction, text)``."""

    def __init__(self, progress: Progress, file_name: str, done_before: int, file_size: int, total: int):
        self.progress, self.file_name = progress, file_name
        self.done_before, self.file_size, self.grand_total = done_before, file_size, total
        self.total, self.n = file_size, 0

    def update(self, n: int) -> None:
        self.n = min(self.n + n, self.total or self.file_size)
        fraction = (
            self.done_before + self.n * self.file_size / max(self.total or self.file_size, 1)
        ) / self.grand_total
        self.progress(min(fraction, 1.0), f"downloading {self.file_name}")

    def reset(self) -> None:
        self.n = 0

    def close(self) -> None:
        pass


def is_cached(folder: Path | None = None, files: dict = MNIST_FILES) -> bool:
    """True if every file is in the cache folder (their checksums are verified on load)."""
    folder = folder or cache_dir() / "mnist"
    return all((folder / name).is_file() for name in files)


def download_mnist(
    progress: Progress | None = None,
    mirrors: tuple[str, ...] = MNIST_MIRRORS,
    files: dict[str, tuple[str, int]] = MNIST_FILES,
    folder: Path | None = None,
    timeout: float = 30,
) -> Path:
    """The folder holding the verified files, downloading those not cached yet.

    Raises ``DownloadError`` with a message for a learner when no mirror can be reached
    (offline) or a file does not match its checksum.
    """
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")
    folder = Path(folder or cache_dir() / "mnist")
    total = sum(size for _, size in files.values())
    done = 0
    for name, (known_hash, size) in files.items():
        problems = []
        for mirror in mirrors:
            bar = _ProgressAdapter(progress, name, done, size, total) if progress else False
            try:
                pooch.retrieve(
                    mirror + name,
                    known_hash,
                    fname=name,
                    path=folder,
                    progressbar=bar,
                    downloader=pooch.HTTPDownloader(progressbar=bar, timeout=timeout),
                )
                break
            except requests.exceptions.RequestException as error:
                problems.append(f"{mirror}: {type(error).__name__}")
            except ValueError as error:  # pooch: the hash did not match, the file was deleted
                if "hash" not in str(error).lower():
                    raise
                problems.append(f"{mirror}: the file did not match its published checksum")
        else:
            checksum = any("checksum" in p for p in problems)
            reason = (
                "a download did not match its published checksum, so it was not kept"
                if checksum
                else "no mirror could be reached: are you offline?"
            )
            raise DownloadError(
                f"could not download {name}: {reason} ({'; '.join(problems)}). "
                f"The bundled 5,000 digits need no download; or copy the four MNIST files into {folder}."
            )
        done += size
        if progress:
            progress(done / total, f"{name} ready")
    return folder


def load_mnist(progress: Progress | None = None, seed: int = 0, **download_options) -> Dataset:
    """Full MNIST: 55,000 training, 5,000 validation (held out of the training files), 10,000 test."""
    folder = download_mnist(progress, **download_options)
    return load_idx_folder(
        folder,
        name="mnist",
        seed=seed,
        description=f"MNIST: 60,000 training and 10,000 test handwritten digits (downloaded once, kept in {folder})",
    )
