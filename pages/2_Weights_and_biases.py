import streamlit as st

from lessons import experiments, neuron, pages
from lessons import summaries as lines
from nn_core import inspection
from nn_core.activations import sigmoid
from nn_core.diagnostics import dead_description
from nn_core.network import INITS, init_params
from ui import glossary, guide, moments, page, shared, state
from ui.figures import basics, common, training
from ui.widgets import fold, folded, formula, show_code, try_this, unit_picker

RACE_AUTOMATIC_PARAMS = 300_000  # larger networks race only when asked: it takes seconds

page.setup(pages.WEIGHTS)
st.title("Weights & biases: the knobs")
# Predict first: the question comes before the page's text, which would give the answer away.
guide.here(pages.WEIGHTS.path)
guide.checkpoints_of(pages.WEIGHTS.path)
st.markdown(
    "A unit multiplies each input by a **weight**, adds the products up, adds its **bias**, and passes the "
    "sum through an activation. Weights say how much each input matters and in which direction; the bias "
    "sets how easily the unit switches on. Learning means turning these knobs, and nothing else."
)
guide.key_idea(
    f"your network is **{state.trainer().model.n_params:,}** weights and biases, drawn at random at the start; "
    "training changes these numbers and nothing else."
)
glossary.terms_row(("unit", "layer", "weight", "bias", "parameter", "initialisation"))


@st.fragment
def one_neuron() -> None:
    """The neuron's knobs rerun only this part."""
    left, right = st.columns([2, 3])
    with left:
        a, b = st.columns(2)
        x1 = a.slider("input x₁", -2.0, 2.0, 1.0, 0.1, key="knob_x1")
        x2 = b.slider("input x₂", -2.0, 2.0, 0.5, 0.1, key="knob_x2")
        w1 = a.slider("weight w₁", -4.0, 4.0, 0.5, 0.1, key="knob_w1")
        w2 = b.slider("weight w₂", -4.0, 4.0, -1.0, 0.1, key="knob_w2")
        bias = a.slider("bias b", -4.0, 4.0, 0.0, 0.1, key="knob_b")
        target = b.slider("wanted output Y", 0.0, 1.0, 1.0, 0.05, key="knob_y")
    p = neuron.neuron([x1, x2], [w1, w2], bias, target)
    with right:
        formula(  # short lines: at 1280 px the sum on one line was cut off at the right
            "\\begin{aligned} "
            f"Z &= w_1 x_1 + w_2 x_2 + b \\\\ &= ({w1:g})({x1:g}) + ({w2:g})({x2:g}) + ({bias:g}) = {p.Z:.3f} \\\\ "
            f"A &= \\sigma(Z) = \\frac{{1}}{{1 + e^{{-Z}}}} = {p.A:.3f} \\\\ "
            f"E &= (A - Y)^2 = {p.E:.4f}"
            " \\end{aligned}"
        )
        new_w, new_b = neuron.gradient_step(p, lr=1.0)
        after = neuron.neuron([x1, x2], new_w, new_b, target)
        st.markdown(
            f"To shrink the error, $w_1$ should move **{'up' if p.dE_dw[0] < 0 else 'down'}**, $w_2$ "
            f"**{'up' if p.dE_dw[1] < 0 else 'down'}** and $b$ **{'up' if p.dE_db < 0 else 'down'}**: that is what "
            f"the gradient says (the Backpropagation page derives it). One step of size 1 gives "
            f"$w_1 = {new_w[0]:.3f}$, $w_2 = {new_w[1]:.3f}$, $b = {new_b:.3f}$ and error **{after.E:.4f}** "
            f"(from {p.E:.4f})."
        )
        st.plotly_chart(basics.neuron_curve(sigmoid, "σ", p.Z, p.A, target), key="neuron_curve")

    show_code(neuron.neuron, neuron.gradient_step)


fold("**One neuron, turned by hand**: its sum, its output, and one step", one_neuron)

trainer = state.trainer()
moment = moments.moment()  # the time slider's moment (the present, unless a past one is chosen)
model, data = moment.model, moment.dataset
hidden = model.layer_sizes[1]
st.subheader("Your network's first layer")
st.markdown(
    f"`W1` is a {hidden}×{data.n_features} matrix: row $j$ holds hidden unit $j$'s {data.n_features} weights, one "
    f"per pixel, so it can be drawn as a {data.image_shape[0]}×{data.image_shape[1]} picture. Red pixels push "
    "the unit's sum up when there is ink there, blue pixels push it down. "
    f"This network has trained **{moment.steps:,}** steps."
)


W1 = model.params["W1"]
W1_added = inspection.added_by_training(model.params, moment.initial_params, "W1")


@st.fragment
def first_layer_tiles() -> None:
    """The tiles' view reruns only this part."""
    view = st.segmented_control(
        "Show",
        ["change", "now"],
        format_func={"now": "the weights now", "change": "what training added: W1 − W1 at the start"}.get,
        default="change",
        key="tiles_view",
        label_visibility="collapsed",
    )
    shown_units = min(hidden, 256)
    tiles = (W1 if view == "now" else W1_added)[:shown_units]
    st.plotly_chart(
        common.unit_tiles_figure(
            tiles,
            data.image_shape,
            columns=16,
            title=(
                f"What training added to hidden units 0 to {shown_units - 1}, each tile on its own colour scale"
                if view != "now"
                else f"Weights of hidden units 0 to {shown_units - 1}"
            )
            + " (hover for the unit and value)",
            value_name="change" if view != "now" else "weight",
            each_tile=view != "now",
        ),
        key="unit_tiles",
    )
    if view != "now" and moment.steps == 0:
        st.info(
            "Nothing yet: at step 0 training has not changed a weight. Move the time slider on."
            if moment.is_past
            else "Nothing yet: train a few steps (Training page, or **Train 1 epoch** on the home page) and come back."
        )


first_layer_tiles()

X_val, y_val = data.split("val")


@st.fragment
def one_unit() -> None:
    """One unit's weights and response: its picker reruns only this part."""
    unit = unit_picker("Look at hidden unit", hidden, "weights_unit")
    response = inspection.unit_response(model, X_val, y_val, unit)
    called, _ = dead_description(model.activation, model.leaky_slope)
    left, middle, right = st.columns([2, 2, 3])
    left.plotly_chart(
        common.image_figure(
            W1[unit], data.image_shape, f"W1[{unit}]: unit {unit}'s weights", diverging=True, value_name="weight"
        ),
        key="unit_weights",
    )
    middle.plotly_chart(
        common.image_figure(
            W1_added[unit],
            data.image_shape,
            "…and what training added",
            diverging=True,
            value_name="change",
        ),
        key="unit_change",
    )
    right.plotly_chart(basics.unit_response_bars(response.means, data.class_names, unit), key="unit_response")
    favourite = response.favourite
    st.markdown(
        f"Unit {unit}'s bias is $b1_{{{unit}}} = {float(model.params['b1'][unit]):.4f}$. Over the validation digits "
        f"it responds most to **{data.class_names[favourite]}** (mean $A1 = {response.means[favourite]:.3f}$)"
        + (
            f", but it is **{called}**: its activation's gradient is flat for every validation digit, so it learns nothing."
            if response.dead
            else "."
        )
    )


part = folded("**One hidden unit, close up**: its weights, what training added, what it answers to")
if part.open:
    with part:
        one_unit()
        show_code(inspection.unit_response)

L = model.n_layers
part = folded("**The output layer and the biases**: how the hidden units vote")
if part.open:
    with part:
        left, right = st.columns([3, 2])
        left.plotly_chart(
            common.matrix_heatmap(
                model.params[f"W{L}"],
                f"W{L}: how each hidden unit votes for each class ({model.layer_sizes[-1]}×{model.layer_sizes[-2]})",
                f"hidden unit (layer {L - 1})",
                "class",
            ),
            key="output_weights",
        )
        right.plotly_chart(basics.bias_bars(model.params, moment.initial_params), key="biases")
        st.plotly_chart(
            training.weight_histograms(
                model.params, moment.initial_params, f"at step {moment.steps:,}" if moment.is_past else "now"
            ),
            key="weight_histograms",
        )

part = folded("**Where the knobs start: initialisation**: how random, and why it matters")
if part.open:
    with part:
        settings = state.settings()
        st.markdown(
            "Random, but how random? Each hidden unit sums hundreds of inputs: with weights too large the sums "
            "explode layer after layer (and sigmoid or tanh saturate), too small and the signal fades. "
            "**He** draws weights with standard deviation $\\sqrt{2/n_{in}}$ (for ReLU, which zeroes half its inputs), "
            "**Xavier** $\\sqrt{2/(n_{in} + n_{out})}$ (for sigmoid and tanh); the notebook's code used `np.random.randn` (std 1) while its text promised "
            "uniform in $[-0.5, 0.5]$ (std 0.29). Same batch, same architecture, four starts:"
        )

        @st.fragment
        def initialisations() -> None:
            """The race toggle reruns only this part."""
            hidden_sizes = tuple(model.layer_sizes[1:-1])
            spreads = experiments.init_spreads(model.layer_sizes, model.activation, data.X_train[:256], seed=model.seed)
            race_batch = min(
                trainer.batch_size, 256
            )  # "all" would make 800 full passes: a sample of the race is enough
            small = model.n_params <= RACE_AUTOMATIC_PARAMS
            left, right = st.columns([2, 3])
            left.plotly_chart(basics.init_spread_figure(spreads), key="init_spread")
            with right:
                if small or st.toggle(
                    f"Race the four starts ({model.n_params:,} weights each: a few seconds)", key="init_race_big"
                ):
                    race = shared.init_race(
                        state.built_source(), hidden_sizes, model.activation, settings.lr, race_batch, model.seed
                    )
                    st.plotly_chart(basics.init_race_figure(race), key="init_race")
                    st.caption(
                        lines.runs_by_last(
                            {INITS[name].label: run["val_accuracy"] for name, run in race.items()},
                            "validation accuracy after the race",
                        )
                    )
            st.caption(
                f"Both for your architecture ({' → '.join(map(str, model.layer_sizes))}, {model.activation}): "
                f"200 SGD steps at learning rate {settings.lr:g}, batch {race_batch}, the same batches for each."
            )

        initialisations()
        show_code(init_params, experiments.init_spreads, experiments.init_race)

try_this(pages.WEIGHTS.path)
