"""The Training page's live area: one table of what it shows, and the one fragment that trains
while Play is on and redraws what moved.

Each ``Chart`` names its builder, what it depends on (counters of the trainer itself, so a chart
cannot be silently stale), its row and width, and how often it may be redrawn while playing.
Adding a chart to the Training page is one builder and one row of ``CHARTS``.

A builder gets the trainer (for its history) and the moment the pages show (``moments.moment()``:
the present network, or a past one chosen on the time slider), whose weights it draws. The time
slider and "Play the past", which walks the moment from step 0 to now, are in the same fragment.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from lessons import summaries
from nn_core import evaluation, inspection
from nn_core.through_time import Moment
from nn_core.train import Trainer

from . import controls, diagram, moments, pacing, persistence, selections, state
from .figures import evaluation as evaluation_figures
from .figures import images, timeline, training
from .settings import DISPLAY
from .widgets import fold_key, folded

LOSS_REDRAW = 0.6  # seconds between redraws of the loss curve while playing (the status line: every tick)
SLOW_TICK = 0.5  # seconds between redraws of one of the slower charts while playing
TILE_UNITS = 256  # first-layer tiles shown at most
PAST_INTERVAL = 0.7  # seconds per moment while playing the past

# What a chart may depend on: each a counter that moves whenever that part of the trainer does.
# ``serial`` is the trainer's own, so a new network (even at step 0) never shows the old one's charts.
COUNTERS: dict[str, Callable[[Trainer, Moment], object]] = {
    "weights": lambda t, m: (m.steps, m.revision),  # the shown moment's weights
    "moment": lambda t, m: m.steps if m.is_past else -1,  # where a curve marks the shown moment
    "steps": lambda t, m: t.steps,
    "evaluations": lambda t, m: (len(t.history["evals"]), t.history["evals"].last("step")),
    "diagnostics": lambda t, m: (len(t.history["diagnostics"]), t.history["diagnostics"].last("step")),
}


@dataclass(frozen=True)
class Chart:
    """One thing the live area shows: a Plotly figure, or an RGB image (drawn under ``title``)."""

    name: str
    build: Callable[[Trainer, Moment], object]
    depends_on: tuple[str, ...]
    row: int
    width: float
    pace: str = "slow"  # "tick": every tick; "loss": every LOSS_REDRAW s; "slow": one chart per SLOW_TICK s
    title: str = ""
    shown: Callable[[Trainer], bool] = lambda trainer: True
    follows_digit: bool = False  # it draws the followed validation digit: it moves when that does
    at_start: str = ""  # what to say under the title when the moment shown is step 0
    alt: Callable[[Trainer, Moment], str] | None = None  # an image's alternative text, from the data
    summary: Callable[[Trainer, Moment], str] | None = None  # one line under a chart, from its data (lessons.summaries)


def _evals(t: Trainer):
    return t.history["evals"]


def _diagnostics(t: Trainer):
    return t.history["diagnostics"]


def _has_evaluation(t: Trainer) -> bool:
    return _evals(t).last("val_per_class_accuracy") is not None


def _marked(fig, m: Moment):
    """``fig`` with the shown moment marked, when it is a past one."""
    return timeline.mark_moment(fig, m.steps) if m.is_past else fig


_EVALUATIONS: dict[tuple, evaluation.Evaluation] = {}


def moment_evaluation(m: Moment) -> evaluation.Evaluation:
    """The validation evaluation of the shown moment (the last few kept: the confusion matrix and
    the per-digit bars both read it)."""
    key = (m.serial, m.steps, m.revision)
    if key not in _EVALUATIONS:
        while len(_EVALUATIONS) >= 16:
            _EVALUATIONS.pop(next(iter(_EVALUATIONS)))
        X, y = m.dataset.split("val")
        _EVALUATIONS[key] = evaluation.evaluate(m.model, X, y)
    return _EVALUATIONS[key]


def _per_class_accuracy(t: Trainer, m: Moment):
    return moment_evaluation(m).per_class_accuracy if m.is_past else _evals(t).last("val_per_class_accuracy")


def _per_class(t: Trainer, m: Moment):
    title = f"Validation accuracy per digit at step {m.steps:,}" if m.is_past else "Validation accuracy per digit"
    return training.per_class_bars(_per_class_accuracy(t, m), t.dataset.class_names, title=title)


CHARTS = (
    Chart(
        "loss",
        lambda t, m: _marked(
            training.loss_figure(
                t.history["steps"].column("step"),
                t.history["steps"].column("loss"),
                _evals(t).column("step"),
                _evals(t).column("val_loss"),
                rates=t.history["steps"].column("rate"),
            ),
            m,
        ),
        ("steps", "evaluations", "moment"),
        row=0,
        width=1,
        pace="loss",
        summary=lambda t, m: summaries.loss(
            t.history["steps"].column("step"),
            t.history["steps"].column("loss"),
            _evals(t).column("step"),
            _evals(t).column("val_loss"),
            _evals(t).column("val_accuracy"),
        ),
    ),
    Chart(
        "tiles_added",
        lambda t, m: images.weight_tiles_rgb(
            inspection.added_by_training(m.model.params, m.initial_params, "W1")[:TILE_UNITS],
            t.dataset.image_shape,
            columns=16,
            each_tile=True,
        ),
        ("weights",),
        row=1,
        width=1,
        pace="tick",
        title="**What training added to the first layer's weights** (W1 − W1 at the start), a tile per unit: "
        "red, ink there pulls its output up",
        shown=lambda t: tiles_view() == "added",
        at_start="*At step 0 nothing has been added yet: every tile is blank. Move the slider on, or train.*",
        alt=lambda t, m: (
            f"first-layer tiles of {min(t.model.layer_sizes[1], TILE_UNITS)} hidden units after "
            f"{m.steps:,} steps: what training added to each unit's weights, red where ink pulls its output up"
        ),
    ),
    Chart(
        "tiles_now",
        lambda t, m: images.weight_tiles_rgb(m.model.params["W1"][:TILE_UNITS], t.dataset.image_shape, columns=16),
        ("weights",),
        row=1,
        width=1,
        pace="tick",
        title="**First-layer weights now**, one tile per hidden unit: the random start still dominates them",
        shown=lambda t: tiles_view() == "now",
        alt=lambda t, m: (
            f"first-layer weights of {min(t.model.layer_sizes[1], TILE_UNITS)} hidden units after "
            f"{m.steps:,} steps, one tile each, red positive and blue negative"
        ),
    ),
    Chart(
        "diagram",
        lambda t, m: diagram.network_figure(m, selections.sample_index(), height=300),
        ("weights",),
        row=1,
        width=1.3,
        follows_digit=True,
        summary=lambda t, m: summaries.followed(m.model, m.dataset, selections.sample_index()),
    ),
    Chart(
        "accuracy",
        lambda t, m: _marked(
            training.accuracy_figure(
                _evals(t).column("step"), _evals(t).column("train_accuracy"), _evals(t).column("val_accuracy")
            ),
            m,
        ),
        ("evaluations", "moment"),
        row=0,
        width=1,
        summary=lambda t, m: summaries.accuracy(
            _evals(t).column("step"), _evals(t).column("train_accuracy"), _evals(t).column("val_accuracy")
        ),
    ),
    Chart(
        "per_class_bars",
        _per_class,
        ("evaluations", "weights"),
        row=0,
        width=1,
        shown=_has_evaluation,
        summary=lambda t, m: summaries.per_digit(_per_class_accuracy(t, m), t.dataset.class_names),
    ),
    Chart(
        "per_class_curves",
        lambda t, m: _marked(
            training.per_class_curves(
                _evals(t).column("step"), _evals(t).column("val_per_class_accuracy"), t.dataset.class_names
            ),
            m,
        ),
        ("evaluations", "moment"),
        row=4,
        width=3,
        shown=_has_evaluation,
    ),
    *(
        Chart(
            name,
            lambda t, m, name=name, title=title, axis=axis: training.layer_lines_figure(
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
        lambda t, m: training.dead_units_figure(_evals(t).column("step"), _evals(t).column("dead_fraction")),
        ("evaluations",),
        row=3,
        width=2,
    ),
    Chart(
        "histograms",
        lambda t, m: training.weight_histograms(
            m.model.params, m.initial_params, f"at step {m.steps:,}" if m.is_past else "now"
        ),
        ("weights",),
        row=3,
        width=3,
    ),
    Chart(
        "confusion",
        lambda t, m: evaluation_figures.confusion_grid(
            moment_evaluation(m).confusion,
            t.dataset.class_names,
            title=f"Confusion on the validation digits{f' at step {m.steps:,}' if m.is_past else ''}",
            height=340,
        ),
        ("weights",),
        summary=lambda t, m: summaries.confusion(moment_evaluation(m).confusion, t.dataset.class_names),
        row=4,
        width=2,
    ),
)


def version(chart: Chart, trainer: Trainer, moment: Moment | None = None) -> tuple:
    """What ``chart`` shows of ``trainer`` (at ``moment``, the present by default) now: it is
    rebuilt only when this moves."""
    moment = moment or trainer.moment()
    digit = (selections.sample_index(),) if chart.follows_digit else ()
    return (trainer.serial, *(COUNTERS[name](trainer, moment) for name in chart.depends_on), *digit)


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


def shown_now(
    trainer: Trainer,
    playing: bool,
    charts=CHARTS,
    moment: Moment | None = None,
    slowness: float = 1.0,
    interval: float = pacing.PLAY_INTERVAL,
) -> dict:
    """Every chart shown for ``trainer`` at ``moment`` (the present by default), built or re-sent
    under each pace's redraw budget, stretched ``slowness`` times for a browser that cannot keep up
    (``browser_slowness``)."""
    moment = moment or trainer.moment()
    tick = {"gap": interval * (slowness - 1)} if slowness > 1.5 else {}
    limits = {"tick": tick, "loss": {"gap": LOSS_REDRAW * slowness}, "slow": {"most": 1, "gap": SLOW_TICK * slowness}}
    shown = {}
    for pace_name, limit in limits.items():
        group = [c for c in charts if c.pace == pace_name and c.shown(trainer)]
        wanted = {c.name: (version(c, trainer, moment), lambda c=c: c.build(trainer, moment)) for c in group}
        shown |= cached_figures(wanted, **(limit if playing else {}))
    return shown


KEY_TICKS = "_live_ticks"  # (when the last tick began, how long it ran, the smoothed slowness)
MOST_SLOWNESS = 8.0


def browser_slowness(interval: float) -> float:
    """How many times later than due this browser's ticks come, smoothed (1: on time). A tick is
    due ``interval`` after the last one began, or when the last one ended if the server took
    longer (the browser's requests wait and merge meanwhile), so a slow server is not taken for a
    slow browser. A browser whose page is still drawing the last redraws fires its timer late:
    the redraw budget is then stretched as much, so a slow laptop's page keeps answering clicks
    instead of falling behind (a renderer slowed 4x saturated at the full budget: a click waited
    seconds behind queued redraws)."""
    now, (began, ran, slowness) = time.monotonic(), state.widget_value(KEY_TICKS, (None, 0.0, 1.0))
    if began is not None and now - began < 10 * interval * MOST_SLOWNESS:
        late = (now - began) / max(interval, ran)
        # Caught at once, let go slowly: smoothed on the way up too, a throttled page took seven
        # Plays of a second each to be stretched enough, and Pause waited 1-1.7 s behind the
        # redraws of each (the browser suite under its loaded profile)
        slowness = late if late > slowness else 0.7 * slowness + 0.3 * late
        slowness = min(max(slowness, 1.0), MOST_SLOWNESS)
    state.set_widget_value(KEY_TICKS, (now, 0.0, slowness))
    return slowness


def tick_ended() -> None:
    """The tick that ``browser_slowness`` saw begin has ended: how long the server took."""
    began, _, slowness = state.widget_value(KEY_TICKS, (None, 0.0, 1.0))
    if began is not None:
        state.set_widget_value(KEY_TICKS, (began, time.monotonic() - began, slowness))


def status_line(metrics: dict, batches_a_refresh: int | None = None) -> str:
    """The Training page's status line (Markdown) from ``Trainer.metrics()``: every setting the
    live area changes is read back here, from the trainer itself (and the speed, batches a refresh)."""
    val, speed, measured = metrics["val_accuracy"], metrics["samples_per_second"], metrics["val_accuracy_step"]
    accuracy = "not measured yet" if val != val else f"**{val:.1%}** (at step {measured:,})"
    parts = [
        f"Epoch **{metrics['epoch']:.2f}**",
        f"Step **{metrics['step']:,}**",
        f"Samples seen **{metrics['samples_seen']:,}**",
        f"Learning rate **{metrics['lr']:g}**"
        + (f" × the schedule = **{metrics['rate']:.2g}**" if metrics.get("schedule", "constant") != "constant" else ""),
        f"Batch **{metrics['batch_size']:,}**"
        + (f" × **{batches_a_refresh}** a refresh" if batches_a_refresh is not None else ""),
        f"Validation accuracy {accuracy}",
    ]
    if speed == speed:  # not before the first steps
        parts.append(f"**{speed:,.0f}** samples/s")
    if metrics.get("dropout"):
        parts.append(f"Dropout **{metrics['dropout']:g}**")
    if metrics.get("augmentation", "none") != "none":
        parts.append(f"Augmented: {metrics['augmentation']}")
    return " &nbsp;·&nbsp; ".join(parts)


def play_tick(trainer: Trainer, steps: int) -> bool:
    """One tick of Play: ``steps`` updates; False when training must stop (it diverged)."""
    trainer.step(steps)
    return trainer.diverged is None


SPEEDS = (1, 2, 5, 10, 20, 50)
KEY_SPEED = "_speed"
KEY_TILES, KEY_TILES_SHOWN = "tiles_view_training", "_tiles_view_training"
TILE_CHARTS = ("tiles_added", "tiles_now")
TILE_VIEWS = {"added": "what training added", "now": "raw weights"}


def tiles_view() -> str:
    """Which first-layer tiles the live area shows: "added" (the default) or "now"."""
    view = state.widget_value(KEY_TILES_SHOWN)
    return view if view in TILE_VIEWS else "added"


def _choose_tiles(view) -> None:
    if view in TILE_VIEWS:  # clicking the chosen one again unchooses it: the view stays
        state.set_widget_value(KEY_TILES_SHOWN, view)


def _whole_page() -> None:
    """From a callback: rerun the whole page, not only the live area (every chart, the hints,
    the line that says a past moment is shown). Never while playing: a full run then redraws the
    page under a running timer, for nothing the status line does not already show."""
    if not state.is_playing():
        st.rerun()


def _knobs() -> None:
    """The learning rate, the batch size and the speed, next to Play and only here on the
    Training page (the sidebar leaves them out there): moving one reruns only the live area, so
    the status line shows it within a tick even while playing, and no other copy can echo it."""
    knobs = [name for name, display in DISPLAY.items() if display.live_area]
    columns = st.container(key="knobs").columns([1] * (len(knobs) + 1), vertical_alignment="bottom")
    for column, name in zip(columns, knobs, strict=False):
        controls.setting(name, column, on_change=_whole_page)
    controls.draw(
        columns[len(knobs)],
        "select_slider",
        "Speed (batches per refresh)",
        KEY_SPEED,
        state.steps_per_tick(),
        state.set_steps_per_tick,
        options=SPEEDS,
    )


def _tiles_control(where) -> None:
    """Which first-layer tiles to show, above them (a choice about that chart, not a setting)."""
    controls.draw(
        where,
        "segmented_control",
        "First-layer tiles",
        KEY_TILES,
        tiles_view(),
        _choose_tiles,
        options=list(TILE_VIEWS),
        format_func=TILE_VIEWS.get,
        label_visibility="collapsed",
    )


KEY_TIME = "_time_slider"
TIME_LABEL = "Show the network as it was at step"


def _moment_moved(step) -> None:
    now = state.trainer().steps
    moments.play_past(False)
    moments.set_moment(None if step is None or step >= now else step)
    _whole_page()  # every chart, and the line that says a past moment is shown


def _play_past(on: bool) -> None:
    moments.play_past(on)
    st.rerun()  # the fragment's tick interval is set by a full run


def time_row(trainer: Trainer, moment: Moment) -> None:
    """The time slider over the held moments and now, and "Play the past"."""
    held = [s for s in trainer.snapshot_steps() if s < trainer.steps] + [trainer.steps]
    slider, right = st.columns([2, 3], vertical_alignment="bottom")

    def shown(step: int) -> str:
        return f"{step:,} (now)" if step == trainer.steps else f"{step:,}"

    at = moment.steps if moment.steps in held else trainer.steps
    if state.is_playing() or moments.is_playing_past():
        # While training or the past plays, the moment cannot be chosen: a display, not a widget (as
        # a widget it was a new one at every tick, its value or its options changed). The slider's
        # widget is retired when this run of the live area ends (``controls.scope``): the browser's
        # last value for it ("now", from before Play the past) could still arrive and run its
        # callback, and stopped the past at its first moments.
        slider.container(key="time_shown").progress(
            held.index(at) / max(len(held) - 1, 1), text=f"{TIME_LABEL}: {shown(at)}"
        )
    else:
        # Its options are part of what it is: a select slider sends the position of its value, and a
        # position sent before the options grew named another step once they had (the moment jumped
        # back by itself). So new options make a new control (``ui.controls``).
        controls.draw(
            slider,
            "select_slider",
            TIME_LABEL,
            KEY_TIME,
            at,
            _moment_moved,
            identity=(trainer.serial, tuple(held)),
            options=held,
            format_func=shown,
            disabled=len(held) < 2,
            help="The moments kept of this run: dense at the start, sparser later. Every page shows the network as "
            "it was then; training acts on the present network.",
        )
    playing_past = moments.is_playing_past()
    buttons = right.container(horizontal=True, gap="small")
    # Two buttons, not one that toggles: a click's trigger that arrives twice stops twice, or starts twice
    buttons.button(
        "Stop" if playing_past else "Play the past",
        icon="⏹️" if playing_past else "⏪",
        on_click=_play_past,
        args=(not playing_past,),
        disabled=state.is_playing() or len(held) < 2,
        key="stop_past" if playing_past else "play_past",
        help="Walk through the kept moments from step 0 to now: the tiles and the confusion matrix animate.",
    )
    buttons.button(
        "Continue from here",
        icon="🌿",
        on_click=_branch,
        args=(moment.steps,),
        disabled=not moment.is_past or state.is_playing(),
        key="continue_from_here",
        help="A new run from the moment shown, with the settings now; this run is kept among your runs.",
    )
    buttons.button(
        "Replay with these settings",
        icon="🔁",
        on_click=_replay,
        disabled=state.is_playing(),
        key="replay_run",
        help="This run again from the same starting weights and the same batches, with the settings now: with no "
        "change it gives exactly the same weights, so a change shows exactly what it does.",
    )


def _branch(step: int) -> None:
    moments.continue_from(step)
    state.notice(
        f"A new run continues from step {state.trainer().steps:,} with the settings now; the one before is kept "
        "under Your runs below.",
        "success",
    )
    st.rerun()


def _replay() -> None:
    moments.replay()
    state.notice(
        "A replay starts from the same weights and will see the same batches: press Play, and compare it with the "
        "run before under Your runs below.",
        "success",
    )
    st.rerun()


def _advance_past(trainer: Trainer, moment: Moment) -> bool:
    """One tick of "Play the past": the next held moment; False when now is reached."""
    later = [s for s in trainer.snapshot_steps() if moment.steps < s < trainer.steps] if moment.is_past else []
    if not later:
        state.back_to_now()
        return False
    moments.set_moment(later[0])
    return True


KEY_IMAGE_URLS = "_live_image_urls"  # chart name -> (the picture array's id, its data URL)


def _as_url(name: str, picture) -> str:
    """The live area's picture ``name`` as a data URL (``images.jpeg_data_url``), encoded once per picture."""
    urls = state.default_value(KEY_IMAGE_URLS, {})
    if name not in urls or urls[name][0] is not picture:
        urls[name] = (picture, images.jpeg_data_url(picture))
    return urls[name][1]


def _draw(charts, shown: dict, static: bool, moment: Moment | None = None, trainer: Trainer | None = None) -> None:
    config = {"config": {"staticPlot": True}} if static else {}
    for row in sorted({c.row for c in charts}):
        in_row = [c for c in charts if c.row == row and c.name in shown]
        for column, chart in zip(st.columns([c.width for c in in_row]), in_row, strict=True):
            item = shown[chart.name]
            if hasattr(item, "to_plotly_json"):
                column.plotly_chart(item, key=chart.name, **config)
                if chart.summary is not None and trainer is not None and moment is not None:
                    column.caption(chart.summary(trainer, moment))
            else:  # an image, not a heatmap: a small payload, redrawn every tick without slowing clicks
                if chart.name in TILE_CHARTS:
                    _tiles_control(column)
                column.markdown(chart.title)
                if chart.at_start and moment is not None and moment.steps == 0:
                    column.caption(chart.at_start)
                alt = chart.alt(trainer, moment) if chart.alt and trainer is not None and moment is not None else None
                column.image(_as_url(chart.name, item), width="stretch", alt=alt or chart.name.replace("_", " "))


# What the live area draws by default (the issue of a page that asks too much: at most six charts);
# the others are under one fold, built only while it is open.
MAIN_CHARTS = frozenset({"loss", "accuracy", "per_class_bars", "tiles_added", "tiles_now", "diagram"})
MORE_CHARTS = "**More charts**: gradients, updates, dead units, weight histograms, each digit over time, confusion"
KEY_MORE_CHARTS = fold_key(MORE_CHARTS)


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
    slowness = state.widget_value(KEY_TICKS, (None, 0.0, 1.0))[2]
    state.set_widget_value(KEY_TICKS, (None, 0.0, slowness))  # a pause or a click is no slow browser
    past = moments.is_playing_past()
    interval = pacing.PLAY_INTERVAL * pace if playing else (PAST_INTERVAL if past else None)

    @st.fragment(run_every=interval)
    def live() -> None:
        # Every st.rerun here comes before the fragment draws anything: a rerun after some of its
        # elements were sent broke pages under load ("Bad delta path index", 1 of 10 in the load
        # benchmark), as a second fragment's queued tick did before.
        trainer = state.trainer()
        slowness = 1.0
        if state.is_playing():
            if not full_run["now"]:
                slowness = browser_slowness(interval or pacing.PLAY_INTERVAL)
            pacing.mark_playing(state.session_key())
            # the pace now, not the one the tick interval was set with: training keeps its speed
            now = max(pace, pacing.play_pace(state.session_key()))
            if not play_tick(trainer, state.steps_per_tick() * now):
                state.stop_playing()
                st.rerun()  # the whole page: show the divergence box
        if past and not full_run["now"]:
            slowness = browser_slowness(interval or PAST_INTERVAL)
            if not _advance_past(trainer, moments.moment()):
                st.rerun()  # now is reached: the whole page, and no more ticks
        # a control this run does not draw (the time slider while the past plays) is retired at its end
        with controls.scope("live"):
            moment = moments.moment()
            status = status_line(trainer.metrics(), state.steps_per_tick())
            if moment.is_past:  # the status line is the present's, while the charts may show the past
                status = "**Now:** " + status
            if pace > 1:
                status += f" &nbsp;·&nbsp; *busy server: a refresh every {pacing.PLAY_INTERVAL * pace:.1f} s*"
            # right under Play (what pressing it changes first), then the knobs: on a phone, where the
            # knobs stack one per line, the counter still moves on the screen where Play was pressed
            st.container(key="status").markdown(status)  # one element: cheap to redraw
            _knobs()
            # The past plays every chart at every moment, unless the browser falls behind: then under the
            # redraw budget, stretched, as Play's (a renderer slowed 4x queued a whole walk's redraws, and
            # a click on Stop waited 30 s behind them)
            budget = state.is_playing() or (past and slowness > 1.5)
            main = [c for c in charts if c.name in MAIN_CHARTS]
            others = [c for c in charts if c.name not in MAIN_CHARTS] if state.widget_value(KEY_MORE_CHARTS) else []
            shown = shown_now(trainer, budget, main + others, moment, slowness, interval or pacing.PLAY_INTERVAL)
            # the time slider under the loss curve, as a video's under its picture (and on a phone the loss
            # curve is on the screen where Play was pressed)
            first_row = min(c.row for c in main)
            _draw(
                [c for c in main if c.row == first_row], shown, static=playing or past, moment=moment, trainer=trainer
            )
            if trainer.steps > 0:
                time_row(trainer, moment)
            _draw(
                [c for c in main if c.row != first_row], shown, static=playing or past, moment=moment, trainer=trainer
            )
            more = folded(MORE_CHARTS)
            if more.open:  # the others are built and drawn only while their fold is open
                with more:
                    _draw(others, shown, static=playing or past, moment=moment, trainer=trainer)
        persistence.save_if_due(playing=state.is_playing())
        tick_ended()

    live()
    full_run["now"] = False
