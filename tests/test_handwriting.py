"""The learner's own digits: add, label, remove, download and upload (bad CSVs refused with the data
module's messages), and fine-tuning that improves their held-back digits without touching the run."""

import numpy as np
import pytest

from nn_core import MLP
from nn_core import handwriting as H
from nn_core.dataset import DataFormatError
from nn_core.robustness import perturbed
from nn_core.train import Trainer


@pytest.fixture(scope="module")
def slanted_hand(mnist):
    """A writer whose digits all lean 35 degrees and are drawn thick: 12 of each digit, built from
    test digits the networks never train on."""
    X, y = mnist.split("test")
    rows = np.concatenate([np.flatnonzero(y == c)[:12] for c in range(10)])
    leaning = perturbed(X[rows], mnist.image_shape, "rotate", 35, seed=0)
    turned = np.where(np.arange(len(rows))[:, None] % 2 == 0, leaning, perturbed(leaning, (28, 28), "stroke", 1))
    return H.MyDigits(turned, y[rows])


@pytest.fixture(scope="module")
def base(mnist):
    run = Trainer(MLP([784, 128, 10], seed=0), mnist, lr=0.001, optimizer="adam", eval_every=None)
    for _ in range(3):
        run.epoch()
    return run


def test_digits_are_added_labelled_and_removed(mnist):
    mine = H.NONE.add(mnist.X_val[0], 7).add(mnist.X_val[1], 3)
    assert len(mine) == 2 and list(mine.y) == [7, 3] and mine.counts()[7] == 1
    np.testing.assert_array_equal(mine.X[1], mnist.X_val[1])
    assert list(mine.remove(0).y) == [3] and len(H.NONE) == 0
    for bad in (
        lambda: mine.add(mnist.X_val[0], 10),
        lambda: mine.remove(5),
        lambda: H.MyDigits(np.full((1, 784), 2.0), [1]),
    ):
        with pytest.raises(ValueError):
            bad()
    assert not mine.X.flags.writeable


def test_the_csv_round_trips_in_kaggles_format(mnist):
    mine = H.NONE.add(mnist.X_val[0], 4).add(mnist.X_val[5], 9)
    data = mine.to_csv()
    assert data.splitlines()[0].startswith(b"label,pixel0,pixel1") and data.splitlines()[1].startswith(b"4,")
    back = H.MyDigits.from_csv(data, "mine.csv")
    assert list(back.y) == [4, 9]
    np.testing.assert_allclose(back.X, mine.X, atol=0.5 / 255)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"label,pixel0\n1,abc\n", "mine.csv"),
        (b"hello", "mine.csv"),
        (b"", "mine.csv"),
        (
            b"label," + b",".join(b"pixel%d" % i for i in range(784)) + b"\n12," + b",".join([b"0"] * 784) + b"\n",
            "outside 0-9",
        ),
    ],
    ids=["a word for a pixel", "not a table", "empty", "label 12"],
)
def test_a_bad_csv_is_refused_with_a_message(content, message):
    with pytest.raises(DataFormatError, match=message):
        H.MyDigits.from_csv(content, "mine.csv")


def test_the_held_back_part_has_some_of_each_label_and_is_never_trained_on(slanted_hand):
    train, held = H.held_back(slanted_hand.y)
    assert len(np.intersect1d(train, held)) == 0 and len(train) + len(held) == len(slanted_hand)
    assert set(slanted_hand.y[held]) == set(range(10)) and len(held) == 40  # 4 of each 12
    single = H.held_back(np.array([3, 5, 5]))
    assert list(single[1]) in ([1], [2]) and 0 in single[0]


@pytest.mark.slow
def test_teaching_it_the_learners_hand_improves_the_held_back_digits_and_leaves_the_run_alone(base, slanted_hand):
    before = {k: v.copy() for k, v in base.model.params.items()}
    steps = base.steps
    tuned = H.fine_tune(base, slanted_hand)
    assert tuned.after >= tuned.before + 0.1, (tuned.before, tuned.after)
    assert tuned.val_after > tuned.val_before - 0.03  # everyone else's digits are not forgotten
    assert tuned.trained_on == 80 and len(tuned.held) == 40
    assert base.steps == steps and all(np.array_equal(base.model.params[k], v) for k, v in before.items())
    assert tuned.trainer.dataset.X_train.shape[0] > len(base.dataset.y_train)
    held = slanted_hand.X[tuned.held]
    assert H.accuracy(tuned.trainer.model, held, slanted_hand.y[tuned.held]) == tuned.after


def test_teaching_needs_enough_digits(base, mnist):
    few = H.NONE.add(mnist.X_val[0], 1)
    with pytest.raises(ValueError, match="at least 10"):
        H.fine_tune(base, few)


def test_adding_digits_never_moves_one_into_or_out_of_the_held_back_part(slanted_hand):
    y = slanted_hand.y
    for n in (15, 40, 77, len(y)):
        _, held_then = H.held_back(y[:n])
        _, held_now = H.held_back(y)
        assert set(held_then) == set(held_now[held_now < n])


@pytest.mark.slow
def test_teaching_again_mixes_into_everyones_digits_not_the_mix(base, slanted_hand):
    first = H.fine_tune(base, slanted_hand)
    again = H.fine_tune(first.trainer, slanted_hand, base=base.dataset)
    assert len(again.trainer.dataset.y_train) == len(first.trainer.dataset.y_train)


def test_ten_different_digits_cannot_be_measured_so_teaching_says_why(base, mnist):
    mine = H.NONE
    for c in range(10):
        mine = mine.add(mnist.X_test[np.flatnonzero(mnist.y_test == c)[0]], c)
    with pytest.raises(ValueError, match="at least two of one digit"):
        H.fine_tune(base, mine)


def test_ten_different_digits_are_not_teachable_and_the_reason_is_given_before_the_click(mnist):
    one_of_each = H.NONE
    for c in range(10):
        one_of_each = one_of_each.add(mnist.X_test[np.flatnonzero(mnist.y_test == c)[0]], c)
    assert "at least two of one digit" in H.teach_problem(one_of_each)
    assert "at least 10" in H.teach_problem(H.NONE.add(mnist.X_val[0], 1))
    assert H.teach_problem(one_of_each.add(mnist.X_val[0], int(mnist.y_val[0]))) is None


def test_the_taught_run_goes_on_from_the_run_it_was_taught_from(base, slanted_hand):
    tuned = H.fine_tune(base, slanted_hand)
    run = tuned.trainer
    mix_steps = run.steps - base.steps
    assert mix_steps == H.FINE_TUNE_EPOCHS * -(-len(run.dataset.y_train) // run.batch_size)  # 3 whole epochs of the mix
    assert run.epochs_done == base.epochs_done + H.FINE_TUNE_EPOCHS
    assert run.epochs_elapsed == pytest.approx(base.epochs_elapsed + H.FINE_TUNE_EPOCHS, abs=0.01)
    losses = run.history["steps"].column("step")
    assert losses[0] == base.history["steps"].column("step")[0] and losses[-1] == run.steps  # the curve goes on
    np.testing.assert_array_equal(
        run.initial_params["W1"], base.initial_params["W1"]
    )  # what training added: from the start
    assert tuned.taught.y.tolist() == slanted_hand.y[np.setdiff1d(np.arange(len(slanted_hand)), tuned.held)].tolist()


def test_the_mix_is_made_from_the_base_and_the_learners_digits_and_stays_small_however_large_the_base(
    mnist, slanted_hand
):
    import tracemalloc
    from dataclasses import replace

    big = replace(mnist, X_train=np.tile(mnist.X_train, (5, 1)), y_train=np.tile(mnist.y_train, 5))  # 20,000 digits
    run = Trainer(MLP([784, 32, 10], seed=0), big, lr=0.05, eval_every=None)
    run.step(20)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tuned = H.fine_tune(run, slanted_hand, epochs=1)
        added = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    mix = tuned.trainer.dataset
    assert len(mix.y_train) <= H.REHEARSAL / (1 - H.MINE_SHARE) + tuned.copies  # not the 20,000 and more
    assert added < 20 * 2**20, f"teaching added {added / 2**20:.1f} MB"  # 16 MB of mix, then the run's own arrays
    assert mix.X_val is big.X_val and mix.X_test is big.X_test  # the splits it is measured on are not copied
    again = H.mixed_dataset(big, tuned.taught.X, tuned.taught.y)  # the same inputs make the same mix
    np.testing.assert_array_equal(again.X_train, mix.X_train)
    np.testing.assert_array_equal(again.y_train, mix.y_train)
    share = np.isin(np.arange(len(mix.y_train)), np.arange(H.REHEARSAL, len(mix.y_train))).mean()
    assert share == pytest.approx(H.MINE_SHARE, abs=0.02)
