"""The guided path ("Start here"): its stops in the notebook's order, each with the page that
teaches it and the predict-then-run checkpoints asked there (``lessons.checkpoints``). The app
draws it and keeps the learner's progress (``ui.guide``)."""

from __future__ import annotations

from dataclasses import dataclass

from . import pages


@dataclass(frozen=True)
class Stop:
    title: str
    idea: str  # the one thing to take away
    page: str
    checkpoints: tuple[str, ...]
    section: str = ""  # the page's part that teaches it, drawn first when a stop's link opens the page
    train: bool = False  # the stop ends with training the learner's own network (TRAIN_EPOCHS)


STOPS = (
    Stop(
        "A digit is 784 numbers",
        "what the network reads: a 28×28 grid of ink values",
        pages.DATA.path,
        ("blank_pixels",),
    ),
    Stop(
        "Layers of random weights",
        "each unit adds up weighted pixels plus a bias; at first the weights are random",
        pages.WEIGHTS.path,
        ("double_weight", "untrained_guess"),
    ),
    Stop(
        "Activations bend the sums",
        "what the bend after each sum is for, and where it stops learning",
        pages.ACTIVATIONS.path,
        ("stuck_units", "linear_collapse"),
    ),
    Stop(
        "The forward pass",
        "a digit goes in, ten numbers come out: how",
        pages.FORWARD.path,
        ("softmax_sum", "shift_logits"),
    ),
    Stop(
        "The loss, and which way is downhill",
        "what the gradient of the loss tells each weight",
        pages.BACKPROP.path,
        ("nudge_weight",),
    ),
    Stop(
        "Why the notebook's network never learned",
        "its softmax and its starting weights held it back: fix one thing at a time",
        pages.BACKPROP.path,
        ("notebook_softmax",),
        section="notebook",
    ),
    Stop(
        "Iterate: training a network that does",
        "small steps downhill, batch after batch; the learning rate sets their size",
        pages.TRAINING.path,
        ("high_rate", "tiny_rate", "last_digit"),
        train=True,
    ),
    Stop(
        "How good is it",
        "judge it on digits it never trained on, and see where it fails",
        pages.EVALUATION.path,
        ("sure_share",),
    ),
)
ALL_CHECKPOINTS = tuple(key for stop in STOPS for key in stop.checkpoints)
TRAIN_EPOCHS = 1  # what the path asks the learner's own network to train before it is judged
