import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from nn_core import load_dataset

# The learners' saved runs go to a folder of the test run's own, never the user's cache (the
# browser tests' servers inherit it).
os.environ.setdefault("NN_DIGITS_STORE", tempfile.mkdtemp(prefix="nn-digits-runs-"))

# Property tests: a quick profile by default, a long one where HYPOTHESIS_PROFILE=ci (.ci/run sets it).
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile("default", max_examples=20, deadline=None, suppress_health_check=_SLOW_IS_FINE)
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=_SLOW_IS_FINE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

AFTER_CALL = pytest.StashKey[list]()


@pytest.fixture
def after_call(request):
    """Registers a check to run as soon as the test's body ends (passed or failed), so that what it
    finds fails the test itself: the same check in a fixture's teardown would only add an error."""
    return request.node.stash.setdefault(AFTER_CALL, []).append


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    __tracebackhide__ = True
    try:
        return (yield)
    finally:  # a check that fails while the test is failing too shows both, the test's error first
        for check in item.stash.get(AFTER_CALL, []):
            check()


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


# The property test runs in the browser tests' xdist group, first: on a 2-core machine the other
# worker runs every other test beside it, and the browser tests then run beside an idle worker.
# (Beside the property test's CPU-bound minutes, Play the past lost its page's session now and then
# and a pause once showed 1.07 s late: a race left for the notes, not hidden by a longer wait.)
PROPERTY_TEST = "test_any_sequence_of_actions_leaves_a_working_app_and_a_finite_network"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    first = [item for item in items if item.name == PROPERTY_TEST]
    for item in first:
        item.add_marker(pytest.mark.xdist_group("browser"))
    items[:] = first + [item for item in items if item.name != PROPERTY_TEST]
