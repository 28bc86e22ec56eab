"""ui.finder in Streamlit's AppTest: the range test runs on a copy (the learner's weights stay), its
chart and reason show, and "Use learning rate" sets the snapped suggestion everywhere."""

import numpy as np
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.apptest import TIMEOUT, all_text, array, button, chart, control, trainer
from ui.settings import snap_lr


def finder_page():
    from lessons import pages
    from ui import finder, page

    page.setup(pages.TRAINING)
    finder.finder_section()


@pytest.fixture
def at(monkeypatch):
    # A script made from a function runs from a temporary folder, without app.py and pages/ beside
    # it, so the navigation's page links would find no page; they are not what is tested here.
    monkeypatch.setattr(streamlit, "page_link", lambda *args, **kwargs: None)
    return AppTest.from_function(finder_page, default_timeout=TIMEOUT).run()


def use_button(at: AppTest):
    matches = [b for b in at.button if b.label.startswith("Use learning rate")]
    assert len(matches) == 1, [b.label for b in at.button]
    return matches[0]


def test_before_the_test_there_is_only_the_explanation_and_the_button(at):
    assert not at.exception
    assert "copy" in all_text(at) and "never touched" in all_text(at)
    button(at, "Find a learning rate")
    assert not at.get("plotly_chart") and not [b for b in at.button if b.label.startswith("Use")]


def test_the_finder_leaves_the_weights_and_sets_the_snapped_suggestion(at):
    weights = {k: v.copy() for k, v in trainer(at).model.params.items()}
    button(at, "Find a learning rate").click().run()
    assert not at.exception
    for k, v in weights.items():
        assert np.array_equal(trainer(at).model.params[k], v), k
    assert trainer(at).steps == 0 and trainer(at).lr == 0.1

    figure = chart(at, "lr_finder")
    assert figure["layout"]["xaxis"]["type"] == "log"
    _, _, result = at.session_state["_lr_finder"]
    assert len(array(figure["data"][1]["y"])) == len(result.lrs)
    assert f"{result.suggested_lr:.2g}" in all_text(at) and result.reason in all_text(at)

    snapped = snap_lr(result.suggested_lr)
    assert use_button(at).label == f"Use learning rate {snapped:g}"
    use_button(at).click().run()
    assert not at.exception
    assert at.session_state["settings"].lr == snapped and trainer(at).lr == snapped
    assert control(at.select_slider, "_lr").value == snapped
    assert any(f"now {snapped:g}" in info.value for info in at.info)
    for k, v in weights.items():
        assert np.array_equal(trainer(at).model.params[k], v), k


def test_a_result_about_a_network_that_trained_since_says_when_it_was_measured(at):
    button(at, "Find a learning rate").click().run()
    trainer(at).step(3)
    at.run()
    assert chart(at, "lr_finder")
    assert "Measured at step 0" in all_text(at) and "step 3 now" in all_text(at)


def test_a_result_about_a_replaced_network_is_not_shown(at):
    button(at, "Find a learning rate").click().run()
    button(at, "New network").click().run()
    assert not at.exception and not at.get("plotly_chart")
