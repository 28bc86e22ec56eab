"""Predict, then run: every checkpoint of the path asks before it shows, runs on copies of the
learner's network, and shows what nn_core computes; the path covers the lessons and its progress
survives page switches."""

import numpy as np
import pytest

from lessons.checkpoints import CHECKPOINTS
from lessons.pages import SECTIONS, TRAINING
from tests.apptest import all_text, button, new_app, on_page, open_fold, open_folds, trained_a_little, trainer
from ui import guide


@pytest.fixture(scope="module")
def app():
    """An app whose network has trained a little (so the outcomes are not all the untrained ones)."""
    return trained_a_little()


def run_button(at, key):
    return next(b for b in at.button if b.key == f"run_{key}")


@pytest.mark.slow
@pytest.mark.parametrize("key", guide.ALL_CHECKPOINTS)
def test_each_checkpoint_asks_first_then_shows_what_nn_core_computes_on_a_copy(app, key):
    spec = CHECKPOINTS[key]
    at = on_page(app, spec.page)
    if spec.page == TRAINING.path:  # asked in a fold there, unless the path's link brought the learner
        at = open_folds(at)
    if key == "notebook_softmax":  # asked in part 5, a fold the notebook's stop opens
        at = open_fold(at, "**5. ")
    t = trainer(at)
    before = {name: value.copy() for name, value in t.model.params.items()}
    steps, history = t.steps, len(t.history["steps"])
    box = at.radio(key=f"_predict_{key}")
    assert box.value is None and run_button(at, key).disabled  # nothing to run before a prediction
    shown_before = all_text(at)
    choice = box.options[-1]
    labels = dict(spec.options(t.dataset.class_names))
    chosen = next(k for k, label in labels.items() if label == choice)
    box.set_value(chosen).run()
    assert not run_button(at, key).disabled
    run_button(at, key).click().run()
    assert not at.exception
    prediction, outcome, serial, at_steps = at.session_state["path_done"][key]
    assert prediction == chosen and (serial, at_steps) == (t.serial, steps)
    expected = spec.run(t, at.session_state["sample"] if "sample" in at.session_state else 0)
    assert outcome.happened == expected.happened and outcome.happened in labels
    for name, value in expected.numbers.items():
        np.testing.assert_allclose(outcome.numbers[name], value, rtol=1e-6, err_msg=name)
    assert outcome.why in all_text(at) and outcome.why not in shown_before  # shown after the run, not before
    # the learner's own network did not move
    assert trainer(at) is t and t.steps == steps and len(t.history["steps"]) == history
    for name, value in before.items():
        np.testing.assert_array_equal(t.model.params[name], value)


def test_the_path_covers_every_lesson_and_each_checkpoint_is_asked_on_its_page():
    lessons = {p.path for p in SECTIONS["Learn"] if p.label != "Glossary"}
    assert lessons <= {stop.page for stop in guide.STOPS}
    assert len(guide.ALL_CHECKPOINTS) >= 12 and set(guide.ALL_CHECKPOINTS) == set(CHECKPOINTS)
    assert {CHECKPOINTS[k].page for k in guide.ALL_CHECKPOINTS} >= lessons | {TRAINING.path}


@pytest.mark.slow
def test_progress_survives_page_switches_and_shows_on_the_home_page_and_in_the_sidebar():
    at = on_page(new_app(), "pages/1_Data.py")
    at.radio(key="_predict_blank_pixels").set_value("most").run()
    run_button(at, "blank_pixels").click().run()
    total = len(guide.ALL_CHECKPOINTS)
    for page in ("pages/4_Forward_pass.py", "app.py"):
        at = at.switch_page(page).run()
        assert not at.exception
        assert f"Start here: 1 of {total}" in [link.label for link in at.get("page_link")]
    assert f"**1 of {total}** predictions made" in all_text(at)
    at = on_page(at, "pages/1_Data.py")
    assert at.radio(key="_predict_blank_pixels").value == "most" and at.radio(key="_predict_blank_pixels").disabled
    button(at, "Ask me again").click().run()
    assert at.radio(key="_predict_blank_pixels").value is None and "path_done" in at.session_state
    assert "blank_pixels" not in at.session_state["path_done"]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sample", [0, 7, 123])
def test_doubling_a_weight_adds_its_share_once_more_whatever_its_sign(mnist, seed, sample):
    """Not a coin flip: the answer (w · x, once more) holds for either sign of the weight."""
    from nn_core import MLP
    from nn_core.train import Trainer

    run = Trainer(MLP([784, 16, 10], seed=seed), mnist, eval_every=None)
    outcome = CHECKPOINTS["double_weight"].run(run, sample)
    n = outcome.numbers
    assert outcome.happened == "share"
    assert n["z_after"] - n["z_before"] == pytest.approx(n["w"] * mnist.split("val")[0][sample][n["pixel"]], abs=1e-6)
    assert ("positive" if n["w"] > 0 else "negative") in outcome.why
    assert ("went up" if n["w"] > 0 else "went down") in outcome.why


def stop_links(at):
    return [link for link in at.get("page_link") if link.proto.label.startswith(tuple(f"{i}. " for i in range(1, 9)))]


def headers(at):
    return [h.value for h in at.header]


@pytest.mark.slow
def test_each_stop_links_to_its_page_opened_for_it_and_the_notebooks_stop_opens_at_its_part():
    at = new_app()
    links = stop_links(at)
    assert [link.proto.page for link in links] == [
        stop.page[len("pages/") : -3].split("_", 1)[1] for stop in guide.STOPS
    ]
    assert [link.proto.query_string for link in links] == [f"stop={i}" for i in range(1, len(guide.STOPS) + 1)]
    plain = on_page(at, "pages/5_Backpropagation.py")
    assert not plain.get("container") or "Stop 6 of 8" not in all_text(plain)
    assert not any("notebook's softmax" in c.value for c in plain.markdown)  # part 5 is a closed fold
    plain = open_fold(plain, "**5. ")
    order = [c.value for c in plain.markdown if "Predict, then run" in c.value]
    assert "notebook's softmax" in order[-1]  # drawn in part 5, at the page's end
    at.query_params[guide.STOP] = "6"
    arrived = on_page(at, "pages/5_Backpropagation.py")
    text = all_text(arrived)
    assert "Stop 6 of 8: Why the notebook's network never learned" in text and not arrived.exception
    asks = [c.value for c in arrived.markdown if "Predict, then run" in c.value]
    assert "notebook's softmax" in asks[0]  # part 5 first: the stop's own section
    nxt = [link.proto for link in arrived.get("page_link") if link.proto.label.startswith("Next:")]
    assert [(n.page, n.query_string) for n in nxt] == [("Training", "stop=7")]
    # a click on the page keeps it where it was; another page, then back by the sidebar: the usual order
    button(arrived, "Show it without predicting").click().run()
    assert "Stop 6 of 8" in all_text(arrived)
    assert guide.STOP not in arrived.query_params  # the address was tidied; the arrival holds all the same
    back = on_page(on_page(arrived, "pages/1_Data.py"), "pages/5_Backpropagation.py")
    assert "Stop 6 of 8" not in all_text(back)
    back = open_fold(back, "**5. ")
    asks = [c.value for c in back.markdown if "Predict, then run" in c.value]
    assert "notebook's softmax" in asks[-1]


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["0", "9", "x", "-1", "6.5"])
def test_a_bad_stop_in_the_address_is_ignored(stop):
    at = new_app()
    at.query_params[guide.STOP] = stop
    at = on_page(at, "pages/5_Backpropagation.py")
    assert not at.exception and "Stop " not in all_text(at).split("Predict")[0]


@pytest.mark.slow
def test_the_training_stop_ends_by_training_the_learners_own_network_and_evaluation_asks_for_it():
    at = on_page(new_app(), "pages/7_Evaluation.py")
    assert "has hardly trained yet" in all_text(at)
    home = at.switch_page("app.py").run()
    assert "not trained yet" in all_text(home)
    at = open_folds(on_page(home, "pages/6_Training.py"))
    assert "Now train your own network" in all_text(at)
    button(at, "Train to the end of this epoch").click().run()
    t = trainer(at)
    assert t.epochs_elapsed >= 1 and not at.exception
    assert "Your own network, trained" in all_text(at) and f"{t.steps:,} steps" in all_text(at)
    at = on_page(at, "pages/7_Evaluation.py")
    assert "has hardly trained yet" not in all_text(at)
    assert "trained ✅" in all_text(at.switch_page("app.py").run())
