import streamlit as st

from ui import page, state
from ui.figures import network
from ui.text import plain

page.setup("Home", "🔢")
st.title("Watch a neural network learn to read digits")
st.markdown(
    "This network is written from scratch in NumPy, and it is **yours**: it starts from random weights, "
    "and everything on these pages (the plots, the formulas, the numbers in them) comes from it, live. "
    "Train it, then open it up: see what each weight does, how a digit flows forward through the layers, "
    "and how backpropagation works out which way to nudge every weight."
)
trainer = state.trainer()
model, data = trainer.model, trainer.dataset
left, right = st.columns([3, 2])
with left:
    st.subheader("Your network")
    st.plotly_chart(network.network_diagram(model.layer_sizes, model.params), key="diagram")
    st.caption(
        f"{' → '.join(f'{n:,}' for n in model.layer_sizes)} units, {model.n_params:,} weights and biases. "
        "A sample of the connections is drawn: red for positive weights, blue for negative, thicker for stronger."
    )
with right:
    st.subheader("Data")
    sizes = data.sizes()
    st.markdown(
        f"**{plain(data.description)}**  \n{sizes['train']:,} for training, {sizes['val']:,} for validation, "
        f"{sizes['test']:,} for the final test; {data.image_shape[0]}×{data.image_shape[1]} pixels each."
    )
    st.subheader("Training so far")
    metrics = trainer.metrics()
    if metrics["step"] == 0:
        st.markdown("Not trained yet: it guesses at random (about 10% right).")
    else:
        val = metrics["val_accuracy"]
        st.markdown(
            f"{metrics['step']:,} steps, {metrics['epoch']:.2f} epochs; "
            + ("no evaluation yet." if val != val else f"validation accuracy **{val:.1%}**.")
        )
    st.button(
        "Train 1 epoch", icon="🏋️", type="primary", on_click=state.run_epoch, disabled=trainer.diverged is not None
    )
    st.page_link("pages/6_Training.py", label="Watch it learn step by step on the Training page", icon="➡️")

st.subheader("Where to go")
cols = st.columns(3)
for col, (section, pages) in zip(cols, page.SECTIONS.items()):
    with col.container(border=True):
        st.markdown(f"**{section}**")
        for path, label, icon in pages:
            st.page_link(path, label=label, icon=icon)
