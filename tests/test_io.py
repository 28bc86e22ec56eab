import io
import pickle
import zipfile

import numpy as np
import pytest

from nn_core import MLP
from nn_core.io import ModelFileError, load_model, model_to_bytes, save_model


@pytest.fixture
def trained_model():
    model = MLP([784, 16, 8, 10], activation="leaky_relu", init="xavier", seed=3, leaky_slope=0.2)
    for p in model.params.values():
        p += np.random.default_rng(0).normal(size=p.shape).astype(np.float32)
    return model


def test_save_and_load_round_trip_is_exact(trained_model, tmp_path):
    path = tmp_path / "model.npz"
    save_model(trained_model, path, {"dataset": "mnist-5k", "step": 120})
    loaded = load_model(path)
    assert loaded.config() == trained_model.config()
    assert loaded.metadata == {"dataset": "mnist-5k", "step": 120}
    for name, p in trained_model.params.items():
        np.testing.assert_array_equal(loaded.params[name], p)
        assert loaded.params[name].dtype == np.float32
    X = np.random.default_rng(1).random((5, 784), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(X), trained_model.predict_proba(X))


def test_loading_from_bytes_works_like_a_path(trained_model):
    loaded = load_model(model_to_bytes(trained_model))
    np.testing.assert_array_equal(loaded.params["W3"], trained_model.params["W3"])


def test_truncated_file_is_refused(trained_model):
    data = model_to_bytes(trained_model)
    with pytest.raises(ModelFileError, match="not a model file|damaged|truncated"):
        load_model(data[: len(data) // 2])


def test_pickled_arrays_are_refused_without_unpickling(trained_model):
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.array("x"), W1=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ModelFileError, match="pickled"):
        load_model(buffer.getvalue())


def test_a_plain_pickle_file_is_not_a_model(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"W1": [1, 2]}))
    with pytest.raises(ModelFileError, match="not a model file"):
        load_model(path)


def test_empty_and_missing_files_are_explained(tmp_path):
    with pytest.raises(ModelFileError, match="empty"):
        load_model(b"")
    with pytest.raises(ModelFileError, match="no model file"):
        load_model(tmp_path / "nothing.npz")


def test_an_npz_from_elsewhere_is_refused():
    buffer = io.BytesIO()
    np.savez(buffer, weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="not saved by this app"):
        load_model(buffer.getvalue())


def _replace_array(data: bytes, name: str, array: np.ndarray) -> bytes:
    with np.load(io.BytesIO(data)) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays[name] = array
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def test_wrong_shapes_and_nan_weights_are_refused(trained_model):
    data = model_to_bytes(trained_model)
    with pytest.raises(ModelFileError, match=r"W2 has shape \(3, 3\), but the architecture needs \(8, 16\)"):
        load_model(_replace_array(data, "W2", np.zeros((3, 3), np.float32)))
    with pytest.raises(ModelFileError, match="NaN"):
        load_model(_replace_array(data, "b1", np.full(16, np.nan, np.float32)))


def test_a_model_for_another_input_size_is_refused_when_asked(trained_model):
    with pytest.raises(ModelFileError, match="takes 784 inputs, but the current data has 64"):
        load_model(model_to_bytes(trained_model), expected_inputs=64)


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)
    assert zipfile.is_zipfile(io.BytesIO(model_to_bytes(MLP([4, 3, 2]))))
