"""The glossary: every term the pages use, one ``Term`` each, with how to read its value off a trainer.

The terms' text is a table, ``lessons.glossary_terms``; this module reads it and attaches each
term's ``value`` by its key. A ``Term`` holds a one-sentence definition, its symbol (LaTeX, ""
where there is none), the places in the app where it appears (page file, place on the page) and
``value``, a function that reads the term's number off the learner's ``Trainer`` (None where the
term has no number). The values come from the trainer, its history and nn_core's own functions,
never recomputed here.

The activations, initialisations and optimizers are their registries' entries, keyed by their
registry names: a new entry there becomes a term here with no other edit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from nn_core.activations import ACTIVATIONS, FLAT_SHARE
from nn_core.diagnostics import dead_description, flat_region
from nn_core.evaluation import Evaluation, evaluate, reliability, worst_confusion
from nn_core.inspection import answer, units_switched_on
from nn_core.losses import LOSSES, one_hot
from nn_core.network import INITS
from nn_core.optim import OPTIMIZERS
from nn_core.train import Trainer

from . import glossary_terms as table

SECTIONS = tuple(table.TERMS_BY_SECTION)  # "Data", "The network", ..., "Evaluation"
DIGIT = 0  # the validation digit whose numbers the glossary quotes


@dataclass(frozen=True)
class Term:
    """One glossary entry. ``where``: (page file, place on that page) pairs; ``value(trainer)``
    gives the term's number in that trainer's network as text, or None."""

    key: str
    name: str
    definition: str
    symbol: str = ""
    where: tuple[tuple[str, str], ...] = ()
    value: Callable[[Trainer], str | None] | None = None
    section: str = ""

    @property
    def anchor(self) -> str:
        """The term's anchor on the Glossary page: its key, with hyphens."""
        return self.key.replace("_", "-")

    def value_in(self, trainer: Trainer) -> str | None:
        """The term's value in ``trainer``'s network now, or None where it has none."""
        return None if self.value is None else self.value(trainer)


# -- reading numbers off a trainer ------------------------------------------------------------------


def number(x: float) -> str:
    """``x`` to 3 significant figures."""
    return f"{x:.3g}"


def _percent(x: float) -> str:
    return f"{x:.1%}"


def _digit(trainer: Trainer) -> tuple[np.ndarray, int]:
    X, y = trainer.dataset.split("val")
    return X[DIGIT], int(y[DIGIT])


def _digit_cache(trainer: Trainer) -> dict[str, np.ndarray]:
    return trainer.model.forward(_digit(trainer)[0][None, :])


def _validation(trainer: Trainer) -> Evaluation:
    X, y = trainer.dataset.split("val")
    return evaluate(trainer.model, X, y)


def _last_evaluation(trainer: Trainer, column: str):
    """The latest evaluation's ``column`` and its step, or (None, None) before any."""
    evals = trainer.history["evals"]
    return evals.last(column), evals.last("step")


def _hidden_layers(trainer: Trainer) -> range:
    return range(1, trainer.model.n_layers)


def _dataset(t: Trainer) -> str:
    return t.dataset.description


def _pixels(t: Trainer) -> str:
    h, w = t.dataset.image_shape
    return f"{t.dataset.n_features:,} per digit ({h}×{w})"


def _labels(t: Trainer) -> str:
    return f"{t.dataset.n_classes} classes: {', '.join(t.dataset.class_names)}"


def _one_hot(t: Trainer) -> str:
    label = _digit(t)[1]
    Y = one_hot(np.array([label]), t.dataset.n_classes, int)[0]
    return f"validation digit {DIGIT} is a {t.dataset.class_names[label]}: Y = [{', '.join(map(str, Y))}]"


def _split_size(split: str) -> Callable[[Trainer], str]:
    return lambda t: f"{t.dataset.sizes()[split]:,} digits"


def _units(t: Trainer) -> str:
    sizes = t.model.layer_sizes
    return f"{sum(sizes[1:-1]):,} hidden units and {sizes[-1]} output units"


def _layers(t: Trainer) -> str:
    sizes = t.model.layer_sizes
    return f"{' → '.join(f'{n:,}' for n in sizes)}: {t.model.n_layers} layers of weights"


def _hidden(t: Trainer) -> str:
    hidden = t.model.layer_sizes[1:-1]
    if not hidden:
        return "none: the pixels feed the output layer directly"
    s = "s" if len(hidden) > 1 else ""
    return f"{len(hidden)} hidden layer{s} of {', '.join(f'{n:,}' for n in hidden)} units"


def _output(t: Trainer) -> str:
    return f"{t.model.layer_sizes[-1]} units, one per class"


def _weights(t: Trainer) -> str:
    params = t.model.params
    return "; ".join(
        f"W{l}: {params[f'W{l}'].size:,} weights, std {number(float(np.std(params[f'W{l}'], dtype=np.float64)))}"
        for l in range(1, t.model.n_layers + 1)
    )


def _biases(t: Trainer) -> str:
    def spread(b: np.ndarray) -> str:
        low, high = float(b.min()), float(b.max())
        return f"all {number(low)}" if low == high else f"from {number(low)} to {number(high)}"

    params = t.model.params
    return "; ".join(
        f"b{l}: {params[f'b{l}'].size:,} biases, {spread(params[f'b{l}'])}" for l in range(1, t.model.n_layers + 1)
    )


def _parameters(t: Trainer) -> str:
    return f"{t.model.n_params:,} weights and biases"


def _activation_function(t: Trainer) -> str:
    return ACTIVATIONS[t.model.activation].label


def _activation_entry(name: str) -> Callable[[Trainer], str | None]:
    def value(t: Trainer) -> str | None:
        if t.model.activation != name:
            return None
        slope = f", slope a = {t.model.leaky_slope:g}" if ACTIVATIONS[name].has_slope else ""
        return f"your network's activation{slope}"

    return value


def _initialisation(t: Trainer) -> str:
    return INITS[t.model.init].label


def _init_entry(name: str) -> Callable[[Trainer], str | None]:
    return lambda t: "your network started from it" if t.model.init == name else None


def _pre_activation(t: Trainer) -> str:
    Z1 = _digit_cache(t)["Z1"][0]
    return f"validation digit {DIGIT}: Z1 runs from {number(float(Z1.min()))} to {number(float(Z1.max()))}"


def _activation(t: Trainer) -> str:
    x, _ = _digit(t)
    if ACTIVATIONS[t.model.activation].switches_off:
        on = units_switched_on(t.model, x)
        return f"validation digit {DIGIT} switches on {on} of {t.model.layer_sizes[1]:,} first-layer units"
    A1 = _digit_cache(t)["A1"][0]
    return f"validation digit {DIGIT}: A1 runs from {number(float(A1.min()))} to {number(float(A1.max()))}"


def _logits(t: Trainer) -> str:
    z = _digit_cache(t)[f"Z{t.model.n_layers}"][0]
    names = t.dataset.class_names
    top, bottom = int(np.argmax(z)), int(np.argmin(z))
    return (
        f"validation digit {DIGIT}: largest z = {number(float(z[top]))} (for {names[top]}), "
        f"smallest {number(float(z[bottom]))} (for {names[bottom]})"
    )


def _softmax(t: Trainer) -> str:
    probs = answer(t.model, _digit(t)[0]).probs
    names = t.dataset.class_names
    top = np.argsort(-probs, kind="stable")[:3]
    return f"validation digit {DIGIT}: " + ", ".join(f"{number(float(probs[k]))} for {names[k]}" for k in top)


def _probability(t: Trainer) -> str:
    x, label = _digit(t)
    p = answer(t.model, x).probs[label]
    return f"validation digit {DIGIT} (a {t.dataset.class_names[label]}): {number(float(p))} for its true class"


def _prediction(t: Trainer) -> str:
    x, label = _digit(t)
    guess = answer(t.model, x).guess
    names = t.dataset.class_names
    verdict = "right" if guess == label else f"wrong: it is a {names[label]}"
    return f"validation digit {DIGIT}: {names[guess]}, {verdict}"


def _confidence(t: Trainer) -> str:
    return f"{_percent(float(_validation(t).confidence.mean()))} on average over the validation digits"


def _calibration(t: Trainer) -> str:
    error = reliability(_validation(t), bins=10).expected_calibration_error
    return f"expected calibration error {number(error)} on the validation digits"


def _loss(t: Trainer) -> str | None:
    val, step = _last_evaluation(t, "val_loss")
    batch = "no batch yet" if math.isnan(t.last_loss) else f"last batch {number(t.last_loss)}"
    if val is None:
        return batch
    return f"{batch}; validation {number(val)} (at step {step:,})"


def _cross_entropy(t: Trainer) -> str:
    return f"{number(_validation(t).loss)} on the validation digits"


def _loss_entry(name: str) -> Callable[[Trainer], str | None]:
    return lambda t: "your network trains on it" if t.loss_name == name else None


def _layer_lines(values, step: int, prefix: str = "layer ") -> str:
    return ", ".join(f"{prefix}{l + 1}: {number(float(v))}" for l, v in enumerate(values)) + f" (at step {step:,})"


def _last_diagnostic(t: Trainer, column: str) -> str | None:
    diagnostics = t.history["diagnostics"]
    values = diagnostics.last(column)
    return None if values is None else _layer_lines(values, diagnostics.last("step"))


def _optimizer(t: Trainer) -> str:
    return OPTIMIZERS[t.optimizer_name].label


def _optimizer_entry(name: str) -> Callable[[Trainer], str | None]:
    return lambda t: "your network's optimizer" if t.optimizer_name == name else None


def _momentum(t: Trainer) -> str:
    entry = OPTIMIZERS[t.optimizer_name]
    if not entry.takes_momentum:
        return f"not used by {entry.label}, which keeps its own moving averages"
    momentum = getattr(t.optimizer, "momentum", t.momentum)
    return f"{momentum:g} ({entry.label})" + (": each step follows the latest gradient alone" if momentum == 0 else "")


def _l2(t: Trainer) -> str:
    return f"{t.l2:g}" + (": no penalty" if t.l2 == 0 else "")


def _steps(t: Trainer) -> str:
    return f"{t.steps:,} so far"


def _batch(t: Trainer) -> str:
    rows = len(t.dataset.y_train)
    return f"{t.batch_size:,} digits per batch, {math.ceil(rows / t.batch_size):,} batches per epoch"


def _epoch(t: Trainer) -> str:
    return f"{number(t.epochs_elapsed)} epochs elapsed ({t.epochs_done:,} complete)"


def _evaluations(t: Trainer) -> str | None:
    evals = t.history["evals"]
    return f"{len(evals):,} so far, the latest at step {evals.last('step'):,}" if len(evals) else None


def _divergence(t: Trainer) -> str:
    return t.diverged.message if t.diverged is not None else "no blow-up so far"


def _dead_units(t: Trainer) -> str | None:
    called, _ = dead_description(t.model.activation, t.model.leaky_slope)
    if not called:
        return f"none can be: {ACTIVATIONS[t.model.activation].label} has no flat region a unit gets stuck in"
    fractions, step = _last_evaluation(t, "dead_fraction")
    if fractions is None or not len(fractions):  # not evaluated yet, or no hidden layer
        return None
    sizes = t.model.layer_sizes
    return (
        "; ".join(
            f"hidden layer {l}: {fraction:.0%} ({round(fraction * sizes[l])} of {sizes[l]:,})"
            for l, fraction in zip(_hidden_layers(t), fractions)
        )
        + f" (at step {step:,})"
    )


def _flat_shares(t: Trainer) -> str | None:
    X, _ = t.dataset.split("val")
    cache = t.model.forward(X)
    regions = [flat_region(cache[f"Z{l}"], t.model.activation, t.model.leaky_slope) for l in _hidden_layers(t)]
    if not regions or regions[0] is None:
        return None
    shares = ", ".join(f"layer {l}: {region.fraction:.0%}" for l, region in zip(_hidden_layers(t), regions))
    return f"{shares} of the validation digits' sums ({regions[0].label})"


def _saturation(t: Trainer) -> str | None:
    called, _ = dead_description(t.model.activation, t.model.leaky_slope)
    return _flat_shares(t) if called == "saturated" else None


def _overfitting(t: Trainer) -> str | None:
    train, step = _last_evaluation(t, "train_accuracy")
    if train is None:
        return None
    val, _ = _last_evaluation(t, "val_accuracy")
    gap = 100 * (train - val)
    verdict = f"training ahead by {gap:.1f} points" if gap > 0 else "no gap"
    return f"training {_percent(train)}, validation {_percent(val)}: {verdict} (at step {step:,})"


def _moments(t: Trainer) -> str:
    steps = t.snapshot_steps()
    return f"{len(steps)} kept, from step 0 to step {steps[-1]:,}"


def _seed(t: Trainer) -> str:
    return f"{t.model.seed}"


def _accuracy(t: Trainer) -> str | None:
    val, step = _last_evaluation(t, "val_accuracy")
    return None if val is None else f"{_percent(val)} on the validation digits (at step {step:,})"


def _confusion(t: Trainer) -> str:
    result = _validation(t)
    true, answered = worst_confusion(result.confusion)
    count = int(result.confusion[true, answered])
    if true == answered or count == 0:
        return "no mistakes on the validation digits"
    names = t.dataset.class_names
    return f"the most common mistake on the validation digits: {names[true]} answered {names[answered]}, {count} times"


def _lowest(scores: np.ndarray, names: tuple[str, ...]) -> str:
    if np.isnan(scores).all():
        return "none yet: no class was answered"
    k = int(np.nanargmin(scores))
    return f"lowest on the validation digits: {names[k]}, {_percent(float(scores[k]))}"


def _precision(t: Trainer) -> str:
    return _lowest(_validation(t).precision, t.dataset.class_names)


def _recall(t: Trainer) -> str:
    return _lowest(_validation(t).recall, t.dataset.class_names)


# -- the terms: the table's text, each with its value ----------------------------------------------

# Each term's value, by its key; a term of the table missing here has no number.
VALUES: dict[str, Callable[[Trainer], str | None]] = {
    "dataset": _dataset,
    "pixel": _pixels,
    "label": _labels,
    "one_hot": _one_hot,
    "training_set": _split_size("train"),
    "validation_set": _split_size("val"),
    "test_set": _split_size("test"),
    "unit": _units,
    "layer": _layers,
    "hidden_layer": _hidden,
    "output_layer": _output,
    "weight": _weights,
    "bias": _biases,
    "parameter": _parameters,
    "activation_function": _activation_function,
    "initialisation": _initialisation,
    "pre_activation": _pre_activation,
    "activation": _activation,
    "logit": _logits,
    "softmax": _softmax,
    "probability": _probability,
    "prediction": _prediction,
    "loss": _loss,
    "cross_entropy": _cross_entropy,
    "squared_error": _loss_entry("mse"),
    "gradient": lambda t: _last_diagnostic(t, "grad_norm"),
    "learning_rate": lambda t: f"{t.lr:g}",
    "optimizer": _optimizer,
    "l2": _l2,
    "update_ratio": lambda t: _last_diagnostic(t, "update_ratio"),
    "step": _steps,
    "batch": _batch,
    "epoch": _epoch,
    "evaluation": _evaluations,
    "divergence": _divergence,
    "flat_region": _flat_shares,
    "dead_unit": _dead_units,
    "saturation": _saturation,
    "overfitting": _overfitting,
    "moment": _moments,
    "seed": _seed,
    "accuracy": _accuracy,
    "confusion_matrix": _confusion,
    "precision": _precision,
    "recall": _recall,
    "confidence": _confidence,
    "calibration": _calibration,
}


def _places(where) -> tuple[tuple[str, str], ...]:
    """The table's (page, place) pairs as (page file, place)."""
    return tuple((page.path, place) for page, place in where)


def _activation_terms() -> list[Term]:
    return [
        Term(
            name,
            entry.label,
            table.ACTIVATION_DEFINITIONS.get(
                name, table.ACTIVATION_DEFAULT.format(label=entry.label, latex=entry.latex)
            ),
            entry.latex,
            _places(table.ACTIVATION_PLACES),
            _activation_entry(name),
        )
        for name, entry in ACTIVATIONS.items()
    ]


def _init_terms() -> list[Term]:
    return [
        Term(
            name,
            table.INIT_NAME.format(short=entry.short),
            table.INIT_DEFINITIONS.get(name, table.INIT_DEFAULT.format(label=entry.label)),
            table.INIT_SYMBOLS.get(name, ""),
            _places(table.INIT_PLACES),
            _init_entry(name),
        )
        for name, entry in INITS.items()
    ]


def _optimizer_terms() -> list[Term]:
    return [
        Term(
            name,
            name if name == "momentum" else entry.label,
            table.OPTIMIZER_DEFINITIONS.get(name, table.OPTIMIZER_DEFAULT.format(label=entry.label)),
            table.OPTIMIZER_SYMBOLS.get(name, ""),
            _places(table.MOMENTUM_PLACES if name == "momentum" else table.OPTIMIZER_PLACES),
            _momentum if name == "momentum" else _optimizer_entry(name),
        )
        for name, entry in OPTIMIZERS.items()
    ]


REGISTRY_TERMS = {
    table.ACTIVATION_TERMS: _activation_terms,
    table.INIT_TERMS: _init_terms,
    table.OPTIMIZER_TERMS: _optimizer_terms,
}


def _table_term(row: tuple, fills: dict) -> Term:
    key, name, definition, symbol, where = row
    return Term(key, name.format_map(fills), definition.format_map(fills), symbol, _places(where), VALUES.get(key))


def build_terms() -> list[Term]:
    """Every term, in glossary order, the registries' entries as they are now."""
    fills = {
        "losses": {name: entry.label for name, entry in LOSSES.items()},
        "optimizer_labels": ", ".join(entry.label for entry in OPTIMIZERS.values()),
        "flat_share": FLAT_SHARE,
    }
    terms = [
        replace(term, section=section)
        for section, rows in table.TERMS_BY_SECTION.items()
        for row in rows
        for term in (REGISTRY_TERMS[row]() if isinstance(row, str) else [_table_term(row, fills)])
    ]
    if unknown := set(VALUES) - {term.key for term in terms}:  # a misspelt key would lose its value silently
        raise KeyError(f"values for terms the table does not have: {sorted(unknown)}")
    return terms


TERMS: dict[str, Term] = {term.key: term for term in build_terms()}


def matching(query: str, terms: dict[str, Term] | None = None) -> list[Term]:
    """The terms whose name or definition holds every word of ``query`` (any case), in glossary
    order; all of them for an empty query."""
    words = query.lower().split()
    return [
        term
        for term in (terms or TERMS).values()
        if all(word in f"{term.name} {term.definition}".lower() for word in words)
    ]


def by_section(terms: list[Term]) -> dict[str, list[Term]]:
    """``terms`` grouped by section, in ``SECTIONS`` order (empty sections left out)."""
    return {name: group for name in SECTIONS if (group := [term for term in terms if term.section == name])}
