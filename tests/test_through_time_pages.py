"""The time slider, Play the past, Continue from here, Replay, the ledger of runs and the probe
digits, through the pages (AppTest): what each page shows is nn_core's for ``model_at(step)``."""

import numpy as np
import pytest

from lessons.probes import probe_curves
from nn_core import evaluation
from tests.apptest import all_text, array, button, chart, control, new_app, on_page, open_fold, open_folds, trainer
from tests.test_persistence import open_app, token_of

TRAINING = "pages/6_Training.py"


@pytest.fixture(scope="module")
def trained():
    """An app on the Training page after one epoch (55 steps on the bundled digits)."""
    at = on_page(new_app(), TRAINING)
    button(at, "+1 epoch").click().run()
    assert not at.exception and trainer(at).steps > 20
    return open_folds(at)  # "Through time" and "More charts" are folds, drawn while open


def slider(at):
    return control(at.select_slider, "_time_slider")


def open_tab(at, label: str):
    """Open a tab of "Through time" (only the open one runs)."""
    at.session_state["through_time_tab"] = label
    at.run()
    assert not at.exception
    return at


def runs_table(at):
    """The ledger's table on the Training page."""
    return next(frame.value for frame in at.dataframe if "run" in frame.value.columns)


def step_of(option: str) -> int:
    """The step of a slider option as shown: "1,234" or "55 (now)"."""
    return int(option.split()[0].replace(",", ""))


def move_to(at, step: int):
    slider(at).set_value(step).run()
    assert not at.exception
    return at


@pytest.mark.slow
def test_the_slider_offers_the_held_moments_and_now():
    at = on_page(new_app(), TRAINING)
    button(at, "Step ×10").click().run()
    t = trainer(at)
    held = [step_of(s) for s in slider(at).options]
    assert held == [s for s in t.snapshot_steps() if s < t.steps] + [t.steps]
    assert slider(at).value == t.steps  # now


@pytest.mark.slow
def test_a_past_moment_is_what_the_training_page_draws_and_every_page_says_so(trained):
    at, t = trained, trainer(trained)
    step = t.snapshot_steps()[3]
    move_to(at, step)
    assert f"as it was at step {step:,}" in all_text(at)
    assert at.session_state["_moment"] == (t.serial, step)
    # the confusion matrix drawn is the one of model_at(step), not of the present network
    X, y = t.dataset.split("val")
    expected = evaluation.evaluate(t.model_at(step), X, y).confusion
    now = evaluation.evaluate(t.model, X, y).confusion
    assert not np.array_equal(expected, now)
    drawn = chart(at, "confusion")["data"][0]["customdata"]
    counts = array(drawn)[:, 2].reshape(expected.shape)
    np.testing.assert_array_equal(counts, expected)
    # the loss curve marks the moment
    assert any(shape.get("x0") == step for shape in chart(at, "loss")["layout"].get("shapes", []))
    for page in ("pages/2_Weights_and_biases.py", "pages/7_Evaluation.py", "pages/8_Draw_a_digit.py", "app.py"):
        on_page(at, page)
        assert not at.exception, page
        assert f"as it was at step {step:,}" in all_text(at), page
    open_folds(on_page(at, TRAINING))


@pytest.mark.slow
def test_the_evaluation_page_follows_the_slider(trained):
    at, t = trained, trainer(trained)
    step = t.snapshot_steps()[4]
    move_to(at, step)
    on_page(at, "pages/7_Evaluation.py")
    X, y = t.dataset.split("test")
    accuracy = evaluation.evaluate(t.model_at(step), X, y).accuracy
    assert at.metric[0].value == f"{accuracy:.1%}"
    assert at.metric[3].value == f"{step:,} steps"
    button(at, "Back to now").click().run()
    assert at.metric[0].value == f"{evaluation.evaluate(t.model, X, y).accuracy:.1%}"
    open_folds(on_page(at, TRAINING))


@pytest.mark.slow
def test_the_weights_page_shows_the_moments_biases(trained):
    at, t = trained, trainer(trained)
    step = t.snapshot_steps()[2]
    move_to(at, step)
    on_page(at, "pages/2_Weights_and_biases.py")
    text = all_text(at)
    assert f"trained **{step:,}** steps" in text
    open_fold(at, "**The output layer and the biases")
    biases = chart(at, "biases")["data"]
    past, now = t.model_at(step).params, t.model.params
    assert not np.allclose(past["b1"], now["b1"])
    np.testing.assert_allclose(array(biases[0]["y"]), past["b1"], rtol=1e-6)  # W&B's bars are model_at(step)'s
    np.testing.assert_allclose(array(biases[2]["y"]), past["b2"], rtol=1e-6)
    histograms = chart(at, "weight_histograms")["data"]
    assert histograms[1]["name"] == f"at step {step:,}"
    button(at, "Back to now").click().run()
    assert f"trained **{t.steps:,}** steps" in all_text(at)
    open_folds(on_page(at, TRAINING))


@pytest.mark.slow
def test_training_acts_on_the_present_and_comes_back_to_now(trained):
    at, t = trained, trainer(trained)
    before = t.steps
    move_to(at, t.snapshot_steps()[2])
    button(at, "Step").click().run()
    assert trainer(at) is t and t.steps == before + 1
    assert "_moment" not in at.session_state and "as it was at step" not in all_text(at)


@pytest.mark.slow
def test_continue_from_here_starts_a_run_from_that_moment_and_keeps_the_old_one():
    at = on_page(new_app(), TRAINING)
    button(at, "+1 epoch").click().run()
    old = trainer(at)
    step = old.snapshot_steps()[5]
    move_to(at, step)
    button(at, "Continue from here").click().run()
    new = trainer(at)
    assert new is not old and new.steps == step
    for name in new.model.params:
        np.testing.assert_array_equal(new.model.params[name], old.model_at(step).params[name])
    ledger = at.session_state["ledger"]
    assert ledger.find(old.serial) is not None and ledger.find(new.serial).origin.endswith(f"step {step:,}")
    assert "_moment" not in at.session_state  # the new run is shown at its present


@pytest.mark.slow
def test_replay_with_no_change_gives_the_same_weights_and_with_another_rate_another_run():
    at = on_page(new_app(), TRAINING)
    button(at, "Step ×10").click().run()
    button(at, "Step ×10").click().run()
    original = trainer(at)
    button(at, "Replay with these settings").click().run()
    replay = trainer(at)
    assert replay is not original and replay.steps == 0
    np.testing.assert_array_equal(replay.model.params["W1"], original.initial_params["W1"])
    button(at, "Step ×10").click().run()
    button(at, "Step ×10").click().run()
    for name in original.model.params:
        np.testing.assert_array_equal(replay.model.params[name], original.model.params[name])
    control(at.select_slider, "_lr").set_value(0.01).run()
    button(at, "Replay with these settings").click().run()
    other = trainer(at)
    button(at, "Step ×10").click().run()
    assert other.lr == 0.01 and not np.array_equal(other.model.params["W1"], original.model.params["W1"])


@pytest.mark.slow
def test_the_ledger_overlays_ticked_runs_with_labels_naming_what_differs():
    at = open_folds(on_page(new_app(), TRAINING))
    button(at, "Step ×10").click().run()
    control(at.select_slider, "_lr").set_value(0.01).run()
    button(at, "Replay with these settings").click().run()
    button(at, "Step ×10").click().run()
    ledger = at.session_state["ledger"]
    assert len(ledger.runs) == 2
    overlay = chart(at, "runs_overlay")
    names = {trace["name"] for trace in overlay["data"]}
    assert names == {"lr 0.1", "lr 0.01"}
    table = runs_table(at)
    assert list(table["steps"]) == [10, 10]
    # rename, and the legend falls back to names only when the settings are the same
    at.selectbox(key="_run_chosen").set_value(ledger.runs[0].trainer.serial).run()
    at.text_input(key="_run_rename").set_value("big steps").run()
    button(at, "Rename").click().run()
    assert ledger.runs[0].name == "big steps"
    assert "big steps" in list(runs_table(at)["run"])


@pytest.mark.slow
def test_a_run_can_be_brought_back_and_removed():
    at = open_folds(on_page(new_app(), TRAINING))
    button(at, "Step ×10").click().run()
    first = trainer(at)
    button(at, "New network").click().run()
    button(at, "Step").click().run()
    second = trainer(at)
    ledger = at.session_state["ledger"]
    assert [e.trainer for e in ledger.runs] == [first, second]
    assert len(first.snapshots) == 1  # retired: its snapshots freed but the start
    at.selectbox(key="_run_chosen").set_value(first.serial).run()
    button(at, "Bring back").click().run()
    assert trainer(at) is first and first.steps == 10
    button(at, "Step").click().run()
    assert first.steps == 11  # it trains on
    at.selectbox(key="_run_chosen").set_value(second.serial).run()
    button(at, "Remove").click().run()
    assert [e.trainer for e in ledger.runs] == [first]


def test_probe_digits_chart_holds_nn_cores_numbers_and_a_probe_can_be_swapped(trained):
    at, t = trained, trainer(trained)
    open_tab(open_folds(on_page(at, TRAINING)), "Probe digits")
    rows = at.session_state["probe_rows"][1]
    figure = chart(at, "probes")
    steps, probabilities = probe_curves(t, rows)
    np.testing.assert_allclose(array(figure["data"][0]["x"]), steps)
    np.testing.assert_allclose(array(figure["data"][3]["y"]), probabilities[:, 3] * 100, rtol=1e-5)
    button(at, "Swap").click().run()
    swapped = at.session_state["probe_rows"][1]
    assert swapped[0] != rows[0] and t.dataset.y_val[swapped[0]] == t.dataset.y_val[rows[0]]


def test_the_learning_rate_finder_never_touches_the_network_and_its_rate_can_be_used(trained):
    at, t = trained, trainer(trained)
    before = {k: v.copy() for k, v in t.model.params.items()}
    steps = t.steps
    open_tab(at, "Find a learning rate")
    assert "runs_overlay" not in [
        c.proto.id.split("-")[-1] for c in at.get("plotly_chart")
    ]  # the closed tab did not run
    button(at, "Find a learning rate").click().run()
    assert not at.exception and t.steps == steps
    for name, value in before.items():
        np.testing.assert_array_equal(t.model.params[name], value)
    use = next(b for b in at.button if b.label.startswith("Use learning rate"))
    rate = float(use.label.split()[-1])
    use.click().run()
    assert at.session_state["settings"].lr == rate and t.lr == rate


@pytest.mark.slow
def test_a_reload_brings_back_the_moments_the_settings_log_and_the_runs():
    first = on_page(open_app(), TRAINING)
    button(first, "+1 epoch").click().run()
    at_lr = control(first.select_slider, "_lr")
    at_lr.set_value(0.05).run()
    button(first, "Step ×10").click().run()
    button(first, "New network").click().run()
    button(first, "Step ×10").click().run()
    old, present = first.session_state["ledger"].runs[0].trainer, trainer(first)
    again = open_app(run=token_of(first))
    restored = trainer(again)
    assert restored.snapshot_steps() == present.snapshot_steps()
    for step in restored.snapshot_steps():
        np.testing.assert_array_equal(restored.model_at(step).params["W1"], present.model_at(step).params["W1"])
    runs = again.session_state["ledger"].runs
    assert [e.name for e in runs] == ["run 1", "run 2"] and runs[1].trainer is restored
    assert runs[0].trainer.steps == old.steps and runs[0].trainer.settings_log == old.settings_log
    replayed = runs[0].trainer.replay()
    replayed.step(old.steps)
    np.testing.assert_array_equal(replayed.model.params["W1"], old.model.params["W1"])


@pytest.mark.slow
def test_after_a_blow_up_the_moments_are_finite_and_a_run_continues_from_one_before_it():
    at = on_page(new_app(), TRAINING)
    button(at, "Step ×10").click().run()
    control(at.select_slider, "_lr").set_value(100.0).run()
    for _ in range(3):
        button(at, "Step ×10").click().run()
    blown = trainer(at)
    assert blown.diverged is not None
    assert all(np.isfinite(s.params["W1"]).all() for s in blown.snapshots.held)
    move_to(at, 10)
    control(at.select_slider, "_lr").set_value(0.1).run()
    button(at, "Continue from here").click().run()
    again = trainer(at)
    assert again is not blown and again.steps == 10 and again.diverged is None
    button(at, "Step ×10").click().run()
    assert again.diverged is None and np.isfinite(again.last_loss) and again.last_loss < 2.3


@pytest.mark.slow
def test_the_store_writes_each_snapshot_once_and_drops_those_thinned_away(monkeypatch):
    from ui import persistence

    saved = []
    original = persistence.RunStore.save

    def counting(self, token, data, part=None):
        saved.append(part)
        return original(self, token, data, part)

    monkeypatch.setattr(persistence.RunStore, "save", counting)
    at = on_page(open_app(), TRAINING)
    for _ in range(3):
        button(at, "+1 epoch").click().run()
    t = trainer(at)
    snapshot_parts = [p for p in saved if p and p.startswith("s")]
    assert len(snapshot_parts) == len(set(snapshot_parts))  # each once
    token = token_of(at)
    on_disk = persistence.run_store().parts(token) - {persistence.LEDGER_PART}
    assert on_disk == {persistence.snapshot_part(s) for s in t.snapshot_steps() if s > 0}


@pytest.mark.slow
def test_a_saved_run_file_brings_its_moments_and_the_runs_it_was_compared_with():
    from ui.files import network_file

    at = on_page(new_app(), TRAINING)
    button(at, "Step ×10").click().run()
    control(at.select_slider, "_lr").set_value(0.01).run()
    button(at, "Replay with these settings").click().run()
    button(at, "Step ×10").click().run()
    saved, ledger = trainer(at), at.session_state["ledger"]
    name, data = network_file(saved, at.session_state["settings"], "mnist-5k", ledger)
    other = on_page(new_app(), "pages/9_Model.py")
    other.file_uploader(key="_model_file").upload(name, data, "application/octet-stream").run()
    assert not other.exception and "1 run saved beside it joined Your runs" in all_text(other)
    loaded = trainer(other)
    assert loaded.snapshot_steps() == saved.snapshot_steps()
    for step in saved.snapshot_steps():
        np.testing.assert_array_equal(loaded.model_at(step).params["W1"], saved.model_at(step).params["W1"])
    runs = other.session_state["ledger"].runs
    assert [e.trainer.steps for e in runs][-2:] == [10, 10] and runs[-1].trainer is loaded
    first = runs[-2].trainer
    np.testing.assert_array_equal(first.model.params["W1"], ledger.runs[0].trainer.model.params["W1"])
    assert other.session_state["ledger"].legend_labels([first.serial, loaded.serial]) == {
        first.serial: "lr 0.1",
        loaded.serial: "lr 0.01",
    }
