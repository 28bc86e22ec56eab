import streamlit as st

from nn_core.hints import training_hints
from ui import figures, page, state
from ui.widgets import status_line

page.setup("Training", "🏋️")
# While playing, charts are drawn static (no hover layers to build): a third of the browser's work per redraw.
CHART = {"config": {"staticPlot": True}} if state.is_playing() else {}
LOSS_REDRAW = 0.6  # seconds between redraws of the loss curve while playing (the status line: every tick)
SLOW_TICK = 0.5  # seconds between redraws of one of the slower charts while playing


st.title("Training")
st.markdown(
    "Each **step** takes one batch of training digits, runs them forward, measures the loss, "
    "backpropagates to get every weight's gradient, and moves each weight a little downhill: "
    "$W \\leftarrow W - \\eta\\,\\partial L/\\partial W$. Watch the loss fall, the accuracy climb, "
    "and the first layer's weights turn from noise into strokes."
)
trainer = state.trainer()
playing = state.is_playing()
state.set_playing(playing)  # give the control its value (Streamlit drops it on other pages)

controls = st.columns([1, 1, 1, 1.7, 1.3, 2], vertical_alignment="bottom")
controls[0].button("Step", icon="👣", on_click=state.run_steps, args=(1,), help="One batch", width="stretch")
controls[1].button("Step ×10", on_click=state.run_steps, args=(10,), help="Ten batches", width="stretch")
controls[2].button(
    "+1 epoch", on_click=state.run_epoch, help="To the end of this pass over the training digits", width="stretch"
)
controls[3].segmented_control(
    "Play",
    ["play", "pause"],
    format_func={"play": "▶️ Play", "pause": "⏸️ Pause"}.get,
    key=state.KEY_PLAYING,
    label_visibility="collapsed",
    disabled=trainer.diverged is not None,
    width="stretch",
)
controls[4].button("New network", icon="🔄", on_click=state.new_network, key="page_new_network", width="stretch")
controls[5].select_slider(
    "Speed (batches per refresh)",
    options=[1, 2, 5, 10, 20, 50],
    key="_speed",
    value=state.steps_per_tick(),
    on_change=lambda: state.set_steps_per_tick(state.widget_value("_speed")),
)

# The notices go in one container that is always there, so the charts below keep their place in the
# page whatever appears or goes: a tick of a chart fragment addresses its elements by position, and
# one that arrived after a full rerun had moved them broke the page ("Bad delta path index").
notices = st.container()
if trainer.diverged is not None:
    with notices.container(border=True):
        st.error(
            f"**Training stopped: the loss blew up.** {trainer.diverged.message}\n\n"
            "Why: with steps this large, each update jumps across the valley of the loss to a point higher "
            "on the other side, and the next jump is larger still, until the numbers overflow."
        )
        st.button(
            "Restore and divide the learning rate by 10",
            icon="🩹",
            on_click=state.recover_from_divergence,
            type="primary",
        )

for i, hint in enumerate(training_hints(trainer)):
    with notices.container(border=True):
        st.warning(f"**{hint.title}.** {hint.reason}", icon="💡")
        if hint.fix:
            st.button(hint.fix_label, key=f"hint_fix_{i}", on_click=state.apply_fix, args=(hint.fix,))


# With many learners playing on one server, ticks come less often and train more steps each.
pace = state.play_pace() if playing else 1


@st.fragment(run_every=state.PLAY_INTERVAL * pace if playing else None)
def live_view() -> None:
    """Trains while playing and redraws: the status line and first-layer weights every tick, the
    loss curve every LOSS_REDRAW seconds, one of the slower charts every SLOW_TICK seconds.

    One fragment, not one per speed of chart: when a tick of one fragment reran the whole page (a
    learner came or went, or training diverged), a tick of the other already queued addressed
    elements that were gone, and the browser page broke ("Bad delta path index", 6 of 20 pages in
    the load benchmark). Charts whose data did not move are re-sent as they were, which costs
    next to nothing."""
    trainer = state.trainer()
    if state.is_playing():
        state.mark_playing()
        if not state.play_tick(trainer, state.steps_per_tick() * pace):
            state.set_playing(False)
            st.rerun()  # the whole page: show the divergence box
        if state.play_pace() != pace and not in_full_run:
            st.rerun()  # learners came or went: the whole page again, to set the new pace
    status = status_line(trainer.metrics())
    if pace > 1:
        status += f" &nbsp;·&nbsp; *busy server: a refresh every {state.PLAY_INTERVAL * pace:.1f} s*"
    st.container(key="status").markdown(status)  # one element: cheap to redraw

    steps, evals = trainer.history["steps"], trainer.history["evals"]
    # While playing, the curve moves on every LOSS_REDRAW seconds, not every tick: a third of the
    # browser's work while playing, and the clicks wait for less. Paused, it shows every step.
    loss = state.cached_figures(
        {
            "loss": (
                (id(trainer), trainer.steps, len(evals)),
                lambda: figures.loss_figure(
                    steps.column("step"), steps.column("loss"), evals.column("step"), evals.column("val_loss")
                ),
            )
        },
        gap=LOSS_REDRAW if state.is_playing() else 0.0,
    )["loss"]
    left, right = st.columns([2, 3])
    left.plotly_chart(loss, key="loss", **CHART)
    grid = figures.tile_grid(trainer.model.params["W1"][:256], trainer.dataset.image_shape, columns=16)
    with right:  # an image, not a heatmap: a small payload, redrawn 5 times a second without slowing clicks
        st.markdown("**First-layer weights**, one tile per hidden unit: red pulls its output up, blue down")
        st.image(figures.diverging_rgb(grid, scale=1), width="stretch")
        st.page_link("pages/2_Weights_and_biases.py", label="Inspect each unit's weights", icon="🔍")
    slow_charts(trainer, playing=state.is_playing())


def slow_charts(trainer, playing: bool) -> None:
    """What changes only at evaluations or drifts slowly. While playing, one of these charts is
    redrawn every SLOW_TICK seconds, the one waiting longest first, so each comes round every few
    seconds: redrawn together they kept the browser busy up to 0.4 s, and a click on Pause waited."""
    evals, diag = trainer.history["evals"], trainer.history["diagnostics"]
    eval_steps, names, diag_steps = evals.column("step"), trainer.dataset.class_names, diag.column("step")
    at_eval, at_diag = (id(trainer), evals.last("step")), (id(trainer), diag.last("step"))
    per_class = evals.last("val_per_class_accuracy")
    wanted = {
        "accuracy": (
            at_eval,
            lambda: figures.accuracy_figure(eval_steps, evals.column("train_accuracy"), evals.column("val_accuracy")),
        )
    }
    if per_class is not None:
        wanted["per_class_bars"] = (at_eval, lambda: figures.per_class_bars(per_class, names))
        wanted["per_class_curves"] = (
            at_eval,
            lambda: figures.per_class_curves(eval_steps, evals.column("val_per_class_accuracy"), names),
        )
    wanted |= {
        "grad_norm": (
            at_diag,
            lambda: figures.layer_lines_figure(diag_steps, diag.column("grad_norm"), "Gradient norm ‖dW‖", ""),
        ),
        "update_ratio": (
            at_diag,
            lambda: figures.layer_lines_figure(diag_steps, diag.column("update_ratio"), "Update / weight ‖ΔW‖/‖W‖", ""),
        ),
        "dead_units": (at_eval, lambda: figures.dead_units_figure(eval_steps, evals.column("dead_fraction"))),
        "histograms": (
            (id(trainer), trainer.steps),
            lambda: figures.weight_histograms(trainer.model.params, trainer.initial_params),
        ),
    }
    shown = state.cached_figures(wanted, most=1, gap=SLOW_TICK) if playing else state.cached_figures(wanted)
    rows = [(["accuracy", "per_class_bars", "per_class_curves"], [2, 2, 3])]
    rows += [(["grad_norm", "update_ratio", "dead_units", "histograms"], [1, 1, 1, 1.6])]
    for row, widths in rows:
        for column, name in zip(st.columns(widths), row, strict=True):
            if name in shown:
                column.plotly_chart(shown[name], key=name, **CHART)


in_full_run = True  # a pace that moved during a full run waits for the next tick: a rerun here cut the page short
live_view()
in_full_run = False
