"""The lesson pages in AppTest: their controls change what they should, and the numbers they show
are the ones nn_core computes for the same network and sample."""

import numpy as np
import pytest

from lessons import neuron
from lessons.notebook import BUG_NAMES
from nn_core import diagnostics, inspection
from nn_core.activations import softmax_steps
from tests.apptest import all_text, array, button, chart, control, new_app, on_page, open_fold, trainer
from ui.figures.images import per_tile_scaled

LESSONS = [
    "pages/1_Data.py",
    "pages/2_Weights_and_biases.py",
    "pages/3_Activations.py",
    "pages/4_Forward_pass.py",
    "pages/5_Backpropagation.py",
]


@pytest.fixture
def app():
    return new_app()


def validation(at):
    return trainer(at).dataset.split("val")


@pytest.mark.slow
def test_data_page_shows_the_picked_row_as_numbers_and_as_an_image(app):
    at = on_page(app, "pages/1_Data.py")
    at.number_input(key="_sample").set_value(7).run()
    X, y = validation(at)
    row = at.dataframe[0].value
    assert row["label"][0] == y[7] and row.shape[1] == 785
    assert row["pixel300"][0] == round(float(X[7, 300]) * 255)
    image = array(chart(at, "sample_image")["data"][0]["z"])
    assert np.array_equal(image, X[7].reshape(28, 28))
    assert f"a {y[7]}" in chart(at, "sample_image")["layout"]["title"]["text"]


@pytest.mark.slow
def test_data_page_one_hot_follows_the_chosen_label(app):
    at = open_fold(on_page(app, "pages/1_Data.py"), "**The label, one-hot")
    at.selectbox(key="one_hot_label").set_value(3).run()
    assert "Y = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]" in all_text(at)


@pytest.mark.slow
def test_random_of_a_class_picks_a_digit_of_that_class_and_other_pages_follow_it(app):
    at = on_page(app, "pages/1_Data.py")
    at.selectbox(key="_sample_class").set_value(3).run()
    button(at, "Random").click().run()
    X, y = validation(at)
    index = at.session_state["sample"]
    assert y[index] == 3 and at.number_input(key="_sample").value == index
    at = on_page(at, "pages/4_Forward_pass.py")
    assert np.array_equal(array(chart(at, "forward_input")["data"][0]["z"]), X[index].reshape(28, 28))


@pytest.mark.slow
def test_next_mistake_picks_a_digit_the_network_gets_wrong(app):
    at = on_page(app, "pages/4_Forward_pass.py")
    button(at, "Next mistake").click().run()
    X, y = validation(at)
    index = at.session_state["sample"]
    assert trainer(at).model.predict(X[index : index + 1])[0] != y[index]
    assert "wrong: it is a" in all_text(at)


@pytest.mark.slow
def test_the_knobs_drive_the_neurons_numbers(app):
    at = open_fold(on_page(app, "pages/2_Weights_and_biases.py"), "**One neuron")
    at.slider(key="knob_w1").set_value(2.0).run()
    p = neuron.neuron([1.0, 0.5], [2.0, -1.0], 0.0, 1.0)
    assert f"= {p.Z:.3f}" in all_text(at) and f"{p.E:.4f}" in all_text(at)
    assert chart(at, "neuron_curve")["data"][1]["x"][0] == pytest.approx(p.Z)


@pytest.mark.slow
def test_weights_page_shows_the_chosen_unit_and_what_training_added(app):
    at = open_fold(on_page(app, "pages/2_Weights_and_biases.py"), "**One hidden unit")
    at.number_input(key="weights_unit").set_value(5).run()
    model = trainer(at).model
    assert np.array_equal(array(chart(at, "unit_weights")["data"][0]["z"]), model.params["W1"][5].reshape(28, 28))
    X, y = validation(at)
    means = inspection.unit_response(model, X, y, 5).means
    assert np.allclose(array(chart(at, "unit_response")["data"][0]["y"]), means, atol=1e-6)
    assert f"b1_{{5}} = {float(model.params['b1'][5]):.4f}" in all_text(at)

    trainer(at).step(20)
    at.segmented_control(key="tiles_view").set_value("change").run()
    added = model.params["W1"] - trainer(at).initial_params["W1"]
    tiles = array(chart(at, "unit_tiles")["data"][0]["z"])
    scaled = per_tile_scaled(added)
    assert np.allclose(tiles[:28, :28], scaled[0].reshape(28, 28), atol=1e-6) and np.abs(added).max() > 0
    at = open_fold(at, "**Where the knobs start")
    assert len(chart(at, "init_race")["data"]) == 4


@pytest.mark.slow
def test_activations_page_gives_the_flat_share_of_the_networks_sums(app):
    at = on_page(app, "pages/3_Activations.py")
    at.radio(key="activation_shown").set_value("sigmoid").run()
    X, _ = validation(at)
    Z1 = trainer(at).model.forward(X[:500])["Z1"]
    share = diagnostics.flat_region(Z1, "sigmoid").fraction
    assert f"layer 1: **{share:.0%}**" in all_text(at)
    assert len(chart(at, "activation_figure")["layout"]["shapes"]) == 2  # both saturated tails shaded


def test_the_softmax_temperature_changes_the_probabilities_as_computed(app):
    at = open_fold(on_page(app, "pages/3_Activations.py"), "**Softmax")
    at.select_slider(key="softmax_temperature").set_value(5.0).run()
    X, _ = validation(at)
    logits = trainer(at).model.forward(X[:1])["Z2"][0]
    expected = softmax_steps(logits, 5.0).probs * 100
    shown = array(chart(at, "softmax_steps")["data"][2]["y"])
    assert np.allclose(shown, expected, atol=1e-4)
    table = at.dataframe[0].value
    assert np.allclose(table["probability"], expected / 100, atol=1e-6)


@pytest.mark.slow
def test_forward_page_numbers_are_the_networks_for_the_chosen_sample(app):
    at = on_page(app, "pages/4_Forward_pass.py")
    before = array(chart(at, "forward_Z1")["data"][0]["y"])
    at.number_input(key="_sample").set_value(11).run()
    X, _ = validation(at)
    cache = trainer(at).model.forward(X[11:12])
    z1 = array(chart(at, "forward_Z1")["data"][0]["y"])
    assert np.allclose(z1, cache["Z1"][0]) and not np.allclose(z1, before)
    assert np.allclose(array(chart(at, "forward_probs")["data"][0]["y"]), cache["A2"][0] * 100, atol=1e-4)

    at = open_fold(at, "**Inside one hidden unit")
    at.number_input(key="forward_unit").set_value(9).run()
    parts = inspection.unit_sum(trainer(at).model, X[11], 9)
    assert f"= {parts.z:.4f}" in all_text(at)
    assert parts.z == pytest.approx(float(cache["Z1"][0, 9]), abs=1e-5)


@pytest.mark.slow
def test_backprop_neuron_sliders_change_the_derivatives(app):
    at = open_fold(on_page(app, "pages/5_Backpropagation.py"), "**1. One neuron")
    at.slider(key="bp_w").set_value(-1.2).run()
    at.slider(key="bp_x").set_value(0.4).run()
    p = neuron.neuron(0.4, -1.2, -0.5, 1.0)
    table = at.dataframe[0].value
    assert np.allclose(table["value"], [p.dE_dw[0], p.dE_db, p.dE_dx[0]])
    assert np.allclose(table["finite differences"], table["value"], atol=1e-7)
    assert list(table["box right?"]) == ["❌", "✅", "❌"]


@pytest.mark.slow
def test_backprop_page_numbers_match_nn_core_on_the_sample(app):
    at = on_page(app, "pages/5_Backpropagation.py")
    for part in ("**2. ", "**3. ", "**4. "):
        at = open_fold(at, part)
    at.number_input(key="_sample").set_value(3).run()
    X, y = validation(at)
    model = trainer(at).model
    check = inspection.logit_gradient(model.forward(X[3:4])["Z2"][0], int(y[3]))
    assert np.allclose(array(chart(at, "logit_gradient")["data"][0]["y"]), check.analytic, atol=1e-6)
    jacobian = array(chart(at, "softmax_jacobian")["data"][0]["z"]).reshape(10, 10)
    assert np.allclose(jacobian, check.jacobian, atol=1e-6)
    assert f"{check.jacobian_difference:.1e}" in all_text(at)

    step = inspection.one_sample_step(model, X[3], int(y[3]), 0.1)
    assert np.allclose(array(chart(at, "bp_dZ2")["data"][0]["y"]), step.backward["dZ2"][0], atol=1e-6)
    assert f"{step.loss_before:.4g}" in all_text(at) and f"{step.loss_after:.4g}" in all_text(at)

    checks = next(d.value for d in at.dataframe if "tensor" in d.value.columns)
    assert list(checks["tensor"]) == ["W1", "b1", "W2", "b2"]
    assert (checks["relative error"] < 1e-6).all()

    nudge = chart(at, "bp_nudge")["data"]
    x, tangent = array(nudge[1]["x"]), array(nudge[1]["y"])
    slope = (tangent[-1] - tangent[0]) / (x[-1] - x[0])
    largest = np.unravel_index(np.abs(step.backward["dW1"]).argmax(), model.params["W1"].shape)
    assert slope == pytest.approx(float(step.backward["dW1"][largest]), rel=1e-3)


@pytest.mark.slow
def test_fixing_the_notebooks_softmax_changes_its_run(app):
    at = open_fold(on_page(app, "pages/5_Backpropagation.py"), "**5. What went wrong")
    at.select_slider(key="notebook_iterations").set_value(100).run()
    at.radio(key="notebook_init").set_value("uniform").run()
    traces = {t["name"].split(":")[0]: t for t in chart(at, "notebook_runs")["data"]}
    assert set(traces) == {"as written"}  # the fixed runs would answer the path's question: predict first
    assert all(at.checkbox(key=f"fix_{bug}").disabled for bug in BUG_NAMES)
    button(at, "Show it without predicting").click().run()
    assert "notebook_softmax" not in (at.session_state["path_done"] if "path_done" in at.session_state else {})
    traces = {t["name"].split(":")[0]: t for t in chart(at, "notebook_runs")["data"]}
    assert array(traces["with your fixes"]["y"])[-1] == array(traces["as written"]["y"])[-1]
    for bug in BUG_NAMES:
        at.checkbox(key=f"fix_{bug}").check().run()
    traces = {t["name"].split(":")[0]: t for t in chart(at, "notebook_runs")["data"]}
    assert np.array_equal(array(traces["with your fixes"]["y"]), array(traces["all fixed"]["y"]))
    assert array(traces["all fixed"]["y"])[-1] > 50 > array(traces["as written"]["y"])[-1]


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS)
def test_lesson_pages_handle_a_deeper_sigmoid_network_on_8x8_digits(app, path):
    control(app.selectbox, "_dataset").set_value("digits-8x8").run()
    control(app.text_input, "_hidden").input("24, 12").run()
    control(app.selectbox, "_activation").set_value("sigmoid").run()
    button(app, "New network").click().run()
    assert trainer(app).model.layer_sizes == [64, 24, 12, 10]
    at = on_page(app, path)
    assert not at.exception, at.exception
    assert "Traceback" not in all_text(at)


@pytest.mark.slow
def test_a_unit_left_over_from_a_bigger_network_is_brought_into_range(app):
    at = open_fold(on_page(app, "pages/4_Forward_pass.py"), "**Inside one hidden unit")
    at.number_input(key="forward_unit").set_value(100).run()
    control(at.text_input, "_hidden").input("16").run()
    button(at, "New network").click().run()
    assert not at.exception and at.number_input(key="forward_unit").value == 0
