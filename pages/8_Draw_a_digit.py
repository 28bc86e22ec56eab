import streamlit as st

from lessons import pages, summaries
from nn_core import drawing, inspection
from ui import handwriting, moments, page
from ui.figures import common, images
from ui.text import plain
from ui.widgets import show_code

page.setup(pages.DRAW)
st.title("Draw a digit")
moment = moments.moment()  # the time slider's moment
model, data = moment.model, moment.dataset
size = data.image_shape[0]
st.markdown(
    "Draw a digit with the mouse (or a finger): the network answers as soon as you lift it. "
    f"Your drawing is prepared the way MNIST's digits were: cropped to the ink, scaled to {round(size * 20 / 28)} "
    f"pixels on its longer side, and centred by its centre of mass in a {size}×{size} frame."
)
if moment.steps == 0:
    st.warning(
        "At step 0 the network had not trained yet, so its answers are guesses: this is where it started."
        if moment.is_past
        else "This network is untrained, so its answers are guesses: train it first (one epoch is enough to be fun)."
    )


def canvas_image():
    """The canvas's RGBA pixels, or None where the canvas component cannot run (it needs a browser)."""
    try:
        from streamlit_drawable_canvas import st_canvas  # registers a component: only inside a running app
    except Exception:  # noqa: BLE001 - any failure means no canvas; the upload below still works
        st.info("The drawing canvas is not available here: upload a picture of a digit instead.")
        return None
    result = st_canvas(
        stroke_width=20,
        stroke_color="#000000",
        background_color="#ffffff",
        height=280,
        width=280,
        return_image_data=True,
        key=handwriting.canvas_key(),
    )
    return result.image_data


@st.fragment
def why_that_answer(prepared, guess: int) -> None:
    """The explanation of the answer: its pickers rerun only this part, not the canvas."""
    st.header("Why that answer")
    explain = st.selectbox(
        "Explain the probability of",
        range(data.n_classes),
        index=guess,
        format_func=lambda c: data.class_names[c] + (" (its answer)" if c == guess else ""),
        key="draw_explain",
    )
    pushes = {
        "ink": ("where your ink pushed (gradient × drawing)", inspection.input_attribution, "−∂L/∂x · x"),
        "gradient": ("where more ink would push (the gradient)", inspection.input_gradient, "−∂L/∂x"),
    }
    shown = st.segmented_control(
        "Show", list(pushes), format_func=lambda k: pushes[k][0], default="ink", key="draw_push_view"
    )
    label, push_of, value_name = pushes[shown or "ink"]
    push = push_of(model, prepared.pixels, explain)
    units, activations = inspection.strongest_units(model, prepared.pixels, k=8)
    left, right = st.columns(2)
    left.plotly_chart(
        common.image_figure(
            push,
            data.image_shape,
            f"Towards {data.class_names[explain]}: {label}",
            diverging=True,
            value_name=value_name,
            height=360,
        ),
        key="draw_gradient",
    )
    left.caption(
        f"The input gradient $-\\partial L / \\partial x$ for $L = -\\log p_{{{data.class_names[explain]}}}$, "
        "from the same backward pass as training (one step further, to the pixels): red where more ink would raise "
        "the probability, blue where ink lowers it. Times your drawing, it keeps only the pixels you inked: what "
        "your strokes did. The gradient alone still carries the random start of the weights, which looks like static."
    )
    right.plotly_chart(
        common.unit_tiles_figure(
            inspection.added_by_training(model.params, moment.initial_params, "W1")[units],
            data.image_shape,
            columns=4,
            title="What training added to the 8 units it switches on most",
            value_name="change",
            units=units,
            each_tile=True,
        ),
        key="draw_units",
    )
    right.caption(
        "Each tile on its own colour scale. Their activations: "
        + ", ".join(f"unit {u}: {a:.2f}" for u, a in zip(units, activations))
        + "."
    )
    show_code(drawing.prepare, inspection.input_gradient, inspection.input_attribution)


left, right = st.columns([2, 3])
with left:
    st.write("")  # room for the canvas's toolbar, which floats above it
    drawn = canvas_image()
    with st.expander("…or upload a picture of a digit"):
        upload = st.file_uploader("PNG or JPEG", type=["png", "jpg", "jpeg"], key="digit_picture")
image = drawn
if upload is not None:
    try:
        image = drawing.read_picture(upload)
    except drawing.PictureError as error:
        st.error(f"{plain(error).capitalize()}.")
        image = None

prepared = None
if image is not None:
    try:
        prepared = drawing.prepare(image, size=size)
    except drawing.EmptyDrawingError:
        prepared = None
with right:
    if prepared is None:
        added = handwriting.added_message()
        if added:
            st.success(added, icon="✅")
        else:
            st.info("✏️ **Draw a digit** in the box: the network's answer appears here.")
    else:
        answer = inspection.answer(model, prepared.pixels)
        probs, guess, runner_up = answer.probs, answer.guess, answer.runner_up
        st.markdown(
            f"### It's {summaries.article(data.class_names[guess])} **{data.class_names[guess]}** ({probs[guess]:.0%})\n"
            f"Next guess: {data.class_names[runner_up]} ({probs[runner_up]:.0%})."
        )
        st.plotly_chart(common.probability_bars(probs, data.class_names, None, "Probabilities"), key="draw_probs")
        if handwriting.usable(data):
            handwriting.add_box(prepared.pixels, guess)

if prepared is not None:
    st.header("What the network receives")
    cols = st.columns(4)
    top, bottom, left_edge, right_edge = prepared.box
    cols[0].image(
        images.square_preview(prepared.ink, box=prepared.box),
        caption=f"1. your drawing as ink, {prepared.ink.shape[0]}×{prepared.ink.shape[1]}",
        alt=f"your drawing as ink, {prepared.ink.shape[0]} by {prepared.ink.shape[1]} pixels, the ink's box marked",
    )
    cols[1].image(
        images.square_preview(prepared.cropped),
        caption=f"2. cropped to the ink: {bottom - top}×{right_edge - left_edge}",
        alt=f"your drawing cropped to the ink: {bottom - top} by {right_edge - left_edge} pixels",
    )
    cols[2].image(
        images.square_preview(prepared.scaled),
        caption=f"3. scaled to {prepared.scaled.shape[0]}×{prepared.scaled.shape[1]}",
        alt=f"your drawing, prepared: scaled to {prepared.scaled.shape[0]} by {prepared.scaled.shape[1]} pixels",
    )
    cols[3].plotly_chart(
        common.image_figure(prepared.pixels, data.image_shape, f"4. centred in {size}×{size}", height=240),
        key="draw_input",
    )

    why_that_answer(prepared, guess)

handwriting.my_digits_section(model, data)
