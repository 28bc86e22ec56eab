"""Saving and loading a model as ``.npz``: the weights, plus architecture and settings as JSON.

The file holds one array per parameter (``W1``, ``b1``, ...) and ``__meta__``, a string
array with a JSON object: ``{"format": "nn_core-mlp", "version": 1, "config": {...},
"extra": {...}}``. Loading never unpickles (``allow_pickle=False``) and checks every name,
shape, dtype and value before a network is built, so a bad file changes nothing.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from .network import MLP

FORMAT = "nn_core-mlp"
VERSION = 1
MAX_FILE_BYTES = 200 * 1024 * 1024


class ModelFileError(ValueError):
    """A file that is not a usable model; the message says why."""


def model_to_bytes(model: MLP, extra: dict | None = None) -> bytes:
    """The ``.npz`` file's bytes (for a download button)."""
    meta = {"format": FORMAT, "version": VERSION, "config": model.config(), "extra": extra or {}}
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.array(json.dumps(meta)), **model.params)
    return buffer.getvalue()


def save_model(model: MLP, path, extra: dict | None = None) -> None:
    """Write ``model`` to ``path`` (.npz); ``extra`` is any JSON-ready dict (dataset, step, settings)."""
    Path(path).write_bytes(model_to_bytes(model, extra))


def _read_arrays(source) -> dict[str, np.ndarray]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(os.fspath(source))
        if not path.is_file():
            raise ModelFileError(f"no model file at {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ModelFileError(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MB: not a model of this app")
        data = path.read_bytes()
    if not data:
        raise ModelFileError("the file is empty")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ModelFileError("this is not a model file: a model is an .npz archive saved by this app")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise ModelFileError(
                "the file contains pickled Python objects, which are never loaded (they can run code); "
                "save the model with this app instead"
            ) from None
        raise ModelFileError(f"the model file is damaged: {error}") from None
    except (OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise ModelFileError(f"the model file is damaged or truncated ({error})") from None


def _read_meta(arrays: dict[str, np.ndarray]) -> dict:
    if "__meta__" not in arrays:
        raise ModelFileError("the archive has no __meta__ entry: it was not saved by this app")
    try:
        meta = json.loads(str(arrays["__meta__"][()]))
    except (ValueError, TypeError):
        raise ModelFileError("the model's description (__meta__) is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"this archive is not a {FORMAT} model")
    if meta.get("version") != VERSION:
        raise ModelFileError(f"model format version {meta.get('version')} is not supported (this app reads {VERSION})")
    return meta


def load_model(source, expected_inputs: int | None = None) -> MLP:
    """The model in ``source`` (a path or the file's bytes), its ``extra`` dict as ``model.metadata``.

    ``expected_inputs`` (the dataset's pixel count) refuses a model built for another input size.
    """
    arrays = _read_arrays(source)
    meta = _read_meta(arrays)
    config = meta.get("config")
    try:
        model = MLP(**config)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"the model's architecture is not valid: {error}") from None
    expected_names = set(model.params)
    found = set(arrays) - {"__meta__"}
    if found != expected_names:
        missing, unexpected = sorted(expected_names - found), sorted(found - expected_names)
        raise ModelFileError(
            f"the model's arrays do not match its architecture (missing {missing}, unexpected {unexpected})"
        )
    for name, expected in model.params.items():
        array = arrays[name]
        if array.shape != expected.shape:
            raise ModelFileError(f"{name} has shape {array.shape}, but the architecture needs {expected.shape}")
        if not np.issubdtype(array.dtype, np.floating):
            raise ModelFileError(f"{name} holds {array.dtype} values, not floating-point numbers")
        if not np.isfinite(array).all():
            raise ModelFileError(f"{name} contains NaN or infinite values")
    if expected_inputs is not None and model.layer_sizes[0] != expected_inputs:
        raise ModelFileError(
            f"this model takes {model.layer_sizes[0]} inputs, "
            f"but the current data has {expected_inputs} pixels per image"
        )
    model.params = {name: arrays[name].astype(model.dtype) for name in model.params}
    model.metadata = meta.get("extra", {})
    return model
