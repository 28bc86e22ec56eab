"""The Backpropagation page's opening in AppTest: the key idea quotes nn_core's count for the
learner's network and digit, the two-unit chain's sliders drive the product it prints (lessons.chain's
for those values), and the backward diagram is on the page with no click, saying what a line means."""

import ast

import numpy as np
import pytest

from lessons import chain
from tests.apptest import ROOT, all_text, chart, control, new_app, on_page, open_fold, trainer

PAGE = "pages/5_Backpropagation.py"


def page_constants() -> tuple[float, float]:
    """CHAIN_B1, CHAIN_B2 as the page defines them (read from its source, not run)."""
    for node in ast.parse((ROOT / PAGE).read_text()).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "(CHAIN_B1, CHAIN_B2)":
            return ast.literal_eval(node.value)
    raise AssertionError("the page defines no CHAIN_B1, CHAIN_B2")


@pytest.fixture(scope="module")
def at():
    return open_fold(on_page(new_app(), PAGE), "**The chain rule on two units")


def expected_chain(at, x, w1, w2, y):
    model = trainer(at).model
    b1, b2 = page_constants()
    return chain.chain(x, w1, w2, y, b1, b2, model.activation, model.leaky_slope)


def shown_products(at) -> list[str]:
    """The chain's products as the page wrote them (st.latex wraps its text in $$ lines)."""
    written = [str(e.value).removeprefix("$$\n").removesuffix("\n$$").removesuffix("\\,") for e in at.latex]
    return [text for text in written if text.startswith(r"\begin{aligned}\frac{\partial E}")]


@pytest.mark.slow
def test_the_key_idea_quotes_nn_cores_zero_gradients_for_the_followed_digit(at):
    for row in (0, 7):
        at.number_input(key="_sample").set_value(row).run()
        X, y = trainer(at).dataset.split("val")
        zeros = chain.zero_gradients(trainer(at).model, X[row], int(y[row]))
        idea = next(m.value for m in at.markdown if "The one thing to take away" in m.value)
        assert f"**{trainer(at).dataset.class_names[int(y[row])]}**, validation row {row})" in idea
        assert f"**{zeros.zero_share:.0%}** of your first layer's weight gradients are exactly 0" in idea
        assert f"**{zeros.blank_inputs}** of its {zeros.inputs} pixels are blank" in idea
        assert zeros.silent_units > 0  # the default network's ReLU, on a digit
        assert f"**{zeros.silent_units}** of its {zeros.units} first-layer units are switched off" in idea
    at.number_input(key="_sample").set_value(0).run()


def test_the_chain_shows_nn_cores_product_by_default(at):
    p = expected_chain(at, 1.5, 0.8, 1.2, 1.0)
    assert shown_products(at) == [chain.product_latex(p, "w1")]
    title = chart(at, "chain_figure")["layout"]["title"]["text"]
    assert f"<b>{chain.number(p.gradient('w1'))}</b>" in title
    for c in chain.check(p):  # the finite-difference table beside it
        assert f"| {chain.number(c.chain_rule)} | {chain.number(c.numeric)} |" in all_text(at)


@pytest.mark.slow
def test_the_chains_sliders_change_the_product_shown(at):
    before = shown_products(at)
    at.slider(key="chain_x").set_value(-1.0).run()
    at.slider(key="chain_w1").set_value(-2.0).run()
    at.slider(key="chain_w2").set_value(0.5).run()
    at.slider(key="chain_y").set_value(0.25).run()
    p = expected_chain(at, -1.0, -2.0, 0.5, 0.25)
    shown = shown_products(at)
    assert shown == [chain.product_latex(p, "w1")] and shown != before
    assert f"= {chain.number(p.gradient('w1'))}" in shown[0] and p.gradient("w1") != 0

    at.radio(key="chain_wrt").set_value("w2").run()
    assert shown_products(at) == [chain.product_latex(p, "w2")]
    assert f"<b>{chain.number(p.gradient('w2'))}</b>" in chart(at, "chain_figure")["layout"]["title"]["text"]


@pytest.mark.slow
def test_a_switched_off_unit_shows_a_product_of_exactly_zero(at):
    at.radio(key="chain_wrt").set_value("w1").run()
    at.slider(key="chain_x").set_value(1.5).run()
    at.slider(key="chain_w1").set_value(-0.8).run()  # z1 = -1.7: a ReLU is off
    at.slider(key="chain_w2").set_value(1.2).run()
    p = expected_chain(at, 1.5, -0.8, 1.2, at.slider(key="chain_y").value)
    assert p.zero_on_path("w1") == ("a1", "z1")  # the default network's ReLU
    assert shown_products(at) == [chain.product_latex(p, "w1")]
    assert shown_products(at)[0].endswith(r"= 0\end{aligned}")
    assert "One factor is exactly 0" in all_text(at)


def test_the_backward_diagram_is_reachable_with_no_click_and_says_what_a_line_means():
    at = on_page(new_app(), PAGE)
    inside = {c.proto.id for expander in at.expander for c in expander.get("plotly_chart")}
    diagram = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-bp_diagram")]
    assert diagram and diagram[0].proto.id not in inside
    chain_chart = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-chain_figure")]
    assert not chain_chart  # the chain on two units is a fold: drawn once opened
    captions = "\n".join(c.value for c in at.caption)
    assert "A line's thickness is the size of its weight's gradient for this digit" in captions
    # the detail is there, closed (the notebook's story opens when its stop's link brought the learner)
    parts = [e for e in at.expander if e.label.startswith("**") and e.label[2].isdigit()]  # the numbered parts
    assert [e.label[2] for e in parts] == ["1", "2", "3", "4", "5"]
    assert [e.proto.expanded for e in parts] == [False, False, False, False, False]


@pytest.mark.slow
def test_the_chain_follows_the_learners_activation():
    app = new_app()
    control(app.selectbox, "_activation").set_value("sigmoid").run()
    next(b for b in app.button if b.label == "New network").click().run()
    at = open_fold(on_page(app, PAGE), "**The chain rule on two units")
    assert not at.exception and trainer(at).model.activation == "sigmoid"
    p = expected_chain(at, 1.5, 0.8, 1.2, 1.0)
    assert shown_products(at) == [chain.product_latex(p, "w1")]
    assert p.slopes[("a1", "z1")] == pytest.approx(float(p.values["a1"] * (1 - p.values["a1"])))
    assert np.isfinite(p.gradient("w1"))
