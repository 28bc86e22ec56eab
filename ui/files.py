"""The files the Model page offers for download, built from a trainer (no Streamlit here)."""

from __future__ import annotations

from nn_core.history import trace_table
from nn_core.io import run_to_bytes
from nn_core.ledger import Ledger, ledger_to_bytes
from nn_core.train import Trainer

from .settings import Settings


def file_stem(trainer: Trainer) -> str:
    return f"digits-{'-'.join(map(str, trainer.model.layer_sizes))}-step{trainer.steps}"


def network_file(
    trainer: Trainer, settings: Settings, source: str, ledger: Ledger | None = None, digits: bytes | None = None
) -> tuple[str, bytes]:
    """``(file name, .npz bytes)``: the whole run (``nn_core.io.run_to_bytes``: weights, starting
    weights, optimizer state, batch order, counters, history, snapshots), plus the dataset, the step
    and the settings as JSON, and the session's other runs (``ledger``) attached."""
    val = trainer.metrics()["val_accuracy"]
    extra = {
        "dataset": source,
        "dataset_name": trainer.dataset.name,
        "step": trainer.steps,
        "epoch": round(trainer.epochs_elapsed, 4),
        "settings": settings.as_dict(),
        "val_accuracy": None if val != val else round(float(val), 5),
    }
    others = {"ledger": ledger_to_bytes(ledger, trainer.serial)} if ledger is not None and len(ledger.runs) > 1 else {}
    if digits is not None:
        others["digits"] = digits
    return f"{file_stem(trainer)}.npz", run_to_bytes(trainer, extra, attachments=others)


def history_files(trainer: Trainer) -> dict[str, tuple[str, str]]:
    """``{"evaluations" | "batches": (file name, CSV text)}`` of the training history."""
    names = {
        "val_per_class_accuracy": [f"val_accuracy_{c}" for c in trainer.dataset.class_names],
        "dead_fraction": [f"dead_units_layer_{l}" for l in range(1, trainer.model.n_layers)],
    }
    stem = file_stem(trainer)
    return {
        "evaluations": (f"{stem}-evaluations.csv", trace_table(trainer.history["evals"], names).to_csv(index=False)),
        "batches": (f"{stem}-batches.csv", trace_table(trainer.history["steps"]).to_csv(index=False)),
    }
