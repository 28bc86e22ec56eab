import numpy as np
import pytest

from nn_core import dataset as summaries
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
    for part, share in zip(a, (14, 2, 4)):
        assert (np.bincount(y[part]) == share).all()
    assert not np.array_equal(a[0], stratified_split(y, seed=2)[0])


# -- Kaggle CSV and IDX round trips ---------------------------------------------------------

from nn_core.data import load_idx_folder, load_kaggle_csv, read_kaggle_test_csv  # noqa: E402
from nn_core.idx import read_idx  # noqa: E402
from nn_core.kaggle_csv import parse_kaggle_csv  # noqa: E402
from tests.csv_maker import kaggle_csv, kaggle_rows  # noqa: E402
from tests.idx_maker import write_idx  # noqa: E402


def _rows_as_set(X, y):
    return {(int(label), row.tobytes()) for row, label in zip(X, y)}


def test_kaggle_csv_round_trip_is_exact(tmp_path):
    pixels, labels = kaggle_rows(50, seed=3)
    parsed_pixels, parsed_labels = parse_kaggle_csv(kaggle_csv(pixels, labels))
    np.testing.assert_array_equal(parsed_pixels, pixels)
    np.testing.assert_array_equal(parsed_labels, labels)
    path = tmp_path / "train.csv"
    path.write_bytes(kaggle_csv(pixels, labels))
    dataset = load_kaggle_csv(path)
    assert dataset.sizes() == {"train": 35, "val": 5, "test": 10} and dataset.name == "train.csv"
    loaded = set().union(
        *(
            _rows_as_set((dataset.split(s)[0] * 255).round().astype(np.uint8), dataset.split(s)[1])
            for s in ("train", "val", "test")
        )
    )
    assert loaded == _rows_as_set(pixels, labels)


def test_label_column_may_stand_anywhere_in_a_header():
    pixels, labels = kaggle_rows()
    moved = kaggle_csv(pixels, labels).decode().splitlines()
    moved = [",".join(line.split(",")[1:4] + line.split(",")[:1] + line.split(",")[4:]) for line in moved]
    parsed_pixels, parsed_labels = parse_kaggle_csv("\n".join(moved).encode())
    np.testing.assert_array_equal(parsed_labels, labels)
    np.testing.assert_array_equal(parsed_pixels, pixels)


def test_kaggle_test_csv_gives_scaled_pixels():
    pixels, _ = kaggle_rows(28)
    X = read_kaggle_test_csv(kaggle_csv(pixels, None))
    assert X.shape == (28, 784) and X.dtype == np.float32
    np.testing.assert_allclose(X * 255, pixels, atol=1e-4)


def test_idx_round_trip_is_exact(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (40, 28, 28)).astype(np.uint8)
    labels = (np.arange(40) % 10).astype(np.uint8)
    for suffix in ("", ".gz"):
        write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images)
        np.testing.assert_array_equal(read_idx(tmp_path / f"train-images-idx3-ubyte{suffix}"), images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", images[:20])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:20])
    dataset = load_idx_folder(tmp_path)
    np.testing.assert_array_equal(dataset.X_test, images[:20].reshape(20, -1) / np.float32(255))
    np.testing.assert_array_equal(dataset.y_test, labels[:20])
    assert dataset.sizes() == {"train": 36, "val": 4, "test": 20} and dataset.class_names[0] == "0"
    train = _rows_as_set(
        (np.concatenate([dataset.X_train, dataset.X_val]) * 255).round().astype(np.uint8),
        np.concatenate([dataset.y_train, dataset.y_val]),
    )
    assert train == _rows_as_set(images.reshape(40, -1), labels)


def test_a_file_is_cached_until_it_changes(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(kaggle_csv())
    first = load_dataset(path)
    assert load_dataset(str(path)) is first
    pixels, labels = kaggle_rows(30, seed=1)
    path.write_bytes(kaggle_csv(pixels, labels))
    assert sum(load_dataset(path).sizes().values()) == 30


FASHION = "/usr/share/datasets/fashion-mnist"


def test_fashion_mnist_from_debians_package():
    import os

    if not os.path.isdir(FASHION):
        if os.environ.get("CI") == "true":
            pytest.fail("CI installs Debian's dataset-fashion-mnist; it is missing")
        pytest.skip("Debian's dataset-fashion-mnist package is not installed")
    dataset = load_dataset("fashion-mnist")
    assert dataset.class_names[9] == "Ankle boot" and dataset.image_shape == (28, 28)
    assert dataset.sizes() == {"train": 54_000, "val": 6_000, "test": 10_000}


def test_a_submission_labels_every_row_of_test_csv_from_1():
    from nn_core import MLP
    from nn_core.kaggle_csv import submission

    model = MLP([784, 8, 10])
    pixels, _ = kaggle_rows(28_000, seed=3)
    X = read_kaggle_test_csv(kaggle_csv(pixels, None))
    table = submission(model, X, batch=5000)
    assert list(table.columns) == ["ImageId", "Label"] and len(table) == 28_000
    assert table["ImageId"].iloc[0] == 1 and table["ImageId"].iloc[-1] == 28_000
    assert np.array_equal(table["Label"], model.predict(X))
    assert table.to_csv(index=False).startswith("ImageId,Label\n1,")


def test_a_submission_needs_a_network_for_28x28_pixels():
    from nn_core import MLP
    from nn_core.kaggle_csv import submission

    with pytest.raises(DataFormatError, match="this network takes 64"):
        submission(MLP([64, 8, 10]), np.zeros((3, 784), np.float32))


def test_class_means_are_each_class_average(mnist):
    means = summaries.class_means(mnist.X_train, mnist.y_train, 10)
    assert means.shape == (10, 784)
    assert np.allclose(means[7], mnist.X_train[mnist.y_train == 7].mean(axis=0), atol=1e-6)


def test_samples_per_class_picks_rows_of_that_class_and_marks_missing_ones():
    y = np.array([0, 1, 0, 2, 0, 1])
    grid = summaries.samples_per_class(y, 4, 2)
    assert grid.tolist() == [[0, 2], [1, 5], [3, -1], [-1, -1]]


def test_sample_images_per_class_are_class_after_class_with_nan_for_missing():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.array([0, 1, 0, 2, 0, 1])
    images = summaries.sample_images_per_class(X, y, 4, 2)
    assert images.shape == (8, 2)
    assert images[:2].tolist() == [[0, 1], [4, 5]] and images[2].tolist() == [2, 3]
    assert np.isnan(images[5]).all() and np.isnan(images[6:]).all()


def test_a_raw_row_finds_the_brightest_pixel_and_one_on_an_edge():
    row = summaries.raw_row(np.array([0.0, 1.0, 0.5, 0.2]), 255)
    assert row.values.tolist() == [0, 255, 128, 51] and row.brightest == 1 and row.edge == 2
    assert summaries.blank_share(np.array([[0.0, 1.0], [0.0, 0.0]])) == 0.75
