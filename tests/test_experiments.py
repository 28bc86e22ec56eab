import numpy as np

from lessons import experiments


def test_two_linear_layers_equal_one_and_a_relu_between_breaks_that():
    demo = experiments.linear_collapse()
    assert demo.max_difference < 1e-12
    assert not np.allclose(demo.with_relu, demo.single)


def test_init_spreads_show_the_seeds_randn_far_wider_than_he(mnist):
    spreads = {s.init: s for s in experiments.init_spreads([784, 64, 10], "relu", mnist.X_train[:128])}
    assert spreads["randn"].z_std[0] > 10 * spreads["he"].z_std[0]
    assert spreads["uniform"].z_std[0] > spreads["he"].z_std[0]


def test_init_race_trains_each_initialisation_on_the_same_steps(mnist):
    race = experiments.init_race(mnist, (32,), "relu", steps=60, lr=0.1, batch_size=32, inits=("he", "randn"))
    assert set(race) == {"he", "randn"}
    for run in race.values():
        assert len(run["loss"]) == 60 and run["stopped"] is None
    assert race["he"]["loss"][-20:].mean() < race["randn"]["loss"][-20:].mean()
