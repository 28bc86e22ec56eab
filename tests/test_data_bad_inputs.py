"""Every kind of bad data file gets a DataFormatError whose message says what and where."""

import gzip
import os

import numpy as np
import pytest

from nn_core.data import DataFormatError, load_dataset, load_idx_folder, load_kaggle_csv, read_kaggle_test_csv
from nn_core.idx import parse_idx
from nn_core.kaggle_csv import MAX_CSV_BYTES
from tests.csv_maker import kaggle_csv, kaggle_rows
from tests.idx_maker import write_idx


def refused(source, loader=load_kaggle_csv) -> str:
    with pytest.raises(DataFormatError) as caught:
        loader(source)
    return str(caught.value)


def test_data_format_error_is_a_value_error():
    assert issubclass(DataFormatError, ValueError)


def test_empty_file():
    assert refused(b"") == "the uploaded file is empty"


def test_whitespace_only_file_is_empty():
    assert "is empty" in refused(b"\n\n  \n")


def test_header_only():
    assert "has a header but no data rows" in refused(kaggle_csv()[: kaggle_csv().index(b"\n") + 1])


def test_wrong_column_count():
    pixels, labels = kaggle_rows()
    message = refused(kaggle_csv(pixels[:, :100], labels, header=False))
    assert message == "the uploaded file: expected 785 columns (label + 784 pixels), found 101"


def test_784_columns_suggests_test_csv():
    pixels, _ = kaggle_rows()
    message = refused(kaggle_csv(pixels, None))
    assert "expected 785 columns (label + 784 pixels), found 784: is this Kaggle's test.csv?" in message


def test_missing_label_column():
    data = kaggle_csv().replace(b"label,", b"digit,", 1)
    assert "has no column named 'label' (its first column is 'digit')" in refused(data)


def test_non_numeric_cell():
    data = kaggle_csv(cells={(16, 204): "abc"})
    assert refused(data) == "the uploaded file: row 17 (line 18 of the file), column pixel203: 'abc' is not a number"


def test_nan_cell():
    assert "row 4 (line 5 of the file), column pixel9: 'NaN' is a missing value" in refused(
        kaggle_csv(cells={(3, 10): "NaN"})
    )


def test_empty_cell():
    assert "row 2 (line 3 of the file), column pixel500 is empty" in refused(kaggle_csv(cells={(1, 501): ""}))


def test_label_outside_0_9():
    assert "label 12 in row 3 (line 4 of the file) is outside 0-9" in refused(kaggle_csv(cells={(2, 0): "12"}))


def test_non_integer_label():
    assert "label 3.5 in row 2 (line 3 of the file) is not a whole number 0-9" in refused(
        kaggle_csv(cells={(1, 0): "3.5"})
    )


def test_non_numeric_label():
    assert "label 'seven' in row 1 (line 2 of the file) is not a number" in refused(kaggle_csv(cells={(0, 0): "seven"}))


def test_pixel_above_255():
    assert "row 5 (line 6 of the file), column pixel400: 300 is outside 0-255" in refused(
        kaggle_csv(cells={(4, 401): "300"})
    )


def test_negative_pixel():
    assert "column pixel400: -1 is outside 0-255" in refused(kaggle_csv(cells={(4, 401): "-1"}))


def test_fractional_pixel():
    message = refused(kaggle_csv(cells={(0, 350): "0.5"}))
    assert "row 1 (line 2 of the file), column pixel349: 0.5 is not a whole number" in message
    assert "scaled to 0-1" in message


def test_headerless_file_names_columns_by_position():
    data = kaggle_csv(header=False, cells={(6, 11): "x"})
    assert "row 7 (line 7 of the file), column 12 (pixel10): 'x' is not a number" in refused(data)


def test_row_with_extra_values():
    lines = kaggle_csv().split(b"\n")
    lines[3] = lines[3] + b",7"
    assert "line 4 has 786 values, but the first line has 785" in refused(b"\n".join(lines))


def test_single_class_only():
    pixels, labels = kaggle_rows()
    message = refused(kaggle_csv(pixels, np.full_like(labels, 4)))
    assert "every row of the uploaded file has label 4: a classifier needs at least two different digits" in message


def test_too_few_rows():
    pixels, labels = kaggle_rows(5)
    assert "has only 5 rows: at least 10 are needed" in refused(kaggle_csv(pixels, labels))


def test_random_binary_bytes():
    data = np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    assert "is not a CSV text file" in refused(data)


def test_200_mb_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(200 * 2**20)  # sparse: costs no disk
    message = refused(path)
    assert (
        message
        == f"the file is 200 MB, over the {MAX_CSV_BYTES // 2**20} MB limit for a CSV (Kaggle's train.csv is 73 MB)"
    )


def test_truncated_gzip():
    data = gzip.compress(kaggle_csv())
    assert "gzip-compressed but damaged or cut short" in refused(data[: len(data) // 2])


def test_test_csv_passed_where_train_csv_is_expected_and_back():
    pixels, labels = kaggle_rows()
    assert "test.csv?" in refused(kaggle_csv(pixels, None))
    message = refused(kaggle_csv(pixels, labels), read_kaggle_test_csv)
    assert "expected 784 columns (784 pixels, no label), found 785: is this Kaggle's train.csv?" in message


def test_missing_file(tmp_path):
    assert "no file at" in refused(tmp_path / "nope.csv")


def test_unknown_dataset_name():
    assert "unknown dataset 'cifar'" in refused("cifar", load_dataset)


# -- accepted variants ----------------------------------------------------------------


def _same(dataset_a, dataset_b):
    for split in ("train", "val", "test"):
        np.testing.assert_array_equal(dataset_a.split(split)[0], dataset_b.split(split)[0])


def test_semicolon_separator_is_accepted():
    _same(load_kaggle_csv(kaggle_csv(sep=";")), load_kaggle_csv(kaggle_csv()))


def test_utf8_bom_is_accepted():
    _same(load_kaggle_csv(b"\xef\xbb\xbf" + kaggle_csv()), load_kaggle_csv(kaggle_csv()))


def test_windows_line_endings_are_accepted():
    _same(load_kaggle_csv(kaggle_csv(newline="\r\n")), load_kaggle_csv(kaggle_csv()))


def test_gzip_compressed_csv_is_accepted(tmp_path):
    path = tmp_path / "train.csv.gz"
    path.write_bytes(gzip.compress(kaggle_csv()))
    _same(load_kaggle_csv(path), load_kaggle_csv(kaggle_csv()))


def test_headerless_csv_is_accepted():
    _same(load_kaggle_csv(kaggle_csv(header=False)), load_kaggle_csv(kaggle_csv()))


# -- IDX ----------------------------------------------------------------------------------


def _idx_folder(tmp_path, n_train=30, n_test=10):
    rng = np.random.default_rng(0)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (n_train, 28, 28)))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.arange(n_train) % 10)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", rng.integers(0, 256, (n_test, 28, 28)))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.arange(n_test) % 10)
    return tmp_path


def test_truncated_idx_file(tmp_path):
    folder = _idx_folder(tmp_path)
    path = folder / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:5000])
    message = refused(folder, load_idx_folder)
    assert (
        "t10k-images-idx3-ubyte is truncated: its header promises 10 x 28 x 28 values (7,840 bytes), but only 4,984 bytes follow"
        in message
    )


def test_idx_with_wrong_magic_number(tmp_path):
    folder = _idx_folder(tmp_path)
    path = folder / "t10k-labels-idx1-ubyte"
    path.write_bytes(b"\x12\x34\x56\x78" + path.read_bytes()[4:])
    message = refused(folder, load_idx_folder)
    assert (
        message
        == "t10k-labels-idx1-ubyte is not an IDX file: it does not start with an IDX magic number (0x00000801 for labels); found 0x12345678"
    )


def test_idx_images_and_labels_of_different_counts(tmp_path):
    folder = _idx_folder(tmp_path)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.arange(9) % 10)
    assert "has 10 images but t10k-labels-idx1-ubyte has 9 labels" in refused(folder, load_idx_folder)


def test_idx_folder_missing_files(tmp_path):
    folder = _idx_folder(tmp_path)
    os.remove(folder / "train-labels-idx1-ubyte.gz")
    assert "is missing MNIST IDX files: train-labels-idx1-ubyte" in refused(folder, load_idx_folder)


def test_idx_with_trailing_bytes():
    data = bytes([0, 0, 8, 1, 0, 0, 0, 2, 5, 6, 7])
    with pytest.raises(DataFormatError, match="1 bytes more than its header describes"):
        parse_idx(data, "labels")
