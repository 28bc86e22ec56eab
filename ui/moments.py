"""The runs a session makes present (a loaded file, a restored link, a continuation, a replay, a
run brought back from the ledger) and the moment every page shows (the time slider's choice,
"Play the past"). Everything kept goes through ``ui.state``'s accessors.
"""

from __future__ import annotations

from nn_core.handwriting import digits_from_bytes
from nn_core.io import attachment, load_run
from nn_core.ledger import ledger_from_bytes
from nn_core.settings import live_settings, logged
from nn_core.through_time import Moment
from nn_core.train import Trainer

from . import handwriting, shared, state
from .settings import SERVER_BLAS_THREADS, Settings, apply_live, rows_per_batch, settings_of


def load_network(data: bytes, file_name: str) -> list[str]:
    """Replace the session's network with the run in a saved file (weights, training state and
    history; ``nn_core.io.load_run``); raises ValueError (with the reason) and changes nothing if
    the file is not a run for the current data. Returns what the learner should know about it."""
    loaded = load_run(data, state.trainer().dataset)
    loaded.model.metadata = {**loaded.model.metadata, "file": file_name}
    notes = list(loaded.notes)
    others = attachment(data, "ledger")
    if others is not None:  # the runs it was compared with when it was saved join this session's
        try:
            saved = ledger_from_bytes(others, loaded, shared.shared_dataset)
        except ValueError:
            saved = None
            notes.append("The runs saved beside it could not be read: the network itself is loaded.")
        if saved is not None:
            joined = [e for e in saved.runs if e.trainer is not loaded]
            for entry in joined:
                state.ledger().record(
                    entry.trainer, entry.origin or f"from {file_name}", entry.source, keep=state.trainer().serial
                )
            if joined:
                notes.append(f"{len(joined)} run{'s' if len(joined) > 1 else ''} saved beside it joined Your runs.")
    digits = attachment(data, "digits")
    if digits is not None:  # the learner's digits saved with it join theirs (up to the most kept)
        try:
            saved = digits_from_bytes(digits)
        except ValueError:
            notes.append("The digits saved beside it could not be read: the network itself is loaded.")
        else:
            joined, added = handwriting.digits().join(saved)
            handwriting.set_digits(joined)
            notes.append(f"{added} of your digits saved beside it joined Your digits (Draw a digit).")
    adopt(loaded, state.settings(), state.built_source())
    return notes


def adopt(loaded: Trainer, base: Settings, source: str) -> None:
    """Make a loaded run the session's network, the settings ``base`` with the run's own."""
    loaded.blas_threads = SERVER_BLAS_THREADS
    new = settings_of(loaded, base.update(dataset=source))
    state.replace_settings(new)
    apply_live(loaded, new)
    state.install(loaded, source)


def continue_from(step: int) -> None:
    """A new run from the moment at or before ``step`` of the present one, with the settings now."""
    present = state.trainer()
    branch = present.continue_from(step)
    apply_live(branch, state.settings())
    state.install(branch, state.built_source(), f"{_name(present)} continued from step {branch.steps:,}")


def replay() -> None:
    """The present run again from its start and its batches, with the settings now: those that
    differ from the run's own at its start hold throughout, the others change as they did."""
    present = state.trainer()
    now = state.settings()
    wanted = {name: logged(getattr(now, name)) for name in live_settings()}  # as the log keeps them
    wanted["batch_size"] = rows_per_batch(now.batch_size, present.dataset)
    start = {name: value for step, name, value in present.settings_log if step == 0}
    changes = {name: value for name, value in wanted.items() if start.get(name) != value}
    state.install(present.replay(**changes), state.built_source(), f"replay of {_name(present)}")


def _name(run: Trainer) -> str:
    entry = state.ledger().find(run.serial)
    return entry.name if entry is not None else "the last run"


def bring_back(serial: int) -> None:
    """Make the ledger's run ``serial`` the present network again (with its settings)."""
    entry = state.ledger().find(serial)
    if entry is None or entry.trainer is state.trainer():
        return
    source = entry.source or state.built_source()
    run = entry.trainer
    run.blas_threads = SERVER_BLAS_THREADS
    new = settings_of(run, state.settings().update(dataset=source))
    state.replace_settings(new)
    apply_live(run, new)
    state.install(run, source)


def retire_past_runs() -> None:
    """Free the snapshots of the ledger's runs that are neither the present nor the one Undo can
    bring back (``Trainer.retire``)."""
    keep = {id(state.trainer())}
    offered = state.undo_record()
    if offered is not None:
        keep.add(id(offered.trainer))
    for entry in state.ledger().runs:
        if id(entry.trainer) not in keep and len(entry.trainer.snapshots) > 1:
            entry.trainer.retire()


# -- the moment every page shows -------------------------------------------------------------------


def moment() -> Moment:
    """The network every page shows: the present one, or a past moment of it (the time slider)."""
    present = state.trainer()
    chosen = state.widget_value(state.KEY_MOMENT)
    if chosen is None or chosen[0] != present.serial or chosen[1] >= present.steps or state.is_playing():
        return present.moment()
    shown = state.widget_value(state.KEY_MOMENT_SHOWN)
    if shown is None or shown[:2] != chosen:
        shown = (*chosen, present.moment(chosen[1]))
        state.set_widget_value(state.KEY_MOMENT_SHOWN, shown)
    return shown[2]


def set_moment(step: int | None) -> None:
    """Show the network as it was after ``step`` updates (None: now)."""
    if step is None:
        state.back_to_now()
    else:
        state.set_widget_value(state.KEY_MOMENT, (state.trainer().serial, int(step)))


def is_playing_past() -> bool:
    """Whether "Play the past" is walking the moment from step 0 to now."""
    return bool(state.widget_value(state.KEY_PLAYING_PAST)) and not state.is_playing()


def play_past(on: bool) -> None:
    """Start (from step 0) or stop "Play the past". Asking again for what is already so does
    nothing: a click's trigger can arrive twice on a busy machine (seen: Stop, then at once the
    past playing again from step 0)."""
    if on and is_playing_past():
        return
    if on:
        state.stop_playing()
        set_moment(0)
        state.set_widget_value(state.KEY_PLAYING_PAST, True)
    else:
        state.forget(state.KEY_PLAYING_PAST)
