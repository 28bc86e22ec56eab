import streamlit as st

from lessons import pages
from nn_core import inspection
from nn_core.activations import activation
from nn_core.network import MLP
from ui import glossary, guide, moments, page, state
from ui.figures import common
from ui.widgets import folded, formula, sample_picker, show_code, try_this, unit_picker

page.setup(pages.FORWARD)
st.title("Forward pass: a digit goes through")
# Predict first: the question comes before the page's text, which would give the answer away.
guide.here(pages.FORWARD.path)
guide.checkpoints_of(pages.FORWARD.path)
SOFTMAX_SUM = "softmax_sum"  # the path's question: what the ten outputs add up to
softmax_told = guide.revealed(SOFTMAX_SUM)  # until then, the page calls softmax's outputs nothing
st.markdown(
    "To classify a digit the network does the same two things layer after layer: a weighted sum "
    "(a matrix product plus the biases), then the activation. The last layer's activation is softmax"
    + (", which turns the scores into probabilities." if softmax_told else ".")
    + " Everything below is your network, on the digit you pick."
)
moment = moments.moment()  # the time slider's moment
model, data = moment.model, moment.dataset
L = model.n_layers
X_val, y_val = data.split("val")
index = sample_picker()
x, label = X_val[index], int(y_val[index])
cache = model.forward(x[None, :])
probs = cache[f"A{L}"][0]
guess = inspection.answer(model, x).guess
verdict = "right" if guess == label else f"wrong: it is a **{data.class_names[label]}**"
st.markdown(f"The network says **{data.class_names[guess]}** with probability **{probs[guess]:.1%}**, {verdict}.")
guide.key_idea(
    f"two operations, repeated: $Z = A\\,W^T + b$, then $A = g(Z)$; your network does this **{L}** times"
    + (", and softmax turns the last ten scores into probabilities." if softmax_told else ".")
)
glossary.terms_row(("forward_pass", "pre_activation", "logit", "softmax", "probability"))


@st.fragment
def layers_and_one_unit() -> None:
    """The unit picker reruns only this part (with the bars that show its unit)."""
    st.subheader("Layer by layer, with the shapes")
    sizes = model.layer_sizes
    hidden_activation = activation(model.activation)
    g = hidden_activation.label
    shape_lines = [f"x = A^{{[0]}} &: 1 \\times {sizes[0]}"]
    for l in range(1, L + 1):
        act = r"\mathrm{softmax}" if l == L else r"\mathrm{" + g.replace(" ", r"\ ") + "}"
        shape_lines.append(
            f"Z^{{[{l}]}} = A^{{[{l - 1}]}} W_{l}^\\top + b_{l} &:\\; (1 \\times {sizes[l - 1]})({sizes[l - 1]} \\times {sizes[l]})"
            f" + (1 \\times {sizes[l]}) \\to 1 \\times {sizes[l]},"
            f"\\quad A^{{[{l}]}} = {act}(Z^{{[{l}]}})"
        )
    formula(r"\begin{aligned}" + r" \\ ".join(shape_lines) + r"\end{aligned}")
    st.markdown(  # not a caption: code in a caption's grey fails WCAG's contrast
        f"`W1` is {sizes[1]}×{sizes[0]}, a row per unit as in the notebook: the code is `Z = A @ W.T + b`, a whole "
        "batch of rows at once."
    )
    columns = st.columns([1.2] + [2] * (L - 1) + [1.6])
    columns[0].plotly_chart(
        common.image_figure(x, data.image_shape, f"x: sample {index}", height=220), key="forward_input"
    )
    unit = state.widget_value("forward_unit", 0)
    for l in range(1, L):
        with columns[l]:
            st.plotly_chart(
                common.unit_bars(
                    cache[f"Z{l}"][0],
                    f"Z{l} = A{l - 1}·W{l}ᵀ + b{l}",
                    f"Z{l}",
                    highlight=unit if l == 1 else None,
                    height=180,
                ),
                key=f"forward_Z{l}",
            )
            st.plotly_chart(
                common.unit_bars(
                    cache[f"A{l}"][0], f"A{l} = {g}(Z{l})", f"A{l}", highlight=unit if l == 1 else None, height=180
                ),
                key=f"forward_A{l}",
            )
    with columns[L]:
        st.plotly_chart(
            common.unit_bars(cache[f"Z{L}"][0], f"Z{L}: the logits", f"Z{L}", height=180, x_title="class"),
            key=f"forward_Z{L}",
        )
        st.plotly_chart(
            common.probability_bars(probs, data.class_names, label, f"A{L} = softmax(Z{L})"), key="forward_probs"
        )
    if hidden_activation.switches_off:
        active = inspection.units_switched_on(model, x)
        st.markdown(
            f"Of the {sizes[1]} first-layer units, **{active}** are switched on by this digit (their $Z > 0$); "
            "the rest pass on 0" + (" (or a small negative value)." if hidden_activation.has_slope else ".")
        )

    show_code(MLP.forward)

    part = folded("**Inside one hidden unit**: its weights, the pixels, and the sum they make", expanded=False)
    if part.open:
        with part:
            unit = unit_picker("Hidden unit, orange in the bars above", sizes[1], "forward_unit")
            parts = inspection.unit_sum(model, x, unit)
            added = inspection.added_by_training(model.params, moment.initial_params, "W1")[unit]
            left, added_column, middle, right = st.columns(4)
            left.plotly_chart(
                common.image_figure(
                    parts.weights, data.image_shape, f"W1[{unit}]: its weights", diverging=True, height=300
                ),
                key="unit_weights",
            )
            added_column.plotly_chart(
                common.image_figure(
                    added,
                    data.image_shape,
                    "…what training added to them",
                    diverging=True,
                    value_name="change",
                    height=300,
                ),
                key="unit_added",
            )
            middle.plotly_chart(
                common.image_figure(x, data.image_shape, "x: the pixels", height=300), key="unit_pixels"
            )
            right.plotly_chart(
                common.image_figure(
                    parts.products,
                    data.image_shape,
                    f"W1[{unit}] ⊙ x: what each pixel adds",
                    diverging=True,
                    value_name="w·x",
                    height=300,
                ),
                key="unit_products",
            )
            top = parts.top_pixels(3)
            terms = " + ".join(f"({parts.weights[i]:.3f})({x[i]:.3f})" for i in top)
            rest = parts.total - float(parts.products[top].sum())
            inked = parts.inked
            formula(
                r"\begin{aligned}"
                f"Z1_{{{unit}}} &= \\sum_{{i=0}}^{{{sizes[0] - 1}}} W1_{{{unit},i}}\\, x_i + b1_{{{unit}}} \\\\"
                f" &= {terms} + \\underbrace{{{rest:.3f}}}_{{\\text{{the other {sizes[0] - 3} terms}}}} + ({parts.bias:.3f})"
                f" = {parts.z:.4f}"
                r"\end{aligned}"
            )
            g_z = inspection.activation_at(model, parts.z)
            st.markdown(
                f"Only the {inked} pixels with ink ($x_i > 0$) add anything; the three largest terms are written out. "
                f"Then the activation gives $g(Z1_{{{unit}}}) = {g_z:.4f}$, this unit's output "
                f"$A1_{{{unit}}}$ (the same number as bar {unit} of A1 above: {float(cache['A1'][0][unit]):.4f})."
            )
            show_code(inspection.unit_sum)


layers_and_one_unit()
try_this(pages.FORWARD.path)
