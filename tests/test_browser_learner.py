"""A learner's session in a real browser: the tiles form strokes epoch by epoch, a phone shows
the main controls on its first screen, and a reload, a second tab or a restarted server keep the
network. Screenshots go to screenshots/ (look at them); the problem watcher is on throughout."""

import re
import tempfile
import time

import pytest

from tests.browser import (
    ROOT,
    ProblemWatcher,
    chromium_page,
    required,
    screenshot,
    slow_down,
    step_count,
    streamlit_server,
    wait_for_app,
)

pytestmark = required("the browser test")

SHOTS = ROOT / "screenshots"
STORE = tempfile.mkdtemp(prefix="nn-digits-browser-runs-")  # one store, shared by the servers below


@pytest.fixture(scope="module")
def server():
    with streamlit_server(env={"NN_DIGITS_STORE": STORE}) as url:
        yield url


class Watcher(ProblemWatcher):
    def forgive_the_stopped_server(self, base_url: str) -> None:
        """Drop what the page said while a server this test stopped on purpose was gone (its
        frontend retries the health check: "connection refused" at that server's address)."""
        self.collect()
        for key, problem in list(self._problems.items()):
            if "ERR_CONNECTION_REFUSED" in problem.text and base_url in problem.text:
                del self._problems[key]


WATCHERS = {}


@pytest.fixture
def page(after_call):
    with chromium_page(1400, 1000) as page:
        watcher = WATCHERS[id(page)] = Watcher(page)
        after_call(watcher.check)
        yield page


def full_screenshot(page, name: str) -> None:
    screenshot(page, SHOTS / f"{name}.png")


def train_epochs(page, count: int) -> None:
    for _ in range(count):
        before = step_count(page)
        page.get_by_role("button", name="+1 epoch").click()
        deadline = time.time() + 30
        while step_count(page) == before and time.time() < deadline:
            time.sleep(0.1)
        wait_for_app(page)


def validation_accuracy(page) -> str:
    found = re.search(r"Validation accuracy\s+([\d.]+%|–)", page.locator(".st-key-status").inner_text())
    return found.group(1) if found else ""


def test_the_tiles_form_strokes_after_one_epoch_and_change_by_five(server, page):
    page.goto(server + "/Training")
    wait_for_app(page, timeout=90)
    full_screenshot(page, "13_Training_epoch0")
    for epochs, name in ((1, "13_Training_epoch1"), (4, "13_Training_epoch5")):
        train_epochs(page, epochs)
        page.locator(".st-key-loss").wait_for(timeout=20_000)
        full_screenshot(page, name)
    assert step_count(page) >= 5 * 54  # 3,500 digits in batches of 64: 55 steps an epoch


def test_on_a_phone_the_main_controls_are_on_the_first_screen(server, after_call):
    with chromium_page(390, 844) as page:
        watcher = ProblemWatcher(page)
        after_call(watcher.check)
        page.goto(server + "/")
        wait_for_app(page, timeout=90)
        page.screenshot(path=str(SHOTS / "14_phone_Home.png"))
        train = page.get_by_role("button", name="Train 1 epoch").bounding_box()
        assert train["y"] + train["height"] <= 844, train
        page.goto(server + "/Training")
        wait_for_app(page)
        page.locator(".st-key-status").wait_for(timeout=20_000)
        page.screenshot(path=str(SHOTS / "14_phone_Training.png"))
        play = page.get_by_role("radio", name="Play").bounding_box()
        rate = (
            page.locator('[data-testid="stMain"] [data-testid="stSlider"]')
            .filter(has_text="Learning rate")
            .get_by_role("slider")
            .bounding_box()
        )
        assert play["y"] + play["height"] <= 844 and rate["y"] + rate["height"] <= 844, (play, rate)


def test_a_reload_a_second_tab_and_a_restarted_server_keep_the_network(page, after_call):
    with streamlit_server(env={"NN_DIGITS_STORE": STORE}) as first_server:
        page.goto(first_server + "/Training")
        wait_for_app(page, timeout=90)
        train_epochs(page, 1)
        steps, accuracy = step_count(page), validation_accuracy(page)
        assert steps > 0 and accuracy.endswith("%")
        time.sleep(0.5)
        page.reload()
        wait_for_app(page, timeout=60)
        page.locator(".st-key-status").wait_for(timeout=20_000)
        assert (step_count(page), validation_accuracy(page)) == (steps, accuracy)  # the same network
        line = page.locator(".st-key-loss path.js-line").first
        line.wait_for(timeout=20_000)
        assert len(line.get_attribute("d") or "") > 200  # the loss curve is back
        link = page.url
        assert "run=" in link

        other = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()

        slow_down(other)
        other_watcher = Watcher(other)
        after_call(other_watcher.check)
        try:
            other.goto(link)  # the same URL in a second tab: a copy of its own
            wait_for_app(other, timeout=60)
            other.locator(".st-key-status").wait_for(timeout=20_000)
            assert step_count(other) == steps
            other.get_by_role("button", name="Step ×10").click()
            deadline = time.time() + 15
            while step_count(other) != steps + 10 and time.time() < deadline:
                time.sleep(0.1)
            assert step_count(other) == steps + 10
            assert other.url != link  # its own token
        finally:
            other.context.close()
        page.get_by_role("button", name="Step", exact=True).click()  # the first tab trains on from its own network
        deadline = time.time() + 15
        while step_count(page) != steps + 1 and time.time() < deadline:
            time.sleep(0.1)
        assert step_count(page) == steps + 1
        time.sleep(0.5)
        link = page.url
        page.goto("about:blank")  # leave before the server stops: a page left open would keep calling it
    WATCHERS[id(page)].forgive_the_stopped_server(first_server)
    with streamlit_server(env={"NN_DIGITS_STORE": STORE}) as second_server:  # the server restarted
        page.goto(second_server + "/Training?" + link.split("?", 1)[1])
        wait_for_app(page, timeout=90)
        page.locator(".st-key-status").wait_for(timeout=20_000)
        assert step_count(page) == steps + 1
        page.goto("about:blank")
    for watcher in (WATCHERS[id(page)], other_watcher):  # late deliveries of the stopped servers' retries
        watcher.forgive_the_stopped_server(first_server)
        watcher.forgive_the_stopped_server(second_server)


def test_a_link_with_settings_starts_a_network_with_them_and_names_a_bad_value(server, page):
    page.goto(server + "/Training?lr=5&hidden=32&batch=16&activation=swish")
    wait_for_app(page, timeout=60)
    page.locator(".st-key-status").wait_for(timeout=20_000)
    assert "Learning rate 5" in page.locator(".st-key-status").inner_text()
    page.get_by_text("could not be used").first.wait_for(timeout=10_000)
    assert "activation" in page.get_by_text("could not be used").first.inner_text()
    assert "run=" in page.url and "lr=" not in page.url  # the settings leave the address: the token stays
    page.get_by_role("button", name="Link").click()
    link = page.locator('[data-testid="stCode"]').filter(has_text="lr=5").first
    link.wait_for(timeout=10_000)
    assert "hidden=32" in link.inner_text() and "run=" not in link.inner_text()
    page.goto(page.url.replace("/Training", "/"))  # the same run, on the home page
    wait_for_app(page, timeout=60)
    page.get_by_text("784 → 32 → 10 units").first.wait_for(timeout=20_000)
