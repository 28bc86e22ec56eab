"""Kaggle's digit-recognizer CSV: ``train.csv`` (label, pixel0..pixel783) and ``test.csv`` (pixels only).

Parsing is pandas' C engine straight into ``uint8``, which refuses anything that is not a
whole number 0-255. Only when that fails does a slower pass read the cells as text to
find the first bad one, so the message can say where it is ("row 17 (line 18 of the
file), column pixel203: 'abc' is not a number"). Rows are counted from the first data
row; line numbers count every line of the file, header included.

Accepted without fuss: a header or none, a UTF-8 BOM, Windows line endings, commas or
semicolons between values, gzip compression, the label in any column of a header.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import DataFormatError, Dataset, make_dataset

Array = np.ndarray

PIXELS = 784
MAX_CSV_BYTES = 128 * 2**20  # Kaggle's train.csv is 73 MB
MIN_ROWS = 10
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _limit_message(size: int) -> str:
    return (
        f"the file is {size / 2**20:,.0f} MB, over the {MAX_CSV_BYTES // 2**20} MB limit for a CSV "
        f"(Kaggle's train.csv is 73 MB)"
    )


def read_source(source, name: str | None = None) -> tuple[bytes, str]:
    """The file's bytes (gunzipped if compressed) and a name for messages (``name``, or the
    file's); the size limit is checked before anything is read or decompressed past it."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), name or "the uploaded file"
        if len(data) > MAX_CSV_BYTES:
            raise DataFormatError(_limit_message(len(data)))
    else:
        path = Path(os.fspath(source))
        name = name or path.name
        if not path.is_file():
            raise DataFormatError(f"no file at {path}")
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DataFormatError(_limit_message(size))
        data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(MAX_CSV_BYTES + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise DataFormatError(f"{name} is gzip-compressed but damaged or cut short ({error})") from None
        if len(data) > MAX_CSV_BYTES:
            raise DataFormatError(f"{name} unpacks to more than {MAX_CSV_BYTES // 2**20} MB, over the limit for a CSV")
    return data, name


def _first_line(data: bytes, name: str) -> str:
    if not data.strip():
        raise DataFormatError(f"{name} is empty")
    head = data[:65536]
    if b"\x00" in head:
        raise DataFormatError(f"{name} is not a CSV text file: it contains binary data")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the 64 kB boundary
            raise DataFormatError(f"{name} is not a CSV text file: it is not readable as text") from None
        text = head[: error.start].decode("utf-8-sig")
    return text.lstrip("\r\n").splitlines()[0] if text.strip() else ""


def _column_label(names: list[str] | None, index: int, label_col: int | None) -> str:
    if names is not None:
        return f"column {names[index]}"
    pixel = index - 1 if label_col is not None else index
    return f"column {index + 1} (pixel{pixel})"


def _where(row: int, header: bool) -> str:
    return f"row {row + 1} (line {row + 2 if header else row + 1} of the file)"


def _find_bad_cell(data: bytes, sep: str, header: bool, names: list[str] | None, label_col: int | None) -> str:
    """The message for the first cell, in reading order, that is not a whole number in range."""
    table = pd.read_csv(
        io.BytesIO(data),
        sep=sep,
        header=0 if header else None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        encoding="utf-8-sig",
        engine="c",
    )
    first: tuple[int, int, str] | None = None
    for col in range(table.shape[1]):
        cells = table.iloc[:, col].str.strip()
        numbers = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
        high = 9 if col == label_col else 255
        bad = ~np.isfinite(numbers) | (numbers != np.round(numbers)) | (numbers < 0) | (numbers > high)
        hits = np.flatnonzero(bad)
        if len(hits) and (first is None or hits[0] < first[0]):
            first = (int(hits[0]), col, cells.iloc[hits[0]])
    if first is None:
        return "its values could not be read as whole numbers"
    row, col, text = first
    where = _where(row, header)
    if col == label_col:
        if text == "":
            return f"the label in {where} is empty"
        if not _NUMBER.match(text):
            return f"label {text!r} in {where} is not a number"
        value = float(text)
        if value != round(value):
            return f"label {text} in {where} is not a whole number 0-9"
        return f"label {text} in {where} is outside 0-9"
    column = _column_label(names, col, label_col)
    if text == "":
        return f"{where}, {column} is empty"
    if text.lower() in {"nan", "na", "null", "none", "n/a"}:
        return f"{where}, {column}: {text!r} is a missing value, not a pixel"
    if not _NUMBER.match(text):
        return f"{where}, {column}: {text!r} is not a number"
    value = float(text)
    if value != round(value):
        return (
            f"{where}, {column}: {text} is not a whole number "
            "(pixels here are whole numbers 0-255; was the file already scaled to 0-1?)"
        )
    return f"{where}, {column}: {text} is outside 0-255"


def parse_kaggle_csv(data: bytes, name: str = "the file", labelled: bool = True) -> tuple[Array, Array | None]:
    """Pixels (n, 784) uint8 and labels (n,) uint8 (None when ``labelled`` is False).

    Raises ``DataFormatError`` saying what is wrong and where; never returns part of a file.
    """
    line = _first_line(data, name)
    sep = ";" if line.count(";") > line.count(",") else ","
    cells = [c.strip().strip('"').strip() for c in line.split(sep)]
    header = not all(_NUMBER.match(c) for c in cells)
    expected = PIXELS + 1 if labelled else PIXELS
    what = "label + 784 pixels" if labelled else "784 pixels, no label"
    names = [c.lower() for c in cells] if header else None
    if len(cells) != expected:
        hint = ""
        if labelled and len(cells) == PIXELS and (names is None or "label" not in names):
            hint = ": is this Kaggle's test.csv?"
        elif not labelled and len(cells) == PIXELS + 1:
            hint = ": is this Kaggle's train.csv? (it has a label column)"
        elif len(cells) == 1:
            hint = ": are the values separated by something other than commas?"
        raise DataFormatError(f"{name}: expected {expected} columns ({what}), found {len(cells)}{hint}")
    label_at = 0
    if header and labelled:
        if "label" not in names:
            raise DataFormatError(
                f"{name} has no column named 'label' (its first column is {cells[0]!r}); "
                "Kaggle's train.csv begins label,pixel0,pixel1,..."
            )
        label_at = names.index("label")
    if header and not labelled and "label" in names:
        raise DataFormatError(f"{name} has a 'label' column: it looks like train.csv, not test.csv")
    try:
        table = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            header=0 if header else None,
            dtype=np.uint8,
            encoding="utf-8-sig",
            engine="c",
        ).to_numpy()
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found:
            want, line_no, saw = found.groups()
            raise DataFormatError(f"{name}: line {line_no} has {saw} values, but the first line has {want}") from None
        raise DataFormatError(f"{name} could not be read as CSV ({error})") from None
    except (ValueError, OverflowError):
        label_col = label_at if labelled else None
        raise DataFormatError(f"{name}: {_find_bad_cell(data, sep, header, names, label_col)}") from None
    if len(table) == 0:
        raise DataFormatError(f"{name} has a header but no data rows")
    if not labelled:
        return table, None
    labels = table[:, label_at]
    pixels = np.delete(table, label_at, axis=1) if label_at else table[:, 1:]
    wrong = np.flatnonzero(labels > 9)
    if len(wrong):
        raise DataFormatError(f"{name}: label {labels[wrong[0]]} in {_where(int(wrong[0]), header)} is outside 0-9")
    return np.ascontiguousarray(pixels), labels


def _check_trainable(labels: Array, name: str) -> None:
    if len(labels) < MIN_ROWS:
        raise DataFormatError(
            f"{name} has only {len(labels)} rows: at least {MIN_ROWS} are needed to hold out validation and test digits"
        )
    classes = np.unique(labels)
    if len(classes) < 2:
        raise DataFormatError(
            f"every row of {name} has label {classes[0]}: a classifier needs at least two different digits to learn"
        )


def load_kaggle_csv(source, seed: int = 0, name: str | None = None) -> Dataset:
    """A ``Dataset`` from a Kaggle-format training CSV (a path, or the file's bytes, which
    ``name`` names in messages), split stratified 70/10/20 into train, validation and test."""
    data, name = read_source(source, name)
    pixels, labels = parse_kaggle_csv(data, name, labelled=True)
    _check_trainable(labels, name)
    return make_dataset(
        Path(name).name if name != "the uploaded file" else "uploaded CSV",
        pixels,
        labels,
        (28, 28),
        f"{len(labels):,} labelled digits from {name} (Kaggle digit-recognizer CSV)",
        seed=seed,
    )


def read_kaggle_test_csv(source, name: str | None = None) -> Array:
    """The pixels of Kaggle's unlabelled ``test.csv`` as float32 in [0, 1], shape (n, 784)."""
    data, name = read_source(source, name)
    pixels, _ = parse_kaggle_csv(data, name, labelled=False)
    return pixels.astype(np.float32) / np.float32(255)


def submission(model, pixels: Array, batch: int = 4096) -> pd.DataFrame:
    """Kaggle's ``submission.csv`` table for the rows of ``test.csv``: ``ImageId`` (from 1) and ``Label``."""
    if pixels.shape[1] != model.layer_sizes[0]:
        raise DataFormatError(
            f"the test file has {pixels.shape[1]} pixels per row, this network takes {model.layer_sizes[0]}: "
            "train one on 28x28 digits first"
        )
    labels = np.concatenate([model.predict(pixels[i : i + batch]) for i in range(0, len(pixels), batch)])
    return pd.DataFrame({"ImageId": np.arange(1, len(pixels) + 1), "Label": labels.astype(np.int64)})
