"""Through time: a run's past moments shown, continued from and replayed.

A trainer keeps snapshots (``nn_core.snapshots``): the parameters at moments spread over the
run. ``model_at(step)`` is the network as it was then, ``moment(step)`` the same for a page to
show, ``continue_from(step)`` a new run from that moment, and ``replay(**changes)`` the run
again from the same start and the same batches with some settings changed: every change of a
live setting is logged (``Trainer.settings_log``), so a replay with no change is this run bit
for bit. The ``Trainer`` methods of the same names call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .dataset import Dataset
from .network import MLP
from .settings import live_settings
from .snapshots import Snapshot

if TYPE_CHECKING:
    from .train import Trainer


@dataclass(frozen=True)
class Moment:
    """The network as it was after ``steps`` updates, for a page to show (never to train): the
    present one's own model, or a copy of a snapshot's. ``revision`` is the trainer's for the
    present and -1 for a past moment, so a view keyed on (serial, steps, revision) is never stale."""

    model: MLP
    dataset: Dataset
    initial_params: dict
    steps: int
    present_steps: int
    serial: int
    revision: int

    @property
    def is_past(self) -> bool:
        return self.revision < 0


def model_at(trainer: Trainer, step: int) -> MLP:
    """A new network with the weights as they were after ``step`` updates: those of the nearest
    held step at or before it, or the present weights from the current step on."""
    if step >= trainer.steps:
        return trainer.model.with_params(trainer.model.params)
    return trainer.model.with_params(trainer.snapshots.at(step).params)


def moment(trainer: Trainer, step: int | None = None) -> Moment:
    """The network at ``step`` (None: now) for showing; see ``Moment``."""
    if step is None or step >= trainer.steps:
        return Moment(
            trainer.model,
            trainer.dataset,
            trainer.initial_params,
            trainer.steps,
            trainer.steps,
            trainer.serial,
            trainer.revision,
        )
    held = trainer.snapshots.at(step)
    model = trainer.model.with_params(held.params)
    return Moment(model, trainer.dataset, trainer.initial_params, held.step, trainer.steps, trainer.serial, -1)


def like(trainer: Trainer, model: MLP, dataset: Dataset | None = None, **settings) -> Trainer:
    """A new trainer around ``model``, on the same data (or ``dataset``), with this one's
    settings but ``settings`` (``live_settings()`` names, and ``seed``)."""
    live = trainer.live_settings() | settings
    seed = live.pop("seed", trainer.seed)
    return type(trainer)(
        model,
        trainer.dataset if dataset is None else dataset,
        **live,
        seed=seed,
        loss=trainer.loss_name,
        eval_every=trainer.eval_every,
        diag_every=trainer.diag_every,
        blas_threads=trainer.blas_threads,
    )


def continue_from(trainer: Trainer, step: int, dataset: Dataset | None = None, **settings) -> Trainer:
    """A new run from the held moment at or before ``step``, with this run's settings as they
    are now but ``settings``: the same start (for what training added), the history and
    snapshots up to that moment, and the batches that came next in this run. The optimizer's
    state (momentum, Adam's averages) starts afresh: it is not kept in snapshots. On another
    ``dataset`` (the same splits but the training digits: teaching the learner's hand), the run
    goes on in a fresh order of its training digits, with its epochs so far counted in their
    number (epochs elapsed go on from where they were)."""
    snapshot = trainer.snapshots.at(min(step, trainer.steps))
    if step >= trainer.steps:
        snapshot = Snapshot(
            trainer.steps,
            trainer.model.params,
            trainer.samples_seen,
            trainer.epochs_done,
            trainer._position,
            trainer._order_state,
        )
    new = trainer.like(trainer.model.with_params(snapshot.params), dataset, **settings)
    new.initial_params = trainer.initial_params
    new.steps, new.revision = snapshot.step, snapshot.step
    new.samples_seen, new.epochs_done = snapshot.samples_seen, snapshot.epochs_done
    if dataset is None:
        new._rng.bit_generator.state = snapshot.order_state
        new._new_order(len(trainer._order))
        new._position = snapshot.position
    else:
        new.samples_seen = round(snapshot.samples_seen / len(trainer.dataset.y_train) * len(dataset.y_train))
    new.history = {name: trace.until(snapshot.step) for name, trace in trainer.history.items()}
    new.snapshots.held = [s for s in trainer.snapshots.held if s.step < snapshot.step]
    new.take_snapshot()
    new.guard.last_healthy = (snapshot.step, new.snapshots.held[-1].params)
    new.settings_log = [entry for entry in trainer.settings_log if entry[0] < snapshot.step] + [
        (snapshot.step, name, value) for name, value in new.live_settings().items()
    ]
    new.model.metadata = dict(trainer.model.metadata)
    return new


def replay(trainer: Trainer, **changes) -> Trainer:
    """This run again from its start, with its batches in the same order, every live setting
    changing when it changed in this run, except those in ``changes`` (``live_settings()``
    names), which hold from the first step. With no change, training it as far gives exactly
    this run's weights. The new trainer is at step 0; train it to compare."""
    unknown = sorted(set(changes) - set(live_settings()))
    if unknown:
        raise ValueError(f"a replay can change {', '.join(live_settings())}, not {', '.join(unknown)}")
    start = {name: value for step, name, value in trainer.settings_log if step == 0} | changes
    new = trainer.like(trainer.model.with_params(trainer.initial_params), **start)
    new._schedule = [entry for entry in trainer.settings_log if entry[0] > 0 and entry[1] not in changes]
    new.model.metadata = dict(trainer.model.metadata)
    return new


def retire(trainer: Trainer) -> None:
    """Free what only training needs (snapshots but the start, buffers, the optimizer's state)
    when this run goes into a ledger of past runs; it can still be trained on afterwards."""
    trainer.snapshots.held = trainer.snapshots.held[:1]
    trainer._batch_buffers.clear()
    trainer._previous = trainer._spare = trainer.model.params
    trainer.guard.last_healthy = (0, trainer.initial_params)
    trainer.optimizer.reset()
