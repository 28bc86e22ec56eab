"""The trainer: mini-batch steps, evaluation, history and the divergence guard.

``Trainer.step(n)`` runs n updates and returns the latest metrics (like scikit-learn's
``partial_fit`` and ConvNetJS's ``Trainer.train()``), so an app can call it once per click
or once per animation tick. Learning rate, momentum, batch size and L2 can change between
any two steps; nothing is reset.

History (``trainer.history``), bounded by ``Trace``'s thinning (at most 4,000 rows each):
- ``steps``: per update, the training loss of its batch, the learning rate (``lr``) and the
  rate the step used (``rate``: the learning rate times the schedule's factor);
- ``diagnostics``: every ``diag_every`` steps and at the end of every ``step(n)`` call,
  per layer the gradient norm ||dW|| and the update-to-weight ratio ||delta W|| / ||W||;
- ``evals``: densely at first (steps 1, 2, 3, 5, 10, 20, 30: ``EARLY_EVALUATIONS``), then
  every ``eval_every`` steps, and at the end of every epoch: the loss and accuracy on a fixed
  sample of up to 2,000 training rows and on the validation split, the validation accuracy of
  each class, and each hidden layer's dead-unit fraction. The curves have a shape from the
  first step, and an evaluation costs a few milliseconds, so the early ones are nearly free.

Snapshots (``trainer.snapshots``, see ``nn_core.snapshots``): the parameters at moments spread
over the run, at most 24 of them and 16 MB whatever its length. ``model_at(step)`` is the network
as it was then, ``continue_from(step)`` a new run from that moment, and ``replay(**changes)`` the
run again from the same start and the same batches with some settings changed: every change of a
live setting is logged (``settings_log``), so a replay with no change is this run bit for bit.

The divergence guard: a batch loss that is not finite, or over ``EXPLODE_FACTOR`` times the
first, stops training and brings back the last weights whose loss was healthy (not above
``HEALTHY_FACTOR`` times its running average): the loss often climbs for a few steps before it
overflows, and the weights from just before the overflow are already ruined.

Run ``python -m nn_core.train --help`` for the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import math
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import ThreadpoolController

from .activations import ACTIVATIONS, DEFAULT_ACTIVATION
from .augment import Augmentation, augment
from .data import Dataset, load_dataset
from .diagnostics import dead_unit_fraction
from .history import Trace
from .losses import DEFAULT_LOSS
from .metrics import accuracy, confusion_matrix, per_class_accuracy, precision_recall
from .network import DEFAULT_INIT, INITS, MLP, ArchitectureError, dropout_masks, parse_hidden
from .optim import DEFAULT_OPTIMIZER, OPTIMIZERS, make_optimizer
from .schedules import Schedule
from .settings import SETTINGS, live_settings
from .snapshots import Snapshot, Snapshots, capacity_for, frozen_copy

Array = np.ndarray

TRAIN_EVAL_ROWS = 2000
EARLY_EVALUATIONS = frozenset((1, 2, 3, 5, 10, 20, 30))
HEALTHY_FACTOR = 2.0  # a batch loss above this times the running average is no longer healthy
HEALTHY_SMOOTHING = 0.9  # the running average's weight on its past
CHECKPOINT_EVERY = 10  # steps between copies of healthy weights (a copy costs about one update)
_SERIALS = itertools.count(1)  # each trainer's own number, never reused in a process
EXPLODE_FACTOR = 10.0
# Each step's own random numbers (dropout's masks, augmentation's amounts) come from a generator
# made from (seed, STEP_STREAM, step): a replay or a continued run draws the same ones, with no
# random state to keep.
STEP_STREAM = 7


def _live_property(name: str, doc: str = "") -> property:
    """A Trainer attribute for the live setting ``name``: read from its settings, set through
    ``set_setting`` (checked and logged)."""
    return property(lambda self: self._live[name], lambda self, value: self.set_setting(name, value), doc=doc or None)


def logged(value):
    """A live setting's value as the settings log keeps it: plain values as they are, a schedule
    or an augmentation as its JSON text."""
    return value.to_text() if isinstance(value, (Schedule, Augmentation)) else value


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: at which step, with which learning rate, and what the loss did."""

    step: int
    lr: float
    loss: float
    reference_loss: float
    message: str
    restored_step: int = 0  # the weights brought back are those after this many steps


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


@functools.cache
def _blas_controller() -> ThreadpoolController:
    # Finding the BLAS libraries takes ~0.2 ms; a kept controller limits threads in microseconds.
    return ThreadpoolController()


def blas_threads_for(batch_size: int) -> int:
    """BLAS threads for a step at this batch size: 2 from 64 rows up, where splitting a
    matrix product between two cores pays for itself (benchmarks/bench_train.py, 2-core machine)."""
    return 1 if batch_size < 64 else 2


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
        rows = min(TRAIN_EVAL_ROWS, len(dataset.y_train))
        self._train_eval_rows = np.sort(
            np.random.default_rng(self.seed).choice(len(dataset.y_train), rows, replace=False)
        )
        self._new_order(len(dataset.y_train))
        self._epoch_ended = False
        # Counts every change of the parameters (an update, a restore after a blow-up): what a view
        # of the weights depends on. ``steps`` alone misses a restore, which changes no step count.
        self.revision = 0
        self.samples_seen = 0
        self.epochs_done = 0
        self.last_loss = float("nan")
        self.reference_loss: float | None = None
        # The last weights known to be healthy: (steps they are after, the weights), and the
        # running average of healthy batch losses that "healthy" is measured against.
        self._checkpoint: tuple[int, dict[str, Array]] = (0, self.initial_params)
        self._healthy_average: float | None = None
        self._previous_healthy = True  # whether the weights in _previous gave a healthy loss
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

    def _is_healthy(self, loss: float) -> bool:
        average = self._healthy_average
        return math.isfinite(loss) and (average is None or loss <= HEALTHY_FACTOR * average)

    def _diverged_at(self, loss: float) -> Divergence | None:
        step = self.steps + 1
        if not math.isfinite(loss):
            what = f"loss became {'NaN' if math.isnan(loss) else 'infinite'}"
        elif self.reference_loss is not None and loss > EXPLODE_FACTOR * self.reference_loss:
            what = f"loss jumped to {loss:.3g}, over {EXPLODE_FACTOR:g}x its start ({self.reference_loss:.3g})"
        else:
            return None
        restored = self._restore_healthy()
        self.snapshots.drop_nonfinite()
        used = self.rate_now()
        rate = f"learning rate {self.lr:g}" + (f" (× the schedule: {used:.2g})" if used != self.lr else "")
        message = f"{rate} is too high: {what} at step {step:,}. " + (
            "The starting weights were restored."
            if restored == 0
            else f"The weights as they were after step {restored:,}, the last with a healthy loss, were restored"
            + (f" (the step count stays at {self.steps:,})." if restored != self.steps else ".")
        )
        return Divergence(step, self.lr, loss, self.reference_loss or float("nan"), message, restored)

    def _restore_healthy(self) -> int:
        """Bring back the last healthy weights; returns the step they are after. The weights now
        (after ``steps`` updates) gave the blown-up loss; those before the last update (``_previous``)
        are taken if their loss was healthy, else the last healthy checkpoint."""
        if self._previous_healthy and self.steps > 0:
            self.model.params, self._spare = self._previous, self.model.params
            restored = self.steps - 1
        else:
            restored, weights = self._checkpoint
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
        threads_now = None
        # The BLAS threads follow the batch size step by step (a replay changes it mid-call): one
        # thread or two sum in another order, and a replay must give the same weights bit for bit.
        with contextlib.ExitStack() as limits:
            for i in range(n):
                while self._schedule and self._schedule[0][0] <= self.steps:
                    _, name, value = self._schedule.pop(0)
                    self.set_setting(name, value)
                threads = self.blas_threads or blas_threads_for(self.batch_size)
                if threads != threads_now:
                    limits.close()
                    limits.enter_context(_blas_controller().limit(limits=threads, user_api="blas"))
                    threads_now = threads
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
                if self.reference_loss is None:
                    self.reference_loss = loss
                self._note_health(loss, params)
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

    def _note_health(self, loss: float, params: dict[str, Array]) -> None:
        """Whether ``params`` (the weights before this update) gave a healthy ``loss``; every
        CHECKPOINT_EVERY steps, healthy weights are copied as the checkpoint to come back to."""
        healthy = self._is_healthy(loss)
        if healthy:
            average = self._healthy_average
            self._healthy_average = (
                loss if average is None else HEALTHY_SMOOTHING * average + (1 - HEALTHY_SMOOTHING) * loss
            )
            if self.steps % CHECKPOINT_EVERY == 0 and self.steps > self._checkpoint[0]:
                self._checkpoint = (self.steps, {k: v.copy() for k, v in params.items()})
        self._previous_healthy = healthy

    def _evaluation_due(self, step: int) -> bool:
        """Whether step ``step`` ends with an evaluation: densely at first, then every ``eval_every``."""
        return bool(self.eval_every) and (step in EARLY_EVALUATIONS or step % self.eval_every == 0)

    def recover(self) -> None:
        """After a divergence (the weights are already restored): allow training again. The
        learning rate is the caller's to lower first; ``diverged.lr`` is the one that blew up."""
        self.diverged = None
        self.reference_loss = None

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

    def model_at(self, step: int) -> MLP:
        """A new network with the weights as they were after ``step`` updates: those of the nearest
        held step at or before it, or the present weights from the current step on."""
        if step >= self.steps:
            return self.model.with_params(self.model.params)
        return self.model.with_params(self.snapshots.at(step).params)

    def moment(self, step: int | None = None) -> Moment:
        """The network at ``step`` (None: now) for showing; see ``Moment``."""
        if step is None or step >= self.steps:
            return Moment(
                self.model, self.dataset, self.initial_params, self.steps, self.steps, self.serial, self.revision
            )
        held = self.snapshots.at(step)
        model = self.model.with_params(held.params)
        return Moment(model, self.dataset, self.initial_params, held.step, self.steps, self.serial, -1)

    def moment_step(self, step: int) -> int:
        """The step whose weights ``model_at(step)`` gives."""
        return self.steps if step >= self.steps else self.snapshots.at(step).step

    def like(self, model: MLP, dataset: Dataset | None = None, **settings) -> Trainer:
        """A new trainer around ``model``, on the same data (or ``dataset``), with this one's
        settings but ``settings`` (``live_settings()`` names, and ``seed``)."""
        live = self.live_settings() | settings
        seed = live.pop("seed", self.seed)
        return Trainer(
            model,
            self.dataset if dataset is None else dataset,
            **live,
            seed=seed,
            loss=self.loss_name,
            eval_every=self.eval_every,
            diag_every=self.diag_every,
            blas_threads=self.blas_threads,
        )

    def continue_from(self, step: int) -> Trainer:
        """A new run from the held moment at or before ``step``, with this run's settings as they
        are now: the same start (for what training added), the history and snapshots up to that
        moment, and the batches that came next in this run. The optimizer's state (momentum,
        Adam's averages) starts afresh: it is not kept in snapshots."""
        snapshot = self.snapshots.at(min(step, self.steps))
        if step >= self.steps:
            snapshot = Snapshot(
                self.steps, self.model.params, self.samples_seen, self.epochs_done, self._position, self._order_state
            )
        new = self.like(self.model.with_params(snapshot.params))
        new.initial_params = self.initial_params
        new.steps, new.revision = snapshot.step, snapshot.step
        new.samples_seen, new.epochs_done = snapshot.samples_seen, snapshot.epochs_done
        new._rng.bit_generator.state = snapshot.order_state
        new._new_order(len(self._order))
        new._position = snapshot.position
        new.history = {name: trace.until(snapshot.step) for name, trace in self.history.items()}
        new.snapshots.held = [s for s in self.snapshots.held if s.step < snapshot.step]
        new.take_snapshot()
        new._checkpoint = (snapshot.step, new.snapshots.held[-1].params)
        new.settings_log = [entry for entry in self.settings_log if entry[0] < snapshot.step] + [
            (snapshot.step, name, value) for name, value in new.live_settings().items()
        ]
        new.model.metadata = dict(self.model.metadata)
        return new

    def replay(self, **changes) -> Trainer:
        """This run again from its start, with its batches in the same order, every live setting
        changing when it changed in this run, except those in ``changes`` (``live_settings()``
        names), which hold from the first step. With no change, training it as far gives exactly
        this run's weights. The new trainer is at step 0; train it to compare."""
        unknown = sorted(set(changes) - set(live_settings()))
        if unknown:
            raise ValueError(f"a replay can change {', '.join(live_settings())}, not {', '.join(unknown)}")
        start = {name: value for step, name, value in self.settings_log if step == 0} | changes
        new = self.like(self.model.with_params(self.initial_params), **start)
        new._schedule = [entry for entry in self.settings_log if entry[0] > 0 and entry[1] not in changes]
        new.model.metadata = dict(self.model.metadata)
        return new

    def retire(self) -> None:
        """Free what only training needs (snapshots but the start, buffers, the optimizer's state)
        when this run goes into a ledger of past runs; it can still be trained on afterwards."""
        self.snapshots.held = self.snapshots.held[:1]
        self._batch_buffers.clear()
        self._previous = self._spare = self.model.params
        self._checkpoint = (0, self.initial_params)
        self.optimizer.reset()

    # -- evaluation ---------------------------------------------------------------------------

    def _loss_and_predictions(self, X: Array, y: Array) -> tuple[float, Array, dict]:
        cache = self.model.forward(X)
        return self.model.loss(cache, y, self.loss_name), cache[f"A{self.model.n_layers}"].argmax(axis=1), cache

    def evaluate(self, split: str = "val") -> dict:
        """Loss (without the L2 term), accuracy, per-class accuracy, precision, recall, confusion matrix."""
        X, y = self.dataset.split(split)
        k = self.dataset.n_classes
        loss, predicted, _ = self._loss_and_predictions(X, y)
        precision, recall = precision_recall(y, predicted, k)
        return {
            "split": split,
            "loss": loss,
            "accuracy": accuracy(y, predicted),
            "per_class_accuracy": per_class_accuracy(y, predicted, k),
            "precision": precision,
            "recall": recall,
            "confusion": confusion_matrix(y, predicted, k),
            "predictions": predicted,
        }

    def record_evaluation(self) -> dict:
        """Evaluate on the training sample and the validation split; append to ``history["evals"]``."""
        rows = self._train_eval_rows
        train_loss, train_pred, _ = self._loss_and_predictions(self.dataset.X_train[rows], self.dataset.y_train[rows])
        X_val, y_val = self.dataset.split("val")
        val_loss, val_pred, cache = self._loss_and_predictions(X_val, y_val)
        model = self.model
        dead = [
            dead_unit_fraction(cache[f"Z{l}"], model.activation, model.leaky_slope) for l in range(1, model.n_layers)
        ]
        row = {
            "step": self.steps,
            "epoch": self.epochs_elapsed,
            "train_loss": train_loss,
            "train_accuracy": accuracy(self.dataset.y_train[rows], train_pred),
            "val_loss": val_loss,
            "val_accuracy": accuracy(y_val, val_pred),
            "val_per_class_accuracy": per_class_accuracy(y_val, val_pred, self.dataset.n_classes),
            "dead_fraction": np.array(dead),
        }
        evals = self.history["evals"]
        if evals.last("step") != self.steps:
            evals.append(**row)
        return row

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


# -- command line ----------------------------------------------------------------------------


def _hidden_argument(text: str) -> tuple[int, ...]:
    try:
        return parse_hidden(text)
    except ArchitectureError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nn_core.train", description="Train an MLP on digits with nn_core.")
    parser.add_argument(
        "--dataset", default="mnist-5k", help="mnist-5k (default), digits-8x8, mnist (downloads once) or fashion-mnist"
    )
    parser.add_argument(
        "--data", help="a Kaggle train.csv (or .csv.gz) or a folder of MNIST IDX files; overrides --dataset"
    )
    parser.add_argument(
        "--hidden", type=_hidden_argument, default=(128,), help="hidden layer sizes, e.g. 128 or 256,64"
    )
    parser.add_argument(
        "--recipe",
        choices=["robust"],
        help="train a recipe's network (robust: reads new handwriting well; see nn_core/recipes.py); "
        "--hidden, --lr, --optimizer and the rest are then the recipe's",
    )
    parser.add_argument("--epochs", type=int, help="passes over the training digits (10; a recipe's own by default)")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--optimizer", default=DEFAULT_OPTIMIZER, choices=list(OPTIMIZERS))
    parser.add_argument("--momentum", type=float, default=0.0)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--activation", default=DEFAULT_ACTIVATION, choices=list(ACTIVATIONS))
    parser.add_argument("--init", default=DEFAULT_INIT, choices=list(INITS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", help="write the trained model to this .npz file")
    args = parser.parse_args(argv)

    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    try:
        dataset = load_dataset(args.data or args.dataset)
        if args.recipe:
            from .recipes import RECIPES, build

            recipe = RECIPES[args.recipe].for_epochs(args.epochs or RECIPES[args.recipe].epochs)
            trainer = build(recipe, dataset, args.seed)
            epochs = recipe.epochs
        else:
            model = MLP([dataset.n_features, *args.hidden, dataset.n_classes], args.activation, args.init, args.seed)
            trainer = Trainer(
                model, dataset, args.lr, args.batch_size, args.optimizer, args.momentum, args.l2, args.seed
            )
            epochs = args.epochs or 10
    except ValueError as error:
        parser.error(str(error))
    model = trainer.model
    print(f"{dataset.description}: {dataset.sizes()}; network {model.layer_sizes}, {model.n_params:,} parameters")
    if args.recipe:
        print(
            f"recipe {args.recipe}: {trainer.optimizer_name} lr {trainer.lr:g}, batch {trainer.batch_size}, "
            f"dropout {trainer.dropout:g}, schedule {trainer.schedule.describe()}, "
            f"augmentation {trainer.augmentation.describe()}, {epochs} epochs"
        )
    for _ in range(epochs):
        started = time.perf_counter()
        trainer.epoch()
        if trainer.diverged:
            print(trainer.diverged.message)
            return 1
        evals = trainer.history["evals"]
        print(
            f"epoch {trainer.epochs_done:3d}  loss {evals.last('train_loss'):.4f}  "
            f"train acc {evals.last('train_accuracy'):.4f}  val loss {evals.last('val_loss'):.4f}  "
            f"val acc {evals.last('val_accuracy'):.4f}  ({time.perf_counter() - started:.2f} s)"
        )
    test = trainer.evaluate("test")
    print(f"test accuracy {test['accuracy']:.4f}  test loss {test['loss']:.4f}")
    if args.save:
        from .io import save_model

        save_model(model, args.save, {"dataset": dataset.name, "step": trainer.steps, "recipe": args.recipe})
        print(f"saved to {args.save}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
