import numpy as np
import pytest

from nn_core import load_dataset


@pytest.fixture(scope="session")
def mnist():
    return load_dataset("mnist-5k")


@pytest.fixture(scope="session")
def digits():
    return load_dataset("digits-8x8")


@pytest.fixture
def small_batch():
    """A (7, 12) batch of inputs and labels over 4 classes, float64."""
    rng = np.random.default_rng(42)
    return rng.normal(size=(7, 12)), rng.integers(0, 4, size=7)
