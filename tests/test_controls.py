"""ui.controls: a control's key is never written; a value changed elsewhere, or new options, make
a new generation; a callback acts only for the present generation and a real move."""

import pytest

from ui import controls, state


@pytest.fixture
def session(monkeypatch):
    fake = {}
    monkeypatch.setattr(state.st, "session_state", fake)
    return fake


def test_a_control_keeps_its_key_while_it_shows_the_setting(session):
    key = controls.key_for("_lr", 0.1)
    session[key] = 0.5  # the learner moved it, and the setting followed
    assert controls.key_for("_lr", 0.5) == key
    assert controls.value_of("_lr") == 0.5
    assert set(session) == {controls.KEY_GENERATIONS, key}  # nothing else written, its key not by the server


def test_a_change_from_elsewhere_or_new_options_make_a_new_control(session):
    first = controls.key_for("_lr", 0.1)
    session[first] = 0.1
    second = controls.key_for("_lr", 0.05)  # a hint's fix set 0.05
    assert second != first
    session[second] = 0.05
    third = controls.key_for("_lr", 0.05, identity=(1, 2, 3))  # its options changed
    assert third not in (first, second)


def test_a_replaced_generations_callback_does_nothing(session):
    moves = []
    old = controls.key_for("_time", 55)
    session[old] = 55
    new = controls.key_for("_time", 0)  # the script moved it (Play the past)
    session[new] = 0
    controls._moved("_time", old, moves.append)  # the old generation's callback, run late
    assert moves == []
    session[new] = 3
    controls._moved("_time", new, moves.append)  # the learner's move
    assert moves == [3]


def test_a_control_its_scope_did_not_draw_this_run_is_retired_by_itself(session):
    moves = []
    with controls.scope("live"):
        controls.draw(DrawHere(), "slider", "Time", "_time", 55, moves.append)
        controls.draw(DrawHere(), "slider", "Speed", "_speed", 5, moves.append)
    old = controls.key_for("_time", 55)
    with controls.scope("live"):  # the past plays: a display stands in for the time slider
        controls.draw(DrawHere(), "slider", "Speed", "_speed", 5, moves.append)
    controls._moved("_time", old, moves.append)  # the browser's last value for it, arriving late
    assert moves == [] and controls.key_for("_time", 55) != old  # nobody's move; a new control when drawn again
    assert controls.key_for("_speed", 5) == "_speed@0"  # the one drawn in both runs is the same control


def test_a_run_cut_short_by_a_rerun_retires_nothing(session):
    with controls.scope("live"):
        controls.draw(DrawHere(), "slider", "Speed", "_speed", 5)
    with pytest.raises(RuntimeError), controls.scope("live"):
        raise RuntimeError("st.rerun")  # before it drew anything
    assert controls.key_for("_speed", 5) == "_speed@0"


class DrawHere:
    """Stands in for ``st``: a widget call returns its default."""

    def __getattr__(self, widget):
        return lambda label, key, value=None, **kwargs: value
