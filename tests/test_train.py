import math

import numpy as np
import pytest

from nn_core import MLP
from nn_core.cli import main
from nn_core.train import Trainer


def make_trainer(dataset, hidden=(128,), **kwargs):
    model = MLP([dataset.n_features, *hidden, dataset.n_classes], seed=kwargs.pop("model_seed", 0))
    return Trainer(model, dataset, **kwargs)


def best_val_accuracy_within(trainer, epochs):
    for _ in range(epochs):
        trainer.epoch()
    return max(trainer.history["evals"].column("val_accuracy"))


@pytest.mark.slow
def test_plain_sgd_reaches_88_percent_validation_accuracy_within_5_epochs(mnist):
    trainer = make_trainer(mnist, lr=0.1, batch_size=64)
    assert best_val_accuracy_within(trainer, 5) >= 0.88


@pytest.mark.slow
@pytest.mark.parametrize("optimizer, lr, momentum", [("sgd", 0.05, 0.9), ("adam", 0.001, 0.0)])
def test_momentum_and_adam_beat_plain_sgd(mnist, optimizer, lr, momentum):
    plain = best_val_accuracy_within(make_trainer(mnist, lr=0.1, batch_size=64), 5)
    faster = best_val_accuracy_within(
        make_trainer(mnist, lr=lr, batch_size=64, optimizer=optimizer, momentum=momentum), 5
    )
    assert faster > plain


def test_digits_8x8_reaches_95_percent(digits):
    trainer = make_trainer(digits, hidden=(32,), lr=0.1, batch_size=32)
    assert best_val_accuracy_within(trainer, 15) >= 0.95


def test_loss_decreases_over_the_first_steps(mnist):
    trainer = make_trainer(mnist)
    trainer.step(60)
    losses = trainer.history["steps"].column("loss")
    assert losses[-10:].mean() < 0.5 * losses[:10].mean()


def test_parameters_stay_float32_after_training(mnist):
    trainer = make_trainer(mnist, optimizer="adam", lr=0.001, l2=1e-4)
    trainer.step(3)
    trainer.momentum = 0.5
    assert all(p.dtype == np.float32 for p in trainer.model.params.values())


@pytest.mark.slow
def test_same_seed_gives_the_same_run_bit_for_bit(mnist):
    runs = []
    for _ in range(2):
        trainer = make_trainer(mnist, hidden=(32,), optimizer="sgd", momentum=0.9, lr=0.05)
        trainer.step(30)
        trainer.batch_size = 100
        trainer.step(20)
        runs.append((trainer.history["steps"].column("loss"), trainer.model.params["W1"].copy()))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    other = make_trainer(mnist, hidden=(32,), seed=1, optimizer="sgd", momentum=0.9, lr=0.05)
    other.step(30)
    assert not np.array_equal(other.history["steps"].column("loss")[:30], runs[0][0][:30])


def test_settings_change_between_steps_without_resetting(mnist):
    trainer = make_trainer(mnist, hidden=(32,))
    trainer.step(5)
    W_before = trainer.model.params["W1"].copy()
    trainer.lr, trainer.batch_size, trainer.l2, trainer.momentum = 0.01, 7, 1e-3, 0.5
    metrics = trainer.step(1)
    assert metrics["step"] == 6 and metrics["lr"] == 0.01
    assert metrics["epoch"] == pytest.approx((5 * 64 + 7) / 3500)
    assert trainer.samples_seen == 5 * 64 + 7
    assert trainer.optimizer.momentum == 0.5
    assert not np.array_equal(W_before, trainer.model.params["W1"])


@pytest.mark.parametrize(
    "setting, value",
    [
        ("lr", 0),
        ("lr", float("nan")),
        ("lr", -1),
        ("batch_size", 0),
        ("batch_size", 2.5),
        ("momentum", 1.0),
        ("l2", -0.1),
    ],
)
def test_absurd_settings_are_refused_with_a_message(mnist, setting, value):
    trainer = make_trainer(mnist, hidden=(8,))
    with pytest.raises(ValueError, match=setting.replace("lr", "learning rate").replace("_", " ").replace("l2", "L2")):
        setattr(trainer, setting, value)


def test_divergence_guard_stops_restores_and_explains(mnist):
    trainer = make_trainer(mnist, lr=50.0)
    metrics = trainer.step(200)
    div = trainer.diverged
    assert div is not None and metrics["diverged"] == div.message
    assert div.message.startswith("learning rate 50 is too high: loss")
    assert f"at step {div.step}" in div.message
    assert metrics["step"] == div.step - 1 < 200
    assert all(np.isfinite(p).all() for p in trainer.model.params.values())
    # restored parameters give a finite loss, and training stays stopped until recovered
    assert math.isfinite(trainer.model.loss(trainer.model.forward(mnist.X_val), mnist.y_val))
    assert trainer.step(5)["step"] == div.step - 1
    trainer.recover()
    assert trainer.lr == 50.0 and trainer.diverged is None  # lowering it is the caller's choice


def test_divergence_on_the_first_step_leaves_the_initial_weights(mnist):
    model = MLP([784, 16, 10], init="randn", init_scale=1e3)
    trainer = Trainer(model, mnist, lr=1e6)
    initial = {k: v.copy() for k, v in model.params.items()}
    trainer.step(10)
    assert trainer.diverged is not None
    for k in initial:
        np.testing.assert_array_equal(model.params[k], initial[k])


def test_epoch_covers_every_training_row_once_and_evaluates(mnist):
    trainer = make_trainer(mnist, hidden=(16,), batch_size=1000, eval_every=None)
    trainer.epoch()
    assert trainer.samples_seen == 3500 and trainer.steps == 4 and trainer.epochs_done == 1
    assert len(trainer.history["evals"]) == 1
    trainer.step(1)
    trainer.epoch()
    assert trainer.samples_seen == 7000 and trainer.epochs_done == 2


def test_history_records_diagnostics_and_per_digit_accuracy(mnist):
    trainer = make_trainer(mnist, hidden=(32, 16), eval_every=10, diag_every=5)
    trainer.step(23)
    diagnostics, evals = trainer.history["diagnostics"], trainer.history["evals"]
    assert list(diagnostics.column("step")) == [5, 10, 15, 20, 23]
    assert diagnostics.column("grad_norm").shape == (5, 3)
    assert (diagnostics.column("update_ratio") > 0).all()
    # the untrained network, densely at first, then every 10 steps
    assert list(evals.column("step")) == [0, 1, 2, 3, 5, 10, 20]
    assert evals.column("val_per_class_accuracy").shape == (7, 10)
    assert evals.column("dead_fraction").shape == (7, 2)
    assert evals.column("val_accuracy")[0] < 0.3 < evals.column("val_accuracy")[-1]


def test_update_ratio_of_plain_sgd_is_lr_times_grad_over_weight(mnist):
    trainer = make_trainer(mnist, hidden=(16,), lr=0.1)
    W_before = trainer.model.params["W1"].copy()
    trainer.step(1)
    dW = (W_before - trainer.model.params["W1"]) / 0.1
    grad_norm = trainer.history["diagnostics"].column("grad_norm")[0, 0]
    ratio = trainer.history["diagnostics"].column("update_ratio")[0, 0]
    assert grad_norm == pytest.approx(np.linalg.norm(dW), rel=1e-3)
    assert ratio == pytest.approx(0.1 * grad_norm / np.linalg.norm(W_before), rel=1e-3)


def test_evaluate_returns_consistent_metrics(mnist):
    trainer = make_trainer(mnist, hidden=(16,))
    trainer.step(20)
    result = trainer.evaluate("test")
    assert result["confusion"].sum() == 1000
    assert result["accuracy"] == pytest.approx(np.trace(result["confusion"]) / 1000)
    assert result["per_class_accuracy"].shape == (10,)


def test_a_network_that_does_not_fit_the_data_is_refused(mnist):
    with pytest.raises(ValueError, match="does not fit mnist-5k"):
        Trainer(MLP([64, 10, 10]), mnist)


def test_command_line_prints_each_epoch_and_the_test_accuracy(capsys, tmp_path):
    assert main(["--dataset", "digits-8x8", "--hidden", "16", "--epochs", "2", "--save", str(tmp_path / "m.npz")]) == 0
    out = capsys.readouterr().out
    assert out.count("val acc") == 2 and "test accuracy" in out
    assert (tmp_path / "m.npz").exists()


def test_command_line_reports_divergence(capsys):
    assert main(["--dataset", "digits-8x8", "--hidden", "16", "--epochs", "3", "--lr", "1000"]) == 1
    assert "too high" in capsys.readouterr().out


def test_command_line_trains_on_a_kaggle_csv(capsys, tmp_path):
    from tests.csv_maker import kaggle_csv, kaggle_rows

    path = tmp_path / "train.csv"
    path.write_bytes(kaggle_csv(*kaggle_rows(100)))
    assert main(["--data", str(path), "--hidden", "8", "--epochs", "1"]) == 0
    assert "100 labelled digits from train.csv" in capsys.readouterr().out


def test_command_line_reports_a_bad_file_without_a_traceback(capsys, tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_info:
        main(["--data", str(path)])
    assert exit_info.value.code == 2 and "train.csv is empty" in capsys.readouterr().err


def test_a_divergence_restores_exactly_the_last_healthy_weights_and_says_which(mnist):
    trainer = make_trainer(mnist, hidden=(16,), lr=5.0)
    after = [{k: v.copy() for k, v in trainer.model.params.items()}]  # after[s]: the weights after s steps
    while trainer.diverged is None and trainer.steps < 300:
        trainer.step(1)
        after.append({k: v.copy() for k, v in trainer.model.params.items()})
    div = trainer.diverged
    assert div is not None and div.restored_step < div.step - 1
    for k, value in trainer.model.params.items():
        np.testing.assert_array_equal(value, after[div.restored_step][k])
    where = "The starting weights" if div.restored_step == 0 else f"after step {div.restored_step}"
    assert where in div.message


@pytest.mark.slow
def test_after_a_climb_the_weights_from_before_it_come_back_and_train_on(mnist):
    trainer = make_trainer(mnist, hidden=(32,), lr=0.1)
    trainer.step(60)
    healthy = trainer.model.loss(trainer.model.forward(mnist.X_val), mnist.y_val)
    trainer.lr = 2.5  # climbs for a few steps before it overflows
    trainer.step(200)
    div = trainer.diverged
    assert div is not None and 50 <= div.restored_step <= 60, div.message
    restored = trainer.model.loss(trainer.model.forward(mnist.X_val), mnist.y_val)
    assert restored < 1.5 * healthy  # not the ruined weights of the step before the overflow
    trainer.lr = div.lr / 10
    trainer.recover()
    trainer.step(50)
    assert trainer.diverged is None


def test_evaluations_are_dense_at_first_then_every_fifty_steps(mnist):
    trainer = make_trainer(mnist, hidden=(8,))
    trainer.step(13)
    assert list(trainer.history["evals"].column("step")) == [0, 1, 2, 3, 5, 10]
    assert trainer.metrics()["val_accuracy_step"] == 10
    trainer.step(107)
    assert list(trainer.history["evals"].column("step"))[6:] == [20, 30, 50, 100]


def test_two_parameter_sets_take_turns_and_the_previous_one_is_kept(mnist):
    trainer = make_trainer(mnist, hidden=(8,))
    trainer.step(1)
    before = {k: v.copy() for k, v in trainer.model.params.items()}
    trainer.step(1)
    assert all(np.array_equal(trainer._previous[k], before[k]) for k in before)
    assert not np.array_equal(trainer.model.params["W1"], before["W1"])
    assert trainer.model.params["W1"] is not trainer._previous["W1"]


def test_the_divergence_message_writes_step_numbers_alike(mnist):
    from nn_core import MLP
    from nn_core.train import Trainer

    trainer = Trainer(MLP([784, 8, 10]), mnist)
    trainer.step(2)
    trainer.steps = 4_527  # as if far into a run
    found = trainer._diverged_at(float("nan"))
    assert "at step 4,528" in found.message and "(the step count stays at 4,527)" in found.message
