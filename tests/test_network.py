import numpy as np
import pytest

from nn_core import MLP
from nn_core.activations import ACTIVATIONS
from nn_core.gradcheck import check_gradients
from nn_core.losses import LOSSES
from nn_core.network import ArchitectureError, init_params


@pytest.mark.parametrize("hidden", [[9], [9, 6]], ids=["1-hidden", "2-hidden"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_backprop_matches_central_differences(activation, loss, hidden, small_batch):
    X, y = small_batch
    model = MLP([12, *hidden, 4], activation=activation, init="xavier", seed=1, dtype=np.float64, leaky_slope=0.1)
    for name, p in model.params.items():  # nonzero biases, so their gradients are exercised too
        if name[0] == "b":
            p[:] = np.random.default_rng(2).normal(scale=0.1, size=p.shape)
    for check in check_gradients(model, X, y, loss=loss, l2=0.01):
        assert check.relative_error < 1e-6, (check.name, check.relative_error)


def test_gradient_check_catches_a_wrong_gradient(small_batch, monkeypatch):
    X, y = small_batch
    model = MLP([12, 5, 4], activation="tanh", dtype=np.float64)
    original = MLP.backward

    def backward_missing_the_activation_derivative(self, cache, y, *args, **kwargs):
        self.g_prime = lambda Z: np.ones_like(Z)
        return original(self, cache, y, *args, **kwargs)

    monkeypatch.setattr(MLP, "backward", backward_missing_the_activation_derivative)
    errors = {c.name: c.relative_error for c in check_gradients(model, X, y)}
    assert errors["W1"] > 1e-2 and errors["W2"] < 1e-6


def test_forward_cache_has_every_layer_with_its_shape():
    model = MLP([784, 32, 16, 10])
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    cache = model.forward(X)
    assert list(cache) == ["A0", "Z1", "A1", "Z2", "A2", "Z3", "A3", "log_norm"]
    assert [cache[k].shape for k in ("Z1", "Z2", "Z3")] == [(5, 32), (5, 16), (5, 10)]
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0, rtol=1e-6)
    assert model.predict(X).shape == (5,)


def test_weights_are_out_by_in_and_float32():
    model = MLP([784, 128, 10])
    assert model.params["W1"].shape == (128, 784) and model.params["b1"].shape == (128,)
    assert model.params["W2"].shape == (10, 128)
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert model.n_params == 784 * 128 + 128 + 128 * 10 + 10


def test_backward_exposes_dZ_dA_and_input_gradient():
    model = MLP([6, 5, 3])
    X, y = np.random.default_rng(0).random((4, 6)), np.array([0, 1, 2, 1])
    grads = model.backward(model.forward(X), y, input_grad=True)
    assert {"dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"} == set(grads)
    assert grads["dA0"].shape == (4, 6) and grads["dA1"].shape == (4, 5)


@pytest.mark.parametrize(
    "init, weight_std, bias_std",
    [
        ("seed", 1.0, 1.0),
        ("uniform", np.sqrt(1 / 12), np.sqrt(1 / 12)),
        ("he", np.sqrt(2 / 400), 0.0),
        ("xavier", np.sqrt(2 / 600), 0.0),
    ],
)
def test_initialisations_have_their_documented_spread(init, weight_std, bias_std):
    params = init_params([400, 200, 10], init=init, seed=0, dtype=np.float64)
    assert params["W1"].std() == pytest.approx(weight_std, rel=0.02)
    assert params["b1"].std() == pytest.approx(bias_std, abs=0.2 * max(bias_std, 0.01))
    if init == "uniform":
        assert params["W1"].min() >= -0.5 and params["W1"].max() <= 0.5
    doubled = init_params([400, 200, 10], init=init, seed=0, scale=2.0, dtype=np.float64)
    np.testing.assert_allclose(doubled["W1"], 2 * params["W1"])


def test_same_seed_same_weights_and_different_seed_different_weights():
    a, b, c = MLP([20, 8, 3], seed=5), MLP([20, 8, 3], seed=5), MLP([20, 8, 3], seed=6)
    np.testing.assert_array_equal(a.params["W1"], b.params["W1"])
    assert not np.array_equal(a.params["W1"], c.params["W1"])


@pytest.mark.parametrize("sizes", [[784], [784, 0, 10], [784, 128, 1]])
def test_impossible_architectures_are_refused_with_a_reason(sizes):
    with pytest.raises(ArchitectureError, match="layer|unit"):
        MLP(sizes)


def test_wrong_input_width_is_explained():
    with pytest.raises(ValueError, match="takes 784 inputs per sample, got 64"):
        MLP([784, 10, 10]).forward(np.zeros((2, 64)))


def test_copy_is_independent_and_can_change_dtype():
    model = MLP([10, 4, 3])
    clone = model.copy(dtype=np.float64)
    clone.params["W1"][0, 0] += 1
    assert clone.params["W1"].dtype == np.float64
    assert model.params["W1"][0, 0] != clone.params["W1"][0, 0]


def test_the_loss_from_the_forward_pass_equals_cross_entropy_of_the_logits_even_for_huge_ones():
    from nn_core.losses import cross_entropy

    model = MLP([3, 4, 5], seed=2, dtype=np.float64)
    model.params["W2"] *= 1e4  # logits in the tens of thousands
    X, y = np.random.default_rng(1).normal(size=(6, 3)), np.array([0, 1, 2, 3, 4, 0])
    cache = model.forward(X)
    assert np.abs(cache["Z2"]).max() > 1000
    assert model.loss(cache, y) == pytest.approx(cross_entropy(cache["Z2"], y), rel=1e-12)
    assert np.isfinite(model.loss(cache, y))
