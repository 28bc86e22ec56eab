"""Nothing on a page gives a checkpoint's answer away before the learner has predicted: the text
that would is drawn once the checkpoint is answered (or the learner chose to look without
predicting), and a checkpoint comes before its page's text."""

import pytest

from lessons.checkpoints import CHECKPOINTS
from lessons.guide import STOPS
from lessons.pages import ACTIVATIONS, BACKPROP, EVALUATION, FORWARD, HOME, TRAINING
from tests.apptest import all_text, new_app, on_page, open_folds

# (checkpoint, its page, what gives its answer away, what stands there until then)
GIVEAWAYS = (
    ("untrained_guess", HOME.path, "The network says", "Which digit will these random weights name?"),
    ("linear_collapse", ACTIVATIONS.path, "one straight-line (linear) function", None),
    ("linear_collapse", ACTIVATIONS.path, "lets layers add up to more than one layer", "the bend decides"),
    ("linear_collapse", ACTIVATIONS.path, "two linear layers are one", "Why bend at all, the algebra"),
    ("softmax_sum", FORWARD.path, "turns the scores into probabilities", None),
    ("softmax_sum", FORWARD.path, "turns the last ten scores into probabilities", None),
    ("nudge_weight", BACKPROP.path, "against it and the loss falls", None),
    ("sure_share", EVALUATION.path, "Answer *not sure* below this top probability", "How often it is sure"),
)


def texts(at) -> str:
    """The page's text, expanders' labels and widgets' labels included."""
    return all_text(at) + " ".join(e.label for e in at.expander) + " ".join(w.label for w in at.slider)


@pytest.mark.parametrize(("key", "path", "giveaway", "instead"), GIVEAWAYS)
def test_what_answers_a_checkpoint_shows_only_with_its_outcome(key, path, giveaway, instead):
    at = open_folds(on_page(new_app(), path))  # what a reader who opens every fold sees
    assert not at.exception
    before = texts(at)
    assert giveaway not in before, f"{path} gives {key} away before it is asked: {giveaway!r}"
    if instead is not None:
        assert instead in before
    at = on_page(at, CHECKPOINTS[key].page)  # where it is asked
    choices = CHECKPOINTS[key].options(at.session_state["trainer"].dataset.class_names)
    at.radio(key=f"_predict_{key}").set_value(choices[0][0]).run()
    next(b for b in at.button if b.key == f"run_{key}").click().run()
    assert not at.exception and key in at.session_state["path_done"]
    at = open_folds(at.switch_page(path).run())
    after = texts(at)
    assert giveaway in after, f"{path} does not show {giveaway!r} once {key} is answered"
    if instead is not None:
        assert instead not in after


@pytest.mark.parametrize(("key", "path"), (("linear_collapse", ACTIVATIONS.path), ("sure_share", EVALUATION.path)))
def test_what_is_held_back_opens_without_predicting_and_the_question_stays_open(key, path):
    at = open_folds(on_page(new_app(), path))
    next(b for b in at.button if b.key == f"skip_{key}").click().run()
    assert not at.exception
    assert not any(b.key == f"skip_{key}" for b in at.button)
    assert "path_done" not in at.session_state or key not in at.session_state["path_done"]  # not counted
    assert at.radio(key=f"_predict_{key}").value is None  # still asked


QUESTIONS, PLAY = "training is many small steps downhill", "Each **step** runs one batch"


def first(at, *texts: str) -> str:
    """Which of ``texts`` the page draws first."""
    markdown = [m.value for m in at.markdown]
    return min(texts, key=lambda t: next(i for i, m in enumerate(markdown) if t in m))


def test_the_training_stop_opens_at_its_questions_and_the_page_otherwise_at_play():
    at = on_page(new_app(), HOME.path)
    number = next(i for i, stop in enumerate(STOPS, start=1) if stop.page == TRAINING.path)
    at.query_params["stop"] = str(number)
    at = on_page(at, TRAINING.path)
    assert first(at, QUESTIONS, PLAY) == QUESTIONS
    at.query_params.pop("stop", None)
    at = at.switch_page(HOME.path).run()
    at = on_page(at, TRAINING.path)
    assert not any(QUESTIONS in m.value for m in at.markdown)  # a fold below the live view, closed
    assert any(e.label.startswith("**Predict, then run**") for e in at.expander)
