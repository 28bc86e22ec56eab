"""The learner's work kept across reloads, closed tabs and server restarts, and settings links.

Each session's run lives in the disk store (``ui.store``) under a token the page keeps in its URL
(``?run=...``). A page opened with a token brings that run back (weights, training state,
history, settings, the followed digit) as a copy under a new token of its own, so two tabs with
the same link never write each other's network. The run is saved when training stops or
pauses, and at most every SAVE_EVERY seconds while playing. Every setting also has a plain query
parameter (``?lr=5&hidden=256,64``): a link with them starts a network with those settings.
"""

from __future__ import annotations

import time

import streamlit as st

from nn_core.data import DEFAULT_DATASET
from nn_core.handwriting import digits_from_bytes, digits_to_bytes
from nn_core.io import (
    ModelFileError,
    load_run,
    run_metadata,
    run_to_bytes,
    snapshot_from_bytes,
    snapshot_to_bytes,
)
from nn_core.ledger import ledger_from_bytes, ledger_to_bytes

from . import guide, handwriting, moments, selections, shared, state
from .settings import DISPLAY, Settings, link_parameters, parse_query
from .store import RunStore, is_token, new_token

RUN = "run"  # the query parameter that holds the token
SAVE_EVERY = 5.0  # seconds between saves while playing
KEY_TOKEN, KEY_SAVED, KEY_OPENED, KEY_SAVE_FAILED = "_run_token", "_run_saved", "_run_opened", "_run_save_failed"
KEY_SAVED_PARTS, KEY_SAVED_LEDGER = "_run_saved_parts", "_run_saved_ledger"
LEDGER_PART = "ledger"
DIGITS_PART = "digits"  # the learner's own handwriting (``ui.handwriting``)
KEY_SAVED_DIGITS = "_run_saved_digits"
TAUGHT_PREFIX = "taught"  # + a mix's digest: the learner's digits it was made with (``ui.shared.add_mix``)
OWN_PARTS = {LEDGER_PART, DIGITS_PART}  # the parts that are not snapshots (nor taught digits)
KEY_SAVED_TAUGHT = "_run_saved_taught"


def snapshot_part(step: int) -> str:
    """The store part that holds the snapshot after ``step`` updates."""
    return f"s{step}"


@st.cache_resource
def run_store() -> RunStore:
    return RunStore()


PRUNE_EVERY = 600.0  # seconds between prunings of the store, per process


@st.cache_resource
def _prune_clock() -> dict:
    return {"last": -PRUNE_EVERY}


def _prune_now_and_then() -> None:
    clock, now = _prune_clock(), time.monotonic()
    if now - clock["last"] >= PRUNE_EVERY:
        clock["last"] = now
        run_store().prune()


# -- settings links ------------------------------------------------------------------------------


def settings_from_query(params: dict[str, str], base: Settings, datasets: list[str]) -> tuple[Settings, list[str]]:
    """``base`` with every setting the link gives, and a note for each value refused (its default
    is kept, the rest still apply)."""
    changes, refused = {}, []
    for name, setting in link_parameters().items():
        if name not in params:
            continue
        text = str(params[name]).strip()
        try:
            if setting == "dataset" and text not in datasets:
                raise ValueError(text)
            changes[setting] = parse_query(setting, text)
        except (ValueError, TypeError, OverflowError):
            refused.append(name)
    return base.update(**changes), refused


def link_query(settings: Settings) -> dict[str, str]:
    """The query parameters of a link that starts a network with ``settings`` (never the token)."""
    return {name: DISPLAY[setting].to_text(getattr(settings, setting)) for name, setting in link_parameters().items()}


def settings_link(settings: Settings) -> str:
    """A full link to this page of the app with ``settings`` in it."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(link_query(settings))}"


# -- the run in the URL -------------------------------------------------------------------------


def _restore(token: str) -> str | None:
    """Bring back the run saved under ``token`` as the session's network; returns what went
    wrong, or None. Nothing here names the token: it is a key."""
    data = run_store().load(token)
    if data is None:
        return "The saved network of that link was not found (saved networks are kept for a week): a new network was started."
    store = run_store()

    def snapshot_arrays(step: int):
        part = store.load(token, snapshot_part(step))
        try:
            return None if part is None else snapshot_from_bytes(part)
        except ModelFileError:
            return None

    for part in sorted(store.parts(token)):
        if part.startswith(TAUGHT_PREFIX):  # before the runs: a taught run's mix is made from these
            shared.remember_taught(store.load(token, part) or b"")
    try:
        extra = run_metadata(data)
        source = str(extra.get("dataset", DEFAULT_DATASET))
        loaded = load_run(data, shared.shared_dataset(source), snapshot_arrays)
    except (ModelFileError, ValueError, OSError) as error:
        return f"The saved network of that link could not be read ({error}): a new network was started."
    ledger = store.load(token, LEDGER_PART)
    if ledger is not None:
        try:
            state.set_ledger(ledger_from_bytes(ledger, loaded, shared.shared_dataset))
        except (ModelFileError, ValueError, OSError):
            pass  # the runs compared before are lost; the network itself is back
    moments.adopt(loaded, Settings(dataset=source), source)
    sample = extra.get("sample")
    if isinstance(sample, int):
        selections.set_sample_index(sample)
    guide.from_record(extra.get("path"))
    mine = store.load(token, DIGITS_PART)
    if mine is not None:
        try:
            handwriting.set_digits(digits_from_bytes(mine))
        except ValueError:
            state.notice("Your digits saved with that link could not be read; the network is back.", "warning")
    return None


def open_session() -> None:
    """Once per session, before anything else: the run or the settings the URL gives, then a
    token of this session's own in the URL."""
    if state.widget_value(KEY_OPENED):
        return
    state.set_widget_value(KEY_OPENED, True)
    params = dict(st.query_params)
    token = params.get(RUN)
    if token is not None:
        problem = (
            _restore(token)
            if is_token(token)
            else "That link's saved network is not a valid one: a new network was started."
        )
        if problem:
            state.notice(problem, "warning")
    elif any(name in params for name in link_parameters()):
        from nn_core.data import available_datasets

        wanted, refused = settings_from_query(params, state.settings(), available_datasets())
        state.update_settings(**wanted.as_dict())
        if refused:
            state.notice(
                "The link's " + ", ".join(f"`{name}`" for name in refused) + " could not be used (unknown or out of "
                "range): the default is used for " + ("it" if len(refused) == 1 else "them") + ", the rest apply.",
                "warning",
            )
    state.set_widget_value(KEY_TOKEN, new_token())
    keep_token_in_url()


def keep_token_in_url() -> None:
    """The session's token in the address bar, alone (page links drop query parameters)."""
    token = state.widget_value(KEY_TOKEN)
    if token and (st.query_params.get(RUN) != token or len(st.query_params) != 1):
        st.query_params.clear()
        st.query_params[RUN] = token


def save_if_due(playing: bool) -> None:
    """Save the run if it changed: at once when paused, at most every SAVE_EVERY seconds while
    playing. A storage failure never stops the app: it says once that the work is not saved."""
    token, trainer = state.widget_value(KEY_TOKEN), state.trainer()
    if not token:
        return
    now = time.monotonic()
    settings = state.settings()
    answered = tuple(sorted((key, entry[0], entry[1].happened) for key, entry in guide.done().items()))
    mine = handwriting.digits()
    mark = (trainer.serial, trainer.revision, trainer.diverged is None, settings, selections.sample_index(), answered)
    mark += (id(mine), len(mine))
    last = state.widget_value(KEY_SAVED)
    if last is not None and last[0] == mark:
        return
    if playing and last is not None and now - last[1] < SAVE_EVERY:
        return
    failed = state.widget_value(KEY_SAVE_FAILED)
    if failed is not None and now - failed < 60:
        return
    extra = {
        "dataset": state.built_source(),
        "settings": settings.as_dict(),
        "sample": selections.sample_index(),
        "path": guide.to_record(),
    }
    try:
        _save_snapshots(token, trainer)
        run_store().save(token, run_to_bytes(trainer, extra, snapshots=False))
        _save_ledger(token, trainer)
        _save_digits(token, mine)
        _save_taught(token)
        _prune_now_and_then()
    except (OSError, ValueError) as error:
        if failed is None:
            state.notice(
                f"Your work is not being saved on the server ({type(error).__name__}): training goes on.", "warning"
            )
        state.set_widget_value(KEY_SAVE_FAILED, now)
        return
    state.set_widget_value(KEY_SAVED, (mark, now))


def _save_snapshots(token: str, trainer) -> None:
    """Each held snapshot once, in a part of its own (a snapshot never changes); the parts of
    snapshots no longer held are removed."""
    store = run_store()
    kept = state.widget_value(KEY_SAVED_PARTS)
    if kept is not None and kept[:2] == (token, trainer.serial):
        saved = on_disk = kept[2]
    else:  # another run under this token (a new network has the same step numbers): write them all
        saved, on_disk = set(), {p for p in store.parts(token) - OWN_PARTS if not p.startswith(TAUGHT_PREFIX)}
    held = {snapshot_part(s.step): s for s in trainer.snapshots.held if s.step > 0}
    for part, snapshot in held.items():
        if part not in saved:
            store.save(token, snapshot_to_bytes(snapshot.params), part)
    for part in on_disk - set(held):
        store.remove(token, part)
    state.set_widget_value(KEY_SAVED_PARTS, (token, trainer.serial, set(held)))


def _save_taught(token: str) -> None:
    """The digits each mix the session's runs trained on was made with, once each: with them and
    the base data, a taught run comes back after a restart (``ui.shared.shared_dataset``)."""
    sources = {state.built_source()} | {entry.source for entry in state.ledger().runs}
    saved = state.widget_value(KEY_SAVED_TAUGHT)
    saved = saved[1] if saved is not None and saved[0] == token else set()
    for source in sources - saved:
        data = shared.taught_digits(source)
        if data is not None:
            run_store().save(token, data, TAUGHT_PREFIX + shared.taught_digest(source))
            saved = saved | {source}
    state.set_widget_value(KEY_SAVED_TAUGHT, (token, saved))


def _save_digits(token: str, mine) -> None:
    """The learner's digits, when they changed (each change makes a new collection)."""
    if state.widget_value(KEY_SAVED_DIGITS) is mine:
        return
    if len(mine):
        run_store().save(token, digits_to_bytes(mine), DIGITS_PART)
    else:
        run_store().remove(token, DIGITS_PART)
    state.set_widget_value(KEY_SAVED_DIGITS, mine)


def _save_ledger(token: str, trainer) -> None:
    """The session's other runs, when they changed."""
    ledger = state.ledger()
    mark = (
        token,
        ledger.version,
        trainer.serial,
        tuple((e.trainer.serial, e.trainer.revision) for e in ledger.runs if e.trainer is not trainer),
    )
    if state.widget_value(KEY_SAVED_LEDGER) != mark:
        run_store().save(token, ledger_to_bytes(ledger, trainer.serial), LEDGER_PART)
        state.set_widget_value(KEY_SAVED_LEDGER, mark)
