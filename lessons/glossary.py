"""The glossary: every term the pages use, one ``Term`` each, with how to read its value off a trainer.

A ``Term`` holds a one-sentence definition, its symbol (LaTeX, "" where there is none), the
places in the app where it appears (page file, place on the page) and ``value``, a function
that reads the term's number off the learner's ``Trainer`` (None where the term has no number).
The values come from the trainer, its history and nn_core's own functions, never recomputed here.

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

from . import pages

SECTIONS = ("Data", "The network", "Forward pass", "Loss", "Learning", "Training", "Evaluation")
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


# -- the terms, by section --------------------------------------------------------------------------

DATA = pages.DATA.path
WEIGHTS = pages.WEIGHTS.path
ACTIVATIONS_PAGE = pages.ACTIVATIONS.path
FORWARD = pages.FORWARD.path
BACKPROP = pages.BACKPROP.path
TRAINING = pages.TRAINING.path
EVALUATION = pages.EVALUATION.path
DRAW = pages.DRAW.path
MODEL = pages.MODEL.path
HOME = pages.HOME.path

# What each registry entry is, in one sentence; an entry without one gets a plain default.
ACTIVATION_DEFINITIONS = {
    "relu": "The activation max(0, z): a positive sum passes unchanged and a negative one becomes 0.",
    "leaky_relu": "ReLU with a small slope a below 0 instead of a flat 0, so a unit whose sums are negative still "
    "gets a little gradient.",
    "sigmoid": "The activation that squashes any sum into (0, 1), steep near 0 and almost flat in both tails.",
    "tanh": "The activation that squashes any sum into (−1, 1), centred on 0 and almost flat in both tails.",
    "identity": "No bend at all, g(z) = z: a network with it is one linear function however many layers it has.",
}
INIT_DEFINITIONS = {
    "he": "Starting weights drawn from a normal distribution with standard deviation √(2 / inputs), which keeps "
    "ReLU units' sums the same size from layer to layer.",
    "xavier": "Starting weights drawn from a normal distribution with standard deviation √(2 / (inputs + outputs)), "
    "suited to sigmoid and tanh.",
    "uniform": "Starting weights and biases drawn evenly between −0.5 and 0.5, as the notebook's text describes.",
    "randn": "Starting weights and biases drawn from a standard normal (std 1), as the notebook's code does: far too "
    "wide for hundreds of inputs.",
}
INIT_SYMBOLS = {
    "he": r"W \sim \mathcal{N}\!\left(0, \tfrac{2}{n_{in}}\right)",
    "xavier": r"W \sim \mathcal{N}\!\left(0, \tfrac{2}{n_{in} + n_{out}}\right)",
    "uniform": r"W, b \sim U(-0.5, 0.5)",
    "randn": r"W, b \sim \mathcal{N}(0, 1)",
}
OPTIMIZER_DEFINITIONS = {
    "sgd": "Stochastic gradient descent: each step moves every weight by −η times its gradient on one batch.",
    "momentum": "A running sum of past gradients that each step follows instead of the latest gradient alone, so "
    "steps build up speed along a steady slope and zig-zag less.",
    "adam": "An optimizer that divides each weight's step by a running average of its gradient's size, so every "
    "weight moves at a similar pace.",
}
OPTIMIZER_SYMBOLS = {
    "sgd": r"W \leftarrow W - \eta\, dW",
    "momentum": r"v \leftarrow \mu v + dW, \quad W \leftarrow W - \eta v",
    "adam": r"W \leftarrow W - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}",
}


def _section(name: str, *terms: Term) -> list[Term]:
    return [replace(term, section=name) for term in terms]


def _activation_terms() -> list[Term]:
    return [
        Term(
            name,
            entry.label,
            ACTIVATION_DEFINITIONS.get(name, f"The activation the sidebar calls {entry.label}, {entry.latex}."),
            entry.latex,
            ((ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),),
            _activation_entry(name),
        )
        for name, entry in ACTIVATIONS.items()
    ]


def _init_terms() -> list[Term]:
    return [
        Term(
            name,
            f"{entry.short} initialisation",
            INIT_DEFINITIONS.get(name, f"A way to draw the starting weights: {entry.label}."),
            INIT_SYMBOLS.get(name, ""),
            ((WEIGHTS, "Where the knobs start: initialisation"),),
            _init_entry(name),
        )
        for name, entry in INITS.items()
    ]


def _optimizer_terms() -> list[Term]:
    return [
        Term(
            name,
            name if name == "momentum" else entry.label,
            OPTIMIZER_DEFINITIONS.get(name, f"The optimizer the sidebar calls {entry.label}."),
            OPTIMIZER_SYMBOLS.get(name, ""),
            ((TRAINING, "Sidebar: Momentum" if name == "momentum" else "Sidebar: Optimizer"),),
            _momentum if name == "momentum" else _optimizer_entry(name),
        )
        for name, entry in OPTIMIZERS.items()
    ]


def build_terms() -> list[Term]:
    """Every term, in glossary order, the registries' entries as they are now."""
    loss_labels = {name: entry.label for name, entry in LOSSES.items()}
    return [
        *_section(
            "Data",
            Term(
                "dataset",
                "dataset",
                "The labelled digits the network learns from and is judged on, each a picture and the class it shows.",
                "",
                ((DATA, "Data: what the network sees"), (HOME, "Data")),
                _dataset,
            ),
            Term(
                "pixel",
                "pixel",
                "One number per dot of the picture, divided by the value of full ink so that it lies between 0 "
                "(paper) and 1 (ink).",
                r"x_i \in [0, 1]",
                ((DATA, "One row becomes an image"), (DRAW, "What the network receives")),
                _pixels,
            ),
            Term(
                "label",
                "label",
                "The class a digit really is, as the dataset records it: the answer the network should learn to give.",
                "y",
                ((DATA, "One row becomes an image"),),
                _labels,
            ),
            Term(
                "one_hot",
                "one-hot",
                "The label written as one number per class, 1 at the label's position and 0 everywhere else, so that "
                "it can be compared with the probabilities.",
                r"Y = [0, \dots, 0, 1, 0, \dots, 0]",
                ((DATA, "The label, one-hot"), (BACKPROP, "2. Softmax with cross-entropy")),
                _one_hot,
            ),
            Term(
                "training_set",
                "training set",
                "The digits the network learns from: every step's batch is drawn from them.",
                "",
                ((DATA, "Train, validation, test"),),
                _split_size("train"),
            ),
            Term(
                "validation_set",
                "validation set",
                "Digits kept out of training and scored while it runs, to show how the network does on digits it "
                "has never seen.",
                "",
                ((DATA, "Train, validation, test"), (EVALUATION, "Judge it on")),
                _split_size("val"),
            ),
            Term(
                "test_set",
                "test set",
                "Digits kept out of training and out of every choice made while training, for the final verdict.",
                "",
                ((DATA, "Train, validation, test"), (EVALUATION, "Judge it on")),
                _split_size("test"),
            ),
        ),
        *_section(
            "The network",
            Term(
                "unit",
                "unit (neuron)",
                "One cell of a layer: it multiplies each input by a weight, adds up the products and its bias, and "
                "passes the sum through an activation.",
                r"a = g\left(\sum_i w_i x_i + b\right)",
                ((WEIGHTS, "One neuron, turned by hand"), (FORWARD, "Inside one hidden unit")),
                _units,
            ),
            Term(
                "layer",
                "layer",
                "A set of units that all read the same inputs, the previous layer's outputs, computed together as "
                "one matrix product.",
                r"A^{[l]} = g\left(A^{[l-1]} W_l^\top + b_l\right)",
                ((FORWARD, "Layer by layer, with the shapes"), (HOME, "Your network, on one digit")),
                _layers,
            ),
            Term(
                "hidden_layer",
                "hidden layer",
                "A layer between the pixels and the output, whose units learn features (strokes, loops) that the "
                "next layer combines.",
                "",
                ((WEIGHTS, "Your network's first layer"), (TRAINING, "Sidebar: Hidden layers (units)")),
                _hidden,
            ),
            Term(
                "output_layer",
                "output layer",
                "The last layer, with one unit per class, whose scores softmax turns into probabilities.",
                "A^{[L]}",
                ((WEIGHTS, "The output layer and the biases"),),
                _output,
            ),
            Term(
                "weight",
                "weight",
                "A number that multiplies one input of one unit: how much that input matters, and in which direction.",
                r"W_l[j, i]",
                ((WEIGHTS, "Your network's first layer"), (TRAINING, "What training added to the first-layer weights")),
                _weights,
            ),
            Term(
                "bias",
                "bias",
                "A number added to a unit's weighted sum, which sets how easily the unit switches on.",
                r"b_l[j]",
                ((WEIGHTS, "The output layer and the biases"),),
                _biases,
            ),
            Term(
                "parameter",
                "parameter",
                "Any weight or bias: the numbers training changes, and nothing else.",
                r"\theta",
                ((MODEL, "Save"),),
                _parameters,
            ),
            Term(
                "activation_function",
                "activation function",
                "The bend g every hidden unit applies to its sum, without which any number of layers would collapse "
                "into one linear function.",
                "g(z)",
                ((ACTIVATIONS_PAGE, "Why bend at all: two linear layers are one"), (TRAINING, "Sidebar: Activation")),
                _activation_function,
            ),
            *_activation_terms(),
            Term(
                "initialisation",
                "initialisation",
                "How the weights are drawn before the first step: at random, at a scale that keeps the sums from "
                "exploding or fading layer after layer.",
                "",
                ((WEIGHTS, "Where the knobs start: initialisation"), (TRAINING, "Sidebar: Initialisation")),
                _initialisation,
            ),
            *_init_terms(),
        ),
        *_section(
            "Forward pass",
            Term(
                "forward_pass",
                "forward pass",
                "Computing the answer: each layer's weighted sum and then its activation, from the pixels to the "
                "probabilities.",
                "",
                ((FORWARD, "Forward pass: one digit through the network"),),
            ),
            Term(
                "pre_activation",
                "pre-activation",
                "A unit's weighted sum plus its bias, before the activation bends it.",
                r"Z^{[l]} = A^{[l-1]} W_l^\top + b_l",
                ((FORWARD, "Layer by layer, with the shapes"), (FORWARD, "Inside one hidden unit")),
                _pre_activation,
            ),
            Term(
                "activation",
                "activation",
                "A unit's output: its pre-activation passed through the activation function.",
                r"A^{[l]} = g(Z^{[l]})",
                ((FORWARD, "Layer by layer, with the shapes"),),
                _activation,
            ),
            Term(
                "logit",
                "logit",
                "The output layer's raw score for one class, before softmax: the larger, the more likely the class.",
                r"z_k = Z^{[L]}_k",
                ((ACTIVATIONS_PAGE, "Softmax: from scores to probabilities"), (FORWARD, "the logits")),
                _logits,
            ),
            Term(
                "softmax",
                "softmax",
                "The function that turns the logits into probabilities by dividing each one's exponential by the "
                "sum of them all, so that they are positive and add up to 1.",
                r"A_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
                (
                    (ACTIVATIONS_PAGE, "Softmax: from scores to probabilities"),
                    (BACKPROP, "2. Softmax with cross-entropy"),
                ),
                _softmax,
            ),
            Term(
                "temperature",
                "temperature",
                "A number T that divides the logits before softmax: above 1 it flattens the probabilities, below 1 "
                "it sharpens them, and training uses 1.",
                r"\mathrm{softmax}(z / T)",
                ((ACTIVATIONS_PAGE, "Softmax: from scores to probabilities"),),
            ),
            Term(
                "probability",
                "probability",
                "The network's belief that a digit is one class, between 0 and 1, with a digit's probabilities "
                "adding up to 1.",
                r"A^{[L]}_k",
                ((FORWARD, "Layer by layer, with the shapes"), (HOME, "Your network, on one digit")),
                _probability,
            ),
            Term(
                "prediction",
                "answer (prediction)",
                "The class with the highest probability: what the network says the digit is.",
                r"\hat{y} = \arg\max_k A_k",
                ((DRAW, "Why that answer"), (EVALUATION, "Its most confident mistakes")),
                _prediction,
            ),
        ),
        *_section(
            "Loss",
            Term(
                "loss",
                "loss",
                "One number that says how wrong the network's answers are on a batch: training is making it smaller.",
                "L",
                ((TRAINING, "Loss"), (BACKPROP, "Apply one step")),
                _loss,
            ),
            Term(
                "cross_entropy",
                loss_labels["cross_entropy"],
                "The loss −log of the probability given to the true class: near 0 when the network is sure and "
                "right, large when it is sure and wrong.",
                r"L = -\sum_k Y_k \log A_k = -\log A_y",
                ((BACKPROP, "2. Softmax with cross-entropy"), (EVALUATION, "Loss (cross-entropy)")),
                _cross_entropy,
            ),
            Term(
                "squared_error",
                "squared error",
                "The notebook's loss: the squared differences between the probabilities and the one-hot label, "
                "summed over the classes.",
                r"E = \sum_k (A_k - Y_k)^2",
                ((WEIGHTS, "One neuron, turned by hand"), (BACKPROP, "5. What went wrong in the notebook")),
                _loss_entry("mse"),
            ),
        ),
        *_section(
            "Learning",
            Term(
                "gradient",
                "gradient",
                "The slope of the loss with respect to one weight: its sign says which way is uphill, its size how "
                "steep.",
                r"\frac{\partial L}{\partial W}",
                ((BACKPROP, "4. Check every gradient"), (TRAINING, "Gradient norm ‖dW‖")),
                lambda t: _last_diagnostic(t, "grad_norm"),
            ),
            Term(
                "backpropagation",
                "backpropagation",
                "Working out every weight's gradient in one sweep backwards, from the loss to the first layer, by "
                "the chain rule.",
                r"dZ^{[l-1]} = dZ^{[l]} W_l \odot g'(Z^{[l-1]})",
                ((BACKPROP, "Backpropagation: which way to turn every knob"),),
            ),
            Term(
                "chain_rule",
                "chain rule",
                "The slope through a chain of steps is the product of each step's own slope.",
                r"\frac{\partial E}{\partial w} = \frac{\partial E}{\partial A}\,\frac{\partial A}{\partial Z}\,"
                r"\frac{\partial Z}{\partial w}",
                ((BACKPROP, "1. One neuron, by the chain rule"),),
            ),
            Term(
                "gradient_check",
                "gradient check",
                "Testing backpropagation without calculus: nudge one weight by ±ε, measure the loss both times, and "
                "divide the difference by 2ε.",
                r"\frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}{2\varepsilon}",
                ((BACKPROP, "4. Check every gradient"),),
            ),
            Term(
                "gradient_descent",
                "gradient descent",
                "Moving every weight a little against its gradient, again and again, so that the loss falls.",
                r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}",
                ((TRAINING, "Training"), (BACKPROP, "Nudge one weight")),
            ),
            Term(
                "learning_rate",
                "learning rate",
                "How far each step moves the weights against the gradient: too small and learning crawls, too large "
                "and the loss blows up.",
                r"\eta",
                ((TRAINING, "Learning rate"), (TRAINING, "Find a learning rate"), (BACKPROP, "Nudge one weight")),
                lambda t: f"{t.lr:g}",
            ),
            Term(
                "optimizer",
                "optimizer",
                "The rule that turns the gradients into each step's change of the weights (this app offers "
                + ", ".join(entry.label for entry in OPTIMIZERS.values())
                + ").",
                "",
                ((TRAINING, "Sidebar: Optimizer"),),
                _optimizer,
            ),
            *_optimizer_terms(),
            Term(
                "l2",
                "L2 (weight decay)",
                "A penalty added to the loss that grows with the square of every weight, pulling the weights towards "
                "0 against overfitting.",
                r"L + \frac{\lambda}{2} \sum W^2",
                ((TRAINING, "Sidebar: L2 (weight decay)"),),
                _l2,
            ),
            Term(
                "update_ratio",
                "update ratio",
                "How much one step changes a layer's weights, relative to their size.",
                r"\lVert \Delta W \rVert / \lVert W \rVert",
                ((TRAINING, "Update / weight ‖ΔW‖/‖W‖"),),
                lambda t: _last_diagnostic(t, "update_ratio"),
            ),
        ),
        *_section(
            "Training",
            Term(
                "step",
                "step",
                "One update: a batch goes forward, its loss is measured, backpropagation gives the gradients, and "
                "every weight moves once.",
                "",
                ((TRAINING, "Step"), (BACKPROP, "Apply one step")),
                _steps,
            ),
            Term(
                "batch",
                "batch",
                "The training digits one step uses together, their gradients averaged into one.",
                "m",
                ((TRAINING, "Batch size"),),
                _batch,
            ),
            Term(
                "epoch",
                "epoch",
                "One pass over every training digit, in a fresh random order each time.",
                "",
                ((TRAINING, "+1 epoch"), (HOME, "Train 1 epoch")),
                _epoch,
            ),
            Term(
                "evaluation",
                "evaluation",
                "A pause in training to score the network on the validation digits and on a sample of training "
                "digits, for the learning curves.",
                "",
                ((TRAINING, "Accuracy"),),
                _evaluations,
            ),
            Term(
                "learning_curve",
                "learning curve",
                "The loss or the accuracy drawn against the steps, batch by batch for training and at each "
                "evaluation for validation.",
                "",
                ((TRAINING, "Loss"), (TRAINING, "Accuracy")),
            ),
            Term(
                "divergence",
                "blow-up (divergence)",
                "A loss that overflows or jumps far above its start because the steps are too large, after which "
                "training stops and the last healthy weights come back.",
                "",
                ((TRAINING, "Training stopped: the loss blew up"),),
                _divergence,
            ),
            Term(
                "flat_region",
                "flat region",
                f"Where an activation's slope is under {FLAT_SHARE:.0%} of its peak, so that almost no gradient "
                "gets through: ReLU below 0, the far tails of sigmoid and tanh.",
                "",
                ((ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),),
                _flat_shares,
            ),
            Term(
                "dead_unit",
                "dead unit",
                "A unit whose sum lies in its activation's flat region for every validation digit, so that it passes "
                "no gradient and stops learning.",
                "",
                (
                    (ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),
                    (TRAINING, "Dead hidden units"),
                ),
                _dead_units,
            ),
            Term(
                "saturation",
                "saturation",
                "A sigmoid or tanh unit driven far into a flat tail, where its output barely moves and its gradient "
                "is almost 0.",
                "",
                ((ACTIVATIONS_PAGE, "The functions, and where your network's values fall"),),
                _saturation,
            ),
            Term(
                "overfitting",
                "overfitting",
                "Doing better and better on the training digits while the validation digits stop improving: the "
                "network memorises instead of generalising.",
                "",
                ((TRAINING, "Accuracy"),),
                _overfitting,
            ),
            Term(
                "moment",
                "moment (snapshot)",
                "The weights as they were at one step of the run, kept so that the time slider can show every page "
                "as it was then.",
                "",
                ((TRAINING, "Through time"),),
                _moments,
            ),
            Term(
                "seed",
                "seed",
                "The number that fixes every random draw, the starting weights and the order of the batches, so "
                "that a run can be repeated exactly.",
                "",
                ((TRAINING, "Sidebar: Seed"),),
                _seed,
            ),
        ),
        *_section(
            "Evaluation",
            Term(
                "accuracy",
                "accuracy",
                "The share of digits whose answer is right.",
                r"\frac{\text{right answers}}{\text{digits}}",
                ((EVALUATION, "Accuracy"), (TRAINING, "Accuracy")),
                _accuracy,
            ),
            Term(
                "confusion_matrix",
                "confusion matrix",
                "A table of counts with one row per true digit and one column per answer, so that the diagonal holds "
                "the right answers and every other cell one kind of mistake.",
                r"C_{ij}",
                ((EVALUATION, "Confusion matrix"),),
                _confusion,
            ),
            Term(
                "precision",
                "precision",
                "Of the digits the network answered as one class, the share that really are that class.",
                "",
                ((EVALUATION, "Precision"),),
                _precision,
            ),
            Term(
                "recall",
                "recall",
                "Of the digits of one class, the share the network answered correctly, which is its accuracy on "
                "that class.",
                "",
                ((EVALUATION, "Recall"),),
                _recall,
            ),
            Term(
                "confidence",
                "confidence",
                "The probability of the answer the network gives: how sure it is, which is not always how right.",
                r"\max_k A_k",
                ((EVALUATION, "Confidence"),),
                _confidence,
            ),
            Term(
                "calibration",
                "calibration",
                "How well confidence matches accuracy: of the answers given 80% sure, about 80% should be right.",
                "",
                ((EVALUATION, "Confidence"),),
                _calibration,
            ),
            Term(
                "pca",
                "principal components (PCA)",
                "A way to lay many numbers per digit out on a flat map, along the two directions in which the "
                "digits differ most.",
                "",
                ((EVALUATION, "The digits as the network sees them, layer by layer"),),
            ),
        ),
    ]


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
