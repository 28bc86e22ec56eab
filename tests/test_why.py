"""The learner's questions: each is answered on a trainer built to show its situation (a normal run,
a blow-up, a tiny rate, dead units, batches of one digit, a small training set), quotes the very
numbers the trainer's history holds, says so when it does not apply, and reuses the hint rules; on
the Training page the answers shown are the trainer's and a fix button applies its change."""

import dataclasses
import math

import numpy as np
import pytest

from lessons.hints import Fix, training_hints
from lessons.why import (
    QUESTIONS,
    Answer,
    accuracy_stuck,
    answers,
    blank_tiles,
    digit_lags,
    generalisation_gap,
    loss_jump,
    most_relevant,
    noisy_loss,
    rule_hints,
    smoothed_losses,
    still_learning,
    training_stopped,
    uniform_guess_loss,
)
from nn_core import MLP
from nn_core.diagnostics import dead_units
from nn_core.train import Trainer
from tests.apptest import all_text, button, control, new_app, on_page, trainer
from ui import why as why_ui
from ui.figures.images import weight_tiles_rgb
from ui.figures.theme import ema

TRAINING = "pages/6_Training.py"


def trained(dataset, steps, lr=0.1, batch_size=64, hidden=32, before=None):
    """A network on ``dataset`` trained for ``steps``; ``before(model)`` may change it first."""
    model = MLP([dataset.n_features, hidden, dataset.n_classes], seed=0)
    if before is not None:
        before(model)
    run = Trainer(model, dataset, lr=lr, batch_size=batch_size)
    run.step(steps)
    return run


def pct(x):
    return f"{x:.1%}"


@pytest.fixture(scope="module")
def normal(digits):
    return trained(digits, 300, lr=0.1)


@pytest.fixture(scope="module")
def blown_up(digits):
    run = trained(digits, 20, lr=50)
    assert run.diverged is not None
    return run


@pytest.fixture(scope="module")
def tiny(digits):
    return trained(digits, 300, lr=1e-5)


@pytest.fixture(scope="module")
def killed(digits):
    return trained(digits, 100, lr=2, hidden=64)  # a rate that kills most ReLU units without blowing up


@pytest.fixture(scope="module")
def one_digit_batches(digits):
    return trained(digits, 300, lr=0.05, batch_size=1)


@pytest.fixture(scope="module")
def raised(digits):
    run = trained(digits, 300, lr=0.1)
    run.lr = 1.5
    run.step(100)
    assert run.diverged is None
    return run


def evals(run):
    return run.history["evals"]


def every_text(answer: Answer) -> str:
    return " ".join([answer.summary, *answer.details])


# -- the registry --------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_registry_asks_at_least_six_questions_and_each_answers_every_situation(
    digits, normal, blown_up, tiny, killed, one_digit_batches, raised
):
    assert len(QUESTIONS) >= 6 and all(q.ask.endswith("?") and q.key == key for key, q in QUESTIONS.items())
    fresh = trained(digits, 0)
    for run in (fresh, normal, blown_up, tiny, killed, one_digit_batches, raised):
        answered = answers(run)
        assert list(answered) == list(QUESTIONS)
        for key, answer in answered.items():
            assert answer.summary and "nan" not in every_text(answer).lower(), (key, answer)
            assert all(isinstance(v, float) and math.isfinite(v) for v in answer.numbers.values()), (key, answer)
            assert answer.found or not answer.fixes, f"{key}: a fix offered for nothing found"
        assert most_relevant(answered) == next((k for k, a in answered.items() if a.found), "stuck")


def test_the_smoothed_loss_is_the_loss_charts_curve(normal):
    losses = normal.history["steps"].column("loss")
    np.testing.assert_array_equal(smoothed_losses(losses), ema(losses))


def test_the_answers_read_the_same_rules_as_the_hints(normal, tiny, killed, one_digit_batches, raised):
    for run in (normal, tiny, killed, one_digit_batches, raised):
        from_rules = [hint for hint in rule_hints(run).values() if hint]
        assert {h.title for h in from_rules} == {h.title for h in training_hints(run)}


def test_the_uniform_guess_loses_ln_of_the_classes():
    assert uniform_guess_loss("cross_entropy", 10) == pytest.approx(math.log(10))


# -- an untrained network --------------------------------------------------------------------------


def test_at_step_0_nothing_has_trained_and_every_tile_is_blank(digits):
    fresh = trained(digits, 0)
    answered = answers(fresh)
    stuck = answered["stuck"]
    assert not stuck.found and "has not started" in stuck.summary
    assert stuck.numbers["val_accuracy"] == fresh.evaluate("val")["accuracy"]
    assert pct(stuck.numbers["val_accuracy"]) in every_text(stuck)
    assert answered["tiles"].found and answered["tiles"].summary.startswith("Every tile is blank: at step 0")
    assert most_relevant(answered) == "tiles"
    assert all("step 0" in answered[k].summary for k in ("jump", "gap", "noisy", "lag", "learning", "stopped"))


# -- Why is my accuracy stuck? -----------------------------------------------------------------------


def test_a_tiny_rate_leaves_the_accuracy_stuck_at_chance_and_the_answer_quotes_the_history(tiny):
    answer = accuracy_stuck(tiny)
    steps, val = evals(tiny).column("step"), evals(tiny).column("val_accuracy")
    losses = tiny.history["steps"].column("loss")
    n = answer.numbers
    assert answer.found and "it has not started learning" in answer.summary
    assert n["val_accuracy"] == val[-1] and (n["first_step"], n["last_step"]) == (steps[-5], steps[-1])
    assert n["recent_loss"] == pytest.approx(losses[-50:].mean()) and n["uniform_loss"] == pytest.approx(math.log(10))
    assert f"{pct(val[-1])} for the last 5 evaluations (steps {int(steps[-5])}–{int(steps[-1])})" in answer.summary
    assert (
        f"averages {n['recent_loss']:.2f} over the last 50 steps" in answer.summary and "ln 10 = 2.30" in answer.summary
    )
    ratio = tiny.history["diagnostics"].last("update_ratio")[0]
    assert n["update_ratio"] == ratio and f"{ratio:.2g} of their size" in every_text(answer)
    (too_low,) = training_hints(tiny)
    assert too_low.title == "The learning rate looks too low" and answer.fixes == too_low.fixes
    assert too_low.reason in every_text(answer)


def test_a_learning_network_is_not_stuck_and_says_how_far_its_accuracy_moved(normal):
    answer = accuracy_stuck(normal)
    val = evals(normal).column("val_accuracy")[-5:]
    assert not answer.found and answer.summary.startswith("It is not stuck")
    assert f"from {pct(val[0])} to {pct(val[-1])}" in answer.summary
    assert (answer.numbers["lowest"], answer.numbers["highest"]) == (val.min(), val.max())


def test_a_blow_up_stops_the_accuracy_and_offers_a_new_network_at_a_tenth_of_the_rate(blown_up):
    answer = accuracy_stuck(blown_up)
    assert answer.found and f"Training stopped at step {blown_up.diverged.step}" in answer.summary
    assert answer.fixes == (Fix("New network, learning rate 5", {"lr": 5.0}, True),)


# -- Why did the loss jump? -------------------------------------------------------------------------


def test_a_blow_up_is_the_jump_and_quotes_the_divergence(blown_up):
    answer = loss_jump(blown_up)
    d = blown_up.diverged
    assert answer.found and answer.numbers == {
        "loss": d.loss,
        "reference_loss": d.reference_loss,
        "step": float(d.step),
        "lr": d.lr,
    }
    assert f"jumped to {d.loss:.3g} at step {d.step}" in answer.summary and "learning rate 50" in answer.summary


def test_a_raised_rate_makes_a_jump_that_names_the_change_and_offers_the_old_rate(raised):
    answer = loss_jump(raised)
    steps, smooth = raised.history["steps"].column("step"), smoothed_losses(raised.history["steps"].column("loss"))
    n = answer.numbers
    assert answer.found and 300 <= n["step"] <= 350
    assert n["high"] == smooth[steps == n["step"]][0] and n["low"] == smooth[steps == n["low_step"]][0]
    assert n["rise"] == pytest.approx(n["high"] - n["low"]) and n["rise"] > 0.3 * n["low"]
    assert "The learning rate changed from 0.1 to 1.5 at step 300." in answer.details
    assert Fix("Back to learning rate 0.1", {"lr": 0.1}) in answer.fixes


def test_a_steady_fall_has_no_jump_and_quotes_its_largest_rise(normal):
    answer = loss_jump(normal)
    steps, smooth = normal.history["steps"].column("step"), smoothed_losses(normal.history["steps"].column("loss"))
    n = answer.numbers
    assert not answer.found and answer.summary.startswith("No jump: the largest rise of the smoothed loss was")
    assert n["high"] == smooth[steps == n["step"]][0] and n["rise"] < 0.3 * n["low"]
    assert f"to {n['high']:.3f} at step {int(n['step'])}" in answer.summary


# -- Why are some tiles blank? -----------------------------------------------------------------------


def test_units_dead_from_the_start_are_the_blank_tiles_white_in_the_figure(digits):
    def switch_off(model):
        model.params["b1"][:5] = -100  # these ReLUs output 0 for every digit: no gradient ever reaches them

    run = trained(digits, 100, before=switch_off)
    answer = blank_tiles(run)
    added = run.model.params["W1"] - run.initial_params["W1"]
    blank = np.flatnonzero(np.abs(added).max(axis=1) == 0)
    assert answer.found and set(range(5)) <= set(blank) and answer.numbers["blank"] == len(blank)
    assert f"{len(blank)} of the 32 tiles are blank (units {', '.join(map(str, blank))}" in answer.summary
    assert answer.numbers["dead_blank"] == len(blank) and "All of them are dead" in answer.details[0]
    tiles = weight_tiles_rgb(added, digits.image_shape, columns=len(added), each_tile=True)  # one row of tiles
    width = digits.image_shape[1]
    for unit in blank:
        tile = tiles[:, unit * (width + 1) : unit * (width + 1) + width]  # a 1-pixel gap between tiles
        assert (tile == 255).all(), f"unit {unit}'s tile is not blank"
    drawn = next(u for u in range(len(added)) if u not in blank)
    assert (tiles[:, drawn * (width + 1) : drawn * (width + 1) + width] != 255).any()  # the others show strokes


def test_units_off_for_every_digit_seen_so_far_are_blank_though_not_dead(mnist):
    run = trained(mnist, 30, batch_size=1, hidden=128)
    answer = blank_tiles(run)
    added = run.model.params["W1"] - run.initial_params["W1"]
    blank = np.flatnonzero(np.abs(added).max(axis=1) == 0)
    assert answer.found and len(blank) and answer.numbers["blank_not_dead"] == len(blank)
    assert f"every one of the {run.samples_seen} training digits seen so far" in answer.details[0]
    seen = mnist.X_train[run._order[: run.samples_seen]]  # the first epoch's first 30 digits
    assert (run.model_at(0).forward(seen)["Z1"][:, blank] <= 0).all()  # off for each of them: no gradient


def test_a_blow_up_that_restored_the_start_leaves_every_tile_blank(blown_up):
    answer = blank_tiles(blown_up)
    assert answer.found and answer.numbers["blank"] == answer.numbers["units"] == 32
    assert f"the loss blew up at step {blown_up.diverged.step} and the starting weights were restored" in answer.summary


def test_units_killed_by_a_high_rate_keep_their_tiles_and_get_the_dead_unit_hints_fixes(killed):
    answer = blank_tiles(killed)
    dead = dead_units(killed.model.forward(killed.dataset.X_val)["Z1"], "relu")
    blank = answer.numbers["blank"]
    assert dead.sum() > 30 and answer.numbers["dead_later"] == dead.sum() - answer.numbers.get("dead_blank", 0)
    assert f"{int(answer.numbers['dead_later'])} other units are dead now but were not from the start" in every_text(
        answer
    )
    (hint,) = [h for h in training_hints(killed) if "dead" in h.title]
    assert hint.reason in every_text(answer) and answer.fixes == hint.fixes and blank < dead.sum()


def test_at_a_tiny_rate_no_tile_is_blank_since_each_tile_has_its_own_scale(mnist):
    run = trained(mnist, 100, lr=1e-5)
    answer = blank_tiles(run)
    change = np.abs(run.model.params["W1"] - run.initial_params["W1"]).max(axis=1)
    never_inked = int((mnist.X_train.max(axis=0) == 0).sum())
    assert not answer.found and answer.summary.startswith("No tile is blank")
    assert answer.numbers["smallest_change"] == change.min() and f"{change.min():.2g}" in answer.summary
    assert "even a tiny change shows in full colour" in every_text(answer)
    assert f"The {never_inked} of 784 pixels that no training digit inks never change" in every_text(answer)


# -- Why is the validation accuracy lower than the training accuracy? --------------------------------


def test_a_small_gap_is_within_chance(normal):
    answer = generalisation_gap(normal)
    train, val = evals(normal).last("train_accuracy"), evals(normal).last("val_accuracy")
    n = answer.numbers
    assert not answer.found and (n["train_accuracy"], n["val_accuracy"]) == (train, val)
    noise = math.hypot(2 * math.sqrt(train * (1 - train) / 1258), 2 * math.sqrt(val * (1 - val) / 180))
    assert n["noise"] == pytest.approx(noise) and f"about {noise * 100:.1f} points" in every_text(answer)


def test_a_small_training_set_is_learned_by_heart_and_the_gap_is_explained(digits):
    small = dataclasses.replace(digits, X_train=digits.X_train[:100], y_train=digits.y_train[:100])
    run = trained(small, 600, lr=0.5, batch_size=16, hidden=128)
    answer = generalisation_gap(run)
    train, val = evals(run).last("train_accuracy"), evals(run).last("val_accuracy")
    assert answer.found and answer.numbers["gap"] == train - val > answer.numbers["noise"]
    assert f"training accuracy is {pct(train)} and validation accuracy {pct(val)}" in answer.summary
    assert f"{evals(run).last('train_loss'):.3f} against {evals(run).last('val_loss'):.3f}" in every_text(answer)
    assert "measured on 100 training digits" in every_text(answer)


# -- Why is the loss curve so noisy? ------------------------------------------------------------------


def test_batches_of_one_digit_make_a_noisy_curve_and_a_bigger_batch_is_offered(one_digit_batches):
    answer = noisy_loss(one_digit_batches)
    losses = one_digit_batches.history["steps"].column("loss")
    wobble = float(np.std(losses[-50:] - smoothed_losses(losses)[-50:]))
    n = answer.numbers
    assert answer.found and n["wobble"] == pytest.approx(wobble) and n["batch_size"] == 1
    assert f"by ±{wobble:.3f}" in answer.summary and "one batch of 1 digit," in answer.details[0]
    assert (
        n["expected_wobble"] == pytest.approx(wobble / 8)
        and f"At 64 it would be about ±{wobble / 8:.3f}" in (answer.details[0])
    )
    assert answer.fixes[0] == Fix("Batch size 64", {"batch_size": 64})


def test_the_noise_is_explained_by_the_batches_it_came_from_not_the_batch_size_just_set(digits):
    run = trained(digits, 60, lr=0.05, batch_size=1)
    run.batch_size = 64
    answer = noisy_loss(run)
    assert "one batch of 1 digit," in answer.details[0] and "The batch size is now 64" in answer.details[0]
    assert answer.fixes == ()  # the bigger batch is already set
    run.step(20)
    mixed = noisy_loss(run)
    assert "one batch of 1 digit to 64," in mixed.details[0] and mixed.numbers["batch_size"] == 1
    run.step(50)
    assert "one batch of 64 digits," in noisy_loss(run).details[0]


def test_batches_of_64_wobble_as_usual_and_offer_nothing(normal):
    answer = noisy_loss(normal)
    assert not answer.found and "the usual wobble of batches of 64" in answer.summary and answer.fixes == ()


# -- Why does one digit lag behind? ----------------------------------------------------------------------


def test_the_lagging_digit_is_the_lowest_of_the_last_evaluation(digits):
    run = trained(digits, 50)  # an evaluation at step 50: the mistakes are counted at that same step
    answer = digit_lags(run)
    per_class = evals(run).last("val_per_class_accuracy")
    worst = int(np.argmin(per_class))
    others = float(np.delete(per_class, worst).mean())
    assert answer.found and answer.numbers["class"] == worst and answer.numbers["accuracy"] == per_class[worst]
    assert answer.numbers["others"] == pytest.approx(others)
    assert f"{pct(per_class[worst])} of the **{worst}**s right" in answer.summary and pct(others) in answer.summary
    confusion = run.evaluate("val")["confusion"][worst].copy()
    confusion[worst] = 0
    assert answer.numbers["mistaken_for"] == confusion.argmax() and answer.numbers["mistaken_count"] == confusion.max()


def test_a_network_at_chance_has_no_digit_ahead_or_behind(tiny):
    answer = digit_lags(tiny)
    assert not answer.found and answer.summary.startswith("It has not learned any digit yet")
    assert pct(evals(tiny).last("val_accuracy")) in answer.summary


# -- Is it still learning? ----------------------------------------------------------------------------


def test_a_falling_loss_is_still_learning_with_the_smoothed_numbers(normal):
    answer = still_learning(normal)
    steps, smooth = normal.history["steps"].column("step"), smoothed_losses(normal.history["steps"].column("loss"))
    n = answer.numbers
    assert not answer.found and answer.summary.startswith("Yes: over steps 225–300")
    assert n["loss_before"] == smooth[steps == 225][0] and n["loss_now"] == smooth[-1]
    assert f"from {n['loss_before']:.3f} to {n['loss_now']:.3f}" in answer.summary


def test_a_tiny_rate_is_hardly_learning_and_a_raised_one_goes_backwards(tiny, raised):
    hardly = still_learning(tiny)
    assert hardly.found and hardly.summary.startswith("Hardly") and hardly.fixes == training_hints(tiny)[0].fixes
    backwards = still_learning(raised)
    assert backwards.found and backwards.summary.startswith("No, it is going backwards")
    assert backwards.numbers["loss_now"] > backwards.numbers["loss_before"]


# -- Why did training stop? ---------------------------------------------------------------------------


def test_a_blow_up_is_why_training_stopped_with_the_guards_numbers(blown_up):
    answer = training_stopped(blown_up)
    d = blown_up.diverged
    assert answer.found and answer.summary == f"The loss blew up: {d.message}"
    assert (answer.numbers["step"], answer.numbers["lr"], answer.numbers["loss"]) == (d.step, d.lr, d.loss)
    assert "The starting weights were kept" in answer.details[-1]


def test_a_running_network_has_not_stopped(normal):
    answer = training_stopped(normal)
    assert not answer.found and answer.numbers["loss"] == normal.last_loss
    assert f"the last batch loss {normal.last_loss:.3f}" in answer.summary


# -- on the Training page --------------------------------------------------------------------------------


def open_section(at):
    at.session_state[why_ui.KEY_OPEN] = True
    return at.run()


@pytest.mark.slow
def test_the_training_page_answers_from_the_trainer_and_a_fix_applies_its_change():
    at = on_page(new_app(), TRAINING)
    assert not at.exception and not [r for r in at.radio if r.key == why_ui.KEY_RADIO]  # closed: not worked out
    control(at.select_slider, "_batch_size").set_value(1).run()
    for _ in range(3):
        button(at, "Step ×10").click().run()
    open_section(at)
    assert not at.exception
    run = trainer(at)
    assert run.steps == 30 and run.batch_size == 1
    radio = at.radio(key=why_ui.KEY_RADIO)
    assert radio.value == most_relevant(answers(run))  # opens on the first question that found something
    radio.set_value("noisy").run()
    answer = noisy_loss(trainer(at))
    shown = all_text(at)
    assert answer.found and answer.summary in shown and f"±{answer.numbers['wobble']:.2f}" in answer.summary
    button(at, "Batch size 64").click().run()
    assert not at.exception and trainer(at).batch_size == 64 and trainer(at).steps == 30
    assert control(at.select_slider, "_batch_size").value == 64
    assert at.radio(key=why_ui.KEY_RADIO).value == "noisy"  # the learner's question stays chosen
    assert "The batch size is now 64" in all_text(at) and not [b for b in at.button if b.label == "Batch size 256"]


@pytest.mark.slow
def test_after_a_blow_up_the_section_explains_it_and_its_fix_starts_a_gentler_network():
    at = on_page(new_app(), TRAINING)
    control(at.select_slider, "_lr").set_value(50.0).run()
    button(at, "Step ×10").click().run()
    open_section(at)
    run = trainer(at)
    assert not at.exception and run.diverged is not None
    answer = accuracy_stuck(run)
    assert at.radio(key=why_ui.KEY_RADIO).value == "stuck" and answer.summary in all_text(at)
    button(at, "New network, learning rate 5").click().run()
    assert not at.exception and trainer(at) is not run and trainer(at).steps == 0 and trainer(at).lr == 5
