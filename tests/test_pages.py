"""Every page in Streamlit's AppTest: it runs, and its controls change what they should."""

import numpy as np
import pytest

from lessons.pages import PAGES
from tests.apptest import all_text, button, control, new_app, on_page, open_folds, trainer


@pytest.fixture
def app():
    return new_app()


@pytest.mark.parametrize("path", [p.path for p in PAGES])
def test_every_page_runs_with_navigation_and_settings(app, path):
    at = on_page(app, path)
    assert not at.exception, at.exception
    assert at.title[0].value
    sidebar_labels = [link.proto.label for link in at.sidebar.get("page_link")]
    assert sidebar_labels[0] == "Home" and sidebar_labels[1].startswith("Start here: ")  # the path's progress
    assert [sidebar_labels[0], *sidebar_labels[2:]] == [p.label for p in PAGES]
    assert control(at.select_slider, "_lr").value == 0.1


@pytest.mark.slow
def test_a_setting_changed_on_one_page_is_kept_on_another(app):
    control(app.select_slider, "_lr").set_value(0.5).run()
    control(app.select_slider, "_batch_size").set_value(16).run()
    at = open_folds(on_page(app, "pages/6_Training.py"))
    assert control(at.select_slider, "_lr").value == 0.5 and control(at.select_slider, "_batch_size").value == 16
    assert trainer(at).lr == 0.5 and trainer(at).batch_size == 16
    at = on_page(at, "pages/1_Data.py")
    assert control(at.select_slider, "_lr").value == 0.5


@pytest.mark.slow
def test_step_advances_by_one_and_step_x10_by_ten(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    button(at, "Step").click().run()
    assert trainer(at).steps == 1
    button(at, "Step ×10").click().run()
    assert trainer(at).steps == 11
    assert "Step **11**" in all_text(at)


@pytest.mark.slow
def test_one_epoch_covers_the_training_split(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    button(at, "+1 epoch").click().run()
    assert trainer(at).epochs_done == 1 and trainer(at).samples_seen == 3500
    assert (
        len(at.get("plotly_chart")) >= 8
    )  # loss, accuracy, per-digit bars and curves, tiles, histograms, 3 diagnostics


@pytest.mark.slow
def test_the_learning_rate_slider_changes_the_trainer_and_keeps_its_steps(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    button(at, "Step ×10").click().run()
    W1 = trainer(at).model.params["W1"].copy()
    control(at.select_slider, "_lr").set_value(0.02).run()
    assert trainer(at).lr == 0.02 and trainer(at).steps == 10
    np.testing.assert_array_equal(trainer(at).model.params["W1"], W1)


@pytest.mark.slow
def test_an_absurd_learning_rate_ends_in_the_divergence_box_not_a_traceback(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    control(at.select_slider, "_lr").set_value(10.0).run()
    button(at, "+1 epoch").click().run()
    assert not at.exception
    assert "Training stopped: the loss blew up" in all_text(at)
    assert "learning rate 10 is too high" in all_text(at)
    assert all(np.isfinite(p).all() for p in trainer(at).model.params.values())
    assert control(at.select_slider, "_lr").value == 10.0  # the box, the control and the fix agree
    button(at, "Restore and divide the learning rate by 10 (10 → 1)").click().run()
    assert trainer(at).diverged is None and trainer(at).lr == 1.0
    assert control(at.select_slider, "_lr").value == 1.0
    assert "Training stopped" not in all_text(at)


@pytest.mark.slow
def test_after_a_blow_up_and_its_fix_the_hints_agree_with_the_numbers(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    control(at.select_slider, "_lr").set_value(10.0).run()
    button(at, "+1 epoch").click().run()
    stopped = trainer(at).diverged
    assert stopped is not None
    said = "The starting weights" if stopped.restored_step == 0 else f"after step {stopped.restored_step:,}"
    assert said in stopped.message and f"at step {stopped.step:,}" in stopped.message
    assert ("overflow" in all_text(at)) == (not np.isfinite(stopped.loss))  # the why fits what happened
    button(at, "Restore and divide the learning rate by 10 (10 → 1)").click().run()
    for _ in range(3):
        button(at, "+1 epoch").click().run()
    warnings = [w.value for w in at.warning]
    assert not any("too high" in w and "→" in w and _falls(w) for w in warnings), warnings
    labels = [b.label for b in at.button if b.key and b.key.startswith("hint_fix_")]
    assert len(labels) == len(set(labels)), labels  # never two buttons with the same fix
    from lessons.hints import training_hints

    for hint in training_hints(trainer(at)):
        if "units are" in hint.title:  # dead or saturated units: only a new network revives them
            assert all(fix.new_network for fix in hint.fixes)


def _falls(text: str) -> bool:
    """Whether a hint quotes a median that fell ("0.600 → 0.330")."""
    import re

    found = re.search(r"([\d.]+) → ([\d.]+)", text)
    return bool(found) and float(found.group(2)) < float(found.group(1))


@pytest.mark.slow
def test_new_network_resets_training(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    button(at, "Step ×10").click().run()
    before = trainer(at)
    at.button(key="page_new_network").click().run()
    assert trainer(at) is not before and trainer(at).steps == 0


@pytest.mark.slow
def test_architecture_changes_wait_for_a_new_network(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    button(at, "Step ×10").click().run()
    control(at.text_input, "_hidden").set_value("64, 32").run()
    assert trainer(at).model.layer_sizes == [784, 128, 10] and trainer(at).steps == 10
    assert "hidden layers 128 → 64, 32" in all_text(at)
    at.button(key="sidebar_new_network").click().run()
    assert trainer(at).model.layer_sizes == [784, 64, 32, 10] and trainer(at).steps == 0
    assert "Changed:" not in all_text(at)


def test_bad_hidden_layer_text_is_explained_and_changes_nothing(app):
    control(app.text_input, "_hidden").set_value("lots").run()
    assert "hidden layers are whole numbers separated by commas" in all_text(app)
    assert control(app.text_input, "_hidden").value == "128"


@pytest.mark.slow
def test_play_and_pause_set_the_playing_state(app):
    from ui import state

    at = open_folds(on_page(app, "pages/6_Training.py"))
    at.button_group(key=state.KEY_PLAYING).set_value("play").run()
    assert at.session_state[state.KEY_PLAYING] == "play" and not at.exception
    at.button_group(key=state.KEY_PLAYING).set_value("pause").run()
    assert at.session_state[state.KEY_PLAYING] == "pause"


@pytest.mark.slow
def test_stepping_by_hand_pauses_play(app):
    from ui import state

    at = open_folds(on_page(app, "pages/6_Training.py"))
    at.button_group(key=state.KEY_PLAYING).set_value("play").run()
    before = trainer(at).steps  # a full run while playing trains one tick too
    button(at, "Step ×10").click().run()
    assert at.session_state[state.KEY_PLAYING] == "pause" and trainer(at).steps == before + 10


@pytest.mark.slow
def test_the_training_page_has_one_control_per_live_setting_next_to_play(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    for base in ("_lr", "_batch_size", "_speed"):  # exactly one, in the main area (not the sidebar)
        main = [w for w in at.main.select_slider if w.key.rsplit("@", 1)[0] == base]
        side = [w for w in at.sidebar.select_slider if w.key.rsplit("@", 1)[0] == base]
        assert len(main) == 1 and not side, (base, main, side)
    assert "The learning rate and the batch size are next to Play." in all_text(at)
    control(at.select_slider, "_lr").set_value(0.5).run()
    assert trainer(at).lr == 0.5 and at.session_state["settings"].lr == 0.5
    assert "Learning rate **0.5**" in all_text(at)
    key = control(at.select_slider, "_lr").key
    control(at.select_slider, "_batch_size").set_value(16).run()
    assert trainer(at).batch_size == 16 and control(at.select_slider, "_lr").key == key  # the same control
    other = on_page(at, "pages/1_Data.py")  # the sidebar's copy on another page shows it, and moves it
    assert control(other.select_slider, "_lr").value == 0.5
    control(other.select_slider, "_lr").set_value(0.02).run()
    back = open_folds(on_page(other, "pages/6_Training.py"))
    assert control(back.select_slider, "_lr").value == 0.02 and trainer(back).lr == 0.02


@pytest.mark.slow
def test_a_change_made_elsewhere_makes_a_new_control_and_a_stale_copy_of_the_old_one_is_ignored(app):
    """A setting changed elsewhere makes a new control showing it, and the old one is gone (that a
    late value of the old one runs no callback is tests/test_controls.py's)."""
    at = open_folds(on_page(app, "pages/6_Training.py"))
    old = control(at.select_slider, "_lr")
    old.set_value(0.5).run()
    at.session_state["settings"] = at.session_state["settings"].update(lr=0.05)  # a hint's fix, say
    at.run()
    new = control(at.select_slider, "_lr")
    assert new.key != old.key and new.value == 0.05
    stale = [w for w in at.select_slider if w.key == old.key]
    assert not stale  # the old control is gone: whatever its key still carries runs no callback
    at.run()
    assert at.session_state["settings"].lr == 0.05 and control(at.select_slider, "_lr").key == new.key


@pytest.mark.slow
def test_the_status_line_says_when_the_accuracy_was_measured(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    for _ in range(13):
        button(at, "Step").click().run()
    assert "(at step 10)" in all_text(at)  # measured densely at first: steps 1, 2, 3, 5, 10


def test_the_speed_control_sets_batches_per_tick(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    control(at.select_slider, "_speed").set_value(20).run()
    assert at.session_state["steps_per_tick"] == 20


def test_a_play_tick_trains_and_stops_on_divergence(mnist):
    from nn_core import MLP
    from nn_core.train import Trainer
    from ui import live

    trainer = Trainer(MLP([784, 16, 10]), mnist)
    assert live.play_tick(trainer, 5) and trainer.steps == 5
    trainer.lr = 1e6
    assert not live.play_tick(trainer, 5) and trainer.diverged is not None


def test_home_page_trains_one_epoch_in_one_click(app):
    button(app, "Train 1 epoch").click().run()
    assert trainer(app).epochs_done == 1
    assert "validation accuracy" in all_text(app)


def test_switching_dataset_waits_for_a_new_network_then_uses_it(app):
    control(app.selectbox, "_dataset").set_value("digits-8x8").run()
    assert trainer(app).dataset.name == "mnist-5k"
    app.button(key="sidebar_new_network").click().run()
    assert trainer(app).dataset.name == "digits-8x8" and trainer(app).model.layer_sizes[0] == 64


def test_uploading_a_broken_csv_explains_and_keeps_the_network(app):
    button(app, "Train 1 epoch").click().run()
    before = trainer(app)
    app.file_uploader(key="_upload").upload("train.csv", b"label,pixel0\n1,abc\n", "text/csv").run()
    assert not app.exception
    assert "Not loaded: train.csv: expected 785 columns (label + 784 pixels), found 2" in all_text(app)
    assert trainer(app) is before and trainer(app).epochs_done == 1
    assert control(app.selectbox, "_dataset").value == "mnist-5k"


def test_uploading_a_kaggle_csv_offers_it_for_a_new_network(app):
    from tests.csv_maker import kaggle_csv, kaggle_rows

    app.file_uploader(key="_upload").upload("mine.csv", kaggle_csv(*kaggle_rows(60)), "text/csv").run()
    assert "mine.csv loaded" in all_text(app)
    assert trainer(app).dataset.name == "mnist-5k"  # not until New network
    app.button(key="sidebar_new_network").click().run()
    assert trainer(app).dataset.name == "mine.csv" and sum(trainer(app).dataset.sizes().values()) == 60


def test_play_is_paced_only_when_more_learners_play_than_the_server_serves_at_full_speed():
    from ui.pacing import FULL_SPEED_PLAYERS, pace

    assert [pace(n) for n in (0, 1, FULL_SPEED_PLAYERS)] == [1, 1, 1]
    assert pace(FULL_SPEED_PLAYERS + 1) == 2 and pace(20) == -(-20 // FULL_SPEED_PLAYERS)


@pytest.mark.slow
def test_new_network_on_a_trained_one_offers_undo_until_the_next_step(app):
    at = open_folds(on_page(app, "pages/6_Training.py"))
    button(at, "Step ×10").click().run()
    trained = trainer(at)
    button(at, "New network").click().run()
    assert trainer(at) is not trained and "you can bring the old one back" in all_text(at)
    button(at, "Undo").click().run()
    assert trainer(at) is trained and trainer(at).steps == 10
    assert not [b for b in at.button if b.label == "Undo"]
    button(at, "New network").click().run()
    button(at, "Step").click().run()  # the new one trained: the old one is gone for good
    assert not [b for b in at.button if b.label == "Undo"] and trainer(at) is not trained


def test_an_untrained_network_is_replaced_without_an_undo(app):
    button(app, "New network").click().run()
    assert not [b for b in app.button if b.label == "Undo"]
