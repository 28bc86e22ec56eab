import streamlit as st

from lessons import pages
from lessons.hints import training_hints
from ui import actions, finder, glossary, guide, live, page, persistence, recipe, runs, state, why
from ui.widgets import fix_buttons, fold, folded

PAGE = pages.TRAINING.path
page.setup(pages.TRAINING, live_area=True)
st.title("Training")


def predict_then_run() -> None:
    """The path's questions here, and its task: train the learner's own network."""
    st.header("Predict, then run")
    guide.key_idea(
        f"training is many small steps downhill; your network has taken **{state.trainer().steps:,}** steps. How big "
        "a step may be depends on where the network is: predict, then see it on a copy of yours."
    )
    glossary.terms_row(("step", "batch", "epoch", "learning_rate", "momentum", "divergence", "moment"))
    guide.checkpoints_of(PAGE)
    guide.train_task()


# A stop's link lands on its questions; otherwise they come after the live view
questions_first = guide.here(PAGE) is not None
if questions_first:
    predict_then_run()
st.markdown(
    "Each **step** runs one batch of training digits forward, measures the loss, backpropagates, and moves every "
    "weight a little downhill: $W \\leftarrow W - \\eta\\,\\partial L/\\partial W$. Press Play and watch."
)
trainer = state.trainer()
state.prepare_play_control()

# One row that wraps on a narrow screen (a phone's columns would stack the six one per line, and put
# the status line and the loss curve a screen and a half below Play)
controls = st.container(horizontal=True, gap="small", vertical_alignment="bottom", key="play_row")
controls.segmented_control(
    "Play",
    ["play", "pause"],
    format_func={"play": "▶️ Play", "pause": "⏸️ Pause"}.get,
    key=state.KEY_PLAYING,
    label_visibility="collapsed",
    disabled=trainer.diverged is not None,
)
controls.button("Step", on_click=actions.run_steps, args=(1,), help="One batch")  # no icon: Step ×10 fits beside it
controls.button("Step ×10", on_click=actions.run_steps, args=(10,), help="Ten batches")
controls.button("+1 epoch", on_click=actions.run_epoch, help="To the end of this pass over the training digits")
controls.button("New network", icon="🔄", on_click=state.new_network, key="page_new_network")
with controls.popover("Link", icon="🔗", help="Copy a link to these settings"):
    st.markdown(
        "**A link to these settings.** Whoever opens it starts a network of their own with them (your "
        "network is not in it). The copy button is at the code's right:"
    )
    st.code(persistence.settings_link(state.settings()), language=None, wrap_lines=True)

# The notices go in one container that is always there, so the charts below keep their place in the
# page whatever appears or goes: a tick of a chart fragment addresses its elements by position, and
# one that arrived after a full rerun had moved them broke the page ("Bad delta path index").
notices = st.container()
if trainer.diverged is not None:
    with notices.container(border=True):
        blew_up = trainer.diverged
        st.error(
            f"**Training stopped: the loss blew up.** {blew_up.message}\n\n"
            "Why: with steps this large, each update jumps across the valley of the loss to a point higher "
            "on the other side, and the next jump is larger still, "
            + (
                "until the numbers overflow."
                if blew_up.loss != blew_up.loss or abs(blew_up.loss) == float("inf")
                else f"until one batch's loss ({blew_up.loss:.3g}) was over ten times the first ({blew_up.reference_loss:.3g})."
            )
        )
        st.button(
            f"Restore and divide the learning rate by 10 ({blew_up.lr:g} → {actions.lowered_rate(blew_up.lr):g})",
            icon="🩹",
            on_click=actions.recover_from_divergence,
            type="primary",
        )
for i, hint in enumerate(training_hints(trainer)):
    with notices.container(border=True):
        st.warning(f"**{hint.title}.** {hint.reason}", icon="💡")
        fix_buttons(hint.fixes, f"hint_fix_{i}")

live.training_view()
# Its answers are worked out only while it is open (opening it reruns the page: they are of now).
why_box = st.expander("Why is it doing that?", icon="❓", key=why.KEY_OPEN, on_change="rerun")
if why_box.open:
    with why_box:
        why.why_section()

# Below the live view, each part is a fold, drawn only while open: the page teaches in its first
# two screens, and a closed part costs a Step click nothing.
part = folded("**Beyond these digits**: train a strong reader; watch a network memorise, and what stops it")
if part.open:
    with part:
        recipe.strong_reader_section()
        with st.container(border=True, key="overfitting"):
            recipe.overfitting_section()

if not questions_first:
    # A fixed label: a fold whose label changes is a new fold, and closes (the count is inside it)
    fold("**Predict, then run**: three questions on the learning rate, and your own network trained", predict_then_run)

part = folded("**Through time**: your runs side by side, probe digits, a learning-rate finder")
if part.open:
    with part:
        # Only the open tab runs (a tab change reruns the page): all three cost a Step click 60 ms.
        compare, probes, find = st.tabs(
            ["Your runs", "Probe digits", "Find a learning rate"], key=runs.KEY_TAB, on_change="rerun"
        )
        if compare.open:
            with compare:
                runs.runs_section()  # not a fragment: bringing a run back changes every part of the page
        if probes.open:
            with probes:
                st.fragment(runs.probes_section)()  # a swapped probe redraws only its chart
        if find.open:
            with find:
                finder.finder_section()  # its suggestion moves the learning rate next to Play too
