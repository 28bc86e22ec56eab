"""lessons.chain: every local slope and every product along a path against central differences, a
switched-off ReLU's exact zero, a hand-worked chain, and the exact zeros of a network's dW1."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons import chain
from nn_core import MLP
from nn_core.activations import ACTIVATIONS, DEFAULT_ACTIVATION, sigmoid

GRADIENTS = ("x", *chain.PARAMETERS)


def test_a_hand_worked_chain():
    # x = 1.5, w1 = 0.8, b1 = -0.5: z1 = 0.7, a ReLU passes it (a1 = 0.7, g' = 1);
    # w2 = 1.2, b2 = 0: z2 = 0.84, a2 = σ(0.84); E = (a2 - 1)².
    p = chain.chain(1.5, 0.8, 1.2, 1.0, b1=-0.5, activation="relu")
    a2 = 1 / (1 + math.exp(-0.84))
    assert p.values["z1"] == pytest.approx(0.7) and p.values["a1"] == pytest.approx(0.7)
    assert p.values["z2"] == pytest.approx(0.84) and p.values["a2"] == pytest.approx(a2)
    assert a2 == pytest.approx(0.698465, abs=1e-6) and p.values["E"] == pytest.approx((a2 - 1) ** 2)
    dE_dz2 = 2 * (a2 - 1) * a2 * (1 - a2)
    assert p.gradient("w2") == pytest.approx(dE_dz2 * 0.7) == pytest.approx(-0.0889094, abs=1e-7)
    assert p.gradient("b2") == pytest.approx(dE_dz2)
    assert p.gradient("w1") == pytest.approx(dE_dz2 * 1.2 * 1 * 1.5) == pytest.approx(-0.2286242, abs=1e-7)
    assert p.gradient("b1") == pytest.approx(dE_dz2 * 1.2)
    assert p.gradient("x") == pytest.approx(dE_dz2 * 1.2 * 0.8)
    assert [value for _, value in p.factors("w1")] == pytest.approx([2 * (a2 - 1), a2 * (1 - a2), 1.2, 1.0, 1.5])


def test_each_path_runs_from_the_loss_back_to_its_parameter():
    assert chain.path("w1") == (("E", "a2"), ("a2", "z2"), ("z2", "a1"), ("a1", "z1"), ("z1", "w1"))
    assert chain.path("w2") == (("E", "a2"), ("a2", "z2"), ("z2", "w2"))
    assert chain.path("x")[-1] == ("z1", "x") and len(chain.path("b1")) == 5 and len(chain.path("b2")) == 3
    assert set(chain.LOCAL_SLOPES) == set(chain.SLOPE_FORMULAS)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_local_slope_equals_central_differences(activation):
    p = chain.chain(1.2, 0.9, -1.4, 0.2, b1=0.3, b2=0.1, activation=activation)
    for of, wrt in chain.LOCAL_SLOPES:
        assert p.slopes[(of, wrt)] == pytest.approx(chain.numeric_slope(p, of, wrt), abs=1e-8), (of, wrt)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_path_product_equals_central_differences_and_the_backward_sweep(activation):
    p = chain.chain(-0.7, -1.3, 2.1, 1.0, b1=0.2, b2=-0.4, activation=activation)
    for c in chain.check(p):
        assert c.chain_rule == pytest.approx(c.numeric, abs=1e-8), c.name
        assert c.difference < 1e-8
    # the sweep's ∂E/∂node times the last slope gives the same product
    for name in GRADIENTS:
        of, by = chain.path(name)[-1]
        assert p.node_gradients[of] * p.slopes[(of, by)] == pytest.approx(p.gradient(name), rel=1e-12)
    assert p.node_gradients["x"] == pytest.approx(p.gradient("x"), rel=1e-12)


@given(
    x=st.floats(-3, 3),
    w1=st.floats(-3, 3),
    w2=st.floats(-3, 3),
    y=st.floats(0, 1),
    activation=st.sampled_from(list(ACTIVATIONS)),
)
def test_the_products_match_central_differences_anywhere_off_a_kink(x, w1, w2, y, activation):
    p = chain.chain(x, w1, w2, y, b1=-0.5, activation=activation)
    if abs(p.values["z1"]) < 1e-3:  # ReLU's kink: the one-sided slopes differ there
        return
    for c in chain.check(p):
        assert c.chain_rule == pytest.approx(c.numeric, abs=1e-7), c.name


def test_on_a_relus_flat_side_the_product_is_exactly_zero():
    p = chain.chain(1.5, -0.8, 1.2, 1.0, b1=-0.5, activation="relu")  # z1 = -1.7
    assert p.values["z1"] < 0 and p.values["a1"] == 0 and p.slopes[("a1", "z1")] == 0
    for name in ("w1", "b1", "x"):
        assert p.gradient(name) == 0 and chain.numeric_slope(p, "E", name) == 0
        assert p.zero_on_path(name) == ("a1", "z1")
    # w2's path skips g', but its own slope is a1 = 0; b2 still learns
    assert p.gradient("w2") == 0 and p.zero_on_path("w2") == ("z2", "w2")
    assert p.gradient("b2") != 0 and p.zero_on_path("b2") is None
    assert chain.number(p.gradient("w1")) == "0"  # -0.0 is written 0


def test_a_blank_input_zeroes_its_weights_gradient_only():
    p = chain.chain(0.0, 0.8, 1.2, 1.0, b1=0.5)
    assert p.gradient("w1") == 0 and p.zero_on_path("w1") == ("z1", "w1")
    assert p.gradient("b1") != 0 and p.gradient("x") != 0


def test_the_output_unit_is_the_notebooks_sigmoid_and_g_is_the_registrys():
    p = chain.chain(1.0, 2.0, 1.0, 0.0, activation=DEFAULT_ACTIVATION)
    assert p.values["a2"] == pytest.approx(float(sigmoid(np.array([p.values["z2"]]))[0]))
    leaky = chain.chain(1.0, -2.0, 1.0, 0.0, activation="leaky_relu", leaky_slope=0.1)
    assert leaky.values["a1"] == pytest.approx(-0.2) and leaky.slopes[("a1", "z1")] == pytest.approx(0.1)


def test_the_latex_writes_the_path_and_the_numbers_it_multiplies():
    p = chain.chain(1.5, 0.8, 1.2, 1.0, b1=-0.5)
    text = chain.product_latex(p, "w1")
    assert r"\frac{\partial E}{\partial w_1}" in text and r"2(a_2 - y) \cdot \sigma'(z_2) \cdot w_2" in text
    assert "".join(f"({chain.number(v)})" for _, v in p.factors("w1")) in text
    assert text.endswith(f"= {chain.number(p.gradient('w1'))}" + r"\end{aligned}")


def test_zero_gradients_counts_the_exact_zeros_of_dW1_and_why():
    model = MLP([6, 5, 3], seed=1)
    x = np.array([0.0, 0.5, 0.0, 1.0, 0.2, 0.0], dtype=np.float32)
    zeros = chain.zero_gradients(model, x, 2)
    grads = model.backward(model.forward(x[None, :]), np.array([2]))
    assert zeros.weights == 30 and zeros.inputs == 6 and zeros.units == 5 and zeros.blank_inputs == 3
    assert zeros.zero == int((grads["dW1"] == 0).sum())
    assert zeros.silent_units == int((grads["dZ1"][0] == 0).sum())
    inked, passing = zeros.inputs - zeros.blank_inputs, zeros.units - zeros.silent_units
    assert zeros.zero == zeros.weights - inked * passing
    assert zeros.zero_share == pytest.approx(zeros.zero / 30)


def test_a_sigmoid_network_has_no_silent_units_only_blank_pixels():
    model = MLP([6, 5, 3], activation="sigmoid", seed=1)
    zeros = chain.zero_gradients(model, np.array([0, 0.5, 0, 1, 0.2, 0], dtype=np.float32), 0)
    assert zeros.silent_units == 0 and zeros.zero == 3 * 5
