"""The fixtures every browser test module shares: one server and one Chromium page per module,
watched from the first navigation on, and a test that fails on anything the watcher records.

A module takes them with ``from tests.browser_fixtures import *  # noqa: F403`` (module-scoped
fixtures imported into a module are that module's own)."""

import pytest

from tests.browser import ProblemWatcher, chromium_page, streamlit_server

__all__ = ["server", "page_and_watcher", "page", "nothing_goes_wrong_in_the_page"]


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def page_and_watcher():
    with chromium_page(1400, 1000) as page:
        yield page, ProblemWatcher(page)  # watching from the first navigation on


@pytest.fixture(scope="module")
def page(page_and_watcher):
    return page_and_watcher[0]


@pytest.fixture(autouse=True)
def nothing_goes_wrong_in_the_page(page_and_watcher, after_call):
    """Fails the test if anything was recorded in the page while it ran (each record: time, URL, text)."""
    watcher = page_and_watcher[1]
    watcher.clear()  # what a previous test left behind is that test's
    after_call(watcher.check)
