"""Recipes: whole sets of settings that train a network for a purpose, each part with what it does.

``robust`` is a network that reads handwriting it has never seen: wider layers, Adam, a cosine
schedule with warm-up, dropout and augmentation. It was chosen on the validation digits and on
digits from other writers (scikit-learn's 8x8 digits, prepared as the Draw page prepares a
drawing), never on the test digits; ``benchmarks/bench_recipe.py`` measures it, and each part's
share (an ablation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .augment import STANDARD, Augmentation, for_image
from .data import Dataset
from .network import MLP
from .schedules import Schedule
from .train import Trainer


@dataclass(frozen=True)
class Recipe:
    name: str
    hidden: tuple[int, ...]
    optimizer: str
    lr: float
    batch_size: int
    epochs: int
    dropout: float
    schedule: Schedule
    augmentation: Augmentation
    parts: tuple[tuple[str, str], ...]  # (the part, what it does), for the page and the README
    activation: str = "relu"
    init: str = "he"
    l2: float = 0.0

    def without(self, part: str) -> Recipe:
        """The recipe with one part taken out ("augmentation", "dropout" or "schedule"): for an ablation."""
        if part == "augmentation":
            return replace(self, augmentation=Augmentation())
        if part == "dropout":
            return replace(self, dropout=0.0)
        if part == "schedule":
            return replace(self, schedule=Schedule())
        raise ValueError(f"a recipe has no part {part!r}: augmentation, dropout or schedule")

    def for_epochs(self, epochs: int) -> Recipe:
        """The recipe trained for ``epochs`` instead: its schedule ends with the run (and its warm-up
        is at most a quarter of it)."""
        if epochs < 1:
            raise ValueError(f"a recipe trains for at least 1 epoch, not {epochs}")
        if epochs == self.epochs:
            return self
        warmup = min(self.schedule.warmup, epochs / 4)
        return replace(self, epochs=epochs, schedule=replace(self.schedule, epochs=epochs, warmup=warmup))

    def augmentation_for(self, image_shape: tuple[int, int]) -> Augmentation:
        """The augmentation for digits of this size: shifts in pixels scaled from 28-pixel digits."""
        return for_image(self.augmentation, image_shape)


ROBUST = Recipe(
    name="robust",
    hidden=(1024, 512),
    optimizer="adam",
    lr=0.001,
    batch_size=64,
    epochs=40,
    dropout=0.2,
    schedule=Schedule("cosine", warmup=1, epochs=40),
    augmentation=STANDARD,
    parts=(
        (
            "Two wide hidden layers (1,024 and 512 ReLU units)",
            "room for many stroke detectors and their combinations",
        ),
        ("Adam at learning rate 0.001", "a step size of its own for every weight, so no rate needs tuning by hand"),
        (
            "A cosine schedule over 40 epochs, 1 of warm-up",
            "gentle first steps while the weights are random, large ones while far from a minimum, small ones to "
            "settle into it",
        ),
        (
            "Dropout 0.2",
            "each step trains a random 80% of the hidden units, so no unit can rely on another and the network "
            "learns more than one way to see each digit",
        ),
        (
            "Augmentation: shifts ±2 px, turns ±12°, sizes ±10%, slants ±8°, strokes thicker or thinner",
            "every batch shows the digits moved and redrawn a little, as other people write them: the network "
            "learns what a 3 looks like, not where the training 3s had their ink",
        ),
    ),
)
RECIPES = {ROBUST.name: ROBUST}


def build(recipe: Recipe, dataset: Dataset, seed: int = 0, blas_threads: int | None = None) -> Trainer:
    """A new, untrained run of ``recipe`` on ``dataset``."""
    model = MLP([dataset.n_features, *recipe.hidden, dataset.n_classes], recipe.activation, recipe.init, seed)
    return Trainer(
        model,
        dataset,
        lr=recipe.lr,
        batch_size=recipe.batch_size,
        optimizer=recipe.optimizer,
        l2=recipe.l2,
        seed=seed,
        dropout=recipe.dropout,
        schedule=recipe.schedule,
        augmentation=recipe.augmentation_for(dataset.image_shape),
        blas_threads=blas_threads,
    )


def train(trainer: Trainer, epochs: int, progress: Callable[[int, int, Trainer], None] | None = None) -> Trainer:
    """``epochs`` epochs of ``trainer``, calling ``progress(done, epochs, trainer)`` after each;
    stops early if training diverges."""
    for done in range(1, epochs + 1):
        trainer.epoch()
        if progress is not None:
            progress(done, epochs, trainer)
        if trainer.diverged is not None:
            break
    return trainer
