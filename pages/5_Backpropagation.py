import pandas as pd
import streamlit as st

from lessons import chain, neuron, notebook, pages
from lessons import summaries as lines
from lessons.checkpoints import NOTEBOOK_ITERATIONS
from nn_core import inspection
from nn_core.activations import ACTIVATIONS, softmax_jacobian
from nn_core.gradcheck import check_gradients, numeric_gradient
from nn_core.losses import cross_entropy_dZ
from nn_core.network import MLP
from ui import diagram, glossary, guide, moments, page, selections, shared, state
from ui.figures import backprop, common
from ui.figures.chain import chain_figure, plain
from ui.widgets import fold, folded, formula, open_fold, sample_picker, show_code, try_this, unit_picker

NUDGE_RATES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)  # η for the steps along one weight
NUDGE_MOST = 20.0  # the loss curve along one weight spans at most this far either way
NOTEBOOK_CHECKPOINT = "notebook_softmax"  # the path's question on part 5
NOTEBOOK_PART = "**5. What went wrong in the notebook**: tick a box to fix one bug"
NUDGE_CHECKPOINT = "nudge_weight"  # the path's question on a step against the gradient
CHAIN_B1, CHAIN_B2 = -0.5, 0.0  # the two-unit chain's biases (its sliders are x, w1, w2 and y)

PAGE = pages.BACKPROP.path
page.setup(pages.BACKPROP)
st.title("Backpropagation: which way is down")
stop = guide.here(PAGE)
notebook_first = stop is not None and stop.section == "notebook"  # the stop's link opens the page at its part
top = st.container()  # part 5 is drawn here when the notebook's stop opened the page
# Predict first: the question comes before the page's text, which would give the answer away.
guide.checkpoint(NUDGE_CHECKPOINT)
moment = moments.moment()  # the time slider's moment
model, data = moment.model, moment.dataset
L = model.n_layers
X_val, y_val = data.split("val")
index = selections.sample_index()  # the followed digit (its picker is in "Your network, backwards")
x_digit, label = X_val[index], int(y_val[index])
cache = model.forward(x_digit[None, :])
zeros = chain.zero_gradients(model, x_digit, label)
hidden_label = ACTIVATIONS[model.activation].label
st.markdown(
    f"Training needs, for each of your network's **{model.n_params:,}** weights and biases, the slope of the loss "
    "with respect to it"
    + (" (move the weight a little against it and the loss falls)" if guide.revealed(NUDGE_CHECKPOINT) else "")
    + ". Backpropagation finds them all in one sweep backwards: here on two units first, then on your network."
)
silent = (
    f" and **{zeros.silent_units}** of its {zeros.units} first-layer units are switched off ($g'(z) = 0$)"
    if zeros.silent_units
    else ""
)
guide.key_idea(
    "a weight's slope is the **product of the local slopes** on its path to the loss (the chain rule), so one "
    f"zero on the path makes it 0. On the digit you follow (a **{data.class_names[label]}**, validation row {index}), "
    f"**{zeros.zero_share:.0%}** of your first layer's weight gradients are exactly 0: **{zeros.blank_inputs}** of "
    f"its {zeros.inputs} pixels are blank ($\\partial z/\\partial w = x = 0$){silent}."
)
glossary.terms_row(("loss", "cross_entropy", "gradient", "chain_rule", "backpropagation"))


# -- the chain rule on two units ------------------------------------------------------------------
@st.fragment
def chain_section() -> None:
    """Two units in a row: its sliders rerun only this part."""
    output_label = ACTIVATIONS[neuron.NEURON_ACTIVATION].label
    st.markdown(
        f"Two units in a row: a hidden unit with your network's activation $g$ ({hidden_label}), then the notebook's "
        f"{output_label} neuron and its error $E = (a_2 - y)^2$. Each arrow has its own **local slope**, easy on its "
        "own; a parameter's gradient is the product of the slopes on the path from it to $E$."
    )
    cols = st.columns([1, 1, 1, 1, 2])
    x = cols[0].slider("input x", -3.0, 3.0, 1.5, 0.1, key="chain_x")
    w1 = cols[1].slider("weight w₁", -3.0, 3.0, 0.8, 0.1, key="chain_w1")
    w2 = cols[2].slider("weight w₂", -3.0, 3.0, 1.2, 0.1, key="chain_w2")
    y = cols[3].slider("target y", 0.0, 1.0, 1.0, 0.05, key="chain_y")
    wrt = cols[4].radio(
        "Follow the path of", [*chain.PARAMETERS, "x"], format_func=plain, horizontal=True, key="chain_wrt"
    )
    p = chain.chain(x, w1, w2, y, CHAIN_B1, CHAIN_B2, model.activation, model.leaky_slope)
    st.plotly_chart(chain_figure(p, wrt, hidden_label, output_label), key="chain_figure")
    st.caption(
        "Boxes: the values, forward. Under each arrow, its local slope. Bottom row, in red: the gradient of $E$ with "
        "respect to each box, found from $E$ backwards. In orange, the path whose slopes multiply to the gradient "
        "followed."
    )
    left, right = st.columns([3, 2])
    with left:
        formula(chain.product_latex(p, wrt))
        blocked = p.zero_on_path(wrt)
        if blocked is not None:
            of, by = blocked
            st.markdown(
                f"One factor is exactly 0 ($\\partial {chain.SYMBOLS[of]}/\\partial {chain.SYMBOLS[by]} = "
                f"{chain.SLOPE_FORMULAS[blocked]} = 0$), so the product is 0, however wrong $a_2$ is: "
                f"${chain.SYMBOLS[wrt]}$ learns nothing from this input."
            )
        else:
            last = chain.path(wrt)[-1]  # the slope from the box wrt feeds
            st.markdown(
                "Backpropagation does not multiply each path from scratch. The figure's bottom row, the gradient "
                "of $E$ with respect to each box, is found once, from $E$ backwards: each is the one to its right "
                "times one local slope. A parameter's gradient is then one more product, "
                f"$\\partial E/\\partial {chain.SYMBOLS[wrt]} = \\partial E/\\partial {chain.SYMBOLS[last[0]]}"
                f" \\cdot {chain.SLOPE_FORMULAS[last]}$."
            )
    checks = chain.check(p)
    rows = "\n".join(
        f"| {'**' if c.name == wrt else ''}∂E/∂{plain(c.name)}{'**' if c.name == wrt else ''} | "
        f"{chain.number(c.chain_rule)} | {chain.number(c.numeric)} | {c.difference:.0e} |"
        for c in checks
    )
    right.markdown("| gradient | chain rule | finite differences | difference |\n| --- | ---: | ---: | ---: |\n" + rows)
    right.caption(
        "Finite differences move one quantity by $\\pm 10^{-6}$, recompute $E$ and divide: no calculus, "
        f"the same loop that checks your whole network in part 4. Here $b_1 = {CHAIN_B1:g}$, $b_2 = {CHAIN_B2:g}$."
    )
    show_code(chain.chain, chain.numeric_slope)


fold("**The chain rule on two units**: each slope on the path, with sliders", chain_section)

# -- your network, backwards ------------------------------------------------------------------------
st.subheader("Your network, backwards, on one digit")
st.markdown(
    "The same products on your whole network: every connection's gradient is the gradient arriving at the unit "
    "it feeds times what flows along it, $\\partial L/\\partial w = dZ \\cdot A$, and each unit's $dZ$ comes from the "
    "layer after it, times the local slope $g'(z)$. The digit followed on this page and the lessons:"
)
index = sample_picker()
st.plotly_chart(diagram.network_figure(moment, index, backward=True), key="bp_diagram")
st.caption(
    f"Your network on this {data.class_names[label]}, backwards. **A line's thickness is the size of its weight's "
    "gradient for this digit** ($dW = dZ \\cdot A$; red positive, blue negative); from the input, one line stands "
    "for a unit's whole row of $dW_1$ (its size, $|dZ^{[1]}|\\,\\lVert x \\rVert$). A dot's size is the gradient $dZ$ "
    "arriving at that unit. At the output it starts as $A - Y$: the true class (ringed) pulls up, the others push "
    "down; a unit this digit leaves switched off passes nothing back, and its lines vanish."
)


# -- 1. one neuron ------------------------------------------------------------------------------
@st.fragment
def neuron_section() -> None:
    """Part 1: its sliders rerun only this part."""
    left, right = st.columns([1, 2])
    with left:
        w = st.slider("weight w", -3.0, 3.0, 0.8, 0.1, key="bp_w")
        x = st.slider("input X", -3.0, 3.0, 1.5, 0.1, key="bp_x")
        b = st.slider("bias b", -3.0, 3.0, -0.5, 0.1, key="bp_b")
        y = st.slider("target Y", 0.0, 1.0, 1.0, 0.05, key="bp_y")
    p = neuron.neuron(x, w, b, y)
    numeric = neuron.numeric_neuron_gradients(x, w, b, y)
    boxed = neuron.notebook_boxed_gradients(p)
    with right:
        formula(f"Z = wX + b = ({w:g})({x:g}) + ({b:g}) = {p.Z:.4f},\\quad A = \\sigma(Z) = {p.A:.4f}")
        formula(f"E = (A - Y)^2 = ({p.A:.4f} - {y:g})^2 = {p.E:.4f}")
        formula(
            f"\\frac{{\\partial E}}{{\\partial A}} = 2(A - Y) = {p.dE_dA:.4f},\\quad "
            f"\\frac{{\\partial A}}{{\\partial Z}} = \\sigma(Z)(1 - \\sigma(Z)) = {p.dA_dZ:.4f}"
        )
        formula(
            r"\frac{\partial Z}{\partial w} = X,\quad \frac{\partial Z}{\partial b} = 1,\quad "
            r"\frac{\partial Z}{\partial X} = w"
        )
        formula(
            f"\\frac{{\\partial E}}{{\\partial w}} = 2(A - Y)\\,\\sigma'(Z)\\cdot X = ({p.dE_dA:.4f})({p.dA_dZ:.4f})({x:g})"
            f" = {p.dE_dw[0]:.5f}"
        )
    rows = [
        ("∂E/∂w", "2(A−Y)·σ′(Z)·X", p.dE_dw[0], numeric["dE_dw"][0], "2(A−Y)·σ′(Z)·w", boxed["dE_dw"][0]),
        ("∂E/∂b", "2(A−Y)·σ′(Z)·1", p.dE_db, numeric["dE_db"], "2(A−Y)·σ′(Z)·1", boxed["dE_db"]),
        ("∂E/∂X", "2(A−Y)·σ′(Z)·w", p.dE_dx[0], numeric["dE_dx"][0], "2(A−Y)·σ′(Z)·1", boxed["dE_dx"][0]),
    ]
    table = pd.DataFrame(
        rows, columns=["slope", "chain rule", "value", "finite differences", "notebook's box", "box gives"]
    )
    table["box right?"] = ["✅" if abs(r[5] - r[3]) < 1e-6 else "❌" for r in rows]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="%.6f") for c in ("value", "finite differences", "box gives")
        },
    )
    st.markdown(
        "The finite-difference column nudges each quantity by $\\pm 10^{-6}$ and measures how $E$ changes: it "
        "agrees with the chain rule. The notebook's boxes use $w$ where $\\partial Z/\\partial w = X$ belongs, and "
        "$1$ where $\\partial Z/\\partial X = w$ belongs (they agree only when $w = X$, or $w = 1$); its "
        "$\\partial E/\\partial b$ is right."
    )

    show_code(neuron.neuron, neuron.numeric_neuron_gradients, neuron.notebook_boxed_gradients)


fold("**1. One neuron, by the chain rule**: the notebook's derivation, checked", neuron_section)

# -- 2. softmax and cross-entropy ------------------------------------------------------------------
part = folded("**2. Softmax with cross-entropy**: the missing derivative, where the backward sweep starts")
if part.open:
    with part:
        check = inspection.logit_gradient(cache[f"Z{L}"][0], label)
        st.markdown(
            "The output layer's probabilities are $A = \\mathrm{softmax}(Z)$ and the loss is cross-entropy, "
            "$L = -\\sum_k Y_k \\log A_k$, which for a one-hot $Y$ is $-\\log A_y$: small when the true class gets a "
            "high probability. The notebook wanted $\\partial L/\\partial Z$ and never found softmax's derivative. In "
            "three steps:"
        )
        formula(r"\text{1. } \frac{\partial L}{\partial A_k} = -\frac{Y_k}{A_k}")
        formula(
            r"\text{2. } \frac{\partial A_k}{\partial Z_j} = A_k(\delta_{kj} - A_j)"
            r"\quad(\delta_{kj} = 1 \text{ if } k = j \text{, else } 0\text{: softmax's derivative})"
        )
        formula(
            r"\text{3. } \frac{\partial L}{\partial Z_j} = \sum_k -\frac{Y_k}{A_k}\,A_k(\delta_{kj} - A_j)"
            r" = -Y_j + A_j \sum_k Y_k = A_j - Y_j"
        )
        left, right = st.columns([3, 2])
        left.plotly_chart(backprop.logit_gradient_figure(check, data.class_names), key="logit_gradient")
        with right:
            st.markdown(
                f"On this **{data.class_names[label]}**: $A_{{{label}}} = {check.probs[label]:.4f}$, so "
                f"$\\partial L/\\partial Z_{{{label}}} = {check.probs[label]:.4f} - 1 = {check.analytic[label]:.4f}$: "
                "push the true class's score up. Every other class gets $A_j - 0 = A_j$: push it down, "
                "harder the more probability it stole."
            )
            st.markdown(
                f"Finite differences on the loss agree to **{check.max_difference:.1e}** (largest difference over the "
                f"{len(check.analytic)} classes). The notebook's `dE = A2 - one_hot_Y` was right all along: the softmax "
                "derivative was already inside it. Its network failed for other reasons (part 5)."
            )
        st.plotly_chart(
            common.matrix_heatmap(
                check.jacobian,
                "Softmax's derivative on this digit: ∂A_k/∂Z_j = A_k(δ_kj − A_j)",
                "Z_j (class)",
                "A_k (class)",
                height=320,
            ),
            key="softmax_jacobian",
        )
        st.markdown(
            "Step 2 as a matrix, on your digit: the diagonal is $A_k(1 - A_k)$, every other entry $-A_k A_j$. "
            "Multiplying it out, $J^\\top \\,\\partial L/\\partial A$ with $\\partial L/\\partial A_k = -Y_k/A_k$, gives "
            f"$A - Y$ again, to **{check.jacobian_difference:.1e}**: the fused formula is "
            "this matrix product, done in one subtraction."
        )

        show_code(cross_entropy_dZ, inspection.logit_gradient, softmax_jacobian)


# -- 3. the real network ------------------------------------------------------------------------------
@st.fragment
def network_backwards() -> None:
    """Part 3: its learning rate reruns only this part."""
    g = hidden_label
    lr = st.select_slider(
        "Learning rate for the step at the end",
        [0.01, 0.05, 0.1, 0.5, 1.0, 2.0],
        value=0.1,
        key="bp_lr",
    )
    step = inspection.one_sample_step(model, x_digit, label, lr)
    grads = step.backward
    st.markdown(
        "With one digit, $m = 1$. The backward pass starts at the output and walks back layer by layer; each "
        "line below is one line of `MLP.backward`, and each plot is that array for this digit:"
    )
    formula(
        r"\begin{aligned}"
        r"dZ^{[L]} &= (A^{[L]} - Y)/m \\"
        r"dW_l &= dZ^{[l]\top} A^{[l-1]}, \qquad db_l = \textstyle\sum_{\text{rows}} dZ^{[l]} \\"
        r"dA^{[l-1]} &= dZ^{[l]}\, W_l, \qquad dZ^{[l-1]} = dA^{[l-1]} \odot g'(Z^{[l-1]})"
        r"\end{aligned}"
    )
    sizes = model.layer_sizes
    for l in range(L, 0, -1):
        st.subheader(f"Layer {l}" + (" (output)" if l == L else f" (hidden, {g})"))
        cols = st.columns(3)
        dZ, dW, db = grads[f"dZ{l}"][0], grads[f"dW{l}"], grads[f"db{l}"]
        axis = "class" if l == L else f"unit of layer {l}"
        cols[0].plotly_chart(
            common.unit_bars(dZ, f"dZ{l}: 1×{sizes[l]}", f"dZ{l}", height=230, x_title=axis), key=f"bp_dZ{l}"
        )
        if l == 1:
            busiest = inspection.largest_entries(dZ, min(sizes[1], 12))
            cols[1].plotly_chart(
                common.unit_tiles_figure(
                    dW[busiest],
                    data.image_shape,
                    columns=4,
                    title=f"dW1 ({sizes[1]}×{sizes[0]}): {len(busiest)} rows",
                    value_name="dW1",
                    units=busiest,
                ),
                key="bp_dW1",
            )
        else:
            cols[1].plotly_chart(
                common.matrix_heatmap(
                    dW,
                    f"dW{l}: {sizes[l]}×{sizes[l - 1]}",
                    f"unit of layer {l - 1}",
                    "class" if l == L else f"unit of layer {l}",
                    height=230,
                ),
                key=f"bp_dW{l}",
            )
        cols[2].plotly_chart(
            common.unit_bars(db, f"db{l}: {sizes[l]}", f"db{l}", height=230, x_title=axis), key=f"bp_db{l}"
        )
        if l == L:
            st.caption(
                f"dZ{L} is part 2's A − Y ({step.probs_before[label]:.4f} − 1 at class {data.class_names[label]}); "
                f"db{L} equals it, since there is one row."
            )
        if l > 1:
            j = step.unit_passing_most(l - 1)  # show the unit where most gradient gets through
            dA_j, z_j = float(grads[f"dA{l - 1}"][0][j]), float(cache[f"Z{l - 1}"][0][j])
            slope = inspection.slope_at(model, z_j)
            st.plotly_chart(
                common.unit_bars(
                    grads[f"dA{l - 1}"][0],
                    f"dA{l - 1} = dZ{l}·W{l}: 1×{sizes[l - 1]}",
                    f"dA{l - 1}",
                    highlight=j,
                    height=200,
                    x_title=f"unit of layer {l - 1}",
                ),
                key=f"bp_dA{l - 1}",
            )
            formula(
                f"dZ^{{[{l - 1}]}}_{{{j}}} = dA^{{[{l - 1}]}}_{{{j}}}\\, g'(Z^{{[{l - 1}]}}_{{{j}}}) = ({dA_j:.5f})"
                f"\\,g'({z_j:.4f}) = ({dA_j:.5f})({slope:g}) = {float(grads[f'dZ{l - 1}'][0][j]):.5f}"
            )
    if "dA0" in grads:
        st.caption(
            "dW1 above shows the units with the largest $|dZ^{[1]}|$ (hover for the unit). "
            "For one digit each unit's row of dW1 is the digit itself, scaled by that unit's dZ1: "
            "$dW_1[j] = dZ^{[1]}_j\\, x$. The step adds a faint copy of this digit to every unit that should "
            "have responded differently."
        )

    st.subheader("Apply one step")
    unit = step.busiest_unit
    before, after = step.before["W1"][unit], step.after["W1"][unit]
    cols = st.columns(3)
    for col, values, title, key in (
        (cols[0], before, f"W1[{unit}] before", "bp_before"),
        (cols[1], after - before, f"change: −{lr:g} × dW1[{unit}]", "bp_change"),
        (cols[2], after, f"W1[{unit}] after", "bp_after"),
    ):
        col.plotly_chart(common.image_figure(values, data.image_shape, title, diverging=True, height=260), key=key)
    left, right = st.columns([2, 3])
    with left:
        st.markdown(
            f"Every weight and bias moves by $-\\eta \\cdot$ its gradient, with $\\eta = {lr:g}$ (shown: unit {unit}, the "
            "first-layer unit with the largest $|dZ^{[1]}|$)."
        )
        formula(
            f"L_{{\\text{{before}}}} = {step.loss_before:.4g} \\;\\rightarrow\\; L_{{\\text{{after}}}} = {step.loss_after:.4g}"
        )
        st.caption(
            "Done on a copy: your network is unchanged. Training does the same with a batch of digits at a time, "
            "averaging their gradients (the $1/m$)."
        )
    right.plotly_chart(
        backprop.before_after_probs(step.probs_before, step.probs_after, data.class_names, label),
        key="bp_probs",
    )

    show_code(MLP.backward, inspection.one_sample_step)


fold("**3. Your network backwards, layer by layer**, and one step downhill", network_backwards)


# -- 4. gradient check ------------------------------------------------------------------------------
@st.fragment
def gradient_check() -> None:
    """Part 4: its controls rerun only this part."""
    sample_gradients = inspection.one_sample_step(model, x_digit, label, 0.0).backward  # this digit's, alone
    st.markdown(
        "Backprop's gradients can be checked without any calculus: nudge one weight by $\\pm\\varepsilon$, "
        "measure the loss both times, and divide, $\\frac{L(\\theta + \\varepsilon) - L(\\theta - \\varepsilon)}"
        "{2\\varepsilon}$. This does it for random entries of every tensor, on 8 validation digits starting at "
        "yours, in float64 with $\\varepsilon = 10^{-6}$."
    )
    entries = st.select_slider("Entries checked per tensor", [5, 20, 50, 200], value=20, key="bp_entries")
    X_check, y_check = X_val[index : index + 8], y_val[index : index + 8]
    checks = check_gradients(model, X_check, y_check, max_entries=entries, seed=index)
    left, right = st.columns([3, 2])
    left.dataframe(
        pd.DataFrame(
            {
                "tensor": [c.name for c in checks],
                "shape": ["×".join(map(str, model.params[c.name].shape)) for c in checks],
                "entries": [len(c.indices) for c in checks],
                "relative error": [c.relative_error for c in checks],
                "largest difference": [c.max_abs_difference for c in checks],
                "verdict": ["✅ agree" if c.relative_error < 1e-6 else "❌ differ" for c in checks],
            }
        ),
        hide_index=True,
        column_config={
            "relative error": st.column_config.NumberColumn(format="%.2e"),
            "largest difference": st.column_config.NumberColumn(format="%.2e"),
        },
    )
    right.plotly_chart(
        backprop.relative_error_bars([c.name for c in checks], [c.relative_error for c in checks]),
        key="bp_gradcheck",
    )
    st.caption(
        "Relative error $\\lVert a - n \\rVert / (\\lVert a \\rVert + \\lVert n \\rVert)$: around $10^{-9}$ when "
        "backprop is right, near 1 when a formula is wrong. (A ReLU exactly at its kink can disagree by chance.)"
    )

    st.subheader("Nudge one weight")
    names = list(model.params)
    left, right = st.columns([1, 2])
    with left:
        name = st.selectbox("Tensor", names, key="bp_nudge_tensor")
        theta = model.params[name]
        largest = inspection.largest_index(sample_gradients["d" + name])
        pick = st.radio(
            "Which entry",
            ["largest", "choose"],
            key="bp_nudge_pick",
            horizontal=True,
            format_func={"largest": "largest gradient on this digit", "choose": "choose"}.get,
        )
        if pick == "choose":
            where = tuple(
                unit_picker(axis, size, f"bp_nudge_{axis}") for axis, size in zip(("row", "column"), theta.shape)
            )
        else:
            where = largest
        step_lr = st.select_slider(
            "Steps of size η", NUDGE_RATES, value=NUDGE_RATES[2], format_func=lambda v: f"{v:g}", key="bp_nudge_lr"
        )
    descent = inspection.descent_along(model, x_digit[None, :], [label], name, where, step_lr)
    span = min(max(1.0, 1.2 * descent.reach), NUDGE_MOST)  # the curve covers the steps (a runaway is cut off)
    slice_ = inspection.loss_slice(model, x_digit[None, :], [label], name, where, span=span)
    right.plotly_chart(backprop.loss_slice_figure(slice_, descent), key="bp_nudge")
    landing = descent.landing_rate
    left.markdown(
        f"{name}[{', '.join(map(str, where))}] = {slice_.value:.4f}; backprop's slope there: **{slice_.gradient:.5f}**. "
        "The dashed tangent touches the curve at the dot: near it, the slope predicts the loss."
    )
    left.markdown(
        f"Each green step moves the weight by $-\\eta \\cdot$ the slope where it stands. Here the curve's bend is "
        f"$L'' = {descent.curvature:.3g}$"
        + (
            f", so $\\eta = 1/L'' \\approx {landing:.3g}$ would land near the bottom in one step: smaller rates "
            f"creep, larger than {2 * landing:.3g} overshoot and climb. With $\\eta = {step_lr:g}$ the steps **{descent.outcome}**"
            f" (loss {descent.losses[0]:.4f} → {descent.losses[-1]:.4g})."
            if landing != float("inf")
            else ": the loss is not curved upwards here, so no step size lands."
        )
        + " That is the learning-rate slider, for one weight: a blow-up is this climb, in every weight at once."
    )

    show_code(numeric_gradient, check_gradients, inspection.loss_slice)


fold("**4. Check every gradient**, and nudge one weight", gradient_check)


# -- 5. the notebook ------------------------------------------------------------------------------------
def notebook_story(source: str) -> str:
    """The notebook's one story (``lessons.notebook.STORY``), with this data's numbers."""
    every, none = tuple(True for _ in notebook.BUG_NAMES), tuple(False for _ in notebook.BUG_NAMES)
    softmax_only = tuple(bug != "softmax_whole_matrix" for bug in notebook.BUG_NAMES)
    runs = {
        "as written": (every, notebook.CODE_START),
        "softmax fixed": (softmax_only, notebook.CODE_START),
        "all fixed": (none, notebook.CODE_START),
        "all fixed, uniform start": (none, notebook.TEXT_START),
    }
    accuracy = {
        name: float(shared.notebook_run(source, bugs, init, NOTEBOOK_ITERATIONS)["accuracy"][-1])
        for name, (bugs, init) in runs.items()
    }
    return notebook.measured_story(accuracy, NOTEBOOK_ITERATIONS)


@st.fragment
def notebook_bugs() -> None:
    """Part 5: a bug box reruns only this part (the notebook's runs are cached per combination)."""
    source = state.built_source()
    if data.n_classes != 10:
        st.info("The notebook's network has 10 outputs; switch to a 10-class dataset to run it here.")
    else:
        st.markdown(
            f"The notebook trains a {data.n_features}→10→10 network (ReLU, softmax) on all training digits at once "
            "(full-batch gradient descent, learning rate 0.1), with samples in columns. Here is its own code "
            "(`lessons/notebook.py`), with each bug switchable. Tick a box to fix that bug:"
        )
        open_ = guide.revealed(NOTEBOOK_CHECKPOINT)  # the fixed runs would give the path's question away
        if not open_:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.caption("The boxes open once you have made the prediction above and run it.")
                guide.skip_button(NOTEBOOK_CHECKPOINT)
        fixes = {}
        for bug, (short, what, written, fixed) in notebook.BUG_LINES.items():
            left, right = st.columns([1, 4])
            fixes[bug] = left.checkbox(f"Fix {short}", key=f"fix_{bug}", disabled=not open_) and open_
            right.markdown(f"{what.capitalize()}: `{written}` → `{fixed}`")
        left, right = st.columns(2)
        init = left.radio(
            "Starting weights",
            list(notebook.STARTS),
            format_func=notebook.STARTS.get,
            horizontal=True,
            key="notebook_init",
        )
        iterations = right.select_slider("Iterations", [100, 200, 300, 500], value=300, key="notebook_iterations")
        yours = tuple(not fixes[bug] for bug in notebook.BUG_NAMES)
        runs = {"as written": shared.notebook_run(source, tuple(True for _ in notebook.BUG_NAMES), init, iterations)}
        if open_:
            runs["with your fixes"] = shared.notebook_run(source, yours, init, iterations)
            runs["all fixed"] = shared.notebook_run(source, tuple(False for _ in notebook.BUG_NAMES), init, iterations)
        left, right = st.columns([3, 2])
        left.plotly_chart(backprop.notebook_runs_figure(runs), key="notebook_runs")
        left.caption(
            lines.runs_by_last(
                {name.capitalize(): float(run["accuracy"][-1]) for name, run in runs.items()},
                f"training accuracy after {iterations} iterations",
            )
        )
        written = runs["as written"]
        m_train, m_file = len(data.y_train), sum(data.sizes().values())
        with right:
            st.markdown(
                f"- **Softmax**: each sample's probabilities should sum to 1; as written they sum to "
                f"**{written['softmax_column_sum'][-1]:.5f}** (about 1/m). The output barely depends on the digit.\n"
                f"- **db2**: the ten output biases all moved by the same amount "
                f"(**{written['b2_change'][0]:+.3f}**), so no bias can favour one class.\n"
                f"- **db1**: `b1` ended as a **{written['b1_shape'][0]}×{written['b1_shape'][1]}** matrix, one bias "
                "column per training digit: it cannot be used on a new digit.\n"
                f"- **m**: gradients divided by {m_file:,} (the file) instead of {m_train:,} (the training rows): "
                f"steps {m_train / m_file:.0%} of the intended size. Harmless alone."
            )
            if open_:
                st.markdown(notebook_story(source))
            he = (2 / data.n_features) ** 0.5
            st.markdown(
                "Why the start matters: *np.random.randn* gives weights of standard deviation 1, "
                f"{1 / he:.0f}× He's $\\sqrt{{2/{data.n_features}}} = {he:.3f}$, so the first layer's sums are huge; "
                "the text's uniform ±0.5 has deviation 0.29."
            )
    show_code(
        notebook.softmax,
        notebook.backward_prop,
        notebook.gradient_descent,
        label="The notebook's code, with its bugs switchable",
    )


with top if notebook_first else st.container():
    if notebook_first and guide.arrived_now():  # the stop's link opens the part it is for
        open_fold(NOTEBOOK_PART)
    part = folded(NOTEBOOK_PART)
    if part.open:
        with part:
            guide.checkpoint(NOTEBOOK_CHECKPOINT)  # predict before the boxes below show it
            notebook_bugs()
try_this(pages.BACKPROP.path)
