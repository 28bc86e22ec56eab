"""Snapshots: which moments a run keeps, in how much memory, what ``model_at`` gives back, and
how they survive a blow-up, ``retire`` and a whole-run file."""

import io
import json

import numpy as np
import pytest

from nn_core import MLP
from nn_core.io import ModelFileError, load_run, run_to_bytes, snapshot_from_bytes, snapshot_to_bytes
from nn_core.snapshots import (
    DENSE_UNTIL,
    FEWEST,
    GROWTH,
    MOST,
    SNAPSHOT_BYTES,
    Snapshot,
    Snapshots,
    capacity_for,
    warp,
)
from nn_core.train import Trainer


def small_trainer(digits, hidden=16, **settings):
    settings = {"lr": 0.1, "batch_size": 32} | settings
    return Trainer(MLP([digits.n_features, hidden, digits.n_classes], seed=3), digits, **settings)


def params_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def offered_steps(steps: int, epoch: int | None = None, capacity: int = MOST) -> list[int]:
    """The steps a ``Snapshots`` keeps when offered as a trainer offers them over ``steps`` updates
    (an epoch ending every ``epoch`` steps), without training anything."""
    params = {"W1": np.zeros(1, np.float32)}
    snapshots = Snapshots(capacity)
    snapshots.add(Snapshot(0, params))
    for step in range(1, steps + 1):
        epoch_end = epoch is not None and step % epoch == 0
        if snapshots.due(step, epoch_end):
            snapshots.add(Snapshot(step, params, epoch_end=epoch_end))
    return snapshots.steps()


# -- which moments are kept -----------------------------------------------------------------------


def test_every_early_step_is_kept_while_there_is_room(digits):
    trainer = small_trainer(digits)
    trainer.step(DENSE_UNTIL)
    assert trainer.snapshot_steps() == list(range(DENSE_UNTIL + 1))


def test_a_long_run_is_covered_from_its_first_step_to_its_last_dense_early_and_sparse_late(digits):
    trainer = small_trainer(digits, eval_every=None)
    trainer.step(3000)
    steps = trainer.snapshot_steps()
    assert len(steps) == trainer.snapshots.capacity == MOST
    assert steps == sorted(set(steps)) and steps[0] == 0
    assert steps[1] <= DENSE_UNTIL  # the start is still seen closely
    assert trainer.steps - steps[-1] <= steps[-1] // GROWTH  # ...and the end: no later offer was due
    gaps = np.diff(steps)
    third = len(gaps) // 3
    assert np.median(gaps[-third:]) > 10 * np.median(gaps[:third])  # gaps grow


@pytest.mark.parametrize("epoch", [None, 20, 55, 547])
@pytest.mark.parametrize("steps", [1000, 3000, 10_000, 30_000])
def test_thinning_keeps_the_moments_evenly_spread_on_the_warped_axis(steps, epoch):
    held = offered_steps(steps, epoch)
    assert len(held) == MOST and held[0] == 0
    gaps = np.diff([warp(s) for s in held])
    # The newest moment is always kept, however soon after the one before it was offered, so
    # the last gap can be any size; the others are even.
    assert gaps[:-1].max() / gaps[:-1].min() <= 3
    assert gaps[-1] <= gaps[:-1].max()
    assert steps - held[-1] <= held[-1] // GROWTH


def test_the_end_of_an_epoch_is_always_kept(digits):
    trainer = small_trainer(digits, eval_every=None)
    for _ in range(12):
        trainer.epoch()
        assert trainer.snapshot_steps()[-1] == trainer.steps
        assert trainer.snapshots.held[-1].epoch_end


# -- memory ----------------------------------------------------------------------------------------


def test_capacity_is_what_the_budget_holds_between_fewest_and_most():
    def params(*sizes, dtype=np.float32):
        return MLP(list(sizes), dtype=dtype).params

    mlp_784_128_10 = (784 * 128 + 128 + 128 * 10 + 10) * 4
    assert SNAPSHOT_BYTES // mlp_784_128_10 == 41
    assert capacity_for(params(784, 128, 10)) == MOST == 24
    assert capacity_for(params(784, 512, 10)) == SNAPSHOT_BYTES // ((784 * 512 + 512 + 512 * 10 + 10) * 4) == 10
    assert capacity_for(params(784, 128, 10, dtype=np.float64)) == 20
    assert capacity_for(params(784, 2048, 2048, 10)) == FEWEST  # 19 MB a snapshot: over the budget
    assert capacity_for(params(4, 3, 2)) == MOST
    assert capacity_for(params(784, 128, 10), budget=5 * mlp_784_128_10) == 5
    with pytest.raises(ValueError, match="at least 2"):
        Snapshots(1)


def test_a_784_128_10_network_holds_at_most_16_mb_of_snapshots_however_long_it_trains(mnist):
    trainer = Trainer(MLP([784, 128, 10]), mnist, lr=0.01, batch_size=8, eval_every=None, diag_every=1000)
    one = sum(p.nbytes for p in trainer.model.params.values())
    trainer.step(3200)
    assert trainer.snapshots.capacity == 24
    assert len(trainer.snapshots) == 24
    assert trainer.snapshots.nbytes == 24 * one <= 16_000_000  # 9.8 MB
    assert trainer.snapshot_steps()[-1] > 3000
    # the same bound for a run of a million steps, offered as the trainer offers them
    snapshots = Snapshots(capacity_for(trainer.model.params))
    snapshots.add(Snapshot(0, trainer.initial_params))
    for step in range(1, 1_000_001):
        if snapshots.due(step):
            snapshots.add(Snapshot(step, trainer.initial_params))
    assert len(snapshots) == 24 and snapshots.nbytes <= 16_000_000
    assert snapshots.steps()[-1] > 888_000


# -- the Snapshots object itself --------------------------------------------------------------------


def test_snapshots_are_read_only(digits):
    trainer = small_trainer(digits)
    trainer.step(5)
    for snapshot in trainer.snapshots.held:
        for array in snapshot.params.values():
            with pytest.raises(ValueError, match="read-only"):
                array[...] = 0
    assert not trainer.initial_params["W1"].flags.writeable


def test_a_snapshot_for_a_step_already_held_replaces_it():
    snapshots = Snapshots(8)  # room to spare: nothing is thinned
    for step in range(4):
        snapshots.add(Snapshot(step, {"W1": np.full(2, step, np.float32)}))
    snapshots.add(Snapshot(3, {"W1": np.full(2, 30, np.float32)}))
    assert snapshots.steps() == [0, 1, 2, 3]
    assert snapshots.at(3).params["W1"][0] == 30
    snapshots.add(Snapshot(4, {"W1": np.full(2, 4, np.float32)}))
    assert snapshots.steps() == [0, 1, 2, 3, 4] and snapshots.due(5) and not snapshots.due(4)


def test_thinning_never_drops_the_first_or_the_newest():
    snapshots = Snapshots(3)
    for step in (0, 1, 2, 100, 101):
        snapshots.add(Snapshot(step, {"W1": np.zeros(1)}))
        assert snapshots.steps()[0] == 0 and snapshots.steps()[-1] == step
    assert len(snapshots) == 3


def test_drop_nonfinite_forgets_blown_up_moments_but_never_the_start():
    bad = {"W1": np.array([np.nan, 1.0])}
    snapshots = Snapshots(8)
    snapshots.add(Snapshot(0, bad))  # even a start that is not finite stays: it is the start
    snapshots.add(Snapshot(1, {"W1": np.ones(2)}))
    snapshots.add(Snapshot(2, {"W1": np.array([np.inf, 1.0])}))
    snapshots.add(Snapshot(3, bad))
    snapshots.drop_nonfinite()
    assert snapshots.steps() == [0, 1]


def test_at_gives_the_nearest_held_step_at_or_before():
    snapshots = Snapshots(8)
    for step in (0, 3, 7):
        snapshots.add(Snapshot(step, {"W1": np.zeros(1)}))
    assert [snapshots.at(s).step for s in (0, 2, 3, 6, 7, 500)] == [0, 0, 3, 3, 7, 7]


# -- model_at: the network as it was ---------------------------------------------------------------


def test_model_at_gives_the_weights_the_trainer_had_after_that_many_steps(digits):
    trainer = small_trainer(digits)
    trainer.step(70)
    trainer.step(100)  # 170 steps: past the capacity, so thinned, and past an epoch (40 steps)
    witness = small_trainer(digits)  # the same run, one step at a time, every step's weights kept
    weights = {0: {k: v.copy() for k, v in witness.model.params.items()}}
    for step in range(1, trainer.steps + 1):
        witness.step(1)
        weights[step] = {k: v.copy() for k, v in witness.model.params.items()}
    held = trainer.snapshot_steps()
    assert len(held) == MOST and held[-1] < trainer.steps
    for step in held:
        assert params_equal(trainer.model_at(step).params, weights[step]), step
    for step in range(trainer.steps):  # a step between held ones: the held one before it
        nearest = max(h for h in held if h <= step)
        assert params_equal(trainer.model_at(step).params, weights[nearest]), step
        assert trainer.moment(step).steps == nearest
    assert params_equal(trainer.model_at(0).params, MLP([64, 16, 10], seed=3).params)
    for step in (trainer.steps, trainer.steps + 1, 10**9):
        assert params_equal(trainer.model_at(step).params, trainer.model.params)


def test_model_at_gives_a_new_network_changing_it_changes_nothing_in_the_trainer(digits):
    trainer = small_trainer(digits)
    trainer.step(20)
    present = {k: v.copy() for k, v in trainer.model.params.items()}
    for step in (0, 8, trainer.steps):
        model = trainer.model_at(step)
        assert model is not trainer.model
        held = {k: v.copy() for k, v in trainer.snapshots.at(step).params.items()}
        for array in model.params.values():
            array += 1.0
        assert params_equal(trainer.snapshots.at(step).params, held)
    assert params_equal(trainer.model.params, present)
    assert params_equal(trainer.model_at(0).params, trainer.initial_params)


# -- a blow-up, retire --------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [50.0, 1e3, 1e39])  # 1e39 is infinite in float32: the weights become inf
def test_a_diverged_runs_snapshots_stay_finite_and_it_can_go_on_from_before_the_blow_up(digits, lr):
    trainer = small_trainer(digits, hidden=32)
    trainer.step(60)
    trainer.lr = lr
    with np.errstate(all="ignore"):
        while trainer.diverged is None and trainer.steps < 200:
            trainer.step(1)
    assert trainer.diverged is not None
    assert len(trainer.snapshots) > 10
    assert all(snapshot.is_finite() for snapshot in trainer.snapshots.held)
    for step in range(trainer.steps + 1):
        assert all(np.isfinite(p).all() for p in trainer.model_at(step).params.values())
    again = trainer.continue_from(40)
    assert again.steps == 40 and again.diverged is None
    again.lr = 0.1
    again.step(150)
    assert again.diverged is None and again.steps == 190
    losses = again.history["steps"].column("loss")[40:]
    assert np.isfinite(losses).all()
    assert losses[-20:].mean() < 0.7 * losses[:20].mean()


def test_a_huge_step_from_the_start_leaves_only_finite_snapshots(digits):
    trainer = small_trainer(digits, lr=1e39)
    with np.errstate(all="ignore"):
        trainer.step(1)
        assert not trainer.snapshots.held[-1].is_finite()  # the weights after the step are inf...
        trainer.step(1)
    assert trainer.diverged is not None
    assert trainer.snapshot_steps() == [0]  # ...and gone once the blow-up is seen
    assert params_equal(trainer.model_at(0).params, trainer.initial_params)


def test_retire_frees_the_snapshots_but_the_start_and_the_run_trains_on(digits):
    trainer = small_trainer(digits)
    unretired = small_trainer(digits)
    for run in (trainer, unretired):
        run.step(120)
    present = {k: v.copy() for k, v in trainer.model.params.items()}
    trainer.retire()
    assert trainer.snapshot_steps() == [0]
    assert trainer.snapshots.nbytes == sum(p.nbytes for p in trainer.initial_params.values())
    assert params_equal(trainer.model.params, present)
    assert params_equal(trainer.model_at(50).params, trainer.initial_params)
    for run in (trainer, unretired):
        run.step(80)
    assert trainer.steps == 200 and trainer.diverged is None
    assert np.isfinite(trainer.history["steps"].column("loss")).all()
    assert params_equal(trainer.model.params, unretired.model.params)  # plain SGD: as if never retired
    assert trainer.snapshot_steps()[-1] > 120  # moments are kept again


# -- through a whole-run file ---------------------------------------------------------------------


def trained_with_changes(digits, **settings):
    trainer = small_trainer(digits, **settings)
    trainer.step(45)
    trainer.lr, trainer.batch_size = 0.05, 16
    trainer.step(40)
    trainer.momentum = 0.5
    trainer.step(30)
    return trainer


def test_a_saved_run_keeps_its_snapshots_bit_for_bit_its_setting_log_and_time_trained(digits):
    trainer = trained_with_changes(digits)
    loaded = load_run(run_to_bytes(trainer), digits)
    assert loaded.snapshot_steps() == trainer.snapshot_steps() and len(loaded.snapshots) == MOST
    for ours, theirs in zip(loaded.snapshots.held[1:], trainer.snapshots.held[1:], strict=True):
        assert params_equal(ours.params, theirs.params)
        assert (ours.samples_seen, ours.epochs_done, ours.position, ours.epoch_end) == (
            theirs.samples_seen,
            theirs.epochs_done,
            theirs.position,
            theirs.epoch_end,
        )
        assert not any(array.flags.writeable for array in ours.params.values())
    assert loaded.settings_log == trainer.settings_log
    assert trainer.seconds_trained > 0 and loaded.seconds_trained == trainer.seconds_trained
    for step in trainer.snapshot_steps()[1:]:
        assert params_equal(loaded.model_at(step).params, trainer.model_at(step).params)
        ours, theirs = loaded.continue_from(step), trainer.continue_from(step)
        ours.step(10)
        theirs.step(10)
        assert params_equal(ours.model.params, theirs.model.params)


def test_a_loaded_run_at_step_0_is_its_start(digits):
    # load_run before 7ca2654 kept the final weights as the step-0 snapshot (the Trainer it builds
    # around the loaded model snapshots that model as its start)
    trainer = trained_with_changes(digits)
    loaded = load_run(run_to_bytes(trainer), digits)
    assert params_equal(loaded.initial_params, trainer.initial_params)
    assert params_equal(loaded.model_at(0).params, trainer.initial_params)


def test_snapshots_saved_apart_come_back_through_the_callback_and_a_lost_one_is_noted(digits):
    trainer = trained_with_changes(digits)
    data = run_to_bytes(trainer, snapshots=False)
    assert len(run_to_bytes(trainer)) - len(data) >= sum(s.nbytes for s in trainer.snapshots.held[1:])
    with np.load(io.BytesIO(data)) as archive:
        assert not any(name.startswith("snapshot/") for name in archive.files)
    apart = {s.step: snapshot_to_bytes(s.params) for s in trainer.snapshots.held[1:]}
    asked = []

    def snapshot_arrays(step):
        asked.append(step)
        return snapshot_from_bytes(apart[step])

    loaded = load_run(data, digits, snapshot_arrays=snapshot_arrays)
    assert asked == trainer.snapshot_steps()[1:]
    assert loaded.snapshot_steps() == trainer.snapshot_steps() and loaded.notes == []
    for step in asked:
        assert params_equal(loaded.snapshots.at(step).params, trainer.snapshots.at(step).params)

    lost = trainer.snapshot_steps()[5]
    partly = load_run(data, digits, snapshot_arrays=lambda step: None if step == lost else snapshot_arrays(step))
    assert partly.snapshot_steps() == [s for s in trainer.snapshot_steps() if s != lost]
    assert partly.notes == ["1 of the run's saved moments could not be read: the time slider skips them."]
    assert params_equal(partly.model_at(lost).params, trainer.model_at(trainer.snapshot_steps()[4]).params)

    none = load_run(data, digits)
    assert len(none.snapshots) == 1 and f"{MOST - 1} of the run's saved moments" in none.notes[0]


def _with_run_meta(data: bytes, edit) -> bytes:
    """The run file with ``edit(run)`` applied to the run's description in ``__meta__``."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(str(arrays["__meta__"][()]))
    edit(meta["run"])
    arrays["__meta__"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _swap_two_snapshots(run):
    run["snapshots"][3], run["snapshots"][4] = run["snapshots"][4], run["snapshots"][3]


TAMPERED_RUNS = {
    "settings log is not a list": (lambda run: run.update(settings_log={"lr": 0.1}), "log of settings is not valid"),
    "unknown setting in the log": (
        lambda run: run["settings_log"].append([50, "activation", "sigmoid"]),
        "log of settings is not valid",
    ),
    "a dropout rate of 1 in the log": (
        lambda run: run["settings_log"].append([50, "dropout", 1.0]),
        "cannot take",
    ),
    "a schedule that is not one in the log": (
        lambda run: run["settings_log"].append([50, "schedule", '{"kind": "sometimes"}']),
        "cannot take",
    ),
    "an augmentation out of range in the log": (
        lambda run: run["settings_log"].append([50, "augmentation", '{"rotate": 400}']),
        "cannot take",
    ),
    "short log entry": (lambda run: run["settings_log"].append([50, "lr"]), "log of settings is not valid"),
    "object in the log": (
        lambda run: run["settings_log"].append([50, "lr", {"x": 1}]),
        "log of settings holds a value its setting cannot take",
    ),
    "fractional step in the log": (
        lambda run: run["settings_log"].append([4.5, "lr", 0.1]),
        "log of settings step is not a whole number",
    ),
    "bad replay schedule": (lambda run: run.update(schedule=[[3, "nope", 1]]), "replay schedule is not valid"),
    "snapshots out of order": (_swap_two_snapshots, "snapshots are not in order"),
    "snapshots reversed": (lambda run: run["snapshots"].reverse(), "snapshots are not in order"),
    "snapshot after the last step": (
        lambda run: run["snapshots"][-1].update(step=10**6),
        "snapshots are not in order",
    ),
    "snapshots not a list": (lambda run: run.update(snapshots="all of them"), "snapshots are not valid"),
    "bad order random state": (
        lambda run: run.update(order_state={"bit_generator": "NoSuchGenerator"}),
        "random state is not valid",
    ),
    "garbled order random state": (
        lambda run: run["order_state"]["state"].update(state="abc"),
        "random state is not valid",
    ),
    "bad random state": (lambda run: run.update(rng={"bit_generator": "MT19937"}), "random state is not valid"),
    "bad random state at a snapshot": (
        lambda run: run["snapshots"][3].update(order_state=[1, 2, 3]),
        "random state at a snapshot is not valid",
    ),
    "time trained not a number": (lambda run: run.update(seconds_trained="long"), "time trained is not a number"),
}


@pytest.mark.parametrize("case", list(TAMPERED_RUNS))
def test_a_tampered_log_snapshot_order_or_random_state_is_refused(digits, case):
    trainer = trained_with_changes(digits)
    good = run_to_bytes(trainer)
    load_run(_with_run_meta(good, lambda run: None), digits)  # the editing itself breaks nothing
    edit, reason = TAMPERED_RUNS[case]
    with pytest.raises(ModelFileError, match=reason):
        load_run(_with_run_meta(good, edit), digits)


@pytest.mark.parametrize("entry", [[50, "lr", -1.0], [50, "optimizer", "nope"], [50, "batch_size", 2.5]])
def test_a_log_entry_no_setting_can_take_is_refused(digits, entry):
    trainer = trained_with_changes(digits)
    with pytest.raises(ModelFileError):
        load_run(_with_run_meta(run_to_bytes(trainer), lambda run: run["settings_log"].append(entry)), digits)
