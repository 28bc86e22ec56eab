"""The Evaluation, Draw a digit and Model pages in AppTest (the canvas itself is in the browser test)."""

import io

import numpy as np
import pytest
from PIL import Image

from lessons import summaries
from nn_core import MLP, drawing, evaluation, inspection
from nn_core.io import model_to_bytes
from nn_core.metrics import accuracy, precision_recall
from tests.apptest import all_text, array, button, chart, new_app, on_page, open_fold, open_folds, trainer
from tests.csv_maker import kaggle_csv, kaggle_rows
from ui.files import history_files, network_file


@pytest.fixture
def app():
    at = new_app()
    trainer(at).step(60)  # a network that is right more often than not, and still makes mistakes
    return at


@pytest.mark.slow
def test_evaluation_numbers_equal_nn_core_metrics(app):
    at = open_folds(on_page(app, "pages/7_Evaluation.py"))
    model, data = trainer(at).model, trainer(at).dataset
    predicted = model.predict(data.X_test)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accuracy"] == f"{accuracy(data.y_test, predicted):.1%}"
    assert metrics["Mistakes"] == f"{int((predicted != data.y_test).sum()):,} of {len(data.y_test):,}"
    precision, recall = precision_recall(data.y_test, predicted, 10)
    table = at.dataframe[0].value
    assert np.allclose(table["precision"], 100 * precision) and np.allclose(table["recall"], 100 * recall)


def test_a_digit_never_answered_has_its_blank_precision_explained():
    at = open_fold(on_page(new_app(), "pages/7_Evaluation.py"), "**Each digit")  # untrained: it answers few digits
    data = trainer(at).dataset
    never = sorted(set(range(10)) - set(trainer(at).model.predict(data.X_test).tolist()))
    assert never, "the untrained network answers every digit: this test needs one it never answers"
    table = at.dataframe[0].value
    assert np.isnan(table["precision"][never]).all()
    assert f"never answered {', '.join(map(str, never))}" in " ".join(c.value for c in at.caption)


@pytest.mark.slow
def test_choosing_a_confusion_cell_shows_its_digits(app):
    at = open_folds(on_page(app, "pages/7_Evaluation.py"))
    data = trainer(at).dataset
    result = evaluation.evaluate(trainer(at).model, data.X_test, data.y_test)
    at.selectbox(key="_cell_true").set_value(4).run()
    at.selectbox(key="_cell_predicted").set_value(9).run()
    assert f"**{result.confusion[4, 9]}** 4s answered 9" in all_text(at)
    grid = chart(at, "confusion_chart")
    assert grid["data"][1]["x"] == [9] and grid["data"][1]["y"] == [5]  # outlined: true 4 is drawn at y = 9 - 4
    at.selectbox(key="_cell_predicted").set_value(4).run()
    assert f"**{result.confusion[4, 4]}** 4s answered correctly" in all_text(at)


@pytest.mark.slow
def test_the_mistake_browser_walks_the_mistakes_by_confidence(app):
    at = open_folds(on_page(app, "pages/7_Evaluation.py"))
    data = trainer(at).dataset
    mistakes = evaluation.confident_mistakes(evaluation.evaluate(trainer(at).model, data.X_test, data.y_test))
    assert f"Mistake **1** of {len(mistakes)}" in all_text(at)
    button(at, "Next mistake").click().run()
    assert f"Mistake **2** of {len(mistakes)}" in all_text(at) and f"test row {mistakes[1]}," in all_text(at)
    button(at, "Previous").click().run()
    button(at, "Previous").click().run()
    assert f"Mistake **{len(mistakes)}** of" in all_text(at)  # wraps round


@pytest.mark.slow
def test_the_threshold_gives_coverage_and_accuracy_of_what_is_answered(app):
    at = open_folds(on_page(app, "pages/7_Evaluation.py"))
    button(at, "Show it without predicting").click().run()  # the charts would answer the path's question
    at.slider(key="eval_threshold").set_value(0.8).run()
    data = trainer(at).dataset
    kept = evaluation.abstain_below(evaluation.evaluate(trainer(at).model, data.X_test, data.y_test), 0.8)
    assert f"answers **{kept.coverage:.1%}**" in all_text(at) and f"gets **{kept.accuracy:.1%}**" in all_text(at)


@pytest.mark.slow
def test_the_map_follows_the_chosen_layer_and_the_split(app):
    at = open_folds(on_page(app, "pages/7_Evaluation.py"))
    at.select_slider(key="pca_layer").set_value(0).run()
    assert "input pixels" in chart(at, "pca_map")["layout"]["title"]["text"]
    at.segmented_control(key="eval_split").set_value("val").run()
    assert "500 val digits" in chart(at, "pca_map")["layout"]["title"]["text"]


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.slow
def test_an_uploaded_picture_is_prepared_and_answered(app):
    at = on_page(app, "pages/8_Draw_a_digit.py")
    assert "Draw a digit" in all_text(at)  # nothing drawn yet: no answer
    data = trainer(at).dataset
    digit = (255 - data.X_test[3].reshape(28, 28) * 255).astype(np.uint8)  # dark ink on white paper
    picture = np.asarray(Image.fromarray(digit).resize((200, 200)))
    at.file_uploader(key="digit_picture").upload("digit.png", png(picture), "image/png").run()
    assert not at.exception
    prepared = drawing.prepare(picture)
    probs = trainer(at).model.predict_proba(prepared.pixels[None])[0]
    guess = int(np.argmax(probs))
    name = data.class_names[guess]
    assert f"It's {summaries.article(name)} **{name}** ({probs[guess]:.0%})" in all_text(at)
    assert np.allclose(array(chart(at, "draw_probs")["data"][0]["y"]), probs * 100, atol=1e-4)
    assert np.allclose(array(chart(at, "draw_input")["data"][0]["z"]), prepared.framed, atol=1e-6)
    assert "where your ink pushed" in chart(at, "draw_gradient")["layout"]["title"]["text"]
    pushed = inspection.input_attribution(trainer(at).model, prepared.pixels, guess)
    shown = array(chart(at, "draw_gradient")["data"][0]["z"]).reshape(-1)
    assert np.allclose(shown, pushed, atol=1e-6) and (shown[prepared.pixels == 0] == 0).all()  # only where inked
    at.segmented_control(key="draw_push_view").set_value("gradient").run()
    gradient = inspection.input_gradient(trainer(at).model, prepared.pixels, guess)
    assert np.allclose(array(chart(at, "draw_gradient")["data"][0]["z"]).reshape(-1), gradient, atol=1e-6)


@pytest.mark.slow
def test_a_blank_or_broken_picture_asks_for_a_digit_or_explains(app):
    at = on_page(app, "pages/8_Draw_a_digit.py")
    at.file_uploader(key="digit_picture").upload("blank.png", png(np.full((50, 50), 255, np.uint8)), "image/png")
    at.run()
    assert "Draw a digit" in all_text(at) and not at.exception
    at.file_uploader(key="digit_picture").upload("broken.png", b"not a picture", "image/png").run()
    assert "not a picture this page can read" in all_text(at) and not at.exception


@pytest.mark.slow
def test_save_load_and_continue_gives_the_same_network(app):
    at = on_page(app, "pages/9_Model.py")
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the network (.npz)",
        "Training history (.csv)",
        "Loss of every batch (.csv)",
    ]
    saved = trainer(at)
    name, data = network_file(saved, at.session_state["settings"], "mnist-5k")
    X = saved.dataset.X_test
    expected = saved.model.predict_proba(X)
    button(at, "New network").click().run()
    assert not np.allclose(trainer(at).model.predict_proba(X), expected)
    at.file_uploader(key="_model_file").upload(name, data, "application/octet-stream").run()
    assert np.array_equal(trainer(at).model.predict_proba(X), expected)
    assert f"Loaded {name}" in all_text(at) and "Loaded from" in all_text(at)
    steps = saved.steps
    assert steps > 0 and trainer(at).steps == steps and f"trained {steps:,} steps" in all_text(at)
    assert len(trainer(at).history["steps"]) == len(saved.history["steps"])  # the curves come back
    at = at.switch_page("app.py").run()
    assert f"Trained **{steps:,}** steps" in all_text(at)
    at = on_page(at, "pages/6_Training.py")
    assert f"Step **{steps:,}**" in all_text(at)
    assert len(chart(at, "loss")["data"][0]["x"]["bdata"]) > 0
    trainer(at).step(5)  # it trains on from the loaded run
    assert trainer(at).steps == steps + 5 and np.isfinite(trainer(at).model.params["W1"]).all()


@pytest.mark.slow
def test_a_file_of_weights_only_loads_with_its_step_and_a_note(app):
    from nn_core.io import model_to_bytes

    model = trainer(app).model.copy()
    at = on_page(app, "pages/9_Model.py")
    at.file_uploader(key="_model_file").upload(
        "old.npz", model_to_bytes(model, {"step": 300, "epoch": 5.5}), "application/octet-stream"
    ).run()
    assert trainer(at).steps == 300 and "history was not saved" in all_text(at)


@pytest.mark.slow
def test_history_files_hold_every_evaluation_and_batch(app):
    files = history_files(trainer(app))
    evaluations, batches = files["evaluations"][1].splitlines(), files["batches"][1].splitlines()
    assert evaluations[0].startswith("step,epoch,train_loss") and "val_accuracy_9" in evaluations[0]
    assert len(evaluations) == 1 + len(trainer(app).history["evals"]) and len(batches) == 1 + 60


def bad_model_files():
    good = model_to_bytes(MLP([784, 16, 10]))
    pickled = io.BytesIO()
    np.savez(pickled, __meta__=np.array({"format": "x"}, dtype=object), W1=np.zeros(2))
    return {
        "not a model": (b"just some text", "this is not a model file"),
        "pickled": (pickled.getvalue(), "pickled Python objects"),
        "truncated": (good[: len(good) // 2], "not a model file"),
        "another input size": (model_to_bytes(MLP([64, 16, 10])), "takes 64 inputs"),
        "another class count": (model_to_bytes(MLP([784, 16, 3])), "answers with 3 classes"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(bad_model_files()))
def test_a_bad_model_file_is_refused_and_the_network_stays(app, kind):
    content, message = bad_model_files()[kind]
    at = on_page(app, "pages/9_Model.py")
    before = trainer(at)
    weights = before.model.params["W1"].copy()
    at.file_uploader(key="_model_file").upload(f"{kind}.npz", content, "application/octet-stream").run()
    assert not at.exception
    assert message in all_text(at) and "Your current network is unchanged" in all_text(at)
    assert trainer(at) is before and np.array_equal(trainer(at).model.params["W1"], weights)


@pytest.mark.slow
def test_a_kaggle_submission_has_a_row_per_test_digit(app):
    at = on_page(app, "pages/9_Model.py")
    pixels, _ = kaggle_rows(28_000, seed=5)
    at.file_uploader(key="_kaggle_test").upload("test.csv", kaggle_csv(pixels, None), "text/csv").run()
    assert not at.exception
    assert "Labelled 28,000 digits." in all_text(at)
    assert "Download submission.csv" in [b.proto.label for b in at.get("download_button")]


def test_a_broken_kaggle_test_file_is_explained(app):
    at = on_page(app, "pages/9_Model.py")
    at.file_uploader(key="_kaggle_test").upload("test.csv", b"pixel0,pixel1\n1,x\n", "text/csv").run()
    assert not at.exception and "No submission:" in all_text(at)
