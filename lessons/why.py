"""Answers to the questions a learner asks while training ("Why is my accuracy stuck?", "Why did the
loss jump?", "Why are some tiles blank?", ...), each computed from a trainer's live state and
quoting the numbers it used.

``QUESTIONS`` is the registry: a ``Question`` is what the learner asks and a function from a
trainer to an ``Answer`` (a one-line summary, the details, the numbers it quotes by name, the fixes
that can help as ``lessons.hints.Fix``, and whether it found what the question asks about; a page
opens on the first that did). A question that does not apply says so with its numbers ("no jump:
the largest rise of the smoothed loss was 0.017"). Where a question overlaps a hint rule (a
learning rate too high or too low, dead units, overfitting), the answer calls the rule and quotes
it instead of judging again; as in ``training_hints``, no rule speaks while training is stopped by
a blow-up.

The answers live by what they explain: ``lessons.why_accuracy`` (stuck, gap, lag),
``lessons.why_loss`` (jump, noisy, learning, stopped) and ``lessons.why_tiles`` (tiles), on what
``lessons.why_readings`` holds for them all (``Answer``, the thresholds, the shared readings).
This module is the registry, and every public name of those modules can be imported from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nn_core.train import Trainer

from .why_accuracy import accuracy_stuck, accuracy_wobble, digit_lags, generalisation_gap, uniform_guess_loss
from .why_loss import loss_jump, noisy_loss, setting_at, still_learning, training_stopped
from .why_readings import (
    BIGGER_BATCH,
    HEALTHY_UPDATE_RATIO,
    JUMP_FLOOR,
    JUMP_QUESTION,
    JUMP_SHARE,
    JUMP_WINDOW,
    LAG,
    LARGEST_BATCH_OFFERED,
    LEARNING_ACCURACY,
    LEARNING_LOSS,
    NEAR_CHANCE,
    NOISY,
    NOISY_QUESTION,
    ONE_BATCH,
    RECENT,
    SETTING_NAMES,
    SMOOTHING,
    STUCK_EVALUATIONS,
    STUCK_RANGE,
    Answer,
    rule_hints,
    smoothed_losses,
)
from .why_tiles import blank_tiles, never_inked_pixels

__all__ = [
    "Question",
    "QUESTIONS",
    "Answer",
    "answers",
    "most_relevant",
    "accuracy_stuck",
    "loss_jump",
    "blank_tiles",
    "generalisation_gap",
    "noisy_loss",
    "digit_lags",
    "still_learning",
    "training_stopped",
    "smoothed_losses",
    "uniform_guess_loss",
    "accuracy_wobble",
    "never_inked_pixels",
    "rule_hints",
    "setting_at",
    "NOISY_QUESTION",
    "JUMP_QUESTION",
    "SMOOTHING",
    "RECENT",
    "STUCK_EVALUATIONS",
    "STUCK_RANGE",
    "NEAR_CHANCE",
    "JUMP_WINDOW",
    "JUMP_SHARE",
    "JUMP_FLOOR",
    "ONE_BATCH",
    "HEALTHY_UPDATE_RATIO",
    "NOISY",
    "BIGGER_BATCH",
    "LARGEST_BATCH_OFFERED",
    "LAG",
    "LEARNING_LOSS",
    "LEARNING_ACCURACY",
    "SETTING_NAMES",
]


@dataclass(frozen=True)
class Question:
    key: str
    ask: str
    answer: Callable[[Trainer], Answer]


QUESTIONS: dict[str, Question] = {
    question.key: question
    for question in (
        Question("stuck", "Why is my accuracy stuck?", accuracy_stuck),
        Question("jump", JUMP_QUESTION, loss_jump),
        Question("tiles", "Why are some tiles blank?", blank_tiles),
        Question("gap", "Why is the validation accuracy lower than the training accuracy?", generalisation_gap),
        Question("noisy", NOISY_QUESTION, noisy_loss),
        Question("lag", "Why does one digit lag behind?", digit_lags),
        Question("learning", "Is it still learning?", still_learning),
        Question("stopped", "Why did training stop?", training_stopped),
    )
}


def answers(trainer: Trainer) -> dict[str, Answer]:
    """Every question's answer now, in ``QUESTIONS``'s order."""
    return {key: question.answer(trainer) for key, question in QUESTIONS.items()}


def most_relevant(answered: dict[str, Answer]) -> str:
    """The key of the first question whose answer found something (else of the first question)."""
    return next((key for key, answer in answered.items() if answer.found), next(iter(answered)))
