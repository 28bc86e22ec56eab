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
