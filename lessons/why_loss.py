"""The why-answers about the loss curve and the run: why the loss jumped, why the curve is noisy,
whether it is still learning, why training stopped."""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nn_core.guard import EXPLODE_FACTOR
from nn_core.settings import logged as logged_value
from nn_core.train import Trainer

from .hints import Fix
from .why_readings import (
    BIGGER_BATCH,
    JUMP_FLOOR,
    JUMP_QUESTION,
    JUMP_SHARE,
    JUMP_WINDOW,
    LARGEST_BATCH_OFFERED,
    LEARNING_ACCURACY,
    LEARNING_LOSS,
    NOISY,
    NOISY_QUESTION,
    ONE_BATCH,
    RECENT,
    SETTING_NAMES,
    SMOOTHING,
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
    smoothed_losses,
)


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


def _value(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


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
