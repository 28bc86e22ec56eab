import pandas as pd
import streamlit as st

from lessons import experiments, pages
from nn_core import diagnostics
from nn_core.activations import ACTIVATIONS, DEFAULT_LEAKY_SLOPE, get_activation, softmax, softmax_steps
from ui import glossary, guide, moments, page
from ui.figures import basics, common
from ui.text import latex_matrix
from ui.widgets import fold, folded, formula, sample_picker, show_code, try_this

page.setup(pages.ACTIVATIONS)
st.title("Activations: the bend in every unit")
# Predict first: the question comes before the page's text, which would give the answer away.
guide.here(pages.ACTIVATIONS.path)
guide.checkpoints_of(pages.ACTIVATIONS.path)
LINEAR_COLLAPSE = "linear_collapse"  # the path's question: what two layers with no bend can compute
bend_told = guide.revealed(LINEAR_COLLAPSE)  # until then, nothing on the page says what the bend is for
st.markdown(
    "After summing its inputs, each hidden unit passes the sum $z$ through an **activation** $g$"
    + (
        ". Without that bend, the whole network would be one straight-line (linear) function, however many layers "
        "it had. "
        if bend_told
        else ", a bend. "
    )
    + "During backpropagation every gradient passes through $g'(z)$: where $g$ is flat, nothing gets through, "
    "and the weights feeding that unit stop learning."
)

moment = moments.moment()  # the time slider's moment
model, data = moment.model, moment.dataset
X_val, y_val = data.split("val")
batch = X_val[:500]
cache = model.forward(batch)
hidden_Z = [cache[f"Z{l}"] for l in range(1, model.n_layers)]
first_flat = diagnostics.flat_region(hidden_Z[0], model.activation, model.leaky_slope) if hidden_Z else None
switched_on = 1.0 if first_flat is None else 1 - first_flat.fraction
guide.key_idea(
    ("the bend is what lets layers add up to more than one layer; it also decides" if bend_told else "the bend decides")
    + f" where learning can flow. On 500 validation digits, **{switched_on:.0%}** of your first layer's outputs are "
    "off the flat part of its activation."
)
glossary.terms_row(("pre_activation", "activation_function", "flat_region", "dead_unit", "saturation"))


@st.fragment
def functions_section() -> None:
    """The activation shown and its slope rerun only this part."""
    st.subheader("The functions, and where your network's values fall")
    left, right = st.columns([1, 3])
    with left:
        name = st.radio(
            "Activation",
            list(ACTIVATIONS),
            index=list(ACTIVATIONS).index(model.activation),
            format_func=lambda n: ACTIVATIONS[n].label + (" (your network's)" if n == model.activation else ""),
            key="activation_shown",
        )
        entry = ACTIVATIONS[name]
        slope = (
            st.slider("Leaky slope a", 0.0, 0.5, DEFAULT_LEAKY_SLOPE, 0.01, key="leaky_slope")
            if entry.has_slope
            else DEFAULT_LEAKY_SLOPE
        )
        f, df = get_activation(name, slope)
        formula(entry.latex)
        formula(entry.latex_derivative)
    regions = [diagnostics.flat_region(Z, name, slope) for Z in hidden_Z]
    region = regions[0]
    right.plotly_chart(
        basics.activation_figure(
            entry.label,
            f,
            df,
            hidden_Z,
            region.intervals if region else (),
            region.label if region else "",
        ),
        key="activation_figure",
    )
    layers = ", ".join(f"Z{i + 1}" for i in range(len(hidden_Z)))
    if region is None:
        st.markdown(
            "The identity has no flat part: every gradient passes unchanged. It also has no bend"
            + (", which is the problem (see the bottom of this page)." if bend_told else ".")
        )
    else:
        shares = "; ".join(f"layer {i + 1}: **{r.fraction:.0%}**" for i, r in enumerate(regions))
        whose = "" if name == model.activation else f" if your network used {entry.label} on the same sums"
        st.markdown(
            f"The histograms are your network's pre-activations {layers} on 500 validation digits. "
            f"In the shaded region ({region.label}) lie{whose}: {shares}."
        )
    called, because = diagnostics.dead_description(model.activation, model.leaky_slope)
    if called:
        dead = [diagnostics.dead_unit_count(Z, model.activation, model.leaky_slope) for Z in hidden_Z]
        st.markdown(
            f"Units of your network that are **{called}** (in the flat region for every one of these digits, so "
            "their weights get almost no gradient): "
            + "; ".join(f"layer {i + 1}: **{d}** of {Z.shape[1]}" for i, (d, Z) in enumerate(zip(dead, hidden_Z)))
            + "."
        )

    show_code(entry.f, entry.df, diagnostics.flat_region, diagnostics.dead_units)


functions_section()


@st.fragment
def softmax_section() -> None:
    """The digit and the temperature rerun only this part."""
    st.markdown(
        "The output layer gives one score $z_k$ per class (the **logits**); softmax turns them into probabilities "
        "that are positive and sum to 1. Subtracting the largest score first changes nothing (it cancels in the "
        "division) but keeps $e^{z}$ from overflowing. A **temperature** $T$ divides the scores: "
        "high $T$ flattens the answer, low $T$ sharpens it (training always uses $T = 1$)."
    )
    index = sample_picker()
    x, label = X_val[index], int(y_val[index])
    logits = model.forward(x[None, :])[f"Z{model.n_layers}"][0]
    left, right = st.columns([1, 3])
    temperature = left.select_slider(
        "Temperature T", [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0], value=1.0, key="softmax_temperature"
    )
    left.plotly_chart(
        common.image_figure(x, data.image_shape, f"Sample {index}: a {data.class_names[label]}", height=220),
        key="softmax_sample",
    )
    steps = softmax_steps(logits, temperature)
    right.plotly_chart(basics.softmax_steps_figure(steps, data.class_names), key="softmax_steps")
    top = steps.top
    formula(
        f"p_{{{data.class_names[top]}}} = \\frac{{e^{{z_{{{top}}}/T - \\max}}}}{{\\sum_k e^{{z_k/T - \\max}}}} "
        f"= \\frac{{e^{{{steps.shifted[top]:.3f}}}}}{{{steps.total:.4f}}} = \\frac{{{steps.exps[top]:.4f}}}{{{steps.total:.4f}}}"
        f" = {steps.probs[top]:.4f}"
    )
    st.dataframe(
        pd.DataFrame(
            {
                "class": data.class_names,
                "z": steps.logits,
                "z / T": steps.scaled,
                "z/T − max": steps.shifted,
                "exp": steps.exps,
                "probability": steps.probs,
            }
        ),
        hide_index=True,
        column_config={c: st.column_config.NumberColumn(format="%.4f") for c in ("z", "z / T", "z/T − max", "exp")}
        | {"probability": st.column_config.ProgressColumn(format="%.3f", min_value=0.0, max_value=1.0)},
    )

    show_code(softmax_steps, softmax)


fold("**Softmax: from scores to probabilities**: the output layer's bend, step by step", softmax_section)

if guide.held_back(LINEAR_COLLAPSE, "Why bend at all, the algebra with numbers,"):
    part = folded("**Why bend at all: two linear layers are one**: the algebra, with numbers")
    if part.open:
        with part:
            demo = experiments.linear_collapse()
            st.markdown(
                "Stack two layers with no activation between them: $h = W_1 x + b_1$, then $y = W_2 h + b_2$. "
                "Multiply out and it is a single layer, $y = (W_2 W_1) x + (W_2 b_1 + b_2)$:"
            )
            formula(
                f"W_2 W_1 = {latex_matrix(demo.W2)} {latex_matrix(demo.W1)} = {latex_matrix(demo.W)}, \\qquad "
                f"W_2 b_1 + b_2 = {latex_matrix(demo.b[:, None])}"
            )
            st.dataframe(
                pd.DataFrame(
                    {
                        "input x": [str(tuple(int(v) for v in row)) for row in demo.X],
                        "two layers": [str(tuple(float(v) for v in row)) for row in demo.stacked],
                        "one layer W x + b": [str(tuple(float(v) for v in row)) for row in demo.single],
                        "two layers, ReLU between": [str(tuple(float(v) for v in row)) for row in demo.with_relu],
                    }
                ),
                hide_index=True,
            )
            st.markdown(
                f"The first two columns agree on every input (largest difference {demo.max_difference:g}). Put a ReLU "
                "between the layers and the answers change: no single matrix gives the last column for every input, which "
                "is what lets a deep network draw curved boundaries between the digits."
            )
            show_code(experiments.linear_collapse)

try_this(pages.ACTIVATIONS.path)
