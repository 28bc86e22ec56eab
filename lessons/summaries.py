"""One line of text per chart that carries a lesson's point, computed from the chart's own data:
what a screen reader reads instead of the picture, and what a learner skimming the page sees first.
Pure functions (numbers in, Markdown out); the pages draw them beside their charts."""

from __future__ import annotations

import numpy as np

from nn_core.evaluation import worst_confusion
from nn_core.history import SMOOTHING, ema

Array = np.ndarray


def _percent(value: float) -> str:
    return "–" if value != value else f"{value:.1%}"


def loss(steps: Array, losses: Array, eval_steps: Array, val_losses: Array, val_accuracy: Array) -> str:
    """ "The loss fell from 2.31 to 0.42 over 55 steps; validation loss 0.45, accuracy 85.3%"."""
    if not len(losses):
        return "No step taken yet: the loss curve starts with the first step."
    smoothed = ema(np.asarray(losses, dtype=np.float64), SMOOTHING)
    first, last = float(losses[0]), float(smoothed[-1])
    verb = "fell" if last < first else "rose" if last > first else "stayed"
    text = f"The loss {verb} from {first:.2f} to {last:.2f} (smoothed) over {int(steps[-1]):,} steps"
    if len(eval_steps):
        text += (
            f"; at step {int(eval_steps[-1]):,} the validation loss is {float(val_losses[-1]):.2f} and the "
            f"validation accuracy {_percent(float(val_accuracy[-1]))}"
        )
    return text + "."


def accuracy(eval_steps: Array, train_accuracy: Array, val_accuracy: Array) -> str:
    if not len(eval_steps):
        return "No evaluation yet."
    train, val = float(train_accuracy[-1]), float(val_accuracy[-1])
    best = int(np.nanargmax(val_accuracy))
    return (
        f"At step {int(eval_steps[-1]):,}: training accuracy {_percent(train)}, validation {_percent(val)} (a gap of "
        f"{(train - val) * 100:+.1f} points); the best validation accuracy so far, {_percent(float(val_accuracy[best]))}, "
        f"was at step {int(eval_steps[best]):,}."
    )


def per_digit(per_class: Array, class_names: tuple[str, ...], what: str = "validation accuracy") -> str:
    """The best and the worst learned digit."""
    values = np.asarray(per_class, dtype=np.float64)
    if not len(values) or np.isnan(values).all():
        return "No evaluation yet."
    best, worst = int(np.nanargmax(values)), int(np.nanargmin(values))
    return (
        f"Best learned: {class_names[best]} ({_percent(values[best])} {what}); least: {class_names[worst]} "
        f"({_percent(values[worst])})."
    )


def confusion(matrix: Array, class_names: tuple[str, ...], of: str = "validation") -> str:
    matrix = np.asarray(matrix)
    right, total = int(np.trace(matrix)), int(matrix.sum())
    true, answered = worst_confusion(matrix)
    count = int(matrix[true, answered])
    mistake = (
        f"the most frequent mistake: {count} {class_names[true]}s read as {class_names[answered]}"
        if count
        else "no mistakes"
    )
    return f"{right:,} of the {total:,} {of} digits on the diagonal (right); {mistake}."


def article(name: str) -> str:
    """The article before ``name``: "a" (a 4), "an" (an 8, an Ankle boot)."""
    return "an" if str(name)[:1] in "8AEIOUaeiou" else "a"


def a(name: str) -> str:
    """``name`` with its article: "a 4", "an 8"."""
    return f"{article(name)} {name}"


def answer(probs: Array, class_names: tuple[str, ...], label: int | None = None) -> str:
    """What the network said about one digit: its answer, the runner-up, and if known the truth."""
    order = np.argsort(probs)[::-1]
    first, second = int(order[0]), int(order[1])
    truth = "" if label is None else f" It is {a(class_names[label])}: " + ("right." if first == label else "wrong.")
    return (
        f"The network says {class_names[first]} with {probs[first]:.0%}; next, {class_names[second]} with "
        f"{probs[second]:.0%}.{truth}"
    )


def followed(model, dataset, row: int) -> str:
    """The answer line for validation digit ``row`` of ``dataset`` (the digit the pages follow)."""
    X, y = dataset.split("val")
    return f"Validation digit {row}: " + answer(model.predict_proba(X[row])[0], dataset.class_names, int(y[row]))


def class_counts(counts: Array, class_names: tuple[str, ...]) -> str:
    counts = np.asarray(counts)
    low, high = int(np.argmin(counts)), int(np.argmax(counts))
    return (
        f"{int(counts.sum()):,} training digits: from {int(counts[low]):,} {class_names[low]}s to "
        f"{int(counts[high]):,} {class_names[high]}s."
    )


def runs_by_last(values: dict[str, float], what: str) -> str:
    """ "As written: 10.0%, with your fixes: 26.8%, all fixed: 89.1% training accuracy"."""
    return ", ".join(f"{name}: {_percent(value)}" for name, value in values.items()) + f" {what}."
