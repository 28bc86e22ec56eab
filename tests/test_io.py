import io
import json
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


# -- the whole run ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_saved_run_trains_on_exactly_as_the_original(mnist, optimizer, tmp_path):
    from nn_core.io import load_run, save_run
    from nn_core.train import Trainer

    original = Trainer(MLP([784, 24, 10], seed=4), mnist, lr=0.05, optimizer=optimizer, momentum=0.5, l2=1e-4)
    original.step(57)
    save_run(original, tmp_path / "run.npz")
    loaded = load_run(tmp_path / "run.npz", mnist)
    assert loaded.steps == 57 and loaded.samples_seen == original.samples_seen and loaded.notes == []
    assert loaded.lr == 0.05 and loaded.optimizer_name == optimizer and loaded.l2 == 1e-4
    for name in ("steps", "evals", "diagnostics"):
        assert list(loaded.history[name].column("step")) == list(original.history[name].column("step"))
    original.step(1)
    loaded.step(1)
    for k in original.model.params:
        np.testing.assert_array_equal(loaded.model.params[k], original.model.params[k])  # bit for bit
        np.testing.assert_array_equal(loaded.initial_params[k], original.initial_params[k])


def test_a_run_that_crossed_an_epoch_keeps_its_batch_order(mnist):
    from nn_core.io import load_run, run_to_bytes
    from nn_core.train import Trainer

    original = Trainer(MLP([784, 8, 10]), mnist, batch_size=500)
    original.step(9)  # into the second pass over the 3,500 rows
    loaded = load_run(run_to_bytes(original), mnist)
    original.step(4)
    loaded.step(4)
    assert loaded.epochs_done == original.epochs_done == 1
    np.testing.assert_array_equal(loaded.model.params["W1"], original.model.params["W1"])


def test_a_diverged_run_is_loaded_stopped_with_its_message(mnist):
    from nn_core.io import load_run, run_to_bytes
    from nn_core.train import Trainer

    trainer = Trainer(MLP([784, 8, 10]), mnist, lr=1e6)
    trainer.step(5)
    loaded = load_run(run_to_bytes(trainer), mnist)
    assert loaded.diverged is not None and loaded.diverged.message == trainer.diverged.message


def test_a_weights_only_file_loads_with_its_counters_and_says_its_history_is_gone(mnist):
    from nn_core.io import load_run

    model = MLP([784, 8, 10], seed=2)
    loaded = load_run(model_to_bytes(model, {"step": 120, "epoch": 2.2}), mnist)
    assert loaded.steps == 120 and loaded.epochs_done == 2 and len(loaded.history["steps"]) == 0
    assert "history was not saved" in loaded.notes[0]
    np.testing.assert_array_equal(loaded.model.params["W1"], model.params["W1"])


def _edited(data: bytes, **changes) -> bytes:
    """The run file with some arrays replaced (or removed, given None), the rest as they were."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    for name, value in changes.items():
        name = name if name == "__meta__" else name.replace("__", "/")
        if value is None:
            arrays.pop(name)
        else:
            arrays[name] = value
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_a_damaged_or_hand_edited_run_is_refused_with_a_reason(mnist):
    from nn_core.io import load_run, run_to_bytes
    from nn_core.train import Trainer

    trainer = Trainer(MLP([784, 8, 10]), mnist)
    trainer.step(12)
    good = run_to_bytes(trainer)
    nan_start = trainer.initial_params["W1"].copy()
    nan_start[0, 0] = np.nan
    cases = {
        "initial/W1 does not hold finite": _edited(good, initial__W1=nan_start),
        "initial/b1 has shape": _edited(good, initial__b1=np.zeros(3, np.float32)),
        "order does not hold whole": _edited(good, order=np.linspace(0, 1, 5)),
        "missing initial/W2": _edited(good, initial__W2=None),
        "columns of different lengths": _edited(good, history__steps__loss=np.ones(3)),
    }
    for reason, data in cases.items():
        with pytest.raises(ModelFileError, match=reason):
            load_run(data, mnist)
    meta = json.loads(str(np.load(io.BytesIO(good))["__meta__"][()]))
    meta["run"]["counters"]["steps"] = -4
    with pytest.raises(ModelFileError, match="steps is negative"):
        load_run(_edited(good, __meta__=np.array(json.dumps(meta))), mnist)
