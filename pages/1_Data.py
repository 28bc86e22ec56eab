import pandas as pd
import streamlit as st

from lessons import pages
from lessons import summaries as lines
from nn_core import dataset as summaries
from nn_core.dataset import make_dataset, stratified_split
from nn_core.losses import one_hot
from ui import glossary, guide, page, selections, state
from ui.figures import basics, common, images
from ui.text import plain
from ui.widgets import fold, folded, formula, sample_picker, show_code, try_this

page.setup(pages.DATA)
st.title("Data: what the network sees")
# Predict first: the question comes before the page's text, which would give the answer away.
guide.here(pages.DATA.path)
guide.checkpoints_of(pages.DATA.path)
data = state.dataset()
h, w = data.image_shape
pixels = h * w
st.markdown(
    f"**{plain(data.description)}.** Each digit arrives as one row of numbers: its label, then {pixels} pixel values, "
    f"one per dot of a {h}×{w} picture, read left to right and top to bottom. "
    "The network never sees a picture: it sees that row."
)
guide.key_idea(
    f"a digit is {pixels} numbers between 0 and 1, and this data has **{len(data.y_train):,}** such rows to learn "
    "from: everything the network will ever know about digits is in them."
)
glossary.terms_row(("pixel", "label", "one_hot", "training_set", "validation_set", "test_set"))


@st.fragment
def one_row() -> None:
    """The followed digit as a row and an image: its pickers rerun only this part."""
    st.subheader("One row becomes an image")
    index = sample_picker(mistakes=False)
    X_val, y_val = data.split("val")
    x, label = X_val[index], int(y_val[index])
    pixels_raw = summaries.raw_row(x, data.pixel_max)
    raw, brightest, grey = pixels_raw.values, pixels_raw.brightest, pixels_raw.edge  # grey: on a stroke's edge
    row = pd.DataFrame([[label, *raw]], columns=["label", *[f"pixel{i}" for i in range(pixels)]])
    st.dataframe(row, hide_index=True, height=80)
    left, right = st.columns([3, 2])
    with left:
        st.markdown(
            f"The row starts with the label, **{data.class_names[label]}**. Then come the pixels: `pixel{brightest}` = "
            f"**{raw[brightest]}**, the brightest here. Pixel $k$ belongs at row $\\lfloor k / {w} \\rfloor$, column "
            f"$k \\bmod {w}$: `pixel{brightest}` is at row {brightest // w}, column {brightest % w}. "
            f"Reshaping the {pixels} numbers into {h} rows of {w} gives the picture on the right (hover for values)."
        )
        st.markdown(
            f"**Scaling.** Raw values run from 0 (paper) to {data.pixel_max:g} (full ink). The network gets each "
            f"divided by {data.pixel_max:g}, so every input is between 0 and 1: large inputs would make the first "
            "layer's sums large, and training unstable."
        )
        formula(
            f"x_{{{grey}}} = \\frac{{{raw[grey]}}}{{{data.pixel_max:g}}} = {x[grey]:.4f}\\qquad x \\in [0, 1]^{{{pixels}}}"
        )
    right.plotly_chart(
        common.image_figure(x, data.image_shape, f"Row {index}: a {data.class_names[label]}", value_name="x"),
        key="sample_image",
    )

    show_code(make_dataset)


one_row()


@st.fragment
def label_one_hot() -> None:
    """The label picker reruns only this part."""
    left, right = st.columns([1, 2], vertical_alignment="center")
    chosen = left.selectbox(
        "Label",
        range(data.n_classes),
        index=int(data.y_val[selections.sample_index()]),
        format_func=lambda c: data.class_names[c],
        key="one_hot_label",
    )
    Y = one_hot([chosen], data.n_classes, int)[0]
    with right:
        st.markdown(
            f"The network answers with {data.n_classes} probabilities, one per class, so the label becomes "
            f"{data.n_classes} numbers too: a 1 at position {chosen}, 0 everywhere else. The loss compares "
            "the two lists."
        )
        formula(f"y = {chosen} \\;\\rightarrow\\; Y = [{', '.join(map(str, Y))}]")

    show_code(one_hot)


fold("**The label, one-hot**: what the network is asked to answer", label_one_hot)
part = folded("**Every digit, many hands**: samples, counts and the average of each class")
if part.open:
    with part:
        per_class = 12
        samples = summaries.sample_images_per_class(data.X_train, data.y_train, data.n_classes, per_class)
        left, right = st.columns([3, 2])
        left.image(
            images.gray_rgb(images.tile_grid(samples, data.image_shape, columns=per_class), scale=2),
            caption=f"The first {per_class} training samples of each class, one class per row ({', '.join(data.class_names)})",
            alt=f"{per_class} handwritten examples of each digit, one row per digit from {data.class_names[0]} to "
            f"{data.class_names[-1]}",
            width="stretch",
        )
        counts = summaries.class_counts(data.y_train, data.n_classes)
        right.plotly_chart(
            basics.class_count_bars(counts, data.class_names, "Training samples per class"), key="class_counts"
        )
        right.caption(lines.class_counts(counts, data.class_names))

        left, right = st.columns(2)
        means = summaries.class_means(data.X_train, data.y_train, data.n_classes)
        with left:
            st.subheader("The average of each class")
            st.image(
                images.gray_rgb(images.tile_grid(means, data.image_shape, columns=5), scale=4),
                width="stretch",
                alt=f"the average training digit of each class, {data.class_names[0]} to {data.class_names[-1]}: blurry "
                "templates of each shape",
            )
            st.caption(
                "Each pixel averaged over all training samples of a class. A blurry template is all a network "
                "without hidden layers could learn; hidden units learn strokes that combine."
            )
        with right:
            shown = data.X_train[:1000]
            st.plotly_chart(basics.pixel_histogram(shown, data.pixel_max), key="pixel_histogram")
            blank = summaries.blank_share(shown)
            st.caption(f"Over the first {len(shown):,} training images, {blank:.0%} of pixels are exactly 0.")

        show_code(summaries.class_means)
part = folded("**Train, validation, test**: which digits teach, which judge")
if part.open:
    with part:
        sizes = data.sizes()
        st.plotly_chart(basics.split_bars(sizes), key="split")
        st.markdown(
            f"The network learns from the **{sizes['train']:,}** training digits only. The **{sizes['val']:,}** "
            "validation digits tell us, while training, how well it does on digits it has never seen (every lesson page "
            f"picks its sample from them). The **{sizes['test']:,}** test digits are kept for the final verdict on the "
            "Evaluation page. Every class is split in the same proportions."
        )
        show_code(stratified_split)

try_this(pages.DATA.path)
