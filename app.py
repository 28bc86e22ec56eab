import streamlit as st

from lessons import notebook, pages, summaries
from ui import actions, diagram, guide, moments, page, selections, state
from ui.text import plain

UNTRAINED_GUESS = "untrained_guess"  # the path's checkpoint on the starting weights' answer

page.setup(pages.HOME)
st.title("Watch a network learn to read digits")
st.markdown(
    "This network is written from scratch in NumPy, and it is **yours**: it starts from random weights, "
    "and everything on these pages (the plots, the formulas, the numbers in them) comes from it, live. "
    "Train it, then open it up: see what each weight does, how a digit flows forward through the layers, "
    "and how backpropagation works out which way to nudge every weight."
)
trainer = state.trainer()
model, data = trainer.model, trainer.dataset
metrics = trainer.metrics()
start, status = st.columns([1, 3], vertical_alignment="center")
start.button(
    "Train 1 epoch",
    icon="🏋️",
    type="primary",
    on_click=actions.run_epoch,
    disabled=trainer.diverged is not None,
    width="stretch",
)
if metrics["step"] == 0:
    status.markdown("**Not trained yet**: it guesses at random (about 10% right). One epoch takes a second or two.")
else:
    val = metrics["val_accuracy"]
    status.markdown(
        f"Trained **{metrics['step']:,}** steps ({metrics['epoch']:.2f} epochs); "
        + ("no evaluation yet." if val != val else f"validation accuracy **{val:.1%}**.")
    )
st.page_link(pages.TRAINING.path, label="Watch it learn step by step on the Training page", icon="➡️")
st.caption(
    "It grows out of a beginner's notebook that explains layers, weights, activations and backpropagation, then "
    f"trains a 784-10-10 network that never learns. {notebook.STORY} The path below follows the notebook's "
    "story, and the Backpropagation page shows what went wrong."
)
guide.start_here()

row = selections.sample_index()
left, right = st.columns([3, 2])
with left:
    st.subheader("Your network, on one digit")
    st.plotly_chart(diagram.network_figure(moments.moment(), row), key="diagram")
    st.caption(
        f"{' → '.join(f'{n:,}' for n in model.layer_sizes)} units, {model.n_params:,} weights and biases. "
        f"Validation digit {row} goes in on the left; the {diagram.UNITS} hidden units it switches on most are "
        "drawn as what training added to their weights; the answer's probabilities are on the right (the true "
        "class ringed in green). Thicker lines are stronger weights, red positive, blue negative. Train, and "
        "watch them change."
    )
    shown = moments.moment()
    if shown.steps == 0 and not guide.revealed(UNTRAINED_GUESS):  # the path asks this at its second stop
        name = shown.dataset.class_names[int(shown.dataset.split("val")[1][row])]
        st.markdown(
            f"Validation digit {row}: a **{name}**. Which digit will these random weights name? The guided path "
            "asks you to predict it at its second stop, before you train."
        )
    else:
        st.markdown(summaries.followed(shown.model, shown.dataset, row))
with right:
    st.subheader("Data")
    sizes = data.sizes()
    st.markdown(
        f"**{plain(data.description)}**  \n{sizes['train']:,} for training, {sizes['val']:,} for validation, "
        f"{sizes['test']:,} for the final test; {data.image_shape[0]}×{data.image_shape[1]} pixels each."
    )
    st.page_link(pages.BACKPROP.path, label="Why the notebook's network never learned", icon="⬅️")
