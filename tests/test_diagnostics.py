import math

import numpy as np
import pytest

from nn_core import MLP, diagnostics
from nn_core.activations import ACTIVATIONS, FLAT_SHARE, activation
from nn_core.train import Trainer


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_the_saturation_threshold_is_where_the_slope_falls_to_its_share_of_the_peak(name):
    entry = activation(name)
    (_, low), (t, _) = entry.flat(0.01).intervals
    assert low == -t
    peak = float(entry.df(np.array([0.0]))[0])
    assert float(entry.df(np.array([t]))[0]) == pytest.approx(FLAT_SHARE * peak, rel=1e-6)


def test_the_sigmoid_threshold_matches_its_closed_form():
    s = (1 + math.sqrt(1 - FLAT_SHARE)) / 2  # s(1 - s) = share / 4
    (_, _), (t, _) = activation("sigmoid").flat(0.01).intervals
    assert t == pytest.approx(math.log(s / (1 - s)), rel=1e-9)


def test_flat_regions_count_the_right_share():
    Z = np.array([[-2.0, -1.0, 0.5, 5.0]])
    assert diagnostics.flat_region(Z, "relu").fraction == 0.5
    assert diagnostics.flat_region(Z, "sigmoid").fraction == 0.25  # only 5.0 is beyond 4.36
    assert diagnostics.flat_region(Z, "tanh").fraction == 0.25  # only 5.0 is beyond 2.18
    assert diagnostics.flat_region(Z, "identity") is None
    assert not diagnostics.flat_region(Z, "leaky_relu").stuck  # weak, not dead


def test_a_relu_unit_is_dead_when_at_or_below_zero_on_every_row():
    Z = np.array([[-1.0, 1.0, 0.0], [0.0, -1.0, -3.0]])
    assert diagnostics.dead_units(Z, "relu").tolist() == [True, False, True]
    assert diagnostics.dead_unit_fraction(Z, "relu") == pytest.approx(2 / 3)


def test_a_saturated_unit_is_dead_for_sigmoid_and_tanh_but_a_leaky_unit_never_is():
    Z = np.array([[-9.0, 9.0, 0.1], [-8.0, 12.0, -9.0]])
    assert diagnostics.dead_units(Z, "sigmoid").tolist() == [True, True, False]
    assert diagnostics.dead_units(Z, "tanh").tolist() == [True, True, False]
    assert not diagnostics.dead_units(Z, "leaky_relu").any()
    assert not diagnostics.dead_units(Z, "identity").any()


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_trainers_dead_fraction_is_the_one_definition(name, mnist):
    model = MLP([784, 24, 10], name, seed=1)
    model.params["b1"][:12] = 50.0  # on for every digit: saturated for sigmoid and tanh, alive for ReLU
    model.params["b1"][12:18] = -50.0  # off for every digit: dead for ReLU, saturated for sigmoid and tanh
    trainer = Trainer(model, mnist, lr=0.05)
    row = trainer.record_evaluation()
    Z1 = model.forward(mnist.X_val)["Z1"]
    assert row["dead_fraction"][0] == diagnostics.dead_unit_fraction(Z1, name, model.leaky_slope)
    expected = {"relu": 6 / 24, "leaky_relu": 0.0, "sigmoid": 18 / 24, "tanh": 18 / 24, "identity": 0.0}
    if name in expected:
        assert row["dead_fraction"][0] == pytest.approx(expected[name])


def test_dead_description_names_what_a_stuck_unit_is():
    assert diagnostics.dead_description("relu")[0] == "dead"
    assert diagnostics.dead_description("sigmoid")[0] == "saturated"
    assert diagnostics.dead_description("leaky_relu") == ("", "")
