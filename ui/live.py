"""The Training page's live area: one table of what it shows, and the one fragment that trains
while Play is on and redraws what moved.

Each ``Chart`` names its builder, what it depends on (counters of the trainer itself, so a chart
cannot be silently stale), its row and width, and how often it may be redrawn while playing.
Adding a chart to the Training page is one builder and one row of ``CHARTS``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from nn_core import inspection
from nn_core.train import Trainer

from . import diagram, pacing, persistence, selections, sidebar, state
from .figures import images, training

LOSS_REDRAW = 0.6  # seconds between redraws of the loss curve while playing (the status line: every tick)
SLOW_TICK = 0.5  # seconds between redraws of one of the slower charts while playing
TILE_UNITS = 256  # first-layer tiles shown at most

# What a chart may depend on: each a counter that moves whenever that part of the trainer does.
# ``serial`` is the trainer's own, so a new network (even at step 0) never shows the old one's charts.
COUNTERS: dict[str, Callable[[Trainer], object]] = {
    "weights": lambda t: t.revision,
    "steps": lambda t: t.steps,
    "evaluations": lambda t: (len(t.history["evals"]), t.history["evals"].last("step")),
    "diagnostics": lambda t: (len(t.history["diagnostics"]), t.history["diagnostics"].last("step")),
}


@dataclass(frozen=True)
class Chart:
    """One thing the live area shows: a Plotly figure, or an RGB image (drawn under ``title``)."""

    name: str
    build: Callable[[Trainer], object]
    depends_on: tuple[str, ...]
    row: int
    width: float
    pace: str = "slow"  # "tick": every tick; "loss": every LOSS_REDRAW s; "slow": one chart per SLOW_TICK s
    title: str = ""
    shown: Callable[[Trainer], bool] = lambda trainer: True
    follows_digit: bool = False  # it draws the followed validation digit: it moves when that does


def _evals(t: Trainer):
    return t.history["evals"]


def _diagnostics(t: Trainer):
    return t.history["diagnostics"]


def _has_evaluation(t: Trainer) -> bool:
    return _evals(t).last("val_per_class_accuracy") is not None


CHARTS = (
    Chart(
        "loss",
        lambda t: training.loss_figure(
            t.history["steps"].column("step"),
            t.history["steps"].column("loss"),
            _evals(t).column("step"),
            _evals(t).column("val_loss"),
        ),
        ("steps", "evaluations"),
        row=0,
        width=2,
        pace="loss",
    ),
    Chart(
        "tiles_added",
        lambda t: images.weight_tiles_rgb(
            inspection.added_by_training(t.model.params, t.initial_params, "W1")[:TILE_UNITS],
            t.dataset.image_shape,
            columns=16,
            each_tile=True,
        ),
        ("weights",),
        row=0,
        width=3,
        pace="tick",
        title="**What training added to the first-layer weights** (W1 now − W1 at the start), one tile per "
        "hidden unit, each on its own colour scale: red pulls the unit's output up where there is ink, blue down",
        shown=lambda t: tiles_view() == "added",
    ),
    Chart(
        "tiles_now",
        lambda t: images.weight_tiles_rgb(t.model.params["W1"][:TILE_UNITS], t.dataset.image_shape, columns=16),
        ("weights",),
        row=0,
        width=3,
        pace="tick",
        title="**First-layer weights now**, one tile per hidden unit: the random start still dominates them",
        shown=lambda t: tiles_view() == "now",
    ),
    Chart(
        "diagram",
        lambda t: diagram.network_figure(t, selections.sample_index(), height=340),
        ("weights",),
        row=1,
        width=3,
        follows_digit=True,
    ),
    Chart(
        "accuracy",
        lambda t: training.accuracy_figure(
            _evals(t).column("step"), _evals(t).column("train_accuracy"), _evals(t).column("val_accuracy")
        ),
        ("evaluations",),
        row=1,
        width=2,
    ),
    Chart(
        "per_class_bars",
        lambda t: training.per_class_bars(_evals(t).last("val_per_class_accuracy"), t.dataset.class_names),
        ("evaluations",),
        row=1,
        width=2,
        shown=_has_evaluation,
    ),
    Chart(
        "per_class_curves",
        lambda t: training.per_class_curves(
            _evals(t).column("step"), _evals(t).column("val_per_class_accuracy"), t.dataset.class_names
        ),
        ("evaluations",),
        row=2,
        width=3,
        shown=_has_evaluation,
    ),
    *(
        Chart(
            name,
            lambda t, name=name, title=title, axis=axis: training.layer_lines_figure(
                _diagnostics(t).column("step"), _diagnostics(t).column(name), title, axis
            ),
            ("diagnostics",),
            row=2,
            width=2,
        )
        for name, title, axis in (
            ("grad_norm", "Gradient norm ‖dW‖", "‖dW‖"),
            ("update_ratio", "Update / weight ‖ΔW‖/‖W‖", "‖ΔW‖ / ‖W‖"),
        )
    ),
    Chart(
        "dead_units",
        lambda t: training.dead_units_figure(_evals(t).column("step"), _evals(t).column("dead_fraction")),
        ("evaluations",),
        row=3,
        width=2,
    ),
    Chart(
        "histograms",
        lambda t: training.weight_histograms(t.model.params, t.initial_params),
        ("weights",),
        row=3,
        width=3,
    ),
)


def version(chart: Chart, trainer: Trainer) -> tuple:
    """What ``chart`` shows of ``trainer`` now: it is rebuilt only when this moves."""
    digit = (selections.sample_index(),) if chart.follows_digit else ()
    return (trainer.serial, *(COUNTERS[name](trainer) for name in chart.depends_on), *digit)


def cached_figures(wanted: dict, most: int | None = None, gap: float = 0.0) -> dict:
    """The figure for each ``name: (version, build)`` in ``wanted``, rebuilt only when its
    ``version`` moved. With ``most``, at most that many figures already on screen are rebuilt (those
    waiting longest first); with ``gap``, none of them within ``gap`` seconds of the last rebuild
    among ``wanted``. The others are re-sent as they were.

    Building a Plotly figure costs the server 5-25 ms. Re-sending an unchanged one costs the browser
    almost nothing, while redrawing one keeps it busy 40-70 ms, and a click waits for that:
    seven charts redrawn in one go kept it busy up to 0.4 s (a Chromium profile while playing)."""
    cache = state.figure_cache()
    stale = [name for name, (v, _) in wanted.items() if name not in cache or cache[name][0] != v]
    rebuild = [name for name in stale if name not in cache]  # nothing to re-send: always built
    waiting = sorted((name for name in stale if name in cache), key=lambda name: cache[name][2])
    last = max((cache[name][2] for name in wanted if name in cache), default=-math.inf)
    if time.monotonic() - last < gap:
        waiting = []
    rebuild += waiting if most is None else waiting[: max(0, most - len(rebuild))]
    for name in rebuild:
        v, build = wanted[name]
        cache[name] = (v, build(), time.monotonic())
    return {name: cache[name][1] for name in wanted}


def shown_now(trainer: Trainer, playing: bool, charts=CHARTS) -> dict:
    """Every chart shown for ``trainer``, built or re-sent under each pace's redraw budget."""
    limits = {"tick": {}, "loss": {"gap": LOSS_REDRAW}, "slow": {"most": 1, "gap": SLOW_TICK}}
    shown = {}
    for pace_name, limit in limits.items():
        group = [c for c in charts if c.pace == pace_name and c.shown(trainer)]
        wanted = {c.name: (version(c, trainer), lambda c=c: c.build(trainer)) for c in group}
        shown |= cached_figures(wanted, **(limit if playing else {}))
    return shown


def status_line(metrics: dict) -> str:
    """The Training page's status line (Markdown) from ``Trainer.metrics()``."""
    val, speed, measured = metrics["val_accuracy"], metrics["samples_per_second"], metrics["val_accuracy_step"]
    accuracy = "**–**" if val != val else f"**{val:.1%}** (at step {measured:,})"
    parts = [
        f"Epoch **{metrics['epoch']:.2f}**",
        f"Step **{metrics['step']:,}**",
        f"Samples seen **{metrics['samples_seen']:,}**",
        f"Learning rate **{metrics['lr']:g}**",
        f"Validation accuracy {accuracy}",
        f"**{'–' if speed != speed else f'{speed:,.0f}'}** samples/s",
    ]
    return " &nbsp;·&nbsp; ".join(parts)


def play_tick(trainer: Trainer, steps: int) -> bool:
    """One tick of Play: ``steps`` updates; False when training must stop (it diverged)."""
    trainer.step(steps)
    return trainer.diverged is None


SPEEDS = (1, 2, 5, 10, 20, 50)
KEY_LR, KEY_BATCH, KEY_SPEED = "_lr_main", "_batch_main", "_speed"
KEY_REFRESH, KEY_REFRESH_SHOWN = "_refresh_page", "_refresh_page_shown"  # a knob moved: rerun the page
KEY_TILES, TILE_VIEWS = "tiles_view_training", {"added": "what training added", "now": "raw weights"}


def tiles_view() -> str:
    """Which first-layer tiles the live area shows: "added" (the default) or "now"."""
    view = state.widget_value(KEY_TILES)
    return view if view in TILE_VIEWS else "added"


def _knob_changed() -> None:
    """A knob of the live area moved: its fragment reruns at once (while playing, the status line
    shows the new value within the tick), then the whole page, so the sidebar's control shows it too."""
    state.set_widget_value(KEY_REFRESH, True)


def _knobs() -> None:
    """The learning rate, the batch size and the speed, inside the live area: moving one reruns
    only the live area, so it answers within a tick even while playing."""
    columns = st.columns([2.6, 2.6, 2, 3], vertical_alignment="bottom")
    sidebar.learning_rate_slider(columns[0], KEY_LR, _knob_changed)
    sidebar.batch_size_slider(columns[1], KEY_BATCH, _knob_changed)
    state.set_widget_value(KEY_SPEED, state.steps_per_tick())
    columns[2].select_slider(
        "Speed (batches per refresh)",
        options=SPEEDS,
        key=KEY_SPEED,
        on_change=lambda: state.set_steps_per_tick(state.widget_value(KEY_SPEED)),
    )
    state.set_widget_value(KEY_TILES, tiles_view())
    columns[3].segmented_control("First-layer tiles", list(TILE_VIEWS), format_func=TILE_VIEWS.get, key=KEY_TILES)


def _draw(charts, shown: dict, static: bool) -> None:
    config = {"config": {"staticPlot": True}} if static else {}
    for row in sorted({c.row for c in charts}):
        in_row = [c for c in charts if c.row == row and c.name in shown]
        for column, chart in zip(st.columns([c.width for c in in_row]), in_row, strict=True):
            item = shown[chart.name]
            if hasattr(item, "to_plotly_json"):
                column.plotly_chart(item, key=chart.name, **config)
            else:  # an image, not a heatmap: a small payload, redrawn every tick without slowing clicks
                column.markdown(chart.title)
                column.image(item, width="stretch")


def training_view(charts=CHARTS) -> None:
    """The live area: while playing, trains a tick and redraws what moved, as one fragment.

    One fragment, not one per speed of chart: when a tick of one fragment reran the whole page (a
    learner came or went, or training diverged), a tick of the other already queued addressed
    elements that were gone, and the browser page broke ("Bad delta path index", 6 of 20 pages in
    the load benchmark). While playing, charts are drawn static (no hover layers to build: a third
    of the browser's work per redraw)."""
    playing = state.is_playing()
    # With many learners playing on one server, ticks come less often and train more steps each. The
    # pace is set when the page is drawn (Play, Pause, another page), never by a rerun from a tick:
    # a tick's rerun while others were queued broke pages in the load benchmark ("Bad delta path
    # index", 1 of 20). Each tick trains for the pace of that moment, so training keeps its speed.
    pace = pacing.play_pace(state.session_key()) if playing else 1
    full_run = {"now": True}  # this function's run is a full run until the fragment's first tick
    state.set_widget_value(KEY_REFRESH, False)  # this run redraws the whole page anyway

    @st.fragment(run_every=pacing.PLAY_INTERVAL * pace if playing else None)
    def live() -> None:
        # Every st.rerun here comes before the fragment draws anything: a rerun after some of its
        # elements were sent broke pages under load ("Bad delta path index", 1 of 10 in the load
        # benchmark), as a second fragment's queued tick did before.
        trainer = state.trainer()
        refresh = bool(state.widget_value(KEY_REFRESH)) and not full_run["now"]
        if refresh and (not state.is_playing() or state.widget_value(KEY_REFRESH_SHOWN)):
            state.set_widget_value(KEY_REFRESH, False)
            st.rerun()  # the sidebar's controls show the knob's new value too
        if state.is_playing():
            pacing.mark_playing(state.session_key())
            # the pace now, not the one the tick interval was set with: training keeps its speed
            now = max(pace, pacing.play_pace(state.session_key()))
            if not play_tick(trainer, state.steps_per_tick() * now):
                state.stop_playing()
                st.rerun()  # the whole page: show the divergence box
        _knobs()
        status = status_line(trainer.metrics())
        if pace > 1:
            status += f" &nbsp;·&nbsp; *busy server: a refresh every {pacing.PLAY_INTERVAL * pace:.1f} s*"
        st.container(key="status").markdown(status)  # one element: cheap to redraw
        # While playing, a moved knob shows in this tick's status line; the next tick reruns the page.
        state.set_widget_value(KEY_REFRESH_SHOWN, refresh)
        _draw(charts, shown_now(trainer, state.is_playing(), charts), static=playing)
        persistence.save_if_due(playing=state.is_playing())

    live()
    full_run["now"] = False
