"""The keyboard alone, in a real browser: from the home page, Tab to the Training page's link and
Enter, then Tab to Step, Play and Pause and press Space, and to the learning rate and move it with
the arrow keys; each control shows where the focus is. And the app at 640 pixels wide (200% zoom on
a 1280-pixel screen): Home, Training and Backpropagation, with no text cut off at the right edge.
Screenshots go to screenshots/ (look at them); the problem watcher is on throughout.
"""

import time

from tests.browser import ROOT, required, step_count, wait_for_app
from tests.browser import screenshot as full_page_screenshot

pytestmark = required("the keyboard test")

SHOTS = ROOT / "screenshots"
MOST_TABS = 120


from tests.browser_fixtures import *  # noqa: E402, F403  (server, page, the watcher on every test)


def focused(page) -> dict:
    """What has the focus: its tag, role, text or label, and whether a focus ring is drawn."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                || (style.boxShadow && style.boxShadow !== 'none');
            return {
                tag: e.tagName, role: e.getAttribute('role') || '',
                text: (e.innerText || e.getAttribute('aria-label') || e.value || '').trim().slice(0, 80),
                ring: ring,
            };
        }"""
    )


def label(f: dict) -> str:
    """An element's own words, without its icon (a link or button's text is "🏋️\n\nTraining")."""
    return f["text"].split("\n")[-1].strip()


def tab_to(page, matches, what: str) -> dict:
    """Press Tab until the focused element ``matches``; it must have a visible focus."""
    seen = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        time.sleep(0.05)
        now = focused(page)
        seen.append(now["text"])
        if matches(now):
            assert now["ring"], f"{what} has the focus but shows no focus ring: {now}"
            return now
    raise AssertionError(f"{what} was not reached by Tab in {MOST_TABS} presses; the focus went: {seen}")


def test_home_to_training_step_play_pause_and_the_learning_rate_with_the_keyboard_alone(server, page):
    page.goto(server + "/")
    wait_for_app(page, timeout=90)
    tab_to(page, lambda f: f["tag"] == "A" and label(f) == "Training", "the Training link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/Training**", timeout=30_000)
    wait_for_app(page, timeout=60)
    before = step_count(page)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and label(f) == "Step", "Step")
    page.keyboard.press("Space")
    wait_for_app(page, timeout=30)
    assert step_count(page) == before + 1
    for _ in range(3):  # back before Play (Play, Pause and Step sit side by side)
        page.keyboard.press("Shift+Tab")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and label(f).endswith("Play"), "Play")
    page.keyboard.press("Space")
    time.sleep(2.5)
    playing = step_count(page)
    assert playing > before + 1, "Play did not start from the keyboard"
    # Play and Pause are one control (a segmented control): the arrow keys move between its options
    page.keyboard.press("ArrowRight")
    now = focused(page)
    if not label(now).endswith("Pause"):  # the control was redrawn by a tick: find it again
        now = tab_to(page, lambda f: f["tag"] == "BUTTON" and label(f).endswith("Pause"), "Pause")
    assert label(now).endswith("Pause") and now["ring"], now
    page.keyboard.press("Space")
    time.sleep(1.5)
    paused = step_count(page)
    time.sleep(1.5)
    assert step_count(page) == paused, "Pause from the keyboard did not stop training"
    tab_to(page, lambda f: label(f) == "Learning rate", "the learning rate")
    page.keyboard.press("ArrowLeft")  # one notch down: 0.1 -> 0.05
    wait_for_app(page, timeout=30)
    status = page.locator(".st-key-status")
    deadline = time.time() + 20
    while "Learning rate 0.05" not in status.inner_text() and time.time() < deadline:
        time.sleep(0.2)
    assert "Learning rate 0.05" in status.inner_text(), status.inner_text()
    full_page_screenshot(page, SHOTS / "70_keyboard_Training.png")


def test_at_640_pixels_wide_no_text_is_cut_off(server, page):
    page.set_viewport_size({"width": 640, "height": 900})
    try:
        for path, name in (("/", "Home"), ("/Training", "Training"), ("/Backpropagation", "Backpropagation")):
            page.goto(server + path)
            wait_for_app(page, timeout=60)
            time.sleep(1.0)
            cut = page.evaluate(
                """() => {
                    const width = document.documentElement.clientWidth;
                    const cut = [];
                    for (const e of document.querySelectorAll('[data-testid="stMain"] p, [data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3, [data-testid="stMain"] li, [data-testid="stMain"] button')) {
                        const r = e.getBoundingClientRect();
                        if (r.width > 0 && r.right > width + 1) cut.push([e.tagName, e.innerText.slice(0, 60), Math.round(r.right)]);
                    }
                    return cut;
                }"""
            )
            full_page_screenshot(page, SHOTS / f"71_640px_{name}.png")
            assert not cut, f"{name} at 640 px: text runs past the right edge: {cut[:8]}"
    finally:
        page.set_viewport_size({"width": 1400, "height": 1000})
