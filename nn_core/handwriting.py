"""The learner's own handwriting as data: their digits with the labels they gave, kept as a
Kaggle-format CSV, and fine-tuning a network on them ("teach it my handwriting").

Fine-tuning is honest about what it measures: a part of the learner's digits (some of each
label) is held back, never trained on, and the network's accuracy on that part is compared before
and after. The digits it trains on are mixed with up to 4,000 of the training digits (each of
the learner's repeated so that they make about a fifth of the mix), so the network learns the
learner's hand without forgetting everyone else's; the mix is made from the base data and the
learner's digits alone, so it is small (about 16 MB, however large the base) and can be made
again after a restart. The taught run goes on from the run it was taught from: its steps, epochs,
history and moments so far.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace

import numpy as np

from .dataset import DataFormatError, Dataset
from .kaggle_csv import parse_kaggle_csv
from .network import MLP
from .schedules import Schedule
from .train import Trainer

Array = np.ndarray

PIXELS = 784  # the Draw page prepares every drawing as 28 x 28
HELD_BACK = 0.3  # the share of each label's digits kept out of fine-tuning, to measure it
MOST_DIGITS = 2000  # a learner's collection at most (a CSV of more is refused)
FINE_TUNE_EPOCHS = 3
MINE_SHARE = 0.2  # the learner's digits make about this share of each fine-tuning epoch
MIN_TO_TEACH = 10  # digits needed before fine-tuning means anything
REHEARSAL = 4000  # at most this many of the training digits go into the mix, so nothing is forgotten


@dataclass(frozen=True)
class MyDigits:
    """The learner's digits: ``X`` (n, 784) float32 ink in [0, 1], ``y`` (n,) their labels."""

    X: Array
    y: Array

    def __post_init__(self):
        X = np.array(self.X, dtype=np.float32).reshape(-1, PIXELS)
        y = np.array(self.y, dtype=np.int64).reshape(-1)
        if len(X) != len(y):
            raise ValueError(f"{len(X)} digits but {len(y)} labels")
        if len(y) and (y.min() < 0 or y.max() > 9):
            raise ValueError("a label is a digit from 0 to 9")
        if len(X) and (not np.isfinite(X).all() or X.min() < 0 or X.max() > 1):
            raise ValueError("a digit's pixels are ink between 0 and 1")
        X.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return len(self.y)

    def add(self, pixels: Array, label: int) -> MyDigits:
        if len(self) >= MOST_DIGITS:
            raise ValueError(f"you have {MOST_DIGITS:,} digits already: remove some first")
        if not 0 <= int(label) <= 9:
            raise ValueError(f"a label is a digit from 0 to 9, not {label}")
        return MyDigits(np.vstack([self.X, np.asarray(pixels, np.float32).reshape(1, PIXELS)]), [*self.y, int(label)])

    def join(self, other: MyDigits) -> tuple[MyDigits, int]:
        """These digits and ``other``'s after them, up to MOST_DIGITS; and how many of ``other``'s joined."""
        room = max(0, MOST_DIGITS - len(self))
        added = min(room, len(other))
        return MyDigits(np.vstack([self.X, other.X[:added]]), np.concatenate([self.y, other.y[:added]])), added

    def remove(self, index: int) -> MyDigits:
        if not 0 <= index < len(self):
            raise ValueError(f"there is no digit {index}")
        keep = np.arange(len(self)) != index
        return MyDigits(self.X[keep], self.y[keep])

    def digest(self) -> str:
        """A short name for these digits as they are saved (ink 0-255, labels): a saved copy has the
        same one (``digits_to_bytes``'s file does not: a zip holds the time it was written)."""
        ink = np.rint(self.X * 255).astype(np.uint8)
        return hashlib.sha256(ink.tobytes() + self.y.astype(np.int8).tobytes()).hexdigest()[:12]

    def counts(self) -> Array:
        return np.bincount(self.y, minlength=10)

    def to_csv(self) -> bytes:
        """Kaggle's digit-recognizer format: ``label,pixel0,...,pixel783``, whole numbers 0 to 255."""
        out = io.StringIO()
        out.write("label," + ",".join(f"pixel{i}" for i in range(PIXELS)) + "\n")
        values = np.rint(self.X * 255).astype(int)
        for label, row in zip(self.y, values):
            out.write(f"{label}," + ",".join(map(str, row)) + "\n")
        return out.getvalue().encode()

    @classmethod
    def from_csv(cls, data: bytes, name: str = "the file") -> MyDigits:
        """From a Kaggle-format CSV; a bad file raises DataFormatError with the data module's message."""
        pixels, labels = parse_kaggle_csv(data, name, labelled=True)
        if len(labels) > MOST_DIGITS:
            raise DataFormatError(f"{name} has {len(labels):,} digits; at most {MOST_DIGITS:,} can be kept as yours")
        if len(labels) and (labels.min() < 0 or labels.max() > 9):
            raise DataFormatError(f"{name}: every label must be a digit from 0 to 9")
        return cls(pixels.astype(np.float32) / np.float32(255), labels)


def digits_to_bytes(mine: MyDigits) -> bytes:
    """A compact .npz of the learner's digits (ink as whole numbers 0-255, as in the CSV)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, X=np.rint(mine.X * 255).astype(np.uint8), y=mine.y.astype(np.int8))
    return buffer.getvalue()


def digits_from_bytes(data: bytes) -> MyDigits:
    """``digits_to_bytes``'s digits back; anything else raises ValueError."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            X, y = arrays["X"], arrays["y"]
    except (OSError, KeyError, ValueError, EOFError) as error:
        raise ValueError(f"not a file of your digits ({type(error).__name__})") from None
    if X.dtype != np.uint8 or X.ndim != 2 or len(X) > MOST_DIGITS:
        raise ValueError("not a file of your digits")
    return MyDigits(X.astype(np.float32) / np.float32(255), y)


NONE = MyDigits(np.zeros((0, PIXELS), np.float32), np.zeros(0, np.int64))


HELD_EACH_TEN = (1, 4, 7)  # of each label's digits in the order they were added, these of every ten


def held_back(y: Array) -> tuple[Array, Array]:
    """(rows to train on, rows held back). Of each label's digits, in the order they were added,
    the 2nd, 5th and 8th of every ten are held back (30%): a fixed rule, so adding digits and
    teaching again never trains on a digit that was held back before."""
    y = np.asarray(y)
    order = np.zeros(len(y), dtype=np.intp)
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        order[rows] = np.arange(len(rows))
    held = np.flatnonzero(np.isin(order % 10, HELD_EACH_TEN))
    return np.setdiff1d(np.arange(len(y)), held), held


def teach_problem(mine: MyDigits) -> str | None:
    """Why these digits cannot be taught yet (a sentence to show beside the button), or None."""
    if len(mine) < MIN_TO_TEACH:
        return f"add at least {MIN_TO_TEACH} of your digits first (you have {len(mine)})"
    if not len(held_back(mine.y)[1]):
        return (
            "draw at least two of one digit: the second of each is held back, never trained on, to measure "
            "what teaching did"
        )
    return None


def mine_copies(data: Dataset, mine: int, share: float = MINE_SHARE) -> int:
    """How many times each of ``mine`` learner's digits goes into the mix with ``data``."""
    return max(1, round(share / (1 - share) * min(len(data.y_train), REHEARSAL) / max(1, mine)))


def mixed_dataset(data: Dataset, X: Array, y: Array, share: float = MINE_SHARE, seed: int = 0) -> Dataset:
    """``X, y`` with at most REHEARSAL of ``data``'s training digits (a fixed random choice, all of
    them in a smaller set), the learner's repeated to make about ``share`` of the mix; the
    validation and test digits are ``data``'s own arrays, not copies. A pure function of its
    inputs: the same digits give the same mix, so a taught run is rebuilt from the base data and
    the learner's digits (after a restart too), and it holds at most about REHEARSAL rows
    (16 MB), however large the base."""
    rows = len(data.y_train)
    chosen = (
        np.arange(rows) if rows <= REHEARSAL else np.sort(np.random.default_rng(seed).choice(rows, REHEARSAL, False))
    )
    copies = mine_copies(data, len(y), share)
    return replace(
        data,
        name=f"{data.name} + your digits",
        X_train=np.vstack([data.X_train[chosen], np.repeat(np.asarray(X, np.float32), copies, axis=0)]),
        y_train=np.concatenate([data.y_train[chosen], np.repeat(y, copies)]),
        description=(
            f"{len(chosen):,} of the training digits of {data.description}, and {len(y)} of your digits (each "
            f"{copies} times)"
        ),
    )


@dataclass(frozen=True)
class FineTune:
    trainer: Trainer  # the new run: the network before, trained further on the mixed digits
    taught: MyDigits  # the learner's digits it trained on (the mix is made from these and the base)
    copies: int  # how many times each of them is in the mix
    trained_on: int  # the learner's digits it trained on
    held: Array  # the rows of the learner's digits held back
    before: float  # accuracy on the held-back digits, before
    after: float
    val_before: float  # on the validation digits (everyone's), before
    val_after: float


def accuracy(model: MLP, X: Array, y: Array) -> float:
    return float((model.predict(X) == y).mean()) if len(y) else float("nan")


def fine_tune(
    trainer: Trainer, mine: MyDigits, epochs: int = FINE_TUNE_EPOCHS, seed: int = 0, base: Dataset | None = None
) -> FineTune:
    """The run going on from ``trainer``'s network now (its steps, epochs, history and moments so
    far), trained ``epochs`` epochs on a mix of ``base``'s training digits (the trainer's own by
    default: pass the unmixed data when teaching again) and the learner's, but the held-back ones;
    ``trainer`` itself is not changed. The learning rate is the run's own, without its schedule (a
    finished cosine would be at its floor)."""
    problem = teach_problem(mine)
    if problem is not None:
        raise ValueError(problem)
    if trainer.model.layer_sizes[0] != PIXELS:
        raise ValueError("your digits are 28 x 28: this network reads another size")
    train_rows, held = held_back(mine.y)
    data = base if base is not None else trainer.dataset
    taught = MyDigits(mine.X[train_rows], mine.y[train_rows])
    mixed = mixed_dataset(data, taught.X, taught.y)
    tuned = trainer.continue_from(trainer.steps, mixed, schedule=Schedule(), seed=seed)
    X_held, y_held = mine.X[held], mine.y[held]
    X_val, y_val = data.split("val")
    before, val_before = accuracy(trainer.model, X_held, y_held), accuracy(trainer.model, X_val, y_val)
    for _ in range(epochs):
        tuned.epoch()
        if tuned.diverged is not None:
            break
    return FineTune(
        tuned,
        taught,
        mine_copies(data, len(train_rows)),
        len(train_rows),
        held,
        before,
        accuracy(tuned.model, X_held, y_held),
        val_before,
        accuracy(tuned.model, X_val, y_val),
    )
