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

from .guard import Divergence
from .network import MLP
from .settings import live_settings
from .snapshots import Snapshot, frozen_copy
from .train import Trainer

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
    A whole-run file (``save_run``) loads as its model: its other arrays are left out.
    """
    return _model_from(_read_arrays(source), expected_inputs)


def _model_from(arrays: dict[str, np.ndarray], expected_inputs: int | None) -> MLP:
    meta = _read_meta(arrays)
    config = meta.get("config")
    try:
        if "params" in config:
            raise TypeError("weights belong in the archive's arrays, not in its description")
        model = MLP(**config)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"the model's architecture is not valid: {error}") from None
    expected_names = set(model.params)
    found = {name for name in arrays if "/" not in name and name not in ("__meta__", "order", "train_eval_rows")}
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


# -- the whole run: weights, training state, history ---------------------------------------------

RUN_SCALARS = ("steps", "revision", "samples_seen", "epochs_done", "_position", "last_loss")
TRACE_ROWS_MOST = 100_000  # a saved trace longer than this is not one this app wrote


def _json_number(value):
    """``value`` as JSON can hold it: NaN and infinities become None."""
    value = float(value)
    return value if np.isfinite(value) else None


MOST_LOG_ENTRIES = 100_000


def snapshot_to_bytes(params: dict[str, np.ndarray]) -> bytes:
    """One snapshot's parameters as ``.npz`` bytes (the run store keeps each in a file of its own)."""
    buffer = io.BytesIO()
    np.savez(buffer, **params)
    return buffer.getvalue()


def snapshot_from_bytes(data: bytes) -> dict[str, np.ndarray]:
    """The parameters ``snapshot_to_bytes`` wrote (shapes and values are checked by ``load_run``)."""
    return _read_arrays(data)


def run_to_bytes(
    trainer, extra: dict | None = None, snapshots: bool = True, attachments: dict[str, bytes] | None = None
) -> bytes:
    """The ``.npz`` bytes of the whole run: the model as ``model_to_bytes`` writes it, plus the
    starting weights, the optimizer's state, the batch order and random state, the counters, the
    history, the log of setting changes and the snapshots, so that a loaded run trains on exactly
    as this one would have and can be replayed. With ``snapshots=False`` the snapshots' arrays are
    left out (their steps and positions stay in): the run store writes each once, on its own.
    ``attachments`` are other files carried along as bytes (the session's other runs, say): see
    ``attachment``."""
    optimizer = trainer.optimizer
    arrays = {f"initial/{k}": v for k, v in trainer.initial_params.items()}
    held = trainer.snapshots.held
    if snapshots:
        for snapshot in held[1:]:
            arrays |= {f"snapshot/{snapshot.step}/{k}": v for k, v in snapshot.params.items()}
    for slot in ("velocity", "m", "v"):
        for k, v in getattr(optimizer, slot, {}).items():
            arrays[f"optimizer/{slot}/{k}"] = v
    for name, data in (attachments or {}).items():
        arrays[f"attached/{name}"] = np.frombuffer(data, np.uint8)
    arrays["order"] = np.asarray(trainer._order)
    arrays["train_eval_rows"] = np.asarray(trainer._train_eval_rows)
    traces = {}
    for name, trace in trainer.history.items():
        traces[name] = {
            "cap": trace.cap,
            "stride": trace.stride,
            "offered": trace.offered,
            "columns": list(trace.columns),
        }
        for column, values in trace.columns.items():
            arrays[f"history/{name}/{column}"] = np.asarray(values)
    diverged = trainer.diverged
    run = {
        "counters": {name.lstrip("_"): getattr(trainer, name) for name in RUN_SCALARS},
        "settings": {
            **trainer.live_settings(),  # every live setting (nn_core.settings), a table as its JSON text
            "loss": trainer.loss_name,
            "eval_every": trainer.eval_every,
            "diag_every": trainer.diag_every,
            "seed": trainer.seed,
            "blas_threads": trainer.blas_threads,  # one thread or two sum in another order: a replay needs the same
        },
        "optimizer_t": getattr(optimizer, "t", 0),
        "seconds_trained": trainer.seconds_trained,
        "order_state": trainer._order_state,
        "settings_log": [list(entry) for entry in trainer.settings_log],
        "schedule": [list(entry) for entry in trainer._schedule],
        "snapshots": [
            {
                "step": s.step,
                "samples_seen": s.samples_seen,
                "epochs_done": s.epochs_done,
                "position": s.position,
                "order_state": s.order_state,
                "epoch_end": s.epoch_end,
            }
            for s in held
        ],
        "reference_loss": trainer.reference_loss,
        "healthy_average": trainer.guard.healthy_average,
        "rng": trainer._rng.bit_generator.state,
        "traces": traces,
        "diverged": None
        if diverged is None
        else {
            "step": diverged.step,
            "lr": diverged.lr,
            "loss": _json_number(diverged.loss),
            "reference_loss": _json_number(diverged.reference_loss),
            "message": diverged.message,
            "restored_step": diverged.restored_step,
        },
    }
    run["counters"]["last_loss"] = _json_number(run["counters"]["last_loss"])
    meta = {"format": FORMAT, "version": VERSION, "config": trainer.model.config(), "extra": extra or {}, "run": run}
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.array(json.dumps(meta)), **trainer.model.params, **arrays)
    return buffer.getvalue()


def save_run(trainer, path, extra: dict | None = None) -> None:
    """Write the whole run of ``trainer`` to ``path`` (.npz): see ``run_to_bytes``."""
    Path(path).write_bytes(run_to_bytes(trainer, extra))


def attachment(source, name: str) -> bytes | None:
    """The file attached to a run file as ``name`` (``run_to_bytes``), or None if there is none."""
    found = _read_arrays(source).get(f"attached/{name}")
    if found is None or found.dtype != np.uint8 or found.ndim != 1:
        return None
    return found.tobytes()


def run_metadata(source) -> dict:
    """The ``extra`` dict a model or run file was saved with (raises ModelFileError for a bad file)."""
    extra = _read_meta(_read_arrays(source)).get("extra", {})
    return extra if isinstance(extra, dict) else {}


def _checked(arrays: dict, name: str, shape: tuple | None = None, integer: bool = False) -> np.ndarray:
    if name not in arrays:
        raise ModelFileError(f"the run is missing {name}")
    array = arrays[name]
    if shape is not None and array.shape != shape:
        raise ModelFileError(f"{name} has shape {array.shape}, not {shape}")
    kind = np.integer if integer else np.number
    if not np.issubdtype(array.dtype, kind) or (not integer and not np.isfinite(array).all()):
        raise ModelFileError(f"{name} does not hold {'whole' if integer else 'finite'} numbers")
    return array


def _number(value, what: str, whole: bool = False, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
        raise ModelFileError(f"the run's {what} is not a {'whole ' if whole else ''}number")
    return value


def load_run(source, dataset, snapshot_arrays=None):
    """The run in ``source`` (a path or the file's bytes) as a ``Trainer`` on ``dataset``, with
    every check ``load_model`` makes and the training state's own. A file with weights only (saved
    before whole runs were, or by ``save_model``) loads too: its counters come from its metadata,
    and ``trainer.notes`` says its history was not saved.

    ``snapshot_arrays(step)``, if given, returns the parameters of the snapshot at ``step`` for a
    run saved without them (or None when they are lost: that moment is then left out)."""
    arrays = _read_arrays(source)
    model = _model_from(arrays, dataset.n_features)
    meta = _read_meta(arrays)
    if model.layer_sizes[-1] != dataset.n_classes:
        raise ModelFileError(
            f"this model answers with {model.layer_sizes[-1]} classes, the current data has {dataset.n_classes}"
        )
    run = meta.get("run")
    if run is None:
        trainer = Trainer(model, dataset)
        extra = model.metadata
        steps = extra.get("step", 0)
        trainer.steps = steps if isinstance(steps, int) and steps >= 0 else 0
        trainer.samples_seen = int(round(float(extra.get("epoch", 0) or 0) * len(dataset.y_train)))
        trainer.epochs_done = int(float(extra.get("epoch", 0) or 0))
        trainer.notes = [
            "This file holds the weights only (saved before whole runs were): its training history was not saved."
        ]
        return trainer
    if not isinstance(run, dict):
        raise ModelFileError("the run's description is not valid")
    try:
        settings, counters = run["settings"], run["counters"]
        # A live setting the file does not hold was added after it was written: its default.
        live = {name: settings[name] for name in live_settings() if name in settings}
        for name, value in live.items():
            if not live_settings()[name].accepts(value):
                raise ModelFileError(f"the run's {live_settings()[name].what} is not valid ({value!r})")
        trainer = Trainer(
            model,
            dataset,
            **live,
            seed=_number(settings["seed"], "seed", whole=True),
            loss=str(settings["loss"]),
            eval_every=_number(settings["eval_every"], "evaluation interval", whole=True, allow_none=True),
            diag_every=_number(settings["diag_every"], "diagnostics interval", whole=True),
            blas_threads=_number(settings.get("blas_threads"), "BLAS threads", whole=True, allow_none=True),
        )
    except (KeyError, TypeError) as error:
        raise ModelFileError(f"the run's settings are incomplete ({error})") from None
    except ValueError as error:
        raise ModelFileError(f"the run's settings are not valid: {error}") from None
    shapes = {k: v.shape for k, v in model.params.items()}
    trainer.initial_params = {
        k: _checked(arrays, f"initial/{k}", shape).astype(model.dtype) for k, shape in shapes.items()
    }
    optimizer = trainer.optimizer
    for slot in ("velocity", "m", "v"):
        if hasattr(optimizer, slot):
            saved = {k: f"optimizer/{slot}/{k}" for k in shapes if f"optimizer/{slot}/{k}" in arrays}
            getattr(optimizer, slot).update(
                {k: _checked(arrays, name, shapes[k]).astype(model.dtype) for k, name in saved.items()}
            )
    if hasattr(optimizer, "t"):
        optimizer.t = _number(run.get("optimizer_t", 0), "optimizer step", whole=True)
    rows = len(dataset.y_train)
    order = _checked(arrays, "order", integer=True)
    eval_rows = _checked(arrays, "train_eval_rows", integer=True)
    same_data = order.shape == (rows,) and np.array_equal(np.sort(order), np.arange(rows))
    if same_data and eval_rows.size and 0 <= eval_rows.min() and eval_rows.max() < rows:
        trainer._order, trainer._train_eval_rows = order.astype(np.int64), eval_rows.astype(np.int64)
        position = _number(counters.get("position", 0), "position", whole=True)
        trainer._position = min(max(position, 0), rows)
        try:
            trainer._rng.bit_generator.state = run["rng"]
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"the run's random state is not valid ({error})") from None
    else:
        trainer.notes.append("The run was trained on data of another size: its batches start afresh.")
    for name in ("steps", "revision", "samples_seen", "epochs_done"):
        value = _number(counters.get(name, 0), name, whole=True)
        if value < 0:
            raise ModelFileError(f"the run's {name} is negative")
        setattr(trainer, name, value)
    last = _number(counters.get("last_loss"), "last loss", allow_none=True)
    trainer.last_loss = float("nan") if last is None else float(last)
    trainer.guard.reference_loss = _number(run.get("reference_loss"), "reference loss", allow_none=True)
    trainer.guard.healthy_average = _number(run.get("healthy_average"), "loss average", allow_none=True)
    trainer.guard.last_healthy = (trainer.steps, {k: v.copy() for k, v in model.params.items()})
    _load_traces(trainer, arrays, run.get("traces", {}))
    _load_time_travel(trainer, arrays, run, same_data, snapshot_arrays)
    diverged = run.get("diverged")
    if isinstance(diverged, dict):
        try:
            trainer.diverged = Divergence(
                int(diverged["step"]),
                float(diverged["lr"]),
                float("nan") if diverged["loss"] is None else float(diverged["loss"]),
                float("nan") if diverged["reference_loss"] is None else float(diverged["reference_loss"]),
                str(diverged["message"]),
                int(diverged.get("restored_step", 0)),
            )
        except (KeyError, TypeError, ValueError):
            raise ModelFileError("the run's record of its blow-up is not valid") from None
    return trainer


def _load_traces(trainer, arrays: dict, traces: dict) -> None:
    if not isinstance(traces, dict):
        raise ModelFileError("the run's history is not valid")
    for name, saved in traces.items():
        if name not in trainer.history or not isinstance(saved, dict):
            raise ModelFileError(f"the run's history has an unknown table {name!r}")
        trace = trainer.history[name]
        try:
            trace.cap = _number(saved["cap"], "history size", whole=True)
            trace.stride = _number(saved["stride"], "history stride", whole=True)
            trace.offered = _number(saved["offered"], "history count", whole=True)
            columns = list(saved["columns"])
        except (KeyError, TypeError):
            raise ModelFileError(f"the run's {name} history is incomplete") from None
        lengths = set()
        for column in columns:
            values = _checked(arrays, f"history/{name}/{column}")
            if len(values) > TRACE_ROWS_MOST:
                raise ModelFileError(f"the run's {name} history is longer than this app writes")
            lengths.add(len(values))
            trace.columns[str(column)] = values.tolist() if values.ndim == 1 else list(values)
        if len(lengths) > 1:
            raise ModelFileError(f"the run's {name} history has columns of different lengths")
        if name == "steps" and "lr" in trace.columns and "rate" not in trace.columns:
            trace.columns["rate"] = list(trace.columns["lr"])  # saved before schedules: the rate was the lr


def _log(entries, what: str) -> list[tuple[int, str, object]]:
    if not isinstance(entries, list) or len(entries) > MOST_LOG_ENTRIES:
        raise ModelFileError(f"the run's {what} is not valid")
    log = []
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 3 and entry[1] in live_settings()):
            raise ModelFileError(f"the run's {what} is not valid")
        step = _number(entry[0], f"{what} step", whole=True)
        value = entry[2]
        if not live_settings()[entry[1]].accepts(value):
            raise ModelFileError(f"the run's {what} holds a value its setting cannot take ({entry[1]} {value!r})")
        log.append((step, entry[1], value))
    return log


def _load_time_travel(trainer, arrays: dict, run: dict, same_data: bool, snapshot_arrays) -> None:
    """The run's setting log, its remaining replay schedule, its time trained and its snapshots."""
    trainer.seconds_trained = float(_number(run.get("seconds_trained", 0.0), "time trained"))
    trainer.settings_log = _log(run.get("settings_log", []), "log of settings")
    trainer._schedule = _log(run.get("schedule", []), "replay schedule")
    saved = run.get("snapshots", [])
    if not isinstance(saved, list):
        raise ModelFileError("the run's snapshots are not valid")
    if same_data and "order_state" in run:
        if not _valid_random_state(run["order_state"]):
            raise ModelFileError("the run's random state is not valid")
        trainer._order_state = run["order_state"]
    shapes = {k: v.shape for k, v in trainer.model.params.items()}
    trainer.initial_params = frozen_copy(trainer.initial_params)
    start_state = saved[0].get("order_state") if saved and isinstance(saved[0], dict) and same_data else None
    if start_state is not None and not _valid_random_state(start_state):
        raise ModelFileError("the run's random state at its start is not valid")
    held = [Snapshot(0, trainer.initial_params, order_state=start_state or trainer.snapshots.held[0].order_state)]
    trainer.snapshots.held = held[:]
    lost = 0
    for info in saved:
        if not isinstance(info, dict):
            raise ModelFileError("the run's snapshots are not valid")
        step = _number(info.get("step"), "snapshot step", whole=True)
        if step <= 0:
            continue  # step 0 is the starting weights, already loaded
        if step > trainer.steps or step <= held[-1].step:
            raise ModelFileError("the run's snapshots are not in order")
        names = {k: f"snapshot/{step}/{k}" for k in shapes}
        if all(name in arrays for name in names.values()):
            params = {k: _checked(arrays, name, shapes[k]) for k, name in names.items()}
        else:
            found = snapshot_arrays(step) if snapshot_arrays is not None else None
            if found is None or set(found) != set(shapes):
                lost += 1
                continue
            params = {k: _checked(found, k, shapes[k]) for k in shapes}
        order_state = info.get("order_state") if same_data else None
        if order_state is not None and not _valid_random_state(order_state):
            raise ModelFileError("the run's random state at a snapshot is not valid")
        held.append(
            Snapshot(
                step,
                frozen_copy({k: v.astype(trainer.model.dtype) for k, v in params.items()}),
                _number(info.get("samples_seen", 0), "snapshot samples", whole=True),
                _number(info.get("epochs_done", 0), "snapshot epochs", whole=True),
                _number(info.get("position", 0), "snapshot position", whole=True) if same_data else 0,
                order_state if isinstance(order_state, dict) else trainer._order_state,
                bool(info.get("epoch_end", False)),
            )
        )
    for snapshot in held[1:]:
        trainer.snapshots.add(snapshot)  # thinned as training would have, should a file hold more
    if lost:
        trainer.notes.append(f"{lost} of the run's saved moments could not be read: the time slider skips them.")


def _valid_random_state(state) -> bool:
    try:
        np.random.default_rng().bit_generator.state = state
    except (TypeError, ValueError, KeyError):
        return False
    return True
