"""The learning curves' numbers: the evaluations a trainer records as it trains (its
``history["evals"]``) and the evaluation of a whole split.

Evaluations come densely at first (steps 1, 2, 3, 5, 10, 20, 30: ``EARLY_EVALUATIONS``), then
every ``eval_every`` steps, and at the end of every epoch: the loss and accuracy on a fixed sample
of up to ``TRAIN_EVAL_ROWS`` training rows and on the validation split, the validation accuracy
of each class, and each hidden layer's dead-unit fraction. The curves have a shape from the first
step, and an evaluation costs a few milliseconds, so the early ones are nearly free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .diagnostics import dead_unit_fraction
from .metrics import accuracy, confusion_matrix, per_class_accuracy, precision_recall

if TYPE_CHECKING:
    from .train import Trainer

Array = np.ndarray

TRAIN_EVAL_ROWS = 2000
EARLY_EVALUATIONS = frozenset((1, 2, 3, 5, 10, 20, 30))


def train_eval_rows(rows: int, seed: int) -> Array:
    """The fixed sample of training rows the training loss and accuracy are measured on."""
    return np.sort(np.random.default_rng(seed).choice(rows, min(TRAIN_EVAL_ROWS, rows), replace=False))


def evaluation_due(step: int, every: int | None) -> bool:
    """Whether step ``step`` ends with an evaluation: densely at first, then every ``every``."""
    return bool(every) and (step in EARLY_EVALUATIONS or step % every == 0)


def _loss_and_predictions(trainer: Trainer, X: Array, y: Array) -> tuple[float, Array, dict]:
    cache = trainer.model.forward(X)
    return trainer.model.loss(cache, y, trainer.loss_name), cache[f"A{trainer.model.n_layers}"].argmax(axis=1), cache


def evaluate(trainer: Trainer, split: str = "val") -> dict:
    """Loss (without the L2 term), accuracy, per-class accuracy, precision, recall, confusion matrix."""
    X, y = trainer.dataset.split(split)
    k = trainer.dataset.n_classes
    loss, predicted, _ = _loss_and_predictions(trainer, X, y)
    precision, recall = precision_recall(y, predicted, k)
    return {
        "split": split,
        "loss": loss,
        "accuracy": accuracy(y, predicted),
        "per_class_accuracy": per_class_accuracy(y, predicted, k),
        "precision": precision,
        "recall": recall,
        "confusion": confusion_matrix(y, predicted, k),
        "predictions": predicted,
    }


def record_evaluation(trainer: Trainer) -> dict:
    """Evaluate on the training sample and the validation split; append to ``history["evals"]``."""
    rows = trainer._train_eval_rows
    train_loss, train_pred, _ = _loss_and_predictions(
        trainer, trainer.dataset.X_train[rows], trainer.dataset.y_train[rows]
    )
    X_val, y_val = trainer.dataset.split("val")
    val_loss, val_pred, cache = _loss_and_predictions(trainer, X_val, y_val)
    model = trainer.model
    dead = [dead_unit_fraction(cache[f"Z{l}"], model.activation, model.leaky_slope) for l in range(1, model.n_layers)]
    row = {
        "step": trainer.steps,
        "epoch": trainer.epochs_elapsed,
        "train_loss": train_loss,
        "train_accuracy": accuracy(trainer.dataset.y_train[rows], train_pred),
        "val_loss": val_loss,
        "val_accuracy": accuracy(y_val, val_pred),
        "val_per_class_accuracy": per_class_accuracy(y_val, val_pred, trainer.dataset.n_classes),
        "dead_fraction": np.array(dead),
    }
    evals = trainer.history["evals"]
    if evals.last("step") != trainer.steps:
        evals.append(**row)
    return row
