"""ui.state helpers that need no running app: session state is a plain dict here."""

import pytest

from ui import state


@pytest.fixture
def session(monkeypatch):
    fake = {}
    monkeypatch.setattr(state.st, "session_state", fake)
    return fake


def builder(log: list, name: str):
    def build():
        log.append(name)
        return f"{name} figure {len(log)}"

    return build


def test_cached_figures_rebuild_only_what_moved(session):
    log = []
    first = state.cached_figures({n: (1, builder(log, n)) for n in "abc"})
    assert log == ["a", "b", "c"]
    again = state.cached_figures({n: (1, builder(log, n)) for n in "abc"})
    assert again == first and log == ["a", "b", "c"]  # same versions: re-sent, not rebuilt
    state.cached_figures({"a": (1, builder(log, "a")), "b": (2, builder(log, "b")), "c": (1, builder(log, "c"))})
    assert log[3:] == ["b"]


def test_with_a_budget_the_stale_figures_take_turns_longest_waiting_first(session):
    log = []
    state.cached_figures({n: (0, builder(log, n)) for n in "abc"}, most=1)
    assert log == ["a", "b", "c"]  # never drawn: always built, whatever the budget
    for version in (1, 2, 3, 4):  # every figure moves every time; one is rebuilt per call
        shown = state.cached_figures({n: (version, builder(log, n)) for n in "abc"}, most=1)
        assert set(shown) == {"a", "b", "c"}  # the others are re-sent as they were
    assert log[3:] == ["a", "b", "c", "a"]
    state.cached_figures({n: (5, builder(log, n)) for n in "abc"})  # no budget (paused): all of them
    assert sorted(log[7:]) == ["a", "b", "c"]


def test_a_new_figure_is_built_even_when_the_budget_is_spent(session):
    log = []
    state.cached_figures({"a": (0, builder(log, "a"))})
    state.cached_figures({"a": (1, builder(log, "a")), "new": (0, builder(log, "new"))}, most=1)
    assert log == ["a", "new"]  # the new one took the budget; "a" waits its turn


def test_garbage_is_collected_at_most_every_gc_every_seconds(monkeypatch):
    collections = []
    monkeypatch.setattr(state.gc, "collect", lambda: collections.append(1))
    clock = state._gc_clock()
    clock["last"] = state.time.monotonic() - state.GC_EVERY - 1
    state.collect_garbage_now_and_then()
    state.collect_garbage_now_and_then()  # straight after: not again
    assert len(collections) == 1
    clock["last"] -= state.GC_EVERY
    state.collect_garbage_now_and_then()
    assert len(collections) == 2


def test_with_a_gap_nothing_on_screen_is_rebuilt_until_it_has_passed(session, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(state.time, "monotonic", lambda: now[0])
    log = []
    state.cached_figures({"a": (0, builder(log, "a"))}, gap=0.6)
    now[0] += 0.2
    state.cached_figures({"a": (1, builder(log, "a"))}, gap=0.6)
    assert log == ["a"]  # moved, but within the gap: re-sent as it was
    now[0] += 0.5
    state.cached_figures({"a": (2, builder(log, "a"))}, gap=0.6)
    assert log == ["a", "a"]
