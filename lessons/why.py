"""Answers to the questions a learner asks while training ("Why is my accuracy stuck?", "Why did the
loss jump?", "Why are some tiles blank?", ...), each computed from a trainer's live state and
quoting the numbers it used.

``QUESTIONS`` is the registry: a ``Question`` is what the learner asks and a function from a
trainer to an ``Answer`` (a one-line summary, the details, the numbers it quotes by name, the fixes
that can help as ``lessons.hints.Fix``, and whether it found what the question asks about; a page
opens on the first that did). A question that does not apply says so with its numbers ("no jump:
the largest rise of the smoothed loss was 0.017"). Where a question overlaps a hint rule (a
learning rate too high or too low, dead units, overfitting), the answer calls the rule and quotes
it instead of judging again; as in ``training_hints``, no rule speaks while training is stopped by
a blow-up.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nn_core.diagnostics import dead_description, dead_units
from nn_core.history import ema
from nn_core.inspection import added_by_training
from nn_core.losses import DEFAULT_LOSS, get_loss
from nn_core.train import EARLY_EVALUATIONS, EXPLODE_FACTOR, TRAIN_EVAL_ROWS, Trainer
from nn_core.train import logged as logged_value

from . import hints
from .hints import Fix, Hint

SMOOTHING = 0.9  # the loss chart's moving average (ui.figures.theme.ema): the curve a learner sees
RECENT = hints.WINDOW  # the batch losses read as "recent"
STUCK_EVALUATIONS = 5  # the evaluations read to call the accuracy stuck: all within a point of each
STUCK_RANGE = 0.01  # other, or within what chance moves an accuracy on the validation split
NEAR_CHANCE = 0.1  # an accuracy within this of chance (1 / classes) has not started learning
JUMP_WINDOW = 50  # a jump: the smoothed loss over its lowest of this many rows before...
JUMP_SHARE = 0.3  # ...by over this share of that lowest value, and over JUMP_FLOOR
JUMP_FLOOR = 0.05
ONE_BATCH = 0.5  # one batch's loss made this share of a jump's rise: a spike, not a climb
HEALTHY_UPDATE_RATIO = 1e-3  # ||delta W|| / ||W|| per step that usually trains well (CS231n's rule of thumb)
NOISY = 0.5  # the batch losses stray from the smoothed curve by over this share of its level: a band
BIGGER_BATCH = 64  # the batch offered against a noisy loss: this, or 4 times the batch...
LARGEST_BATCH_OFFERED = 1024  # ...up to this, powers of 2 only (the batch-size control's choices)
LAG = 0.05  # a class this far below the mean of the others lags
LEARNING_LOSS = 0.02  # the smoothed loss fell by this share over the recent span: still learning...
LEARNING_ACCURACY = 0.005  # ...or validation accuracy rose by this
SETTING_NAMES = {"lr": "learning rate", "batch_size": "batch size", "l2": "L2", "momentum": "momentum"}


@dataclass(frozen=True)
class Answer:
    summary: str
    details: list[str] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)  # every number the text quotes, by name
    fixes: tuple[Fix, ...] = ()
    found: bool = False  # it found what the question asks about (a jump, blank tiles, a stuck accuracy)


@dataclass(frozen=True)
class Question:
    key: str
    ask: str
    answer: Callable[[Trainer], Answer]


# -- readings of the history that several answers share -------------------------------------------


def smoothed_losses(losses, weight: float = SMOOTHING) -> np.ndarray:
    """The loss chart's smoothed curve: an exponential moving average, bias-corrected so the first
    points are not dragged to 0, float64 (rows,)."""
    return ema(losses, weight)


def uniform_guess_loss(loss_name: str, classes: int) -> float:
    """The loss of a network that gives every class the same probability (every logit 0):
    ln(classes) for cross-entropy."""
    Z = np.zeros((1, classes))
    return float(get_loss(loss_name).value(Z, np.full((1, classes), 1 / classes), np.array([0])))


def accuracy_wobble(accuracy: float, digits: int) -> float:
    """How far chance alone moves an accuracy measured on ``digits`` digits: two standard errors,
    2 sqrt(p (1 - p) / n)."""
    return 2 * math.sqrt(accuracy * (1 - accuracy) / max(digits, 1))


_NEVER_INKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def never_inked_pixels(dataset) -> int:
    """How many pixels are 0 in every training digit (their weights get no gradient); kept per
    dataset while it lives (on full MNIST the scan takes about 17 ms)."""
    if dataset not in _NEVER_INKED:
        _NEVER_INKED[dataset] = int((dataset.X_train.max(axis=0) == 0).sum())
    return _NEVER_INKED[dataset]


rule_hints = hints.rule_hints  # what each hint rule says now: the answers quote them


def _said(hint: Hint) -> str:
    return f"**{hint.title}.** {hint.reason}"


def _fixes(*groups) -> tuple[Fix, ...]:
    """The fixes of hints (None: none) and of lists of fixes, in order, each change offered once."""
    seen, kept = set(), []
    for group in groups:
        for fix in group.fixes if isinstance(group, Hint) else group or ():
            key = (tuple(sorted(fix.changes.items())), fix.new_network)
            if key not in seen:
                seen.add(key)
                kept.append(fix)
    return tuple(kept)


def _loss(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}" if abs(value) < 10 else f"{value:.3g}"


def _value(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _steps(first: int, last: int) -> str:
    return f"step {last:,}" if first == last else f"steps {first:,}–{last:,}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _some_of(some: int, of: int) -> str:
    """The subject of a sentence about ``some`` of ``of`` units: "It is", "All of them are", "2 of them are"."""
    if of == 1:
        return "It is"
    if some == of:
        return "All of them are" if some > 2 else "Both are"
    return f"{some} of them {'are' if some != 1 else 'is'}"


def _they(n: int) -> str:
    return "they" if n != 1 else "it"


def _their(n: int) -> str:
    return "their" if n != 1 else "its"


def _class(trainer: Trainer, k: int) -> str:
    name = trainer.dataset.class_names[k]
    return f"the **{name}**s" if len(name) == 1 else f"**{name}**"


def _trained_evaluations(trainer: Trainer) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The evaluations after step 0: (their row indices, every column by name)."""
    evals = trainer.history["evals"]
    steps = evals.column("step")
    rows = np.flatnonzero(steps > 0) if len(steps) else np.empty(0, dtype=int)
    return rows, {name: evals.column(name) for name in evals.columns}


def _stopped(trainer: Trainer) -> str:
    d = trainer.diverged
    return f"training stopped at step {d.step:,}: the loss blew up at learning rate {d.lr:g}"


def _stop_fixes(trainer: Trainer) -> tuple[Fix, ...]:
    """After a blow-up: a new network at a tenth of the rate (the divergence box beside carries on
    from the restored weights instead)."""
    lower = trainer.diverged.lr / 10
    return (Fix(f"New network, learning rate {lower:.3g}", {"lr": lower}, True),)


def _untrained(what: str) -> Answer:
    return Answer(f"Nothing to explain yet: the network has not trained (step 0), so {what}.", numbers={"step": 0.0})


# -- the questions ---------------------------------------------------------------------------------


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


def setting_at(trainer: Trainer, name: str, step: int):
    """The value of live setting ``name`` that step ``step`` was taken with (the settings log
    records a change after the updates done before it), or its value now if none was logged."""
    value = logged_value(trainer.setting(name))
    logged = [v for done, logged_name, v in trainer.settings_log if logged_name == name and done < step]
    return logged[-1] if logged else value


def _setting_changes(trainer: Trainer, after: int, until: int) -> list[tuple[int, str, object, object]]:
    """The live settings changed at a step in (after, until]: (step, setting, before, after)."""
    current, changes = {}, []
    for step, name, value in trainer.settings_log:
        before = current.get(name, value)
        current[name] = value
        if after < step <= until and step > 0 and value != before:
            changes.append((step, name, before, value))
    return changes


def loss_jump(trainer: Trainer) -> Answer:
    """A jump: the largest rise of the smoothed loss above its lowest in the ``JUMP_WINDOW`` rows
    before, when it is over ``JUMP_SHARE`` of that lowest and over ``JUMP_FLOOR``; or a blow-up."""
    d = trainer.diverged
    if d is not None:
        return Answer(
            f"The loss jumped to {_loss(d.loss)} at step {d.step:,}, over {EXPLODE_FACTOR:g}× its start "
            f"({_loss(d.reference_loss)}): learning rate {d.lr:g} is too high, and training stopped.",
            [
                "With steps this large, each update jumps across the valley of the loss to a point higher on "
                "the other side, and the next jump is larger still.",
                d.message,
            ],
            {"loss": d.loss, "reference_loss": d.reference_loss, "step": float(d.step), "lr": d.lr},
            _stop_fixes(trainer),
            True,
        )
    trace = trainer.history["steps"]
    losses = trace.column("loss")
    if len(losses) < 2:
        if trainer.steps == 0:
            return _untrained("the loss has no curve yet")
        return Answer("One step so far: the loss has no curve yet.", numbers={"step": float(trainer.steps)})
    steps, rates = trace.column("step").astype(int), trace.column("lr")
    smooth = smoothed_losses(losses)
    lows = sliding_window_view(np.concatenate([np.full(JUMP_WINDOW, np.inf), smooth])[:-1], JUMP_WINDOW).min(axis=1)
    rises = np.where(np.isfinite(lows), smooth - lows, -np.inf)
    at = int(np.argmax(rises))
    window = slice(max(0, at - JUMP_WINDOW), at)
    low_row = window.start + int(np.argmin(smooth[window]))
    low, high = float(smooth[low_row]), float(smooth[at])
    rise = high - low
    numbers = {"rise": rise, "low": low, "high": high, "low_step": float(steps[low_row]), "step": float(steps[at])}
    moved = f"from {_loss(low)} at step {steps[low_row]:,} to {_loss(high)} at step {steps[at]:,}"
    if rise <= max(JUMP_SHARE * low, JUMP_FLOOR):
        return Answer(
            f"No jump: the largest rise of the smoothed loss was {_loss(max(rise, 0.0))} ({moved}), "
            f"under {JUMP_SHARE:.0%} of where it rose from.",
            [f"The faint line is each batch's own loss: it wobbles from batch to batch (see *{NOISY_QUESTION}*)."],
            numbers,
        )
    details, fixes = [], []
    changes = _setting_changes(trainer, int(steps[low_row]) - JUMP_WINDOW, int(steps[at]))
    for step, name, before, after in changes:
        details.append(
            f"The {SETTING_NAMES.get(name, name)} changed from {_value(before)} to {_value(after)} at step {step:,}."
        )
        if name == "lr" and after > before:
            fixes.append(Fix(f"Back to learning rate {before:g}", {"lr": before}))
    biggest_row = low_row + 1 + int(np.argmax(losses[low_row + 1 : at + 1]))
    biggest = float(losses[biggest_row])
    if changes:
        cause = "It came after a change of settings."
    elif (1 - SMOOTHING) * (biggest - low) >= ONE_BATCH * rise:
        numbers |= {"biggest_batch_loss": biggest, "biggest_batch_step": float(steps[biggest_row])}
        cause = (
            f"One batch made most of it: its loss was {_loss(biggest)} at step {steps[biggest_row]:,}. With "
            f"{_plural(setting_at(trainer, 'batch_size', int(steps[biggest_row])), 'digit')} per batch, one hard "
            "digit moves the curve; larger batches "
            "average it out."
        )
    else:
        numbers["lr"] = float(rates[at])
        cause = f"It climbed over several steps at learning rate {float(rates[at]):g}: steps that overshoot."
    said = rule_hints(trainer)["too_high"]
    if said:
        details.append(_said(said))
    return Answer(
        f"The smoothed loss rose by {_loss(rise)}, {moved}. {cause}", details, numbers, _fixes(fixes, said), True
    )


def blank_tiles(trainer: Trainer) -> Answer:
    """A tile (what training added to a first-layer unit's weights, W1 now − W1 at the start, each
    on its own colour scale) is blank when nothing was added: the unit's row of W1 has not moved."""
    model = trainer.model
    added = added_by_training(model.params, trainer.initial_params, "W1")
    change = np.abs(added).max(axis=1)
    units, pixels = added.shape
    blank = np.flatnonzero(change == 0)
    dead = dead_units(model.forward(trainer.dataset.split("val")[0])["Z1"], model.activation, model.leaky_slope)
    never_inked = never_inked_pixels(trainer.dataset)
    start = np.abs(trainer.initial_params["W1"]).max(axis=1)
    relative = float(np.median(change / np.where(start > 0, start, 1)))
    numbers = {"step": float(trainer.steps), "units": float(units), "blank": float(len(blank))}
    d = trainer.diverged
    if len(blank) == units:
        if d is not None and d.restored_step == 0:
            numbers["blew_up_at"] = float(d.step)
            why = f"the loss blew up at step {d.step:,} and the starting weights were restored, so nothing is added"
        elif trainer.steps == 0:
            why = "at step 0 nothing has been added yet"
        else:
            why = f"after {_plural(trainer.steps, 'step')} no first-layer weight has changed"
        return Answer(
            f"Every tile is blank: {why}. The tiles show what training added (W1 now − W1 at the start).",
            numbers=numbers,
            fixes=_stop_fixes(trainer) if d is not None else (),
            found=True,
        )
    called, because = dead_description(model.activation, model.leaky_slope)
    details = []
    dead_blank = int(dead[blank].sum())
    dead_later = int(dead.sum()) - dead_blank
    if called and dead_later:
        numbers["dead_later"] = float(dead_later)
        details.append(
            f"{_plural(dead_later, 'other unit')} {'are' if dead_later != 1 else 'is'} {called} now but "
            f"{'were' if dead_later != 1 else 'was'} not from the start: {'their tiles keep' if dead_later != 1 else 'its tile keeps'} "
            "what was added before, frozen."
        )
    if never_inked:
        numbers |= {"never_inked_pixels": float(never_inked), "pixels": float(pixels)}
        details.append(
            f"The {never_inked} of {pixels} pixels that no training digit inks never change (no input, no "
            "gradient): the white frame around every tile."
        )
    if not len(blank):
        smallest = int(np.argmin(change))
        numbers |= {"smallest_change": float(change[smallest]), "smallest_unit": float(smallest)}
        summary = (
            f"No tile is blank: the weights of every one of the {units} units have changed (even the least changed, "
            f"unit {smallest}'s, moved by up to {change[smallest]:.2g})."
        )
        if relative < HEALTHY_UPDATE_RATIO:
            numbers["median_change"] = relative
            details.insert(
                0,
                f"The changes are tiny (a median {relative:.2g} of each unit's largest starting weight); each tile is "
                "drawn on its own colour scale, so even a tiny change shows in full colour.",
            )
        return Answer(summary, details, numbers)
    shown = ", ".join(str(u) for u in blank[:10]) + (", ..." if len(blank) > 10 else "")
    several = len(blank) != 1
    summary = (
        f"{len(blank)} of the {units} tiles {'are' if several else 'is'} blank (unit{'s' * several} {shown}, "
        f"counted from 0 along the rows): {'their' if several else 'its'} weights have not changed at all "
        "since the start."
    )
    reasons = []
    if called and dead_blank:
        numbers["dead_blank"] = float(dead_blank)
        reasons.append(
            f"{_some_of(dead_blank, len(blank))} {called}: {_they(dead_blank)} {because}, so no gradient has ever "
            f"reached {_their(dead_blank)} weights."
        )
    off = len(blank) - dead_blank
    if off:
        numbers |= {"blank_not_dead": float(off), "samples_seen": float(trainer.samples_seen)}
        state = f"{called} on the validation digits" if called else "stuck"
        if off == len(blank) and off > 1:
            who = f"None of them is {state}"
        else:
            who = f"{_some_of(off, len(blank))} not {state}"
        reasons.append(
            f"{who}: {_they(off)} gave 0 for every one of the {trainer.samples_seen:,} training digits seen so far, "
            f"so no gradient has reached {_their(off)} weights yet."
        )
    details[:0] = reasons
    said = rule_hints(trainer)["dead"]
    if said:
        details.append(_said(said))
    return Answer(summary, details, numbers, _fixes(said), True)


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


def _bigger_batch(batch: int) -> int | None:
    """The batch offered against a noisy loss: ``BIGGER_BATCH``, or 4× this one, a power of 2."""
    bigger = max(BIGGER_BATCH, batch * 4)
    return bigger if bigger <= LARGEST_BATCH_OFFERED and bigger & (bigger - 1) == 0 else None


def noisy_loss(trainer: Trainer) -> Answer:
    """How far the recent batch losses stray from the smoothed curve (the standard deviation of the
    difference, against the curve's level), and what the batch size does to that."""
    if trainer.steps == 0:
        return _untrained("there is no loss curve yet")
    all_losses = trainer.history["steps"].column("loss")
    losses, smooth = all_losses[-RECENT:], smoothed_losses(all_losses)[-RECENT:]
    if len(losses) < 10:
        return Answer(f"Too few steps to judge: {len(losses)} so far.", numbers={"recent_steps": float(len(losses))})
    level, wobble = float(np.mean(smooth)), float(np.std(losses - smooth))
    spread = wobble / level if level > 0 else 0.0
    window = trainer.history["steps"].column("step")[-RECENT:].astype(int)
    used = {setting_at(trainer, "batch_size", int(step)) for step in window}
    batch = min(used)
    numbers = {
        "level": level,
        "wobble": wobble,
        "spread": spread,
        "batch_size": float(batch),
        "lowest": float(losses.min()),
        "highest": float(losses.max()),
        "recent_steps": float(len(losses)),
    }
    measured = (
        f"Over the last {len(losses)} steps the batch loss (from {_loss(losses.min())} to {_loss(losses.max())}) "
        f"strayed from the smoothed curve by ±{_loss(wobble)} (a standard deviation), {spread:.0%} of the curve's "
        f"level ({_loss(level)})"
    )
    sizes = _plural(batch, "digit") + (f" to {max(used):,}" if len(used) > 1 else "")
    why = (
        f"Each point is the average loss of one batch of {sizes}, a small sample: some batches are easier than "
        "others. An average of n numbers wobbles like 1/√n, so four times the batch halves the wobble."
    )
    fixes = []
    bigger = _bigger_batch(batch)
    if used != {trainer.batch_size}:  # the batch size changed since: the curve has yet to show it
        numbers["batch_now"] = float(trainer.batch_size)
        why += f" The batch size is now {trainer.batch_size:,}: the next {RECENT} steps will show what it does."
        bigger = None
    if bigger:
        expected = wobble / math.sqrt(bigger / batch)
        numbers |= {"bigger_batch": float(bigger), "expected_wobble": expected}
        why += f" At {bigger} it would be about ±{_loss(expected)}."
        fixes.append(Fix(f"Batch size {bigger}", {"batch_size": bigger}))
    said = rule_hints(trainer)["too_high"]
    details = [why] + ([_said(said)] if said else [])
    if spread <= NOISY and not said:
        return Answer(f"{measured}: the usual wobble of batches of {batch:,}.", details, numbers)
    return Answer(f"{measured}: a band more than a line.", details, numbers, _fixes(fixes, said), True)


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


def still_learning(trainer: Trainer) -> Answer:
    """Over the last quarter of the run (at least ``RECENT`` steps): how the smoothed loss and the
    validation accuracy moved."""
    if trainer.diverged is not None:
        return Answer(
            f"No: {_stopped(trainer)}.",
            [trainer.diverged.message],
            {"step": float(trainer.diverged.step), "lr": trainer.diverged.lr},
            _stop_fixes(trainer),
            True,
        )
    trace = trainer.history["steps"]
    if trainer.steps == 0 or len(trace) < 2:
        return _untrained("it has not started learning")
    steps, smooth = trace.column("step").astype(int), smoothed_losses(trace.column("loss"))
    start = int(np.searchsorted(steps, steps[-1] - max(RECENT, trainer.steps // 4)))
    before, now = float(smooth[start]), float(smooth[-1])
    fall = (before - now) / before if before > 0 else 0.0
    numbers = {
        "from_step": float(steps[start]),
        "to_step": float(steps[-1]),
        "loss_before": before,
        "loss_now": now,
        "fall": fall,
    }
    parts = [
        f"the smoothed loss went from {_loss(before)} to {_loss(now)} ({abs(fall):.1%} {'lower' if fall >= 0 else 'higher'})"
    ]
    rows, columns = _trained_evaluations(trainer)
    rise = 0.0
    recent = rows[columns["step"][rows] >= steps[start]] if len(rows) else rows
    if len(recent) >= 2:
        first, last = float(columns["val_accuracy"][recent[0]]), float(columns["val_accuracy"][recent[-1]])
        rise = last - first
        numbers |= {"val_before": first, "val_now": last}
        parts.append(f"validation accuracy from {first:.1%} to {last:.1%}")
    measured = f"over {_steps(int(steps[start]), int(steps[-1]))} " + " and ".join(parts)
    said = rule_hints(trainer)
    if fall >= LEARNING_LOSS or rise >= LEARNING_ACCURACY:
        overfitting = said["overfitting"]
        return Answer(
            f"Yes: {measured}.",
            [_said(overfitting)] if overfitting else [],
            numbers,
            _fixes(overfitting),
            bool(overfitting),
        )
    if fall <= -LEARNING_LOSS:
        relevant = [h for h in (said["too_high"], said["dead"], said["overfitting"]) if h]
        details = [_said(h) for h in relevant] or [f"See *{JUMP_QUESTION}*"]
        return Answer(f"No, it is going backwards: {measured}.", details, numbers, _fixes(*relevant), True)
    relevant = [h for h in (said["too_low"], said["too_high"], said["dead"], said["overfitting"]) if h]
    details = [_said(h) for h in relevant] or [
        "It has levelled off at these settings: a lower learning rate, or a larger network, may take it further."
    ]
    return Answer(f"Hardly: {measured}.", details, numbers, _fixes(*relevant), True)


def training_stopped(trainer: Trainer) -> Answer:
    """The divergence guard's record, or that training has not stopped by itself."""
    d = trainer.diverged
    if d is None:
        numbers = {"step": float(trainer.steps)}
        if trainer.steps == 0:
            return Answer("It has not started: the network is at step 0. Press Step or Play.", numbers=numbers)
        numbers["loss"] = float(trainer.last_loss)
        limit = f"{EXPLODE_FACTOR:g}× the first"
        if trainer.reference_loss is not None:
            numbers["reference_loss"] = float(trainer.reference_loss)
            limit += f", {_loss(trainer.reference_loss)}"
        return Answer(
            f"It has not stopped by itself: {_plural(trainer.steps, 'step')} so far, the last batch loss "
            f"{_loss(trainer.last_loss)} (training stops only at a loss that is not a number or over {limit}).",
            ["It trains while Play is on, or when you press Step, Step ×10 or +1 epoch."],
            numbers,
        )
    numbers = {
        "step": float(d.step),
        "lr": d.lr,
        "loss": d.loss,
        "reference_loss": d.reference_loss,
        "restored_step": float(d.restored_step),
    }
    details = [
        "With steps this large, each update jumps across the valley of the loss to a point higher on the other "
        "side, and the next jump is larger still, until the numbers overflow.",
    ]
    losses = trainer.history["steps"].column("loss")[-5:]
    if len(losses):
        numbers["losses_before"] = float(len(losses))
        details.append(
            f"The batch loss of the last {_plural(len(losses), 'step')} before it: "
            + ", ".join(_loss(float(v)) for v in losses)
            + "."
        )
    details.append(
        f"The weights kept are those after step {d.restored_step:,}, the last with a healthy loss: training can go "
        "on from them at a lower rate."
        if d.restored_step
        else "The starting weights were kept: training can start again at a lower rate."
    )
    return Answer(f"The loss blew up: {d.message}", details, numbers, _stop_fixes(trainer), True)


NOISY_QUESTION = "Why is the loss curve so noisy?"
JUMP_QUESTION = "Why did the loss jump?"

QUESTIONS: dict[str, Question] = {
    question.key: question
    for question in (
        Question("stuck", "Why is my accuracy stuck?", accuracy_stuck),
        Question("jump", JUMP_QUESTION, loss_jump),
        Question("tiles", "Why are some tiles blank?", blank_tiles),
        Question("gap", "Why is the validation accuracy lower than the training accuracy?", generalisation_gap),
        Question("noisy", NOISY_QUESTION, noisy_loss),
        Question("lag", "Why does one digit lag behind?", digit_lags),
        Question("learning", "Is it still learning?", still_learning),
        Question("stopped", "Why did training stop?", training_stopped),
    )
}


def answers(trainer: Trainer) -> dict[str, Answer]:
    """Every question's answer now, in ``QUESTIONS``'s order."""
    return {key: question.answer(trainer) for key, question in QUESTIONS.items()}


def most_relevant(answered: dict[str, Answer]) -> str:
    """The key of the first question whose answer found something (else of the first question)."""
    return next((key for key, answer in answered.items() if answer.found), next(iter(answered)))
