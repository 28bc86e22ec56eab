"""The seed notebook's network, faithfully, with each of its bugs named and switchable.

The notebook trains a 784-10-10 network (ReLU, then softmax) by full-batch gradient descent
with samples in columns: ``X`` is (784, m), ``W1`` (10, 784), ``b1`` (10, 1). Its code, as
written, stays near 10% accuracy. ``NotebookBugs`` turns each bug on (as written) or off
(fixed), so a learner can fix them one at a time and see which ones matter:

- ``softmax_whole_matrix``: ``exps / np.sum(exps)`` divides by the sum over the whole
  (10, m) matrix, so each sample's probabilities sum to about 1/m instead of 1; the output
  barely depends on the input and the gradient ``A2 - Y`` is almost ``-Y`` for every sample.
  Fix: sum over each column, ``np.sum(exps, axis=0, keepdims=True)``.
- ``scalar_db2``: ``np.sum(dE)`` adds up the errors of all 10 classes into one number, so
  every output bias gets the same (near zero) update. Fix: ``np.sum(dE, axis=1, keepdims=True)``.
- ``broken_db1``: ``ReLU_deriv(Z1).dot(np.sum(dZ1))`` is a (10, m) matrix, so ``b1``
  silently grows from (10, 1) into (10, m), one bias per training sample (that cannot be
  used on new data). Fix: ``np.sum(dZ1, axis=1, keepdims=True)``.
- ``global_m``: ``backward_prop`` divides by the global ``m``, the rows of the whole file,
  not the samples in ``X``. Harmless in the notebook (it trains on every row), wrong on a
  split. Fix: ``m = X.shape[1]``.

Not a bug, though the notebook thought so: ``dE = A2 - Y`` *is* dL/dZ2 for softmax with
cross-entropy; the "missing" softmax derivative is already inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class NotebookBugs:
    """Which of the notebook's bugs are in (True: as written) or fixed (False)."""

    softmax_whole_matrix: bool = True
    scalar_db2: bool = True
    broken_db1: bool = True
    global_m: bool = True

    @classmethod
    def fixed(cls) -> NotebookBugs:
        return cls(**{f.name: False for f in fields(cls)})


BUG_NAMES = tuple(f.name for f in fields(NotebookBugs))

# name -> (short name, what is wrong, the line as written, the line fixed)
BUG_LINES = {
    "softmax_whole_matrix": (
        "softmax",
        "softmax divides by the sum over the whole matrix, all samples at once",
        "exps / np.sum(exps)",
        "exps / np.sum(exps, axis=0, keepdims=True)",
    ),
    "scalar_db2": (
        "db2",
        "db2 adds the errors of all ten classes into one number",
        "db2 = 1 / m * np.sum(dE)",
        "db2 = 1 / m * np.sum(dE, axis=1, keepdims=True)",
    ),
    "broken_db1": (
        "db1",
        "db1 is a (10, m) matrix, so b1 grows one column per training sample",
        "db1 = 1 / m * ReLU_deriv(Z1).dot(np.sum(dZ1))",
        "db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)",
    ),
    "global_m": (
        "m",
        "the gradients are divided by the file's row count, not by the samples in X",
        "m, Y.size  # globals from the loading cell",
        "m = X.shape[1]",
    ),
}


# the notebook's two ways to start: what its code does, and what its text says it does
STARTS = {"randn": "np.random.randn (the code)", "uniform": "uniform ±0.5 (the text)"}
CODE_START, TEXT_START = STARTS

# Why it never learned, as measured on the bundled digits (300 iterations; tests/test_notebook.py
# checks each claim): as written it stays at 10%, and no other fix moves it without the softmax's;
# with the softmax fixed, the code's start reaches under a third, and every fix together adds a few
# points; the text's uniform start reaches about four in five. Home, the path's stop, the
# Backpropagation page and its checkpoint all tell this one story.
STORY = (
    "Two things stop it: its **softmax divides by the wrong sum**, so its answer hardly depends on the digit, "
    "and its code **starts from weights far too large**. Its three other gradient bugs cost a few points at most."
)


def measured_story(accuracy: dict[str, float], iterations: int) -> str:
    """The story with this data's numbers: ``accuracy`` after ``iterations`` iterations of the runs
    "as written", "softmax fixed" (the code's start), "all fixed" (the code's start) and "all fixed,
    uniform start" (the text's)."""
    percent = {name: f"{value:.1%}" for name, value in accuracy.items()}
    return (
        f"Measured here, after {iterations} iterations: as written **{percent['as written']}**, and no other fix "
        "moves it without the softmax's. Fix the softmax and it reaches "
        f"**{percent['softmax fixed']}**; fix everything and it reaches **{percent['all fixed']}**: the three other "
        "fixes are worth a few points, up or down (db2 as written moves all ten output biases by the same amount, "
        "and softmax ignores a shift of all ten scores, so that bug changed nothing). What holds it back is its "
        f"start: from the text's uniform ±0.5 the fixed code reaches **{percent['all fixed, uniform start']}**."
    )


def init_params(init: str = "randn", seed: int = 0, n_inputs: int = 784) -> tuple[Array, Array, Array, Array]:
    """W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1) (``n_inputs`` columns of W1 for other images).

    "randn": ``np.random.randn``, what the code does (standard normal, not +-0.5);
    "uniform": uniform in [-0.5, 0.5], what the notebook's text says it does.
    """
    rng = np.random.default_rng(seed)
    shapes = [(10, n_inputs), (10, 1), (10, 10), (10, 1)]
    if init == "randn":
        return tuple(rng.standard_normal(s) for s in shapes)
    if init == "uniform":
        return tuple(rng.random(s) - 0.5 for s in shapes)
    raise ValueError(f"unknown initialisation {init!r}: choose one of {', '.join(STARTS)}")


def ReLU(Z):
    return np.maximum(Z, 0)


def ReLU_deriv(Z):
    return Z > 0


def softmax(Z, bugs: NotebookBugs = NotebookBugs()):
    exps = np.exp(Z - Z.max())
    if bugs.softmax_whole_matrix:
        return exps / np.sum(exps)  # BUG: sums over all samples, not per sample
    return exps / np.sum(exps, axis=0, keepdims=True)


def forward_prop(W1, b1, W2, b2, X, bugs: NotebookBugs = NotebookBugs()):
    Z1 = np.dot(W1, X) + b1
    A1 = ReLU(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = softmax(Z2, bugs)
    return Z1, A1, Z2, A2


def one_hot(Y):
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))
    one_hot_Y[np.arange(Y.size), Y] = 1
    return one_hot_Y.T


def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y, m_global: int, bugs: NotebookBugs = NotebookBugs()):
    m = m_global if bugs.global_m else X.shape[1]  # BUG when on: the file's row count
    one_hot_Y = one_hot(Y)
    dE = A2 - one_hot_Y  # right for softmax + cross-entropy: this *is* dL/dZ2
    dW2 = 1 / m * dE.dot(A1.T)
    if bugs.scalar_db2:
        db2 = 1 / m * np.sum(dE)  # BUG: one number for all 10 biases
    else:
        db2 = 1 / m * np.sum(dE, axis=1, keepdims=True)
    dZ1 = W2.T.dot(dE) * ReLU_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    if bugs.broken_db1:
        db1 = 1 / m * ReLU_deriv(Z1).dot(np.sum(dZ1))  # BUG: a (10, m) matrix
    else:
        db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2


def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 = W1 - alpha * dW1
    b1 = b1 - alpha * db1
    W2 = W2 - alpha * dW2
    b2 = b2 - alpha * db2
    return W1, b1, W2, b2


def get_predictions(A2):
    return np.argmax(A2, 0)


def get_accuracy(predictions, Y):
    return np.sum(predictions == Y) / Y.size


@dataclass
class NotebookRun:
    """What a run of the notebook's ``gradient_descent`` did."""

    bugs: NotebookBugs
    iterations: list[int] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    softmax_column_sum: list[float] = field(default_factory=list)  # mean over samples; 1 when right
    params: tuple = ()
    initial: tuple = ()

    @property
    def b1_shape(self) -> tuple[int, ...]:
        return self.params[1].shape

    @property
    def b2_change(self) -> Array:
        """How far each output bias moved: all by the same amount when db2 is one number."""
        return (self.params[3] - self.initial[3]).ravel()


def gradient_descent(
    X: Array,
    Y: Array,
    alpha: float = 0.10,
    iterations: int = 501,
    bugs: NotebookBugs = NotebookBugs(),
    init: str = "randn",
    seed: int = 0,
    m_global: int | None = None,
    record_every: int = 10,
) -> NotebookRun:
    """The notebook's training loop. ``X`` (784, m), ``Y`` (m,); accuracy as the notebook measures
    it (on the forward pass of each iteration, before its update), every ``record_every`` iterations."""
    m_global = X.shape[1] if m_global is None else m_global
    W1, b1, W2, b2 = init_params(init, seed, X.shape[0])
    run = NotebookRun(bugs, initial=(W1, b1, W2, b2))
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X, bugs)
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y, m_global, bugs)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
        if i % record_every == 0 or i == iterations - 1:
            run.iterations.append(i)
            run.accuracy.append(float(get_accuracy(get_predictions(A2), Y)))
            run.softmax_column_sum.append(float(A2.sum(axis=0).mean()))
    run.params = (W1, b1, W2, b2)
    return run


def run_on_dataset(dataset, bugs: NotebookBugs = NotebookBugs(), iterations: int = 501, **kwargs) -> NotebookRun:
    """``gradient_descent`` on a dataset's training split, laid out as the notebook does
    (float64, samples in columns); the global m is the whole file's row count."""
    X = np.asarray(dataset.X_train, dtype=np.float64).T
    m_global = sum(dataset.sizes().values())
    return gradient_descent(
        X, np.asarray(dataset.y_train), iterations=iterations, bugs=bugs, m_global=m_global, **kwargs
    )
