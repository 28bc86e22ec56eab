"""ui.live: the redraw budget of the live Training view, and the chart table (no running app:
session state is a plain dict here)."""

import numpy as np
import pytest

from nn_core import MLP, inspection
from nn_core.train import Trainer
from ui import live, state
from ui.figures import images


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
    first = live.cached_figures({n: (1, builder(log, n)) for n in "abc"})
    assert log == ["a", "b", "c"]
    again = live.cached_figures({n: (1, builder(log, n)) for n in "abc"})
    assert again == first and log == ["a", "b", "c"]  # same versions: re-sent, not rebuilt
    live.cached_figures({"a": (1, builder(log, "a")), "b": (2, builder(log, "b")), "c": (1, builder(log, "c"))})
    assert log[3:] == ["b"]


def test_with_a_budget_the_stale_figures_take_turns_longest_waiting_first(session):
    log = []
    live.cached_figures({n: (0, builder(log, n)) for n in "abc"}, most=1)
    assert log == ["a", "b", "c"]  # never drawn: always built, whatever the budget
    for version in (1, 2, 3, 4):  # every figure moves every time; one is rebuilt per call
        shown = live.cached_figures({n: (version, builder(log, n)) for n in "abc"}, most=1)
        assert set(shown) == {"a", "b", "c"}  # the others are re-sent as they were
    assert log[3:] == ["a", "b", "c", "a"]
    live.cached_figures({n: (5, builder(log, n)) for n in "abc"})  # no budget (paused): all of them
    assert sorted(log[7:]) == ["a", "b", "c"]


def test_a_new_figure_is_built_even_when_the_budget_is_spent(session):
    log = []
    live.cached_figures({"a": (0, builder(log, "a"))})
    live.cached_figures({"a": (1, builder(log, "a")), "new": (0, builder(log, "new"))}, most=1)
    assert log == ["a", "new"]  # the new one took the budget; "a" waits its turn


def test_with_a_gap_nothing_on_screen_is_rebuilt_until_it_has_passed(session, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(live.time, "monotonic", lambda: now[0])
    log = []
    live.cached_figures({"a": (0, builder(log, "a"))}, gap=0.6)
    now[0] += 0.2
    live.cached_figures({"a": (1, builder(log, "a"))}, gap=0.6)
    assert log == ["a"]  # moved, but within the gap: re-sent as it was
    now[0] += 0.5
    live.cached_figures({"a": (2, builder(log, "a"))}, gap=0.6)
    assert log == ["a", "a"]


def test_every_chart_depends_on_counters_the_trainer_has(mnist):
    trainer = Trainer(MLP([784, 8, 10]), mnist)
    for chart in live.CHARTS:
        assert chart.depends_on and set(chart.depends_on) <= set(live.COUNTERS), chart.name
        live.version(chart, trainer)
    assert len({c.name for c in live.CHARTS}) == len(live.CHARTS)


def test_a_chart_moves_when_what_it_depends_on_moves_and_only_then(mnist):
    trainer = Trainer(MLP([784, 8, 10]), mnist, eval_every=None)
    charts = {c.name: c for c in live.CHARTS}
    before = {name: live.version(c, trainer) for name, c in charts.items()}
    trainer.step(1)
    after = {name: live.version(c, trainer) for name, c in charts.items()}
    assert after["loss"] != before["loss"] and after["histograms"] != before["histograms"]
    assert after["accuracy"] == before["accuracy"]  # no evaluation since
    trainer.record_evaluation()
    assert live.version(charts["accuracy"], trainer) != after["accuracy"]


def test_a_new_network_never_shows_the_old_ones_charts(mnist):
    old, new = Trainer(MLP([784, 8, 10]), mnist), Trainer(MLP([784, 16, 10]), mnist)
    chart = next(c for c in live.CHARTS if c.name == "histograms")
    assert live.version(chart, old) != live.version(chart, new)  # both at step 0, revision 0


def test_a_restore_after_a_blow_up_moves_the_weight_charts(mnist):
    trainer = Trainer(MLP([784, 8, 10]), mnist, lr=0.1)
    trainer.step(3)
    chart = next(c for c in live.CHARTS if c.name == "histograms")
    before = live.version(chart, trainer)
    trainer.lr = 1e6
    trainer.step(5)
    assert trainer.diverged is not None
    assert live.version(chart, trainer) != before  # the weights went back one step


@pytest.mark.slow
def test_the_shown_charts_follow_the_table(session, mnist):
    trainer = Trainer(MLP([784, 8, 10]), mnist)
    shown = live.shown_now(trainer, playing=False)
    assert "per_class_bars" not in shown  # no evaluation yet
    trainer.step(1)
    shown = live.shown_now(trainer, playing=False)
    assert set(shown) == {c.name for c in live.CHARTS} - {"tiles_now"}  # what training added, by default
    assert shown["tiles_added"].shape[2] == 3 and hasattr(shown["loss"], "to_plotly_json")
    session[live.KEY_TILES_SHOWN] = "now"
    assert "tiles_now" in live.shown_now(trainer, playing=False)


def _neighbour_correlation(tiles):
    """The mean correlation of each tile's pixels with their right and lower neighbours."""
    values = []
    for tile in tiles.reshape(-1, 28, 28).astype(np.float64):
        x = np.concatenate([tile[:, :-1].ravel(), tile[:-1, :].ravel()])
        y = np.concatenate([tile[:, 1:].ravel(), tile[1:, :].ravel()])
        keep = (x != 0) | (y != 0)  # the border pixels MNIST never inks stay exactly 0
        if keep.sum() > 2 and x[keep].std() > 0 and y[keep].std() > 0:
            values.append(np.corrcoef(x[keep], y[keep])[0, 1])
    return float(np.mean(values))


def test_after_one_epoch_at_the_default_settings_the_tiles_show_strokes(mnist):
    from ui.settings import Settings, build_trainer

    trainer = build_trainer(Settings(), mnist)  # 784-128-10, ReLU, He, SGD 0.1, batch 64
    start = _neighbour_correlation(trainer.model.params["W1"])  # the tiles of an untrained network
    trainer.epoch()
    added = inspection.added_by_training(trainer.model.params, trainer.initial_params, "W1")
    assert abs(start) < 0.05
    assert _neighbour_correlation(images.per_tile_scaled(added)) > 0.6  # neighbours agree: strokes


def test_each_tile_is_scaled_on_its_own_and_zeros_stay_zeros():
    W = np.array([[0.0, 0.001, -0.002, 0.0005], [0.0, 0.0, 0.0, 0.0], [10.0, -20.0, 5.0, 0.0]])
    scaled = images.per_tile_scaled(W, percentile=100)
    assert np.allclose(scaled[0], [0, 0.5, -1, 0.25]) and np.allclose(scaled[2], [0.5, -1, 0.25, 0])
    assert (scaled[1] == 0).all()


def test_a_browser_whose_ticks_come_late_gets_fewer_redraws(session, monkeypatch, mnist):
    clock = [100.0]
    monkeypatch.setattr(live.time, "monotonic", lambda: clock[0])
    assert live.browser_slowness(0.2) == 1.0
    for _ in range(20):  # ticks every 0.8 s instead of 0.2 s: a page still drawing the last ones
        clock[0] += 0.1
        live.tick_ended()  # the server took 0.1 s of it
        clock[0] += 0.7
        slowness = live.browser_slowness(0.2)
        assert slowness == pytest.approx(4.0)  # from the first late tick: a page falling behind is caught at once
    assert 3.5 < slowness <= 4.0
    for _ in range(20):  # a slow server (0.7 s a tick), a browser on time: no slow browser
        clock[0] += 0.7
        live.tick_ended()
        clock[0] += 0.05
        assert live.browser_slowness(0.2) < slowness
    assert live.browser_slowness(0.2) < 1.2
    trainer = Trainer(MLP([784, 8, 10]), mnist)
    trainer.step(2)
    live.shown_now(trainer, playing=True, slowness=slowness)
    built = {name: entry[2] for name, entry in live.state.figure_cache().items()}
    trainer.step(1)
    clock[0] += 1.0  # past the loss chart's budget at full speed (0.6 s), within it when 4x slower
    live.shown_now(trainer, playing=True, slowness=slowness)
    assert live.state.figure_cache()["loss"][2] == built["loss"]  # not rebuilt
    live.shown_now(trainer, playing=True, slowness=1.0)
    assert live.state.figure_cache()["loss"][2] != built["loss"]
