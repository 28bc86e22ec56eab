"""Every page teaches in its first two screens: in Chromium at 1280x900, after one epoch and reached
by the sidebar's links, each page's default state (no fold opened) is at most two screens tall and
450 words of prose, and the Training page draws at most six charts (``tests/page_fit.py``
measures; the table of what it measured is in docs/app.md)."""

import time

import pytest

from lessons.pages import GLOSSARY, PAGES
from tests.browser import ROOT, required, wait_for_app, wait_until
from tests.page_fit import measure

pytestmark = required("the pages' size check")

SCREENS, SCREEN = 2, 900  # px of a 1280x900 window
MOST_WORDS, MOST_TRAINING_CHARTS = 450, 6
MEASURED = ROOT / "screenshots" / "page_fit.txt"


from tests.browser_fixtures import *  # noqa: E402, F403  (server, page, the watcher on every test)


@pytest.fixture(scope="module")
def sizes(server, page):  # noqa: F811
    """Each page's measure, in one session that trained an epoch first."""
    found = {}
    page.set_viewport_size({"width": 1280, "height": SCREEN})
    page.goto(server + "/Training")
    wait_for_app(page, timeout=90)
    page.get_by_role("button", name="+1 epoch").click()
    time.sleep(0.5)
    wait_for_app(page, timeout=90)
    for shown in PAGES:
        if shown == GLOSSARY:
            continue  # a reference, read by its search, not a lesson
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name=shown.label, exact=True).first.click()
        wait_for_app(page, timeout=60)
        time.sleep(1.0)  # charts and images drawn
        found[shown.label] = measure(page)
    MEASURED.parent.mkdir(exist_ok=True)
    MEASURED.write_text(
        "| page | height px | words of prose | charts drawn | folds |\n| --- | ---: | ---: | ---: | ---: |\n"
        + "".join(f"| {name} | {f.height:,} | {f.words} | {f.charts} | {f.folds} |\n" for name, f in found.items())
    )
    return found


@pytest.mark.parametrize("label", [p.label for p in PAGES if p != GLOSSARY])
def test_each_page_fits_two_screens_and_450_words(sizes, label):
    fit = sizes[label]
    assert fit.height <= SCREENS * SCREEN, f"{label} is {fit.height:,} px tall (at most {SCREENS * SCREEN:,})"
    assert fit.words <= MOST_WORDS, f"{label} has {fit.words} words of prose (at most {MOST_WORDS})"


def test_the_training_page_draws_at_most_six_charts(sizes):
    fit = sizes["Training"]
    assert 0 < fit.charts <= MOST_TRAINING_CHARTS, f"the Training page draws {fit.charts} charts"


def test_on_a_phone_pressing_play_shows_the_status_line_and_the_loss_curve(server, page):  # noqa: F811
    """At 390x844, with Play scrolled to the top of the screen as a thumb leaves it: once pressed, the
    step counter and the loss curve are both on the screen (not a screen and a half below)."""
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(server + "/Training")
        wait_for_app(page, timeout=90)
        play = page.get_by_role("radio", name="Play")
        play.evaluate("e => e.scrollIntoView({block: 'start'})")
        time.sleep(0.5)
        play.click()
        wait_until(lambda: page.get_by_role("radio", name="Pause").count() == 1, 20, "Play did not start")
        time.sleep(2)  # a few ticks drawn
        # a chart redrawn by a tick is briefly not on the page: its box is read once it is
        status = wait_until(lambda: page.locator(".st-key-status").first.bounding_box(), 10, "no status line")
        loss = wait_until(lambda: page.locator(".st-key-loss").first.bounding_box(), 10, "no loss curve")
        page.screenshot(path=str(ROOT / "screenshots" / "66_Training_phone_after_play.png"))
        page.get_by_role("radio", name="Pause").click()
        wait_for_app(page, timeout=60)
        assert 0 <= status["y"] and status["y"] + status["height"] <= 844, f"the status line is at {status}"
        assert loss["y"] + 150 <= 844, f"the loss curve starts at {loss['y']:.0f} px: off the phone's screen"
    finally:
        page.set_viewport_size({"width": 1280, "height": SCREEN})
