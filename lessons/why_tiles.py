"""The why-answer about the first-layer tiles: why some of them are blank."""

from __future__ import annotations

import weakref

import numpy as np

from nn_core.diagnostics import dead_description, dead_units
from nn_core.inspection import added_by_training
from nn_core.train import Trainer

from .why_readings import (
    HEALTHY_UPDATE_RATIO,
    Answer,
    _fixes,
    _plural,
    _said,
    _stop_fixes,
    rule_hints,
)

_NEVER_INKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def never_inked_pixels(dataset) -> int:
    """How many pixels are 0 in every training digit (their weights get no gradient); kept per
    dataset while it lives (on full MNIST the scan takes about 17 ms)."""
    if dataset not in _NEVER_INKED:
        _NEVER_INKED[dataset] = int((dataset.X_train.max(axis=0) == 0).sum())
    return _NEVER_INKED[dataset]


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
