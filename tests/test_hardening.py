"""Nothing a learner does breaks the app, loses their network, or leaks into another session.

A property test drives AppTest through random sequences of actions across every page; after
each action the page must show no exception, no traceback, no bare NaN or infinity, and the
network's parameters must be finite. The default run tries a few dozen sequences; CI (with
HYPOTHESIS_PROFILE=ci) tries 100. Failures it found are kept below as plain regression tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.guide import ALL_CHECKPOINTS
from lessons.notebook import BUG_NAMES
from lessons.pages import PAGES as ALL_PAGES
from nn_core.activations import ACTIVATIONS
from nn_core.data import available_datasets
from nn_core.network import INITS
from nn_core.optim import OPTIMIZERS
from tests.apptest import ROOT, all_text, button, control, new_app, on_page, open_folds, trainer
from tests.csv_maker import kaggle_csv, kaggle_rows
from ui.settings import BATCH_CHOICES, FULL_BATCH, L2_CHOICES, LR_CHOICES
from ui.text import plain

LESSON_PICKERS = ("pages/1_Data.py", "pages/3_Activations.py", "pages/4_Forward_pass.py", "pages/5_Backpropagation.py")
BARE_NUMBER = re.compile(r"(?<![A-Za-z])(nan|inf)(?![A-Za-z])", re.IGNORECASE)


def check(at, where: str) -> None:
    """The invariants that hold after every action."""
    assert not at.exception, f"{where}: {at.exception}"
    text = all_text(at) + "\n" + "\n".join(str(m.value) for m in at.metric)
    assert "Traceback" not in text, where
    for line in text.splitlines():
        if BARE_NUMBER.search(line):
            assert "too high" in line or "became NaN" in line, f"{where}: a bare NaN/inf shown: {line!r}"
    for name, value in trainer(at).model.params.items():
        assert np.isfinite(value).all(), f"{where}: {name} is not finite"


def go(at, path: str):
    """The page ``path`` with its folds open (what is in a fold is drawn only while it is open) and
    what waits for a checkpoint shown: the actions reach every control. Closing is an action too."""
    at = open_folds(on_page(at, path))
    held = [b.key for b in at.button if b.key and b.key.startswith("skip_")]
    for key in held:
        at.session_state["_" + key] = True
    return open_folds(at.run()) if held else at


def action_close_folds(at, path):
    """Every fold of a page closed again (the page draws nothing of them)."""
    at = on_page(at, path)
    for e in at.expander:
        if e.key:
            at.session_state[e.key] = False
    return at.run()


# -- actions ----------------------------------------------------------------------------------------


def set_sidebar(at, key: str, value, kind: str):
    widget = control(getattr(at, kind), key)
    if widget.disabled:  # momentum under Adam: a learner cannot touch it either
        return at
    widget.set_value(value)
    return at.run()


def action_setting(at, name, value):
    kinds = {
        "_lr": "select_slider",
        "_batch_size": "select_slider",
        "_l2": "select_slider",
        "_activation": "selectbox",
        "_init": "selectbox",
        "_optimizer": "selectbox",
        "_dataset": "selectbox",
        "_momentum": "slider",
    }
    return set_sidebar(at, name, value, kinds[name])


def action_hidden(at, sizes):
    control(at.text_input, "_hidden").input(", ".join(map(str, sizes)))
    return at.run()


def action_train(at, label):
    if label == "+1 epoch" and 0 < trainer(at).batch_size < 32:
        label = "Step ×10"  # an epoch of single-digit batches is thousands of steps: slow, not different
    at = go(at, "pages/6_Training.py")
    return button(at, label).click().run()


def action_new_network(at):
    return at.button(key="sidebar_new_network").click().run()


def action_page(at, path):
    return go(at, path)


def action_sample(at, path, row):
    at = go(at, path)
    n = len(trainer(at).dataset.y_val)
    at.number_input(key="_sample").set_value(row % n)
    return at.run()


def action_random(at, path, label):
    at = go(at, path)
    at.selectbox(key="_sample_class").set_value(label)
    at.run()
    return button(at, "Random").click().run()


def action_next_mistake(at, path):
    at = go(at, path)
    return button(at, "Next mistake").click().run()


def action_lesson_slider(at, path, key, kind, value):
    at = go(at, path)
    control(getattr(at, kind), key).set_value(value)
    return at.run()


def action_unit(at, path, key, unit):
    at = go(at, path)
    widget = at.number_input(key=key)
    widget.set_value(unit % (int(widget.max) + 1))
    return at.run()


def action_evaluation(at, what, value):
    at = go(at, "pages/7_Evaluation.py")
    if what == "threshold":
        at.slider(key="eval_threshold").set_value(value)
    elif what == "cell":
        at.selectbox(key="_cell_true").set_value(value[0])
        at.selectbox(key="_cell_predicted").set_value(value[1])
    elif what == "layer":
        at.select_slider(key="pca_layer").set_value(value % (trainer(at).model.n_layers + 1))
    elif what == "split":
        at.segmented_control(key="eval_split").set_value(value)
    elif what == "mistake":
        return button(at, value).click().run() if value in [b.label for b in at.button] else at
    return at.run()


def action_fix_bug(at, bug):
    at = go(at, "pages/5_Backpropagation.py")
    skip = [b for b in at.button if b.key == "skip_notebook_softmax"]
    if skip:  # the boxes open after the path's question, or without it
        at = skip[0].click().run()
    box = at.checkbox(key=f"fix_{bug}")
    (box.uncheck() if box.value else box.check())
    return at.run()


def action_moment(at, fraction):
    """Move the time slider to the held moment ``fraction`` of the way from the start to now."""
    at = go(at, "pages/6_Training.py")
    found = [s for s in at.select_slider if s.key.rsplit("@", 1)[0] == "_time_slider"]
    if not found or found[0].disabled:
        return at
    options = found[0].options
    found[0].set_value(int(options[round(fraction * (len(options) - 1))].split()[0].replace(",", "")))
    return at.run()


def action_time_button(at, label):
    """Play the past, Continue from here, Replay, Back to now, or a ledger button, where offered."""
    at = go(at, "pages/6_Training.py")
    offered = [b for b in at.button if b.label.startswith(label) and not b.disabled]
    return offered[0].click().run() if offered else at


def action_checkpoint(at, key, choice):
    """Predict (the ``choice``-th option, wrapping) and run a checkpoint of the path, or ask again."""
    from lessons.checkpoints import CHECKPOINTS

    at = go(at, CHECKPOINTS[key].page)
    found = [r for r in at.radio if r.key == f"_predict_{key}"]
    if not found:
        return at
    if found[0].disabled:
        return button(at, "Ask me again").click().run() if "Ask me again" in [b.label for b in at.button] else at
    found[0].set_value(found[0].options and _option_key(at, key, choice)).run()
    run = [b for b in at.button if b.key == f"run_{key}"]
    return run[0].click().run() if run else at


def _option_key(at, key, choice):
    from lessons.checkpoints import CHECKPOINTS

    options = CHECKPOINTS[key].options(trainer(at).dataset.class_names)
    return options[choice % len(options)][0]


def action_tab(at, label):
    """Open a tab of the Training page's "Through time" (only the open one runs)."""
    at = go(at, "pages/6_Training.py")
    at.session_state["through_time_tab"] = label
    return at.run()


def action_run(at, choice):
    """Choose a run of the ledger (the ``choice``-th, wrapping), for Bring back or Remove."""
    at = go(at, "pages/6_Training.py")
    picker = [s for s in at.selectbox if s.key == "_run_chosen"]
    if not picker:
        return at
    runs = at.session_state["ledger"].runs
    picker[0].set_value(runs[choice % len(runs)].trainer.serial)
    return at.run()


PAGES = [p.path for p in ALL_PAGES]
CHECKPOINT_KEYS = list(ALL_CHECKPOINTS)
DATASETS = [d for d in available_datasets() if d != "mnist"]  # every dataset usable offline
NOTEBOOK_BUGS = BUG_NAMES

actions = st.one_of(
    st.tuples(st.just(action_setting), st.just("_lr"), st.sampled_from(LR_CHOICES)),
    st.tuples(st.just(action_setting), st.just("_batch_size"), st.sampled_from(BATCH_CHOICES)),
    st.tuples(st.just(action_setting), st.just("_l2"), st.sampled_from(L2_CHOICES)),
    st.tuples(st.just(action_setting), st.just("_activation"), st.sampled_from(list(ACTIVATIONS))),
    st.tuples(st.just(action_setting), st.just("_init"), st.sampled_from(list(INITS))),
    st.tuples(st.just(action_setting), st.just("_optimizer"), st.sampled_from(list(OPTIMIZERS))),
    st.tuples(st.just(action_setting), st.just("_dataset"), st.sampled_from(DATASETS)),
    st.tuples(st.just(action_setting), st.just("_momentum"), st.sampled_from([0.0, 0.5, 0.9, 0.99])),
    st.tuples(st.just(action_hidden), st.lists(st.sampled_from([1, 2, 7, 32, 128, 1024]), min_size=1, max_size=2)),
    st.tuples(st.just(action_train), st.sampled_from(["Step", "Step ×10", "+1 epoch"])),
    st.tuples(st.just(action_new_network)),
    st.tuples(st.just(action_page), st.sampled_from(PAGES)),
    st.tuples(st.just(action_close_folds), st.sampled_from(PAGES)),
    st.tuples(st.just(action_sample), st.sampled_from(LESSON_PICKERS), st.integers(0, 10**6)),
    st.tuples(st.just(action_random), st.sampled_from(LESSON_PICKERS), st.sampled_from([None, *range(10)])),
    st.tuples(st.just(action_next_mistake), st.sampled_from(LESSON_PICKERS[1:] + ("pages/7_Evaluation.py",))),
    st.tuples(
        st.just(action_lesson_slider),
        st.sampled_from(
            [
                ("pages/2_Weights_and_biases.py", "knob_w1", "slider", -4.0),
                ("pages/2_Weights_and_biases.py", "knob_b", "slider", 4.0),
                ("pages/3_Activations.py", "softmax_temperature", "select_slider", 0.1),
                ("pages/3_Activations.py", "activation_shown", "radio", "tanh"),
                ("pages/5_Backpropagation.py", "bp_w", "slider", -3.0),
                ("pages/5_Backpropagation.py", "bp_lr", "select_slider", 2.0),
                ("pages/5_Backpropagation.py", "bp_entries", "select_slider", 5),
                ("pages/5_Backpropagation.py", "bp_nudge_lr", "select_slider", 300.0),
                ("pages/5_Backpropagation.py", "bp_nudge_lr", "select_slider", 0.1),
                ("pages/6_Training.py", "_lr", "select_slider", 100.0),
                ("pages/6_Training.py", "_batch_size", "select_slider", 1),
                ("pages/6_Training.py", "tiles_view_training", "segmented_control", "now"),
                ("pages/2_Weights_and_biases.py", "tiles_view", "segmented_control", "now"),
            ]
        ),
    ).map(lambda t: (t[0], *t[1])),
    st.tuples(
        st.just(action_unit),
        st.sampled_from(
            [("pages/2_Weights_and_biases.py", "weights_unit"), ("pages/4_Forward_pass.py", "forward_unit")]
        ),
        st.integers(0, 2000),
    ).map(lambda t: (t[0], *t[1], t[2])),
    st.tuples(st.just(action_evaluation), st.just("threshold"), st.floats(0, 1)),
    st.tuples(st.just(action_evaluation), st.just("cell"), st.tuples(st.integers(0, 9), st.integers(0, 9))),
    st.tuples(st.just(action_evaluation), st.just("layer"), st.integers(0, 5)),
    st.tuples(st.just(action_evaluation), st.just("split"), st.sampled_from(["test", "val"])),
    st.tuples(st.just(action_evaluation), st.just("mistake"), st.sampled_from(["Next mistake", "Previous"])),
    st.tuples(st.just(action_fix_bug), st.sampled_from(NOTEBOOK_BUGS)),
    st.tuples(st.just(action_moment), st.floats(0, 1)),
    st.tuples(
        st.just(action_time_button),
        st.sampled_from(
            [
                "Play the past",
                "Continue from here",
                "Replay with these settings",
                "Back to now",
                "Bring back",
                "Remove",
                "Find a learning rate",
                "Use learning rate",
                "Swap",
            ]
        ),
    ),
    st.tuples(st.just(action_run), st.integers(0, 7)),
    st.tuples(st.just(action_tab), st.sampled_from(["Your runs", "Probe digits", "Find a learning rate"])),
    st.tuples(st.just(action_checkpoint), st.sampled_from(CHECKPOINT_KEYS), st.integers(0, 9)),
)


def describe(step) -> str:
    function, *args = step
    return f"{function.__name__}{tuple(args)}"


@pytest.mark.slow
@pytest.mark.timeout(3600)  # one test, many sequences: 100 of them take about 4 minutes
@given(st.lists(actions, min_size=2, max_size=8))
def test_any_sequence_of_actions_leaves_a_working_app_and_a_finite_network(sequence):
    at = new_app()
    check(at, "start")
    done = []
    for step in sequence:
        function, *args = step
        done.append(describe(step))
        at = function(at, *args)
        check(at, " → ".join(done))


# -- regressions: failures found while building the property test --------------------------------


@pytest.mark.slow
def test_a_full_batch_setting_reaches_the_initialisation_race():
    at = new_app()
    action_setting(at, "_batch_size", FULL_BATCH)
    at = go(at, "pages/2_Weights_and_biases.py")
    check(at, "full batch on the Weights page")


# -- nothing shared --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_sessions_are_independent():
    first, second = new_app(), new_app()
    control(first.select_slider, "_lr").set_value(0.5).run()
    first = on_page(first, "pages/6_Training.py")
    button(first, "Step ×10").click().run()
    first.file_uploader(key="_upload").upload("mine.csv", kaggle_csv(*kaggle_rows(60)), "text/csv").run()
    second.run()
    assert trainer(first).steps == 10 and trainer(second).steps == 0
    assert trainer(second).lr == 0.1 and control(second.select_slider, "_lr").value == 0.1
    assert trainer(first).model is not trainer(second).model
    assert not any(trainer(first).model.params["W1"] is p for p in trainer(second).model.params.values())
    assert second.session_state["settings"].dataset == "mnist-5k"
    assert trainer(first).dataset is trainer(second).dataset  # the data is shared, read-only, once per process
    assert not trainer(second).dataset.X_train.flags.writeable


def test_an_uploaded_file_name_is_shown_as_text_not_markdown():
    at = new_app()
    hostile = "![x](http://example.com/p.png)$x^2$<b>.csv"
    at.file_uploader(key="_upload").upload(hostile, kaggle_csv(*kaggle_rows(60)), "text/csv").run()
    shown = [s.value for s in at.success]
    assert shown and plain(hostile) in shown[0] and "![x](" not in shown[0]


def test_plain_escapes_markdown_html_and_latex():
    assert plain("**a** [b](c) <i>d</i> $e$") == r"\*\*a\*\* \[b\](c) \<i\>d\</i\> \$e\$"
    assert (
        plain("train.csv: 785 columns (label + 784 pixels), found 2.")
        == "train.csv: 785 columns (label + 784 pixels), found 2."
    )
    assert plain("x" * 500).endswith("…") and len(plain("line\nbreak").splitlines()) == 1


def test_the_web_ui_never_renders_raw_html_nor_reads_a_path_a_user_typed():
    sources = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]
    for source in sources:
        code = Path(source).read_text()
        assert "unsafe_allow_html" not in code, source
        if source.name == "store.py":  # it opens only <token>.npz in its own folder, the token checked
            continue  # against a 32-character pattern first (tests/test_store.py refuses "../etc/passwd")
        for call in re.findall(r"(?<![\w.])(open|Path)\(", code):
            pytest.fail(f"{source.name} calls {call}(): the UI must not open files by name")
