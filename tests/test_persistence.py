"""Nothing lost: the run's token in the URL brings the network back in a new session (a reload, a
closed tab, a restarted server), and a link's settings start a network with them."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT, TIMEOUT, all_text, button, control, on_page, trainer
from ui import persistence, store
from ui.settings import Settings, link_parameters


def open_app(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def token_of(at) -> str:
    token = at.query_params.get(persistence.RUN)
    token = token[0] if isinstance(token, list) else token
    assert store.is_token(token)
    return token


def test_a_link_with_settings_starts_a_network_with_them():
    at = open_app(lr="5", hidden="256,64", activation="tanh", batch="16", optimizer="adam", seed="7", l2="0.001")
    settings, model = at.session_state["settings"], trainer(at).model
    assert settings.lr == 5.0 and settings.batch_size == 16 and settings.optimizer == "adam" and settings.l2 == 1e-3
    assert model.layer_sizes == [784, 256, 64, 10] and model.activation == "tanh" and model.seed == 7
    assert trainer(at).lr == 5.0 and set(at.query_params) == {persistence.RUN}  # the settings leave the URL


@pytest.mark.parametrize(
    "name, bad",
    [
        ("lr", "abc"),
        ("lr", "1000"),
        ("activation", "swish"),
        ("batch", "7"),
        ("hidden", "0"),
        ("init", "zeros"),
        ("data", "imagenet"),
        ("seed", "-1"),
        ("momentum", "2"),
        ("optimizer", "lbfgs"),
        ("l2", "0.5"),
    ],
)
@pytest.mark.slow
def test_each_bad_value_in_a_link_is_named_and_the_rest_still_apply(name, bad):
    at = open_app(**{name: bad, "lr": "0.5" if name != "lr" else bad, "hidden": "32" if name != "hidden" else bad})
    assert f"`{name}`" in all_text(at) and "could not be used" in all_text(at)
    settings, setting = at.session_state["settings"], link_parameters()[name]
    assert getattr(settings, setting) == getattr(Settings(), setting)  # its default is used
    if name != "lr":
        assert settings.lr == 0.5  # the rest still apply
    if name != "hidden":
        assert settings.hidden == (32,)
    assert not at.exception


def test_the_link_on_the_training_page_carries_the_settings_never_the_token():
    at = open_app(lr="2")
    at = on_page(at, "pages/6_Training.py")
    link = next(c.value for c in at.code if "lr=" in c.value)
    assert "lr=2" in link and "hidden=128" in link and persistence.RUN + "=" not in link
    assert token_of(at) not in link
    back = open_app(**dict(pair.split("=") for pair in link.split("?")[1].split("&")))
    assert back.session_state["settings"] == at.session_state["settings"]


@pytest.mark.slow
def test_a_reload_brings_the_network_back_as_a_copy_of_its_own():
    first = open_app()
    first = on_page(first, "pages/6_Training.py")
    button(first, "Step ×10").click().run()
    control(first.select_slider, "_lr").set_value(0.5).run()
    token = token_of(first)
    again = open_app(run=token)  # the same URL: a reload, or a second tab
    assert trainer(again).steps == 10 and trainer(again).lr == 0.5
    assert again.session_state["settings"].lr == 0.5
    np.testing.assert_array_equal(trainer(again).model.params["W1"], trainer(first).model.params["W1"])
    assert len(trainer(again).history["steps"]) == 10
    assert token_of(again) != token  # its own copy: it never writes the first tab's network
    button(on_page(again, "pages/6_Training.py"), "Step").click().run()
    third = open_app(run=token)
    assert trainer(third).steps == 10  # the first tab's run did not move


def test_the_followed_digit_comes_back_too():
    first = on_page(open_app(), "pages/4_Forward_pass.py")
    first.number_input(key="_sample").set_value(42).run()
    again = open_app(run=token_of(first))
    assert again.session_state["sample"] == 42


@pytest.mark.slow
def test_an_unknown_or_damaged_run_starts_afresh_and_says_so():
    at = open_app(run=store.new_token())
    assert "was not found" in all_text(at) and trainer(at).steps == 0
    at = open_app(run="../../etc/passwd")
    assert "not a valid one" in all_text(at) and not at.exception
    token = store.new_token()
    persistence.run_store().save(token, b"PK\x03\x04 not really a zip")
    at = open_app(run=token)
    assert "could not be read" in all_text(at) and trainer(at).steps == 0 and not at.exception


def test_no_message_names_the_token():
    token = store.new_token()
    at = open_app(run=token)
    assert token not in all_text(at)


@pytest.mark.slow
def test_a_store_that_cannot_be_written_says_so_once_and_training_goes_on(monkeypatch):
    def refuse(self, token, data):
        raise OSError("read-only file system")

    monkeypatch.setattr(store.RunStore, "save", refuse)
    at = open_app()
    assert "not being saved" in all_text(at)
    at = on_page(at, "pages/6_Training.py")
    for steps in (1, 2):
        button(at, "Step").click().run()
        assert "not being saved" not in all_text(at) and trainer(at).steps == steps  # said once; it trains on


@pytest.mark.slow
def test_a_restored_session_trains_with_every_default_of_a_new_one():
    first = on_page(open_app(), "pages/6_Training.py")
    button(first, "Step").click().run()
    again = on_page(open_app(run=token_of(first)), "pages/6_Training.py")
    assert not again.exception and control(again.select_slider, "_speed").value == 5
    button(again, "Step ×10").click().run()
    assert trainer(again).steps == 11


@pytest.mark.slow
def test_the_guided_paths_progress_comes_back_with_the_run():
    first = on_page(open_app(), "pages/1_Data.py")
    first.radio(key="_predict_blank_pixels").set_value("most").run()
    next(b for b in first.button if b.key == "run_blank_pixels").click().run()
    answered = first.session_state["path_done"]["blank_pixels"]
    again = on_page(open_app(run=token_of(first)), "pages/1_Data.py")
    prediction, outcome, serial, steps = again.session_state["path_done"]["blank_pixels"]
    assert (prediction, outcome.happened, outcome.why, steps) == (answered[0], answered[1].happened, answered[1].why, 0)
    assert serial == trainer(again).serial  # measured on this very run: no "it has changed since"
    assert outcome.why in all_text(again) and "1 of 13" in all_text(again) and not again.exception


@pytest.mark.parametrize(
    "key, entry",
    [
        ("blank_pixels", None),
        ("blank_pixels", "not a dict"),
        ("blank_pixels", {"prediction": 3, "happened": "most", "why": "w", "steps": 0}),
        ("blank_pixels", {"prediction": "most", "happened": "most", "why": "w", "steps": "0"}),
        ("blank_pixels", {"prediction": "most", "why": "w", "steps": 0}),
        ("no_such_checkpoint", {"prediction": "most", "happened": "most", "why": "w", "steps": 0}),
    ],
)
@pytest.mark.slow
def test_a_damaged_progress_entry_is_left_out_and_the_rest_of_the_run_comes_back(key, entry, monkeypatch):
    first = open_app()
    good = {"prediction": "one", "happened": "one", "why": "Measured.", "steps": 0, "same_run": True}
    real = persistence.guide.to_record
    monkeypatch.setattr(persistence.guide, "to_record", lambda: {"softmax_sum": good, key: entry})
    on_page(first, "pages/6_Training.py")
    button(first, "Step ×10").click().run()
    monkeypatch.setattr(persistence.guide, "to_record", real)
    again = open_app(run=token_of(first))
    assert trainer(again).steps == 10 and not again.exception
    assert set(again.session_state["path_done"]) == {"softmax_sum"}


def test_a_progress_record_that_is_not_a_table_is_ignored(monkeypatch):
    first = open_app()
    monkeypatch.setattr(persistence.guide, "to_record", lambda: ["not", "a", "table"])
    on_page(first, "pages/6_Training.py")
    button(first, "Step ×10").click().run()
    monkeypatch.undo()
    again = open_app(run=token_of(first))
    assert trainer(again).steps == 10 and not again.exception
    assert "path_done" not in again.session_state or not again.session_state["path_done"]
