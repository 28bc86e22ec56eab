"""The learner's digits on the Draw page in AppTest: add one with its label, remove it, upload and
refuse CSVs, teach the network their hand, and keep them through a reload and in a saved file."""

import numpy as np
import pytest
from PIL import Image

from nn_core import drawing
from nn_core import handwriting as H
from nn_core.robustness import perturbed
from tests.apptest import all_text, button, control, new_app, on_page, trainer
from tests.test_persistence import open_app, token_of
from tests.test_use_pages import png
from ui.files import network_file

DRAW = "pages/8_Draw_a_digit.py"


@pytest.fixture
def app():
    at = new_app()
    trainer(at).step(60)
    return on_page(at, DRAW)


def slanted(mnist, per_class=3):
    X, y = mnist.split("test")
    rows = np.concatenate([np.flatnonzero(y == c)[:per_class] for c in range(10)])
    return H.MyDigits(perturbed(X[rows], mnist.image_shape, "rotate", 30), y[rows])


def upload_digits(at, mine, name="mine.csv"):
    return at.file_uploader(key="_my_digits_upload").upload(name, mine.to_csv(), "text/csv").run()


@pytest.mark.slow
def test_a_drawing_is_added_with_the_label_the_learner_gives_and_removed(app, mnist):
    at = app
    assert "Add to my digits" not in [b.label for b in at.button]  # nothing drawn: nothing to add
    picture = np.asarray(
        Image.fromarray((255 - mnist.X_test[3].reshape(28, 28) * 255).astype(np.uint8)).resize((200, 200))
    )
    at.file_uploader(key="digit_picture").upload("digit.png", png(picture), "image/png").run()
    add = button(at, "Add to my digits")
    assert add.disabled  # the label first
    at.selectbox(key="_my_label").set_value(int(mnist.y_test[3])).run()
    button(at, "Add to my digits").click().run()
    mine = at.session_state["my_digits"]
    assert len(mine) == 1 and mine.y[0] == mnist.y_test[3]
    np.testing.assert_array_equal(mine.X[0], drawing.prepare(picture).pixels)
    assert "**1** digit (" in all_text(at) and "Added to your digits" in all_text(at)
    button(at, "Remove it").click().run()
    assert len(at.session_state["my_digits"]) == 0 and not at.exception


@pytest.mark.slow
def test_uploaded_digits_join_and_show_how_the_network_reads_them(app, mnist):
    at = upload_digits(app, slanted(mnist))
    mine = at.session_state["my_digits"]
    assert len(mine) == 30 and not at.exception
    right = trainer(at).model.predict(mine.X) == mine.y
    assert f"The network reads **{right.mean():.0%}** of them right ({int(right.sum())} of 30)" in all_text(at)
    assert any(c.proto.id.endswith("-my_confusion") for c in at.get("plotly_chart"))
    at = upload_digits(at, slanted(mnist, 1), "more.csv")
    assert len(at.session_state["my_digits"]) == 40 and "10 digits from more.csv joined yours" in all_text(at)


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"hello", b"label,pixel0\n3,999\n", b""])
def test_a_bad_csv_is_refused_and_the_digits_stay(app, mnist, content):
    at = upload_digits(app, slanted(mnist, 1))
    at.file_uploader(key="_my_digits_upload").upload("bad.csv", content, "text/csv").run()
    assert "Not loaded" in all_text(at) and "Your digits are unchanged" in all_text(at)
    assert len(at.session_state["my_digits"]) == 10 and not at.exception


@pytest.mark.slow
def test_teaching_it_the_learners_hand_installs_a_new_run_and_says_what_it_did(app, mnist):
    at = app
    button_labels = [b.label for b in at.button]
    teach = next(b for b in at.button if b.label.startswith("Teach it my handwriting"))
    assert teach.disabled and "Teach it my handwriting (3 epochs)" in button_labels
    at = upload_digits(at, slanted(mnist, 4))
    old = trainer(at)
    expected = H.fine_tune(old, at.session_state["my_digits"])
    next(b for b in at.button if b.label.startswith("Teach it my handwriting")).click().run()
    new = trainer(at)
    assert new is not old and old.steps == 60 and not at.exception
    assert new.steps == expected.trainer.steps > old.steps and new.epochs_done == old.epochs_done + 3  # it goes on
    assert "Your network was taught your handwriting: a new run, kept in Your runs" in all_text(at)
    assert "Until the new one trains" not in all_text(at)  # it has trained
    assert f"**{expected.before:.0%}** right before, **{expected.after:.0%}** after" in all_text(at)
    assert [e.trainer.serial for e in at.session_state["ledger"].runs][-2:] == [old.serial, new.serial]
    np.testing.assert_array_equal(new.model.params["W1"], expected.trainer.model.params["W1"])
    assert "Changed:" not in all_text(at)  # the settings name the data it now trains on: nothing pending
    assert control(at.selectbox, "_dataset").value.startswith("mine:")
    settings = at.session_state["settings"]
    assert (settings.schedule, settings.dropout, settings.lr) == (
        new.schedule,
        new.dropout,
        new.lr,
    )  # what it trains with


@pytest.mark.slow
def test_the_digits_come_back_after_a_reload_and_travel_in_a_saved_file(app, mnist):
    at = upload_digits(app, slanted(mnist, 2))
    again = on_page(open_app(run=token_of(at)), DRAW)
    mine = again.session_state["my_digits"]
    assert len(mine) == 20 and not again.exception
    np.testing.assert_allclose(mine.X, at.session_state["my_digits"].X, atol=0.5 / 255)
    name, data = network_file(
        trainer(at), at.session_state["settings"], "mnist-5k", digits=H.digits_to_bytes(at.session_state["my_digits"])
    )
    fresh = on_page(new_app(), "pages/9_Model.py")
    fresh.file_uploader(key="_model_file").upload(name, data, "application/octet-stream").run()
    assert len(fresh.session_state["my_digits"]) == 20 and "20 of your digits saved beside it joined" in all_text(fresh)


def teach(at):
    next(b for b in at.button if b.label.startswith("Teach it my handwriting")).click().run()
    return at


def test_ten_different_digits_leave_teaching_off_and_say_why_beside_the_button(app, mnist):
    at = upload_digits(app, slanted(mnist, 1))  # one of each digit: none can be held back
    assert next(b for b in at.button if b.label.startswith("Teach it my handwriting")).disabled
    assert "To teach it: draw at least two of one digit" in all_text(at) and not at.exception


@pytest.mark.slow
def test_undo_after_teaching_brings_back_the_network_before_and_keeps_the_taught_run(app, mnist):
    at = upload_digits(app, slanted(mnist, 3))
    old = trainer(at)
    at = teach(at)
    taught = trainer(at)
    button(at, "Undo").click().run()
    assert trainer(at) is old and not at.exception
    assert taught.serial in [e.trainer.serial for e in at.session_state["ledger"].runs]  # still in Your runs


@pytest.mark.slow
def test_a_taught_run_comes_back_after_a_restart_made_again_from_the_base_and_the_digits(app, mnist):
    from ui import shared

    at = teach(upload_digits(app, slanted(mnist, 3)))
    taught = trainer(at)
    at = on_page(at, DRAW)  # a page drawn after teaching saves it
    mix = taught.dataset
    shared._upload_store.clear()  # a restart: nothing the process held is left
    shared._taught_store.clear()
    again = open_app(run=token_of(at))
    back = trainer(again)
    assert not again.exception and back.steps == taught.steps
    assert again.session_state["settings"].dataset.startswith("mine:")
    np.testing.assert_array_equal(back.dataset.X_train, mix.X_train)  # the same mix, made again
    np.testing.assert_array_equal(back.model.params["W1"], taught.model.params["W1"])
