import numpy as np
import pytest

from nn_core import load_dataset
from nn_core.data import DataFormatError, stratified_split


def test_mnist_5k_is_the_real_bundled_file_split_stratified(mnist):
    assert mnist.sizes() == {"train": 3500, "val": 500, "test": 1000}
    assert mnist.image_shape == (28, 28) and mnist.n_features == 784 and mnist.class_names[3] == "3"
    for split in ("train", "val", "test"):
        X, y = mnist.split(split)
        assert X.dtype == np.float32 and 0 <= X.min() and X.max() == 1.0
        counts = np.bincount(y, minlength=10)
        assert counts.min() == counts.max()  # 500 per class, split in equal proportions


def test_split_indices_partition_every_row():
    y = np.repeat(np.arange(10), 50)
    parts = stratified_split(y, seed=0)
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(500))


def test_digits_8x8_scales_pixels_from_0_16(digits):
    assert digits.image_shape == (8, 8) and digits.n_features == 64
    assert sum(digits.sizes().values()) == 1797 and digits.X_train.max() == 1.0


def test_a_second_load_is_the_same_cached_read_only_object(mnist):
    assert load_dataset("mnist-5k") is mnist
    with pytest.raises(ValueError, match="read-only"):
        mnist.X_train[0, 0] = 1.0


def test_unknown_dataset_names_the_choices():
    with pytest.raises(DataFormatError, match="mnist-5k"):
        load_dataset("cifar")


def test_stratified_split_is_seeded():
    y = np.repeat(np.arange(3), 20)
    a, b = stratified_split(y, seed=1), stratified_split(y, seed=1)
    for part_a, part_b in zip(a, b):
        np.testing.assert_array_equal(part_a, part_b)
    assert [len(p) for p in a] == [42, 6, 12]
    assert not np.array_equal(a[0], stratified_split(y, seed=2)[0])
