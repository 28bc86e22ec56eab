import pytest

from nn_core.network import MAX_UNITS, parse_hidden
from ui.settings import LR_CHOICES, Settings, build_trainer, needs_new_network, snap_lr, trainer_settings


def test_parse_hidden_accepts_lists_and_refuses_nonsense():
    assert parse_hidden("128") == (128,) and parse_hidden(" 256, 64 ") == (256, 64)
    for bad in ("", "abc", "0", "10,10,10,10,10,10", str(MAX_UNITS + 1)):
        with pytest.raises(ValueError):
            parse_hidden(bad)


def test_the_command_line_uses_the_same_hidden_layer_parser():
    from nn_core.cli import main

    with pytest.raises(SystemExit):
        main(["--hidden", str(MAX_UNITS + 1), "--epochs", "0"])  # the sidebar's limit, not a silent 5,000-unit layer


def test_learning_rate_choices_span_1e_6_to_100_on_a_log_scale():
    assert LR_CHOICES[0] == 1e-6 and LR_CHOICES[-1] == 100.0
    assert snap_lr(0.025) == 0.02 and snap_lr(0.04) == 0.05 and snap_lr(1e9) == 100.0 and snap_lr(1e-9) == 1e-6


def test_only_architecture_changes_need_a_new_network(mnist):
    settings = Settings()
    built = trainer_settings(build_trainer(settings, mnist), "mnist-5k")
    assert needs_new_network(settings.update(lr=1.0, batch_size=8, optimizer="adam"), built) == []
    assert needs_new_network(settings.update(hidden=[64, 32], seed=3), built) == [
        "hidden layers 128 → 64, 32",
        "seed 0 → 3",
    ]


def test_built_trainer_follows_the_settings(mnist):
    trainer = build_trainer(Settings(hidden=(32,), activation="tanh", lr=0.5, optimizer="adam", batch_size=16), mnist)
    assert trainer.model.layer_sizes == [784, 32, 10] and trainer.model.activation == "tanh"
    assert trainer.lr == 0.5 and trainer.optimizer_name == "adam" and trainer.batch_size == 16


def test_the_full_batch_choice_trains_on_every_training_row_per_step(mnist):
    from ui.settings import FULL_BATCH, apply_live

    trainer = build_trainer(Settings(batch_size=FULL_BATCH, hidden=(8,)), mnist)
    assert trainer.batch_size == len(mnist.y_train)
    trainer.step(1)
    assert trainer.samples_seen == len(mnist.y_train) and trainer.epochs_done == 1
    apply_live(trainer, Settings(batch_size=32, hidden=(8,)))
    assert trainer.batch_size == 32


def test_the_app_gives_each_training_step_one_blas_thread(mnist):
    # Two made OpenBLAS's idle worker spin between Play ticks: 60% of a core per playing learner, not 15%.
    trainer = build_trainer(Settings(hidden=(8,), batch_size=128), mnist)
    assert trainer.blas_threads == 1


def test_the_app_turns_off_streamlits_garbage_collection_after_every_run():
    # A full collection after each of seven runs a second cost over half a core per playing learner.
    import tomllib

    from tests.browser import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_settings_pickle_and_copy_as_values():
    import copy
    import pickle

    settings = Settings(lr=0.5, hidden=(32, 16))
    assert pickle.loads(pickle.dumps(settings)) == settings == copy.deepcopy(settings)
    with pytest.raises(AttributeError):
        settings.lr = 1.0
