"""The why-answers about the accuracy curves: is the accuracy stuck, why is validation below
training, why does one digit lag behind."""

from __future__ import annotations

import math

import numpy as np

from nn_core.curves import EARLY_EVALUATIONS, TRAIN_EVAL_ROWS
from nn_core.losses import DEFAULT_LOSS, get_loss
from nn_core.train import Trainer

from .why_readings import (
    HEALTHY_UPDATE_RATIO,
    JUMP_QUESTION,
    LAG,
    NEAR_CHANCE,
    RECENT,
    STUCK_EVALUATIONS,
    STUCK_RANGE,
    Answer,
    _fixes,
    _loss,
    _plural,
    _said,
    _steps,
    _stop_fixes,
    _stopped,
    _trained_evaluations,
    _untrained,
    rule_hints,
)


def uniform_guess_loss(loss_name: str, classes: int) -> float:
    """The loss of a network that gives every class the same probability (every logit 0):
    ln(classes) for cross-entropy."""
    Z = np.zeros((1, classes))
    return float(get_loss(loss_name).value(Z, np.full((1, classes), 1 / classes), np.array([0])))


def accuracy_wobble(accuracy: float, digits: int) -> float:
    """How far chance alone moves an accuracy measured on ``digits`` digits: two standard errors,
    2 sqrt(p (1 - p) / n)."""
    return 2 * math.sqrt(accuracy * (1 - accuracy) / max(digits, 1))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _class(trainer: Trainer, k: int) -> str:
    name = trainer.dataset.class_names[k]
    return f"the **{name}**s" if len(name) == 1 else f"**{name}**"


def accuracy_stuck(trainer: Trainer) -> Answer:
    """Stuck: the last ``STUCK_EVALUATIONS`` validation accuracies lie within a point of each other,
    or within what chance moves them (``accuracy_wobble``)."""
    classes = trainer.dataset.n_classes
    chance = 1 / classes
    d = trainer.diverged
    if d is not None:
        return Answer(
            f"{_capital(_stopped(trainer))}, and nothing changes until training goes on at a lower rate.",
            [d.message],
            {"step": float(d.step), "lr": d.lr},
            _stop_fixes(trainer),
            True,
        )
    if trainer.steps == 0:
        accuracy = trainer.evaluate("val")["accuracy"]
        return Answer(
            "It has not started: the network has not trained yet (step 0).",
            [
                f"Untrained, it gets {accuracy:.1%} of the validation digits right: its answers are guesses, and "
                f"guessing gets 1 in {classes} ({chance:.0%}). Press Step or Play."
            ],
            {"step": 0.0, "val_accuracy": accuracy, "chance": chance},
        )
    rows, columns = _trained_evaluations(trainer)
    if len(rows) < STUCK_EVALUATIONS:
        early = ", ".join(str(s) for s in sorted(EARLY_EVALUATIONS))
        return Answer(
            f"Too early to say: {_plural(len(rows), 'evaluation')} since the start (the accuracy is measured "
            f"at steps {early}, then every {trainer.eval_every})."
            if trainer.eval_every
            else "This trainer does not evaluate as it trains: there is no accuracy to read.",
            numbers={"evaluations": float(len(rows))},
        )
    recent = rows[-STUCK_EVALUATIONS:]
    val = columns["val_accuracy"][recent]
    first, last = int(columns["step"][recent[0]]), int(columns["step"][recent[-1]])
    low, high = float(val.min()), float(val.max())
    n_val = len(trainer.dataset.split("val")[1])
    wobble = accuracy_wobble(float(np.mean(val)), n_val)
    numbers = {
        "val_accuracy": float(val[-1]),
        "first_val_accuracy": float(val[0]),
        "lowest": low,
        "highest": high,
        "first_step": float(first),
        "last_step": float(last),
        "evaluations": float(len(recent)),
        "val_digits": float(n_val),
        "wobble": wobble,
    }
    where = f"the last {len(recent)} evaluations ({_steps(first, last)})"
    said = rule_hints(trainer)
    if high - low > max(STUCK_RANGE, wobble):
        went = (
            f"over {where} validation accuracy went from {val[0]:.1%} to {val[-1]:.1%} "
            f"(lowest {low:.1%}, highest {high:.1%})"
        )
        if val[-1] < val[0] - wobble:
            relevant = [h for h in (said["too_high"], said["dead"], said["overfitting"]) if h]
            return Answer(
                f"It is not stuck, it is falling: {went}.",
                [_said(h) for h in relevant] or [f"See *{JUMP_QUESTION}*"],
                numbers,
                _fixes(*relevant),
                True,
            )
        return Answer(
            f"It is not stuck: {went}, more than chance moves it on {n_val:,} validation digits (±{wobble:.1%}).",
            numbers=numbers,
        )
    level = f"{val[-1]:.1%}" if f"{low:.1%}" == f"{high:.1%}" else f"between {low:.1%} and {high:.1%}"
    losses = trainer.history["steps"].column("loss")[-RECENT:]
    recent_loss = float(np.mean(losses))
    numbers |= {"recent_loss": recent_loss, "recent_steps": float(len(losses)), "chance": chance}
    details = []
    if high - low > STUCK_RANGE:
        details.append(
            f"It moves, but by no more than chance moves an accuracy measured on {n_val:,} validation digits "
            f"(±{wobble:.1%})."
        )
    ratios = trainer.history["diagnostics"].last("update_ratio")
    if ratios is not None and len(ratios):
        numbers["update_ratio"] = float(ratios[0])
        details.append(
            f"Each step now changes the first layer's weights by {float(ratios[0]):.2g} of their size "
            f"(‖ΔW1‖ / ‖W1‖, at learning rate {trainer.lr:g}); about {HEALTHY_UPDATE_RATIO:g} usually trains well."
        )
    if low < chance + NEAR_CHANCE:
        uniform = uniform_guess_loss(trainer.loss_name, classes)
        numbers["uniform_loss"] = uniform
        named = f"ln {classes} = {uniform:.2f}" if trainer.loss_name == DEFAULT_LOSS else f"{uniform:.2f}"
        summary = (
            f"Validation accuracy has been {level} for {where}, {'hardly' if high > chance else 'no'} better than "
            f"chance ({chance:.0%}), while the batch "
            f"loss averages {_loss(recent_loss)} over the last {len(losses)} steps, the loss of a network that "
            f"guesses uniformly is {named}: it has not started learning."
        )
        if recent_loss > 1.02 * uniform:
            details.append("A loss above the uniform guess's: its wrong answers are confident ones.")
    else:
        train = float(columns["train_accuracy"][recent[-1]])
        numbers["train_accuracy"] = train
        summary = (
            f"Validation accuracy has been {level} for {where}: a plateau (training accuracy {train:.1%}, "
            f"the batch loss {_loss(recent_loss)} on average over the last {len(losses)} steps)."
        )
        if train >= 1 - 1 / (2 * min(len(trainer.dataset.y_train), TRAIN_EVAL_ROWS)):
            details.append(
                f"It gets every training digit it is measured on right ({train:.1%}): their loss has little left to "
                "push on, and more digits, or weight decay (L2), help the validation digits more than more steps."
            )
        elif not any(said.values()):
            details.append(
                "None of the hints finds a fault: the network may have learned most of what it can at these "
                "settings. A lower learning rate often settles it a little further."
            )
    relevant = [h for h in (said["too_low"], said["too_high"], said["dead"], said["overfitting"]) if h]
    details += [_said(h) for h in relevant]
    return Answer(summary, details, numbers, _fixes(*relevant), True)


def generalisation_gap(trainer: Trainer) -> Answer:
    """Training against validation accuracy at the last evaluation, beside the wobble that the
    sizes of the two samples alone give."""
    rows, columns = _trained_evaluations(trainer)
    if not len(rows):
        return _untrained("there are no accuracies to compare")
    last = rows[-1]
    step = int(columns["step"][last])
    train, val = float(columns["train_accuracy"][last]), float(columns["val_accuracy"][last])
    n_val, n_train = len(trainer.dataset.split("val")[1]), min(len(trainer.dataset.y_train), TRAIN_EVAL_ROWS)
    noise = math.hypot(accuracy_wobble(train, n_train), accuracy_wobble(val, n_val))
    gap = train - val
    numbers = {
        "step": float(step),
        "train_accuracy": train,
        "val_accuracy": val,
        "gap": gap,
        "val_digits": float(n_val),
        "train_digits": float(n_train),
        "noise": noise,
    }
    measured = f"at step {step:,} training accuracy is {train:.1%} and validation accuracy {val:.1%}"
    chance = (
        f"With {n_val:,} validation digits each one is {1 / n_val:.1%}; chance alone moves the two accuracies "
        f"(the training one measured on {n_train:,} training digits) apart by up to about {noise * 100:.1f} points."
    )
    if gap <= 0:
        return Answer(f"It is not lower: {measured}.", [chance], numbers)
    with_gap = f"{_capital(measured)} (a gap of {gap * 100:.1f} points)"
    if gap <= noise:
        return Answer(f"{with_gap}: within chance, no sign of memorising.", [chance], numbers)
    best = rows[int(np.argmax(columns["val_accuracy"][rows]))]
    train_loss, val_loss = float(columns["train_loss"][last]), float(columns["val_loss"][last])
    numbers |= {"train_loss": train_loss, "val_loss": val_loss}
    details = [
        "Every step lowers the loss on the training digits, which the network sees, not on the validation digits, "
        f"which it never sees: {_loss(train_loss)} against {_loss(val_loss)} now.",
        chance,
    ]
    said = rule_hints(trainer)["overfitting"]
    if said:
        details.append(_said(said))
    else:
        numbers |= {
            "best_val_accuracy": float(columns["val_accuracy"][best]),
            "best_step": float(columns["step"][best]),
        }
        details.append(
            f"Validation accuracy is {'at' if best == last else 'near'} its best "
            f"({columns['val_accuracy'][best]:.1%} at step {int(columns['step'][best]):,}): what the network learns "
            "still carries over to new digits, so the gap does no harm yet."
        )
    return Answer(f"{with_gap}: the network fits the digits it trains on better.", details, numbers, _fixes(said), True)


def digit_lags(trainer: Trainer) -> Answer:
    """The class with the lowest validation accuracy at the last evaluation, against the others."""
    rows, columns = _trained_evaluations(trainer)
    if not len(rows):
        return _untrained("no digit is ahead or behind")
    last = rows[-1]
    step = int(columns["step"][last])
    overall = float(columns["val_accuracy"][last])
    chance = 1 / trainer.dataset.n_classes
    if overall < chance + NEAR_CHANCE:
        return Answer(
            f"It has not learned any digit yet: at step {step:,} it gets {overall:.1%} of the validation digits right, "
            f"about chance ({chance:.0%}), so which one is behind is luck.",
            numbers={"step": float(step), "val_accuracy": overall, "chance": chance},
        )
    per_class = np.asarray(columns["val_per_class_accuracy"][last], dtype=np.float64)
    worst = int(np.nanargmin(per_class))
    others = float(np.nanmean(np.delete(per_class, worst)))
    lag = others - float(per_class[worst])
    X_val, y_val = trainer.dataset.split("val")
    count = int((y_val == worst).sum())
    numbers = {
        "step": float(step),
        "class": float(worst),
        "accuracy": float(per_class[worst]),
        "others": others,
        "lag": lag,
        "count": float(count),
    }
    name = _class(trainer, worst)
    measured = (
        f"at step {step:,} the network gets {per_class[worst]:.1%} of {name} right (of {count} in the validation "
        f"split), against {others:.1%} on average for the others"
    )
    each = f"With {count} of them, each one is {1 / max(count, 1):.1%} of that class's accuracy."
    if lag < LAG:
        return Answer(f"No digit lags: the lowest is {name}; {measured}.", [each], numbers)
    details = []
    answered = np.bincount(trainer.model.predict(X_val[y_val == worst]), minlength=len(per_class))
    answered[worst] = 0
    if answered.sum():
        mistaken = int(np.argmax(answered))
        numbers |= {"mistaken_for": float(mistaken), "mistaken_count": float(answered[mistaken])}
        details.append(
            f"Now (step {trainer.steps:,}) the network answers **{trainer.dataset.class_names[mistaken]}** for "
            f"{answered[mistaken]} of them, its most common mistake on them: shapes that share strokes take more "
            "steps to tell apart."
        )
    earlier = rows[max(0, len(rows) - STUCK_EVALUATIONS)]
    if earlier != last:
        then = float(np.asarray(columns["val_per_class_accuracy"][earlier], dtype=np.float64)[worst])
        numbers |= {"earlier_step": float(columns["step"][earlier]), "earlier_accuracy": then}
        details.append(
            f"It was at {then:.1%} at step {int(columns['step'][earlier]):,}: "
            + ("catching up." if per_class[worst] > then + STUCK_RANGE else "not catching up yet.")
        )
    details.append(each)
    return Answer(f"{_capital(measured)}: {lag * 100:.1f} points behind.", details, numbers, (), True)
