import streamlit as st

from lessons import pages
from nn_core.dataset import class_counts
from nn_core.handwriting import digits_to_bytes
from nn_core.kaggle_csv import submission
from ui import files, handwriting, moments, page, shared, state
from ui.figures import images
from ui.text import plain

page.setup(pages.MODEL)
st.title("Model: keep it, bring it back, send it to Kaggle")
trainer = state.trainer()
model, data = trainer.model, trainer.dataset
sizes = " → ".join(map(str, model.layer_sizes))
metrics = trainer.metrics()
val = metrics["val_accuracy"]
st.markdown(
    f"Your network: **{sizes}** ({model.activation}, {model.n_params:,} weights and biases), trained "
    f"**{trainer.steps:,}** steps on *{plain(shared.source_label(state.built_source()))}*"
    + ("" if val != val else f", validation accuracy **{val:.1%}**")
    + (f". Loaded from **{plain(model.metadata['file'])}**." if model.metadata.get("file") else ".")
)

st.header("Save")
mine = handwriting.digits()
network_name, network_bytes = files.network_file(
    trainer,
    state.settings(),
    state.built_source(),
    state.ledger(),
    digits_to_bytes(mine) if len(mine) else None,
)
history = files.history_files(trainer)
left, middle, right = st.columns(3)
left.download_button(
    "Download the network (.npz)",
    data=network_bytes,
    file_name=network_name,
    mime="application/octet-stream",
    icon="💾",
    width="stretch",
)
middle.download_button(
    "Training history (.csv)",
    data=history["evaluations"][1],
    file_name=history["evaluations"][0],
    mime="text/csv",
    icon="📈",
    width="stretch",
    help="One row per evaluation: step, epoch, losses, accuracies, per-digit accuracy, dead units.",
)
right.download_button(
    "Loss of every batch (.csv)",
    data=history["batches"][1],
    file_name=history["batches"][0],
    mime="text/csv",
    icon="📉",
    width="stretch",
    help="Step, batch loss and learning rate (on long runs, evenly thinned to at most 4,000 rows).",
)
st.markdown(  # not a caption: code in a caption is too faint to read (axe-core's color-contrast)
    "The `.npz` file holds the whole run: one array per weight matrix and bias vector, the starting weights, "
    "the optimizer's state, the order of the batches, the history (so the curves come back), the moments the time "
    "slider goes back to, and a JSON description (the architecture, the settings and every change of them, the "
    "dataset, the step), and your other runs (so Your runs comes back too). Loaded, it trains on exactly as it "
    "would have, and replays bit for bit. It is plain NumPy: `np.load(path)` opens it."
)

st.header("Load")


def load_uploaded() -> None:
    uploaded = state.widget_value("_model_file")
    if uploaded is None:
        return
    try:
        notes = moments.load_network(uploaded.getvalue(), uploaded.name)
    except ValueError as error:
        state.notice(f"Not loaded: {plain(error)}. Your current network is unchanged.", "error")
        return
    steps = state.trainer().steps
    state.notice(
        f"Loaded {plain(uploaded.name)}: it is now your network, trained {steps:,} steps, ready to train on. "
        + " ".join(notes),
        "success",
    )


st.file_uploader(
    "A network saved by this app (.npz)",
    type=["npz"],
    key="_model_file",
    on_change=load_uploaded,
    help="It replaces the current network; its architecture becomes the sidebar's.",
)
st.caption(
    "Files are read without unpickling (nothing in them can run), and checked before anything changes: a file "
    "that is not a model, is damaged, or was built for images of another size is refused with the reason."
)

st.header("Kaggle: Digit Recognizer")
st.markdown(
    "Kaggle's competition gives a `test.csv` of 28,000 unlabelled digits (`pixel0` … `pixel783`) and asks for "
    "`submission.csv`: `ImageId,Label`, one row per digit, counting from 1. Upload the test file; your network "
    "labels every row."
)
test_file = st.file_uploader("test.csv (or .csv.gz)", type=["csv", "gz"], key="_kaggle_test")
if test_file is not None:
    try:
        pixels = shared.kaggle_test_pixels(test_file.getvalue(), test_file.name)
        table = submission(model, pixels)
    except ValueError as error:
        st.error(f"No submission: {plain(error)}")
    else:
        st.success(f"Labelled {len(table):,} digits.")
        st.download_button(
            "Download submission.csv",
            data=table.to_csv(index=False),
            file_name="submission.csv",
            mime="text/csv",
            icon="🏆",
            type="primary",
        )
        preview = min(16, len(table))
        st.image(
            [images.digit_rgb(pixels[i], (28, 28)) for i in range(preview)],
            caption=[f"#{i + 1}: {table['Label'][i]}" for i in range(preview)],
            alt=[f"test.csv digit {i + 1}; the network says {table['Label'][i]}" for i in range(preview)],
            width=76,
        )
        counts = class_counts(table["Label"].to_numpy(), data.n_classes)
        st.caption(
            "The first predictions, and how many of each label: "
            + ", ".join(f"{data.class_names[c]}: {n:,}" for c, n in enumerate(counts))
            + "."
        )
