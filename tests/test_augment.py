"""Augmentation: each transformation does what it says on real digits, the batch is reproducible
from the step's generator, and the stored data is never written."""

import numpy as np
import pytest

from nn_core import MLP
from nn_core import augment as A
from nn_core.augment import Augmentation
from nn_core.train import Trainer

SHAPE = (28, 28)


def centre_of_mass(X):
    images = X.reshape(-1, *SHAPE).astype(np.float64)
    mass = images.sum(axis=(1, 2))
    rows = (images.sum(axis=2) * np.arange(SHAPE[0])).sum(axis=1) / mass
    cols = (images.sum(axis=1) * np.arange(SHAPE[1])).sum(axis=1) / mass
    return rows, cols


def room(X, k):
    """The digits whose ink stays at least ``k`` pixels inside the frame (a shift loses none)."""
    images = X.reshape(-1, *SHAPE) > 0
    rows, cols = images.any(axis=2), images.any(axis=1)
    inside = lambda band: ~band[:, :k].any(axis=1) & ~band[:, -k:].any(axis=1)  # noqa: E731
    return X[inside(rows) & inside(cols)]


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.X_train[:300]


@pytest.mark.parametrize("aug", [Augmentation(), Augmentation(shift=0, rotate=0, scale=0, noise=0)])
def test_the_identity_range_changes_nothing(digits, aug):
    out = A.augment(digits, SHAPE, aug, np.random.default_rng(0))
    np.testing.assert_array_equal(out, digits)
    amounts = A.draw(aug, len(digits), np.random.default_rng(0))
    np.testing.assert_array_equal(A.transform(digits, SHAPE, amounts, np.random.default_rng(0)), digits)


@pytest.mark.parametrize("dy, dx", [(1, 0), (0, -3), (2, 2), (-4, 3)])
def test_a_shift_by_k_pixels_moves_the_centre_of_mass_by_k(digits, dy, dx):
    X = room(digits, max(abs(dy), abs(dx)))
    assert len(X) > 30
    rows, cols = centre_of_mass(X)
    moved_rows, moved_cols = centre_of_mass(A.shifted(X, SHAPE, dy, dx))
    np.testing.assert_allclose(moved_rows - rows, dy, atol=1e-4)
    np.testing.assert_allclose(moved_cols - cols, dx, atol=1e-4)


def test_a_half_pixel_shift_interpolates_between_neighbours(digits):
    X = room(digits, 2)[:20]
    half = A.shifted(X, SHAPE, 0, 0.5).reshape(-1, *SHAPE)
    images = X.reshape(-1, *SHAPE)
    expected = np.zeros_like(images)
    expected[:, :, 1:] = (images[:, :, 1:] + images[:, :, :-1]) / 2
    expected[:, :, 0] = images[:, :, 0] / 2
    np.testing.assert_allclose(half, expected, atol=1e-6)


def rotated(X, degrees):
    """Every row of ``X`` turned anticlockwise by ``degrees``, as the robustness curves turn them."""
    return A.fixed(X, SHAPE, angle=np.full(len(X), degrees))


def test_four_quarter_turns_return_the_digit_and_one_turns_it(digits):
    X = digits[:50]
    once = rotated(X, 90)
    images = X.reshape(-1, *SHAPE)
    np.testing.assert_allclose(once.reshape(-1, *SHAPE), np.rot90(images, 1, axes=(1, 2)), atol=1e-5)
    turned = X
    for _ in range(4):
        turned = rotated(turned, 90)
    np.testing.assert_allclose(turned, X, atol=1e-5)


def test_a_small_rotation_keeps_the_ink_and_moves_it(digits):
    X = room(digits, 4)[:50]
    turned = rotated(X, 15)
    assert np.abs(turned.sum(axis=1) / X.sum(axis=1) - 1).max() < 0.1  # interpolation blurs a little
    assert np.abs(turned - X).sum(axis=1).min() > 1


def test_thicker_strokes_have_more_ink_and_thinner_less(digits):
    X = digits[:100]
    n = len(X)
    ink = X.sum(axis=1)
    for thickness, more in ((1.0, True), (-1.0, False), (0.5, True)):
        amounts = A.Draw(
            np.zeros(n), np.zeros(n), np.zeros(n), np.ones(n), np.zeros(n), np.full(n, thickness), np.zeros(n)
        )
        out = A.transform(X, SHAPE, amounts)
        assert ((out.sum(axis=1) > ink) if more else (out.sum(axis=1) < ink)).all()
        assert out.min() >= 0 and out.max() <= 1
    full = A.stroke_width(X.reshape(-1, *SHAPE), np.ones(n))
    images = X.reshape(-1, *SHAPE)
    assert np.array_equal(full[:, 1:-1, 1:-1] >= images[:, 1:-1, 1:-1], np.ones_like(full[:, 1:-1, 1:-1], bool))
    # a full dilation is the maximum over the pixel and its four neighbours
    r, c = 14, 14
    expected = max(images[0, r, c], images[0, r - 1, c], images[0, r + 1, c], images[0, r, c - 1], images[0, r, c + 1])
    assert full[0, r, c] == pytest.approx(expected)


def test_noise_has_the_drawn_spread_and_stays_in_range(digits):
    X = np.full((200, 784), 0.5, np.float32)
    n = len(X)
    amounts = A.Draw(np.zeros(n), np.zeros(n), np.zeros(n), np.ones(n), np.zeros(n), np.zeros(n), np.full(n, 0.1))
    out = A.transform(X, SHAPE, amounts, np.random.default_rng(0))
    assert out.std() == pytest.approx(0.1, rel=0.02) and out.mean() == pytest.approx(0.5, abs=0.002)
    loud = A.augment(digits, SHAPE, Augmentation(noise=0.5), np.random.default_rng(1))
    assert loud.min() >= 0 and loud.max() <= 1


def test_a_batch_is_reproducible_from_its_generator_and_differs_for_another(digits):
    aug = Augmentation(shift=2, rotate=10, scale=0.1, shear=5, thicker=0.5, thinner=0.5, noise=0.05)
    a = A.augment(digits, SHAPE, aug, np.random.default_rng(3))
    b = A.augment(digits, SHAPE, aug, np.random.default_rng(3))
    c = A.augment(digits, SHAPE, aug, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and a.dtype == digits.dtype and a.shape == digits.shape


def test_the_stored_data_is_never_written(mnist):
    X = mnist.X_train
    assert not X.flags.writeable  # the dataset's arrays are read-only
    before = X[:64].copy()
    aug = Augmentation(shift=3, rotate=20, scale=0.2, shear=10, thicker=1, thinner=1, noise=0.2)
    A.augment(X[:64], SHAPE, aug, np.random.default_rng(0))
    A.augment(X[:64], SHAPE, Augmentation(noise=0.1), np.random.default_rng(0))
    np.testing.assert_array_equal(X[:64], before)
    run = Trainer(MLP([784, 16, 10]), mnist, augmentation=aug, eval_every=None)
    run.step(5)
    np.testing.assert_array_equal(X[:64], before)


def test_a_trainer_sees_augmented_batches_the_same_in_a_replay(mnist):
    aug = Augmentation(shift=2, rotate=10)
    plain = Trainer(MLP([784, 16, 10], seed=1), mnist, eval_every=None)
    moved = Trainer(MLP([784, 16, 10], seed=1), mnist, augmentation=aug, eval_every=None)
    plain.step(10)
    moved.step(10)
    assert not np.array_equal(plain.model.params["W1"], moved.model.params["W1"])
    again = moved.replay()
    again.step(10)
    np.testing.assert_array_equal(again.model.params["W1"], moved.model.params["W1"])


def test_an_8x8_dataset_is_augmented_on_its_own_grid():
    from nn_core.data import load_dataset

    X = load_dataset("digits-8x8").X_train[:20]
    out = A.augment(X, (8, 8), Augmentation(shift=1, rotate=10), np.random.default_rng(0))
    assert out.shape == X.shape and 0 <= out.min() and out.max() <= 1


@pytest.mark.parametrize(
    "bad",
    [{"shift": -1}, {"rotate": 90}, {"noise": float("nan")}, {"scale": "big"}, {"shear": True}, {"tilt": 3}],
)
def test_a_range_out_of_bounds_is_refused_with_its_name(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        Augmentation.from_dict(bad)


def test_a_range_round_trips_through_its_text_and_says_what_it_does():
    aug = Augmentation(shift=2, rotate=10, thicker=0.5)
    assert Augmentation.from_dict(aug.to_text()) == aug
    assert aug.describe() == "shift ±2 px, rotate ±10°, thicker 50%" and Augmentation().describe() == "none"


def test_the_preview_is_eight_different_copies_of_one_digit(digits):
    copies = A.copies(digits[0], SHAPE, Augmentation(shift=2, rotate=15), 8, seed=0)
    assert copies.shape == (8, 784) and len({c.tobytes() for c in copies}) == 8
    np.testing.assert_array_equal(copies, A.copies(digits[0], SHAPE, Augmentation(shift=2, rotate=15), 8, seed=0))


def test_a_batch_larger_than_float32s_exact_whole_numbers_is_moved_like_each_of_its_digits(mnist):
    """The gather index is built in float32: past 2**24 it goes in parts (a full batch of full MNIST)."""
    X = np.tile(mnist.X_train[:1000], (18, 1))  # 18,000 digits: 18,000 x 31 x 31 > 2**24
    moved = A.shifted(X, SHAPE, 1, 0)
    np.testing.assert_array_equal(moved[-5:], A.shifted(X[-5:], SHAPE, 1, 0))
