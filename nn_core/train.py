"""The trainer: mini-batch steps, evaluation, history and the divergence guard.

``Trainer.step(n)`` runs n updates and returns the latest metrics (like scikit-learn's
``partial_fit`` and ConvNetJS's ``Trainer.train()``), so an app can call it once per click
or once per animation tick. Learning rate, momentum, batch size and L2 can change between
any two steps; nothing is reset.

History (``trainer.history``), bounded by ``Trace``'s thinning (at most 4,000 rows each):
``steps`` (per update: the batch's loss, the learning rate ``lr`` and the ``rate`` the step used,
the learning rate times the schedule's factor), ``diagnostics`` (every ``diag_every`` steps and at
the end of every ``step(n)`` call, per layer ||dW|| and ||delta W|| / ||W||) and ``evals`` (the
learning curves: ``nn_core.curves``).

Snapshots (``trainer.snapshots``): the parameters at moments spread over the run, at most 24 and
16 MB; what a run's past is used for is in ``nn_core.through_time``.

The divergence guard (``nn_core.guard``): a batch loss that is not finite, or far over the first,
stops training and brings back the last weights whose loss was healthy.

Run ``python -m nn_core.train --help`` for the command line.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from . import curves, through_time
from .augment import Augmentation, augment
from .data import Dataset
from .guard import Divergence, Guard
from .history import Trace
from .losses import DEFAULT_LOSS
from .network import MLP, dropout_masks
from .optim import make_optimizer
from .schedules import Schedule
from .settings import SETTINGS, live_settings, logged
from .snapshots import Snapshot, Snapshots, capacity_for, frozen_copy
from .threads import BlasThreads, blas_threads_for

Array = np.ndarray

_SERIALS = itertools.count(1)  # each trainer's own number, never reused in a process
# Each step's own random numbers (dropout's masks, augmentation's amounts) come from a generator
# made from (seed, STEP_STREAM, step): a replay or a continued run draws the same ones, with no
# random state to keep.
STEP_STREAM = 7


def _live_property(name: str, doc: str = "") -> property:
    """A Trainer attribute for the live setting ``name``: read from its settings, set through
    ``set_setting`` (checked and logged)."""
    return property(lambda self: self._live[name], lambda self, value: self.set_setting(name, value), doc=doc or None)


class Trainer:
    """Trains ``model`` on ``dataset`` with mini-batches; see the module docstring for history."""

    def __init__(
        self,
        model: MLP,
        dataset: Dataset,
        lr: float | None = None,
        batch_size: int | None = None,
        optimizer: str | None = None,
        momentum: float | None = None,
        l2: float | None = None,
        seed: int = 0,
        loss: str = DEFAULT_LOSS,
        eval_every: int | None = 50,
        diag_every: int = 10,
        blas_threads: int | None = None,
        dropout: float | None = None,
        schedule: Schedule | dict | None = None,
        augmentation: Augmentation | dict | None = None,
        **more_settings,
    ):
        """Live settings left as None take their ``nn_core.settings`` default; ``more_settings``
        are further live settings by name."""
        if model.layer_sizes[0] != dataset.n_features or model.layer_sizes[-1] != dataset.n_classes:
            raise ValueError(
                f"a {model.layer_sizes[0]}-input, {model.layer_sizes[-1]}-output network does not fit "
                f"{dataset.name} ({dataset.n_features} pixels, {dataset.n_classes} classes)"
            )
        self.model = model
        self.dataset = dataset
        self.serial = next(_SERIALS)
        self.loss_name = loss
        self.seed = int(seed)
        self.eval_every = eval_every
        self.diag_every = diag_every
        self.blas_threads = blas_threads
        self.steps = 0
        # Every change of a live setting: (updates done before it, setting, value), in order.
        self.settings_log: list[tuple[int, str, object]] = []
        self._schedule: list[tuple[int, str, object]] = []  # a replay's settings still to come
        given = (
            dict(
                lr=lr,
                batch_size=batch_size,
                optimizer=optimizer,
                momentum=momentum,
                l2=l2,
                dropout=dropout,
                schedule=schedule,
                augmentation=augmentation,
            )
            | more_settings
        )
        self._live: dict[str, object] = {}
        for name, spec in live_settings().items():
            value = given.pop(name, None)
            self.set_setting(name, spec.default if value is None else value)
        if given:
            raise TypeError(f"unknown settings {', '.join(sorted(given))}")
        self.history = {"steps": Trace(), "diagnostics": Trace(), "evals": Trace()}
        self.initial_params = frozen_copy(model.params)
        # Two sets of parameter arrays take turns: each update writes the new parameters into the
        # set not in use, and the set it read from stays as the last good one (for the divergence
        # guard and the update ratios). Copying the parameters before every update instead cost
        # about 5% of an epoch.
        self._previous = {k: v.copy() for k, v in model.params.items()}
        self._spare = self._previous
        self._grad_buffers = {f"d{k}": np.empty_like(v) for k, v in model.params.items() if k[0] == "W"}
        self._batch_buffers: dict[int, Array] = {}
        self._rng = np.random.default_rng(self.seed)
        self._train_eval_rows = curves.train_eval_rows(len(dataset.y_train), self.seed)
        self._new_order(len(dataset.y_train))
        self._epoch_ended = False
        # Counts every change of the parameters (an update, a restore after a blow-up): what a view
        # of the weights depends on. ``steps`` alone misses a restore, which changes no step count.
        self.revision = 0
        self.samples_seen = 0
        self.epochs_done = 0
        self.last_loss = float("nan")
        self.guard = Guard(self.initial_params)
        self.diverged: Divergence | None = None
        self.samples_per_second = float("nan")
        self.seconds_trained = 0.0
        self.notes: list[str] = []  # what a learner should know about this run (how it was loaded, say)
        self.snapshots = Snapshots(capacity_for(model.params))
        self.snapshots.add(Snapshot(0, self.initial_params, order_state=self._order_state))

    # -- settings that may change between steps (nn_core.settings: ``live_settings()``) --------

    lr = _live_property("lr")
    batch_size = _live_property("batch_size")
    momentum = _live_property("momentum")
    l2 = _live_property("l2")
    optimizer_name = _live_property("optimizer", "Switching optimizer starts its state (velocity, moments) afresh.")
    dropout = _live_property("dropout", "The share of each hidden layer's units dropped in each training step.")
    schedule = _live_property("schedule")
    augmentation = _live_property("augmentation")

    def setting(self, name: str):
        """The live setting ``name`` as it is now."""
        return self._live[name]

    def set_setting(self, name: str, value) -> None:
        """Change the live setting ``name`` from the next step on (checked by its ``Setting``), and log it."""
        spec = live_settings().get(name)
        if spec is None:
            raise ValueError(f"{name!r} is not a setting a network can take between two steps")
        value = spec.check(value)
        self._live[name] = value
        if name == "optimizer":
            self.optimizer = make_optimizer(value, self._live.get("momentum", SETTINGS["momentum"].default))
        elif name == "momentum" and hasattr(self, "optimizer") and hasattr(self.optimizer, "momentum"):
            self.optimizer.momentum = value
        self._log_setting(name, logged(value))

    def rate_at(self, epoch: float) -> float:
        """The learning rate a step at ``epoch`` uses: the learning rate times the schedule's factor."""
        return self.lr * self.schedule.factor(epoch)

    def rate_now(self) -> float:
        """The rate the next step will use."""
        return self.rate_at(self.epochs_elapsed)

    def _step_rng(self) -> np.random.Generator:
        return np.random.default_rng((self.seed, STEP_STREAM, self.steps))

    def _log_setting(self, name: str, value) -> None:
        self.settings_log.append((self.steps, name, value))

    def live_settings(self) -> dict:
        """The settings a run may change between steps, as they are now (``live_settings()`` names),
        in the form the settings log keeps (a schedule and an augmentation as their JSON text)."""
        return {name: logged(self._live[name]) for name in live_settings()}

    @property
    def epochs_elapsed(self) -> float:
        """Epochs done, fractional: samples seen / training rows."""
        return self.samples_seen / len(self.dataset.y_train)

    # -- training --------------------------------------------------------------------------

    def _new_order(self, rows: int) -> None:
        """A fresh shuffle of the training rows; the random state that drew it is kept, so a
        snapshot can say which batches came next."""
        self._order_state = self._rng.bit_generator.state
        self._order = self._rng.permutation(rows)
        self._position = 0

    def _next_batch(self) -> Array:
        if self._position >= len(self._order):
            self._new_order(len(self._order))
        rows = self._order[self._position : self._position + self.batch_size]
        self._position += len(rows)
        if self._position >= len(self._order):
            self.epochs_done += 1
            self._epoch_ended = True
        return rows

    def _gather(self, X: Array, rows: Array) -> Array:
        """X[rows] written into a kept buffer (a fresh batch array costs page faults every step)."""
        buffer = self._batch_buffers.get(len(rows))
        if buffer is None:
            if len(self._batch_buffers) > 4:
                self._batch_buffers.clear()
            buffer = self._batch_buffers[len(rows)] = np.empty((len(rows), X.shape[1]), X.dtype)
        return np.take(X, rows, axis=0, out=buffer, mode="clip")

    @property
    def reference_loss(self) -> float | None:
        """The first batch loss of the run (or since a recovery): what a blow-up is measured against."""
        return self.guard.reference_loss

    def _diverged_at(self, loss: float) -> Divergence | None:
        step = self.steps + 1
        what = self.guard.blown_up(loss)
        if what is None:
            return None
        restored = self._restore_healthy()
        self.snapshots.drop_nonfinite()
        return self.guard.divergence(what, step, self.lr, self.rate_now(), loss, restored, self.steps)

    def _restore_healthy(self) -> int:
        """Bring back the last healthy weights; returns the step they are after. The weights now
        (after ``steps`` updates) gave the blown-up loss; those before the last update (``_previous``)
        are taken if their loss was healthy, else the last healthy checkpoint."""
        if self.guard.previous_healthy and self.steps > 0:
            self.model.params, self._spare = self._previous, self.model.params
            restored = self.steps - 1
        else:
            restored, weights = self.guard.last_healthy
            self._spare = self.model.params
            self.model.params = {k: v.copy() for k, v in weights.items()}
            self._previous = self.model.params
        self.optimizer.reset()
        self.revision += 1
        return restored

    def step(self, n: int = 1) -> dict:
        """Run ``n`` mini-batch updates (fewer if training diverges); return ``metrics()``."""
        if self.diverged is not None:
            return self.metrics()
        if self.eval_every and not len(self.history["evals"]):
            self.record_evaluation()  # step 0: every learning curve starts from the untrained network
        X_all, y_all = self.dataset.X_train, self.dataset.y_train
        started, samples_before = time.perf_counter(), self.samples_seen
        with BlasThreads() as threads:  # a replay may change the batch size mid-call
            for i in range(n):
                while self._schedule and self._schedule[0][0] <= self.steps:
                    _, name, value = self._schedule.pop(0)
                    self.set_setting(name, value)
                threads.hold(self.blas_threads or blas_threads_for(self.batch_size))
                rate = self.rate_now()
                rows = self._next_batch()
                params = self.model.params
                X_batch, masks = self._gather(X_all, rows), None
                if self.augmentation.active or self.dropout:
                    rng = self._step_rng()
                    X_batch = augment(X_batch, self.dataset.image_shape, self.augmentation, rng)
                    if self.dropout:
                        masks = dropout_masks(self.model.layer_sizes, len(rows), self.dropout, rng, self.model.dtype)
                loss, grads = self.model.loss_and_grads(
                    X_batch, y_all[rows], self.loss_name, self.l2, out=self._grad_buffers, masks=masks
                )
                self.diverged = self._diverged_at(loss)
                if self.diverged is not None:
                    break
                self.guard.note(loss, params, self.steps)
                updated = self._spare if self._spare is not params else {k: p.copy() for k, p in params.items()}
                self.optimizer.update(params, grads, rate, out=updated)
                self.model.params, self._previous, self._spare = updated, params, params
                self.steps += 1
                self.revision += 1
                self.samples_seen += len(rows)
                self.last_loss = loss
                self.history["steps"].append(step=self.steps, loss=loss, lr=self.lr, rate=rate)
                if self.snapshots.due(self.steps, self._epoch_ended):
                    self.take_snapshot()
                self._epoch_ended = False
                if self.steps % self.diag_every == 0 or i == n - 1:
                    self._record_diagnostics(grads)
                if self._evaluation_due(self.steps):
                    self.record_evaluation()
        elapsed = time.perf_counter() - started
        self.seconds_trained += elapsed
        if self.samples_seen > samples_before and elapsed > 0:
            self.samples_per_second = (self.samples_seen - samples_before) / elapsed
        return self.metrics()

    def epoch(self) -> dict:
        """Train to the end of the current pass over the training rows, then evaluate."""
        if self._position >= len(self._order):
            self._new_order(len(self._order))
        remaining = len(self._order) - self._position
        self.step(math.ceil(remaining / self.batch_size))
        if self.diverged is None and not self._evaluation_due(self.steps):
            self.record_evaluation()
        return self.metrics()

    def recover(self) -> None:
        """After a divergence (the weights are already restored): allow training again. The
        learning rate is the caller's to lower first; ``diverged.lr`` is the one that blew up."""
        self.diverged = None
        self.guard.reference_loss = None

    def _record_diagnostics(self, grads: dict[str, Array]) -> None:
        norms, ratios = [], []
        for l in range(1, self.model.n_layers + 1):
            W, dW, W_before = self.model.params[f"W{l}"], grads[f"W{l}"], self._previous[f"W{l}"]
            norms.append(float(np.linalg.norm(dW)))
            ratios.append(float(np.linalg.norm(W - W_before) / max(float(np.linalg.norm(W_before)), 1e-12)))
        self.history["diagnostics"].append(step=self.steps, grad_norm=np.array(norms), update_ratio=np.array(ratios))

    # -- through time: snapshots, continuing from one, replaying -------------------------------

    def take_snapshot(self) -> None:
        """Keep the parameters as they are now (``snapshots`` decides which moments stay)."""
        self.snapshots.add(
            Snapshot(
                self.steps,
                frozen_copy(self.model.params),
                self.samples_seen,
                self.epochs_done,
                self._position,
                self._order_state,
                epoch_end=self._epoch_ended,
            )
        )

    def snapshot_steps(self) -> list[int]:
        """The steps whose parameters are held, ascending (0, the start, always among them)."""
        return self.snapshots.steps()

    model_at = through_time.model_at
    moment = through_time.moment
    like = through_time.like
    continue_from = through_time.continue_from
    replay = through_time.replay
    retire = through_time.retire

    # -- evaluation (nn_core.curves) ---------------------------------------------------------

    evaluate = curves.evaluate
    record_evaluation = curves.record_evaluation

    def _evaluation_due(self, step: int) -> bool:
        return curves.evaluation_due(step, self.eval_every)

    def metrics(self) -> dict:
        """The latest numbers: step, epoch, samples seen, loss, learning rate, validation accuracy."""
        return {
            "step": self.steps,
            "epoch": self.epochs_elapsed,
            "samples_seen": self.samples_seen,
            "loss": self.last_loss,
            "lr": self.lr,
            "batch_size": self.batch_size,
            "rate": self.rate_now(),  # the learning rate times the schedule's factor: what the next step uses
            "schedule": self.schedule.describe(),
            "dropout": self.dropout,
            "augmentation": self.augmentation.describe(),
            "val_accuracy": self.history["evals"].last("val_accuracy", float("nan")),
            "val_accuracy_step": self.history["evals"].last("step"),
            "samples_per_second": self.samples_per_second,
            "diverged": self.diverged.message if self.diverged else None,
        }


if __name__ == "__main__":  # python -m nn_core.train: the command line (nn_core.cli)
    from .cli import main

    raise SystemExit(main())
