import numpy as np
import pytest

from lessons.neuron import gradient_step, neuron, neuron_error, notebook_boxed_gradients, numeric_neuron_gradients
from nn_core.activations import ACTIVATIONS


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("x, w, b, y", [(1.5, 0.8, -0.5, 1.0), ([1.0, -0.5], [0.3, 2.0], 0.2, 0.0)])
def test_chain_rule_gradients_match_finite_differences(activation, x, w, b, y):
    p = neuron(x, w, b, y, activation)
    numeric = numeric_neuron_gradients(x, w, b, y, activation)
    assert np.allclose(p.dE_dw, numeric["dE_dw"], atol=1e-7)
    assert p.dE_db == pytest.approx(numeric["dE_db"], abs=1e-7)
    assert np.allclose(p.dE_dx, numeric["dE_dx"], atol=1e-7)


def test_each_chain_rule_factor_has_its_formula():
    p = neuron(1.5, 0.8, -0.5, 1.0, "sigmoid")
    assert p.Z == pytest.approx(0.7)
    assert p.A == pytest.approx(1 / (1 + np.exp(-0.7)))
    assert p.E == pytest.approx((p.A - 1.0) ** 2)
    assert p.dE_dA == pytest.approx(2 * (p.A - 1.0))
    assert p.dA_dZ == pytest.approx(p.A * (1 - p.A))
    assert p.dE_dw[0] == pytest.approx(p.dE_dA * p.dA_dZ * 1.5)  # X, not w
    assert p.dE_dx[0] == pytest.approx(p.dE_dA * p.dA_dZ * 0.8)  # w, not 1


def test_the_notebooks_boxed_formulas_are_wrong_for_w_and_x_and_right_for_b():
    p = neuron(1.5, 0.8, -0.5, 1.0, "sigmoid")
    boxed = notebook_boxed_gradients(p)
    assert boxed["dE_db"] == pytest.approx(p.dE_db)
    assert boxed["dE_dw"][0] != pytest.approx(p.dE_dw[0])
    assert boxed["dE_dx"][0] != pytest.approx(p.dE_dx[0])
    same = neuron(0.7, 0.7, 0.1, 1.0, "sigmoid")  # w = X: the box for dE/dw is right by accident
    assert notebook_boxed_gradients(same)["dE_dw"][0] == pytest.approx(same.dE_dw[0])


def test_a_small_gradient_step_lowers_the_error():
    p = neuron([1.0, 0.5], [0.5, -1.0], 0.0, 1.0)
    w, b = gradient_step(p, lr=0.5)
    assert neuron_error([1.0, 0.5], w, b, 1.0) < p.E


def test_mismatched_inputs_and_weights_are_refused():
    with pytest.raises(ValueError, match="2 inputs need 2 weights"):
        neuron([1.0, 2.0], [1.0], 0.0, 1.0)
