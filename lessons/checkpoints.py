"""Predict, then run: questions a learner answers before the app shows the outcome.

Each ``Checkpoint`` asks one question with a few choices; its ``run(trainer, sample)`` computes
what really happens, on copies of the learner's network (``Trainer.continue_from``, ``replay``,
``MLP.with_params``: the learner's own trainer is never changed), for the validation digit they
follow. The outcome names the choice that came true and says why, with the measured numbers;
nothing is written in advance, so where it depends on the learner's network, it says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nn_core.activations import ACTIVATIONS
from nn_core.diagnostics import dead_unit_fraction
from nn_core.evaluation import abstain_below, evaluate
from nn_core.network import MLP
from nn_core.train import Trainer

from . import experiments, notebook, pages

Array = np.ndarray


@dataclass(frozen=True)
class Outcome:
    """What happened: the choice that came true, why (Markdown, with the numbers), the numbers."""

    happened: str
    why: str
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Checkpoint:
    key: str
    page: str  # the page that asks it
    question: str  # Markdown
    choices: tuple[tuple[str, str], ...]  # (key, label)
    run: Callable[..., Outcome]  # run(trainer, sample, **services) -> Outcome
    one_per_class: bool = False  # the choices are the dataset's classes (their keys "0", "1", ...)

    def options(self, class_names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """The choices as (key, label), for a dataset with these class names."""
        return tuple((str(i), name) for i, name in enumerate(class_names)) if self.one_per_class else self.choices


def _digit(trainer: Trainer, sample: int) -> tuple[Array, int]:
    X, y = trainer.dataset.split("val")
    sample = int(sample) % len(y)
    return X[sample], int(y[sample])


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


# -- Data -------------------------------------------------------------------------------------------


def _blank_pixels(trainer: Trainer, sample: int, **_) -> Outcome:
    x, label = _digit(trainer, sample)
    blank = int(np.count_nonzero(x == 0))
    share = blank / x.size
    happened = "quarter" if share < 0.25 else "half" if share < 0.75 else "most"
    return Outcome(
        happened,
        f"This {trainer.dataset.class_names[label]} has **{blank} blank pixels of {x.size}** ({_percent(share)}): "
        "ink covers only the middle of the frame, so most of a first-layer unit's weights meet zeros and "
        "never matter for it.",
        {"blank": blank, "pixels": int(x.size)},
    )


# -- Weights and biases -----------------------------------------------------------------------------


def _double_weight(trainer: Trainer, sample: int, **_) -> Outcome:
    x, _ = _digit(trainer, sample)
    model = trainer.model.with_params(trainer.model.params)  # a copy: the learner's weights stay
    pixel = int(np.argmax(x))
    W1, b1 = model.params["W1"], model.params["b1"]
    unit = int(np.argmax(np.abs(W1[:, pixel])))  # the unit that weighs this pixel most
    w = float(W1[unit, pixel])
    z_before = float(W1[unit].astype(float) @ x + b1[unit])  # in float64: the change is not lost to rounding
    model.params["W1"][unit, pixel] *= 2
    z_after = float(model.params["W1"][unit].astype(float) @ x + b1[unit])
    change = z_after - z_before
    share = w * float(x[pixel])
    tolerance = 1e-6 * max(1.0, abs(z_before), abs(z_after))  # float rounding
    happened = (
        "share"
        if abs(change - share) <= tolerance
        else "double"
        if abs(z_after - 2 * z_before) <= tolerance
        else "others"
    )
    direction = "up" if change > 0 else "down" if change < 0 else "nowhere"
    return Outcome(
        happened,
        f"Unit {unit} weighs the digit's brightest pixel ({pixel}, ink x = {x[pixel]:.2f}) by w = {w:.3f}. Doubling w "
        f"adds one more w · x = {w:.3f} × {x[pixel]:.2f} = **{share:+.3f}** to the sum: z went from "
        f"{z_before:.3f} to {z_after:.3f} ({direction}). The other {x.size - 1} pixels' shares and the bias did not "
        "move: z did not double, and nothing else had a say. Its direction is the sign of w · x: this weight is "
        + ("positive" if w > 0 else "negative")
        + ", so here z went "
        + direction
        + ".",
        {"unit": unit, "pixel": pixel, "w": w, "z_before": z_before, "z_after": z_after, "change": change},
    )


def _untrained_guess(trainer: Trainer, sample: int, **_) -> Outcome:
    x, label = _digit(trainer, sample)
    untrained = trainer.model.with_params(trainer.initial_params)
    p = untrained.predict_proba(x)[0]
    guess = int(p.argmax())
    names = trainer.dataset.class_names
    happened = "right" if guess == label else "wrong"
    return Outcome(
        happened,
        f"Your network's starting weights (random) answered **{names[guess]}** with {_percent(p[guess])}, for a "
        f"{names[label]} (which got {_percent(p[label])}). Random weights give every digit some share; which one "
        "wins is luck, so it is right about one time in ten.",
        {"guess": guess, "label": label, "p_guess": float(p[guess])},
    )


# -- Activations ------------------------------------------------------------------------------------


STUCK_LR, STUCK_STEPS = 5.0, 30
FLAT_SIDED = "relu"  # flat for every negative input (in nn_core: pages read the registry)
SATURATING = "sigmoid"  # nearly flat at both ends


def _stuck_units(trainer: Trainer, sample: int, **_) -> Outcome:
    data = trainer.dataset
    X, _ = data.split("val")
    fractions = {}
    for name in (FLAT_SIDED, SATURATING):
        model = MLP(trainer.model.layer_sizes, name, trainer.model.init, trainer.model.seed)
        copy = Trainer(model, data, lr=STUCK_LR, batch_size=trainer.batch_size, seed=trainer.seed, eval_every=None)
        copy.step(STUCK_STEPS)
        Z1 = copy.model.forward(X)["Z1"]
        fractions[name] = dead_unit_fraction(Z1, name, copy.model.leaky_slope)
    relu, sigmoid = fractions[FLAT_SIDED], fractions[SATURATING]
    happened = "same" if abs(relu - sigmoid) < 0.05 else FLAT_SIDED if relu > sigmoid else SATURATING
    return Outcome(
        happened,
        f"After {STUCK_STEPS} steps at learning rate {STUCK_LR:g} on copies of your architecture, "
        f"**{_percent(relu)}** of the first layer's {ACTIVATIONS[FLAT_SIDED].label} units and **{_percent(sigmoid)}** "
        f"of its {ACTIVATIONS[SATURATING].label} units were stuck in a flat region for every validation digit. "
        + (
            "A big step threw ReLU units so far down that no digit switches them on again: their slope is 0, so no "
            "gradient brings them back."
            if happened == FLAT_SIDED
            else "Big steps pushed sigmoid units' sums far out, where the curve is nearly flat for every digit: "
            "their slope is close to 0 and they learn very slowly."
            if happened == SATURATING
            else "Both kept most units alive this time; a higher rate or a longer run changes that."
        ),
        {FLAT_SIDED: relu, SATURATING: sigmoid},
    )


def _linear_collapse(trainer: Trainer, sample: int, **_) -> Outcome:
    collapse = experiments.linear_collapse()
    gap = float(np.abs(collapse.stacked - collapse.single).max())
    bent = float(np.abs(collapse.with_relu - collapse.single).max())
    return Outcome(
        "no" if gap < 1e-9 else "yes",
        f"Two linear layers multiplied into one (W = W2 W1, b = W2 b1 + b2) give the same outputs: the largest "
        f"difference is **{gap:.1e}**, float rounding. So they can do nothing one layer cannot. Put a ReLU between "
        f"them and the outputs differ from the merged layer's by up to {bent:.2f}: the bend is what adds power.",
        {"gap": gap, "with_relu": bent},
    )


# -- Forward pass -----------------------------------------------------------------------------------


def _softmax_sum(trainer: Trainer, sample: int, **_) -> Outcome:
    x, _ = _digit(trainer, sample)
    p = trainer.model.predict_proba(x)[0].astype(np.float64)
    total = float(p.sum())
    happened = "one" if abs(total - 1) < 1e-5 else "less" if total < 1 else "more"
    return Outcome(
        happened,
        f"The ten probabilities of your network for this digit add up to **{total:.6f}**: softmax divides each "
        "exp(z) by the sum of all ten, so they always add up to 1 (up to float32 rounding). The largest is "
        f"{_percent(float(p.max()))}.",
        {"sum": total},
    )


def _shift_logits(trainer: Trainer, sample: int, **_) -> Outcome:
    x, _ = _digit(trainer, sample)
    model = trainer.model.with_params(trainer.model.params)
    p = model.predict_proba(x)[0].astype(np.float64)
    last = f"b{model.n_layers}"
    model.params[last] = model.params[last] + np.float32(5)  # every logit + 5
    q = model.predict_proba(x)[0].astype(np.float64)
    change = float(np.abs(p - q).max())
    return Outcome(
        "no" if change < 1e-4 else "yes",
        f"Adding 5 to all ten logits (through the last layer's biases) changed no probability by more than "
        f"**{change:.1e}** (float rounding): exp(z + 5) = e⁵ · exp(z), and the e⁵ cancels in the division. Only differences "
        "between logits matter, which is also why softmax may subtract the largest logit for safety.",
        {"change": change},
    )


# -- Backpropagation --------------------------------------------------------------------------------


NUDGE = 0.01


def _nudge_weight(trainer: Trainer, sample: int, **_) -> Outcome:
    x, label = _digit(trainer, sample)
    model = trainer.model.with_params(trainer.model.params)
    last = f"W{model.n_layers}"
    loss_before, grads = model.loss_and_grads(x[None, :], np.array([label]), trainer.loss_name)
    gradient = grads[last]
    row, column = np.unravel_index(int(np.argmax(np.abs(gradient))), gradient.shape)
    g = float(gradient[row, column])
    model.params[last][row, column] -= np.float32(NUDGE * np.sign(g))
    loss_after, _ = model.loss_and_grads(x[None, :], np.array([label]), trainer.loss_name)
    change = loss_after - loss_before
    happened = "down" if change < 0 else "up" if change > 0 else "same"
    return Outcome(
        happened,
        f"The weight of {last} with the steepest gradient for this digit is [{row}, {column}], with "
        f"∂L/∂w = {g:+.4f}. Moving it {NUDGE} against that sign changed the loss from {loss_before:.5f} to "
        f"{loss_after:.5f} (**{change:+.2e}**, close to −{NUDGE} × |∂L/∂w| = {-NUDGE * abs(g):+.2e}): "
        "the gradient says which way is downhill, and how steep it is.",
        {"gradient": g, "loss_before": float(loss_before), "loss_after": float(loss_after)},
    )


NOTEBOOK_ITERATIONS = 300


def _notebook_softmax(trainer: Trainer, sample: int, notebook_accuracy=None, **_) -> Outcome:
    """``notebook_accuracy(bugs, iterations)`` may be a cached runner (the app's); else it is run here."""
    if notebook_accuracy is None:

        def notebook_accuracy(bugs, iterations):
            return notebook.run_on_dataset(trainer.dataset, bugs, iterations=iterations).accuracy[-1]

    accuracy = notebook_accuracy(notebook.NotebookBugs(softmax_whole_matrix=False), NOTEBOOK_ITERATIONS)
    written = notebook_accuracy(notebook.NotebookBugs(), NOTEBOOK_ITERATIONS)
    happened = "low" if accuracy < 0.2 else "middle" if accuracy < 0.6 else "high"
    return Outcome(
        happened,
        f"With only the softmax fixed, the notebook's own code reached **{_percent(accuracy)}** after "
        f"{NOTEBOOK_ITERATIONS} iterations on this data, against {_percent(written)} as written: the softmax is what "
        "stopped it learning. Its other bugs (db2, db1, m) are still in, but they cost a few points at most; what "
        "holds it back now is its start, weights far too large. The boxes below switch each bug and the start.",
        {"accuracy": float(accuracy), "as_written": float(written)},
    )


# -- Training -------------------------------------------------------------------------------------


HIGH_LR, HIGH_STEPS = 5.0, 20


def _high_rate(trainer: Trainer, sample: int, **_) -> Outcome:
    copy = trainer.continue_from(trainer.steps)
    copy.lr = HIGH_LR
    start = copy.evaluate("val")["loss"]
    copy.step(HIGH_STEPS)
    if copy.diverged is not None:
        blown = copy.diverged
        what = (
            f"the loss became {blown.loss}"
            if not math.isfinite(blown.loss)
            else f"the batch loss jumped to {blown.loss:.3g}, over 10× its first {blown.reference_loss:.3g}"
        )
        return Outcome(
            "blow",
            f"Yours blew up at step **{blown.step - trainer.steps} of {HIGH_STEPS}**: {what}. Each step overshot the "
            "valley of the loss and landed higher on the other side, the next step overshot more, until the numbers "
            "ran away. (This ran on a copy: your network is as it was.)",
            {"diverged_after": blown.step - trainer.steps},
        )
    end = copy.evaluate("val")["loss"]
    happened = "fall" if end < 0.95 * start else "stay" if end < 1.5 * start else "blow"
    return Outcome(
        happened,
        f"From your network at step {trainer.steps:,}, {HIGH_STEPS} steps at learning rate {HIGH_LR:g} took the "
        f"validation loss from {start:.3f} to **{end:.3f}**. Whether a rate is too high depends on where the network "
        "is: the steeper and more curved the loss around it, the smaller the step it can take.",
        {"start": float(start), "end": float(end)},
    )


TINY_LR, TINY_STEPS = 1e-4, 100
MOST_STEPS = 300  # a run's copy trains at most this many steps (a second or less)


def _tiny_rate(trainer: Trainer, sample: int, **_) -> Outcome:
    copy = trainer.continue_from(trainer.steps)
    copy.lr = TINY_LR
    before = copy.evaluate("val")["accuracy"]
    copy.step(TINY_STEPS)
    after = copy.evaluate("val")["accuracy"]
    gain = after - before
    return Outcome(
        "yes" if gain >= 0.01 else "no",
        f"{TINY_STEPS} steps at learning rate {TINY_LR:g} from your network at step {trainer.steps:,} moved validation "
        f"accuracy from {_percent(before)} to {_percent(after)} (**{100 * gain:+.1f} points**). Each step moves every "
        f"weight by {TINY_LR:g} × its gradient: at this rate the weights hardly change.",
        {"before": float(before), "after": float(after)},
    )


def _last_digit(trainer: Trainer, sample: int, **_) -> Outcome:
    fresh = trainer.replay()
    steps = min(math.ceil(len(trainer.dataset.y_train) / trainer.batch_size), MOST_STEPS)
    fresh.step(steps)
    per_class = fresh.evaluate("val")["per_class_accuracy"]
    worst = int(np.nanargmin(per_class))
    names = trainer.dataset.class_names
    best = int(np.nanargmax(per_class))
    X, y = trainer.dataset.split("val")
    guesses = fresh.model.predict(X[y == worst])
    wrong = np.bincount(guesses[guesses != worst], minlength=len(names))
    taken_for = f", most often taken for a **{names[int(wrong.argmax())]}**" if wrong.any() else ""
    return Outcome(
        str(worst),
        f"A copy of your network trained {steps} steps from its start (same weights, same batches) got "
        f"**{names[worst]}** right least often ({_percent(per_class[worst])} of the {int((y == worst).sum())} "
        f"validation {names[worst]}s{taken_for}) and {names[best]} most often ({_percent(per_class[best])}). That is "
        f"this network, after {steps} steps, on these digits: another start, more training or other digits can rank "
        "them differently (the per-digit chart on this page follows your own network as it trains).",
        {"worst": worst, "per_class": per_class.tolist()},
    )


# -- Evaluation -----------------------------------------------------------------------------------


SURE = 0.9


def _sure_share(trainer: Trainer, sample: int, **_) -> Outcome:
    X, y = trainer.dataset.split("test")
    result = evaluate(trainer.model, X, y)
    kept = abstain_below(result, SURE)
    happened = "under" if kept.coverage < 0.5 else "middle" if kept.coverage < 0.8 else "over"
    accuracy = "" if math.isnan(kept.accuracy) else f", and got {_percent(kept.accuracy)} of those right"
    everything = f"Its accuracy on all of them is {_percent(result.accuracy)}."
    return Outcome(
        happened,
        f"Your network at step {trainer.steps:,} was at least {SURE:.0%} sure for **{_percent(kept.coverage)}** of "
        f"the {len(y):,} test digits ({kept.answered:,}){accuracy}. {everything} A network's confidence is a useful, "
        "if imperfect, sign of when to trust it; an untrained one is rarely sure of anything.",
        {"coverage": kept.coverage, "accuracy": kept.accuracy},
    )


CHECKPOINTS: dict[str, Checkpoint] = {
    c.key: c
    for c in (
        Checkpoint(
            "blank_pixels",
            pages.DATA.path,
            "Of the 784 pixels of the digit you follow, how many are **blank** (exactly 0)?",
            (("quarter", "under a quarter"), ("half", "a quarter to three quarters"), ("most", "over three quarters")),
            _blank_pixels,
        ),
        Checkpoint(
            "double_weight",
            pages.WEIGHTS.path,
            "Take the first-layer unit that weighs your digit's brightest pixel most, and **double that weight** w. "
            "By how much does the unit's sum z change?",
            (
                ("share", "by w · x: that pixel's share, once more"),
                ("double", "z doubles"),
                ("others", "by an amount the other pixels decide too"),
            ),
            _double_weight,
        ),
        Checkpoint(
            "untrained_guess",
            pages.WEIGHTS.path,
            "Your network's **starting (random) weights**: will they name the digit you follow correctly?",
            (("right", "yes, the right digit"), ("wrong", "no, a wrong digit")),
            _untrained_guess,
        ),
        Checkpoint(
            "stuck_units",
            pages.ACTIVATIONS.path,
            f"Train two copies of your architecture at learning rate {STUCK_LR:g} for {STUCK_STEPS} steps, one with "
            "ReLU, one with sigmoid. Which ends with **more units stuck** in a flat region?",
            ((FLAT_SIDED, "ReLU"), (SATURATING, "sigmoid"), ("same", "about the same")),
            _stuck_units,
        ),
        Checkpoint(
            "linear_collapse",
            pages.ACTIVATIONS.path,
            "Two layers with **no activation** between them: can they compute anything one layer cannot?",
            (("yes", "yes"), ("no", "no")),
            _linear_collapse,
        ),
        Checkpoint(
            "softmax_sum",
            pages.FORWARD.path,
            "Your network's ten outputs for the digit you follow: do they **add up** to less than 1, exactly 1, "
            "or more?",
            (("less", "less than 1"), ("one", "exactly 1"), ("more", "more than 1")),
            _softmax_sum,
        ),
        Checkpoint(
            "shift_logits",
            pages.FORWARD.path,
            "**Add 5 to all ten logits** of the digit you follow. Do the probabilities change?",
            (("yes", "yes"), ("no", "no")),
            _shift_logits,
        ),
        Checkpoint(
            "nudge_weight",
            pages.BACKPROP.path,
            f"Move the last layer's weight with the steepest gradient for your digit by {NUDGE} **against** its "
            "gradient. Does the loss on that digit go down, up, or stay?",
            (("down", "down"), ("up", "up"), ("same", "it stays")),
            _nudge_weight,
        ),
        Checkpoint(
            "notebook_softmax",
            pages.BACKPROP.path,
            f"Fix **only the notebook's softmax bug**. What accuracy will its network reach after "
            f"{NOTEBOOK_ITERATIONS} iterations?",
            (("low", "below 20%"), ("middle", "20% to 60%"), ("high", "above 60%")),
            _notebook_softmax,
        ),
        Checkpoint(
            "high_rate",
            pages.TRAINING.path,
            f"Set the learning rate to **{HIGH_LR:g}** and take {HIGH_STEPS} steps from where your network is. Will "
            "the loss fall, stay, or blow up?",
            (("fall", "fall"), ("stay", "stay about the same"), ("blow", "blow up")),
            _high_rate,
        ),
        Checkpoint(
            "tiny_rate",
            pages.TRAINING.path,
            f"At learning rate **{TINY_LR:g}**, will {TINY_STEPS} more steps raise validation accuracy by at least one "
            "point?",
            (("yes", "yes"), ("no", "no")),
            _tiny_rate,
        ),
        Checkpoint(
            "last_digit",
            pages.TRAINING.path,
            f"Train your network from its start for one epoch (at most {MOST_STEPS} steps). Which class will it **get "
            "right least often**?",
            (),
            _last_digit,
            one_per_class=True,
        ),
        Checkpoint(
            "sure_share",
            pages.EVALUATION.path,
            f"If your network answered only when it was at least **{SURE:.0%} sure**, what share of the test digits "
            "would it answer?",
            (("under", "under half"), ("middle", "half to 80%"), ("over", "over 80%")),
            _sure_share,
        ),
    )
}
