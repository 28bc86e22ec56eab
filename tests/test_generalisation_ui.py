"""The sidebar's generalisation settings (augmentation with its preview, dropout, the schedule) reach
the learner's trainer on its next step, and the loss chart draws the rate a schedule gives."""

import numpy as np
import pytest

from nn_core import MLP
from nn_core.augment import Augmentation
from nn_core.schedules import Schedule
from nn_core.train import Trainer
from tests.apptest import all_text, button, control, new_app, on_page, trainer
from ui import sidebar
from ui.figures import training


@pytest.fixture
def app():
    at = on_page(new_app(), "pages/6_Training.py")
    at.session_state[sidebar.KEY_GENERALISATION] = True  # the fold open: its widgets are drawn only then
    return at.run()


def caption_of_preview(at) -> str:
    captions = [image.caption for element in at.get("image") for image in element.proto.imgs]
    return next(c for c in captions if "augmented copies" in c)


def test_an_augmentation_range_reaches_the_trainer_and_the_preview_redraws(app):
    at = app
    assert "no augmentation, so all the same" in caption_of_preview(at)
    before = trainer(at)
    control(at.slider, "_aug_rotate").set_value(15.0).run()
    control(at.slider, "_aug_shift").set_value(2.0).run()
    assert trainer(at) is before and trainer(at).augmentation == Augmentation(shift=2, rotate=15)
    assert "as the network would see them" in caption_of_preview(at)
    steps = trainer(at).steps
    button(at, "Step ×10").click().run()
    assert trainer(at).steps == steps + 10 and not at.exception
    logged = [(s, v) for s, n, v in trainer(at).settings_log if n == "augmentation"]
    assert logged[-1] == (steps, Augmentation(shift=2, rotate=15).to_text())


@pytest.mark.slow
def test_dropout_and_a_schedule_reach_the_trainer_and_the_loss_chart_draws_the_rate(app):
    at = app
    control(at.slider, "_dropout").set_value(0.3).run()
    assert trainer(at).dropout == 0.3
    control(at.selectbox, "_schedule_kind").set_value("step").run()
    assert trainer(at).schedule.kind == "step"
    control(at.select_slider, "_schedule_every").set_value(1).run()
    control(at.select_slider, "_schedule_gamma").set_value(0.1).run()
    assert trainer(at).schedule == Schedule("step", every=1, gamma=0.1)
    control(at.selectbox, "_schedule_kind").set_value("cosine").run()
    control(at.select_slider, "_schedule_epochs").set_value(10).run()
    control(at.select_slider, "_schedule_warmup").set_value(1.0).run()
    assert trainer(at).schedule == Schedule("cosine", warmup=1, epochs=10)
    assert "The next step's rate: **0.01**" in all_text(at)  # 0.1 x the warm-up's 10% at epoch 0
    button(at, "Step ×10").click().run()
    rates = np.asarray(trainer(at).history["steps"].column("rate"))
    assert rates[0] == pytest.approx(0.01) and (np.diff(rates) > 0).all()  # warming up
    assert not at.exception
    status = next(m.value for m in at.markdown if m.value.startswith("Epoch **"))
    assert "Dropout **0.3**" in status and f"× the schedule = **{trainer(at).rate_now():.2g}**" in status
    assert "Augmented" not in status
    control(at.slider, "_aug_thicker").set_value(0.5).run()
    status = next(m.value for m in at.markdown if m.value.startswith("Epoch **"))
    assert "Augmented: thicker 50%" in status


def test_the_loss_figure_has_a_rate_strip_only_when_the_rate_changed(mnist):
    run = Trainer(MLP([784, 8, 10]), mnist, eval_every=None, schedule=Schedule("cosine", warmup=0.1, epochs=1))
    run.step(30)
    steps = run.history["steps"]
    figure = training.loss_figure(steps.column("step"), steps.column("loss"), [], [], rates=steps.column("rate"))
    strip = [t for t in figure.data if t.name == "rate used"]
    assert len(strip) == 1 and strip[0].yaxis == "y2"
    np.testing.assert_allclose(strip[0].y, np.asarray(steps.column("rate"), np.float32))
    flat = Trainer(MLP([784, 8, 10]), mnist, eval_every=None)
    flat.step(5)
    steps = flat.history["steps"]
    figure = training.loss_figure(steps.column("step"), steps.column("loss"), [], [], rates=steps.column("rate"))
    assert [t.name for t in figure.data] == ["batch loss", "smoothed", "validation"]


@pytest.mark.slow
def test_a_saved_run_brings_its_generalisation_settings_back(app):
    from tests.test_persistence import open_app, token_of

    at = app
    control(at.slider, "_dropout").set_value(0.2).run()
    control(at.slider, "_aug_shear").set_value(5.0).run()
    button(at, "Step ×10").click().run()
    again = on_page(open_app(run=token_of(at)), "pages/6_Training.py")
    t = trainer(again)
    assert t.dropout == 0.2 and t.augmentation == Augmentation(shear=5) and t.steps == 10
    again.session_state[sidebar.KEY_GENERALISATION] = True
    again.run()
    assert control(again.slider, "_dropout").value == 0.2 and control(again.slider, "_aug_shear").value == 5.0


@pytest.mark.slow
def test_replay_with_these_settings_takes_dropout_the_schedule_and_augmentation_from_the_start(app):
    at = app
    button(at, "Step ×10").click().run()
    control(at.slider, "_dropout").set_value(0.5).run()
    control(at.slider, "_aug_shift").set_value(1.0).run()
    old = trainer(at)
    button(at, "Replay with these settings").click().run()
    new = trainer(at)
    assert new is not old and new.steps == 0
    start = {name: value for step, name, value in new.settings_log if step == 0}
    assert start["dropout"] == 0.5 and start["augmentation"] == Augmentation(shift=1).to_text()
    assert not at.exception
