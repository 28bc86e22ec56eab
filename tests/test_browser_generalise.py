"""Reading new handwriting, in a real browser: the sidebar's augmentation preview redraws when a range
moves, the Training page offers the strong reader, Evaluation draws the robustness curves, and on Draw
a digit a drawing is added to the learner's digits ten times with its label and the network is taught
their hand. Screenshots go to screenshots/ (look at them); the problem watcher is on throughout.
"""

import time

from tests.browser import (
    ROOT,
    canvas_ink,
    draw_a_one,
    draw_a_seven,
    open_fold,
    required,
    step_count,
    wait_for_app,
    wait_until,
)
from tests.browser import screenshot as full_page_screenshot

pytestmark = required("the browser test")

SHOTS = ROOT / "screenshots"


from tests.browser_fixtures import *  # noqa: E402, F403  (server, page, the watcher on every test)


def screenshot(page, name: str) -> None:
    full_page_screenshot(page, SHOTS / f"{name}.png")


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def preview_caption(page) -> str:
    return sidebar(page).get_by_text("augmented copies of the digit you follow").inner_text()


def test_the_augmentation_preview_redraws_when_a_range_moves(server, page):
    page.goto(server + "/Training")
    wait_for_app(page, timeout=90)
    sidebar(page).get_by_text("Generalisation: augmentation, dropout, schedule").click()
    fold = sidebar(page).get_by_text("augmented copies of the digit you follow")
    fold.wait_for(timeout=20_000)
    assert "no augmentation" in preview_caption(page)
    image = sidebar(page).locator('[data-testid="stImage"] img').first
    before = image.get_attribute("src")
    slider = sidebar(page).get_by_role("slider", name="Rotate (degrees)")
    slider.focus()
    for _ in range(15):  # the keyboard moves a slider one step a press
        page.keyboard.press("ArrowRight")
    wait_for_app(page, timeout=30)
    wait_until(lambda: "as the network would see them" in preview_caption(page), 20, preview_caption)
    wait_until(lambda: image.get_attribute("src") != before, 20, "the preview did not redraw")
    sidebar(page).get_by_text("augmented copies of the digit you follow").scroll_into_view_if_needed()
    sidebar(page).screenshot(path=str(SHOTS / "60_sidebar_augmentation.png"))
    status = page.get_by_text("Augmented: rotate ±15°")
    status.first.wait_for(timeout=20_000)  # the status line says it too
    open_fold(page, "Beyond these digits")
    strong = page.locator(".st-key-strong_reader")
    strong.scroll_into_view_if_needed()
    assert "Train a strong reader" in strong.inner_text()
    strong.screenshot(path=str(SHOTS / "61_Training_strong_reader.png"))


def test_evaluation_draws_the_robustness_curves(server, page):
    page.goto(server + "/Evaluation")
    wait_for_app(page, timeout=60)
    open_fold(page, "How it holds up")
    chart = page.locator(".st-key-robustness_chart")
    chart.wait_for(timeout=30_000)
    chart.scroll_into_view_if_needed()
    page.get_by_text("on the unchanged digits").first.wait_for(timeout=20_000)
    time.sleep(0.5)
    chart.screenshot(path=str(SHOTS / "62_Evaluation_robustness.png"))


def add_as(page, label: str) -> None:
    """Say which digit the drawing is, and press Add to my digits."""
    adder = page.locator(".st-key-add_digit")
    adder.get_by_role("combobox").click()
    page.get_by_role("option", name=label, exact=True).click()
    wait_for_app(page, timeout=30)
    add = adder.get_by_role("button", name="Add to my digits")
    wait_until(lambda: add.is_enabled(), 20, "Add stayed disabled after a label")
    add.click()
    wait_for_app(page, timeout=30)


def test_after_add_the_canvas_is_ready_for_the_next_digit_and_keeps_it(server, page):
    """Add empties the canvas and the answer with it (never a blank canvas beside the last answer); the
    next drawing stays on the canvas, is the one answered, and nothing above the canvas moves."""
    page.goto(server + "/Draw_a_digit")
    wait_for_app(page, timeout=60)
    page.get_by_text("Draw a digit in the box").first.wait_for(timeout=15_000)
    draw_a_one(page)
    canvas = page.locator(".dc-root canvas").last
    top = canvas.bounding_box()["y"]
    add_as(page, "1")
    page.get_by_text("Added to your digits as a 1").first.wait_for(timeout=20_000)
    assert canvas_ink(page) == 0, "Add left the last drawing on the canvas"
    assert not page.get_by_text("It's a").count(), "the answer to the digit just added is still shown"
    draw_a_seven(page)
    page.get_by_text("It's a").first.wait_for(timeout=20_000)
    wait_for_app(page, timeout=30)
    end = time.time() + 3
    while time.time() < end:  # the drawing stays, and the page does not move under it
        assert canvas_ink(page) > 0, "the second drawing vanished from the canvas"
        assert abs(canvas.bounding_box()["y"] - top) < 2, "the canvas moved after the drawing"
        time.sleep(0.2)
    assert page.get_by_text("1 digit (1 × 1)").count()  # the first is kept
    screenshot(page, "64_Draw_a_digit_next_after_add")


def test_drawn_digits_are_added_with_their_label_and_the_network_is_taught_them(server, page):
    page.goto(server + "/Draw_a_digit")
    wait_for_app(page, timeout=60)
    page.get_by_text("Draw a digit in the box").first.wait_for(timeout=15_000)
    for count in range(1, 11):  # each Add empties the canvas for the next
        draw_a_one(page)  # a stroke down the middle: a 1
        add_as(page, "1")
        page.get_by_text(f"{count} digit" + ("s" if count > 1 else "") + " (").first.wait_for(timeout=20_000)
    teach = page.get_by_role("button", name="Teach it my handwriting (3 epochs)")
    teach.scroll_into_view_if_needed()
    assert teach.is_enabled()
    teach.click()
    page.get_by_text("held back (never trained on)").first.wait_for(timeout=90_000)
    wait_for_app(page, timeout=60)
    screenshot(page, "63_Draw_a_digit_your_digits")


def digits_csv(folder, per_class: int, skip: int = 0):
    """A Kaggle-format CSV of ``per_class`` test digits of each class (after the first ``skip``)."""
    import numpy as np

    from nn_core import handwriting
    from nn_core.data import load_dataset

    X, y = load_dataset("mnist-5k").split("test")
    rows = np.concatenate([np.flatnonzero(y == c)[skip : skip + per_class] for c in range(10)])
    path = folder / f"digits-{per_class}-{skip}.csv"
    path.write_bytes(handwriting.MyDigits(X[rows], y[rows]).to_csv())
    return path


def upload_my_digits(page, path) -> None:
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Upload digits")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    wait_for_app(page, timeout=60)


def test_teaching_says_why_not_yet_beside_its_button_then_the_taught_run_goes_on(server, page, tmp_path):
    """Ten different digits: the button is off and the reason is said right under it (it used to be
    on, then refuse at the top of the page). Thirty: taught, the run goes on from the trained one
    (steps and epochs count on), and the line above the page says what Undo brings back."""
    page.goto(server + "/Training")
    wait_for_app(page, timeout=60)
    page.get_by_role("button", name="+1 epoch").click()
    wait_for_app(page, timeout=60)
    steps = step_count(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Draw a digit").click()
    wait_for_app(page, timeout=60)
    upload_my_digits(page, digits_csv(tmp_path, 1))
    page.get_by_text("10 digits (").first.wait_for(timeout=30_000)
    teach = page.get_by_role("button", name="Teach it my handwriting (3 epochs)")
    assert teach.is_disabled()
    reason = page.get_by_text("To teach it: draw at least two of one digit")
    below = reason.bounding_box()["y"] - teach.bounding_box()["y"]
    assert 0 < below < 120, f"the reason is {below:.0f} px from the button"
    upload_my_digits(page, digits_csv(tmp_path, 2, skip=1))
    page.get_by_text("30 digits (").first.wait_for(timeout=30_000)
    wait_until(lambda: teach.is_enabled(), 20, "Teach stayed off with 30 digits")
    teach.click()
    page.get_by_text("held back (never trained on)").first.wait_for(timeout=90_000)
    wait_for_app(page, timeout=60)
    assert page.get_by_text("Your network was taught your handwriting").count()
    assert not page.get_by_text("Until the new one trains").count()
    screenshot(page, "65_Draw_a_digit_taught")
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Training").click()
    wait_for_app(page, timeout=60)
    status = page.locator(".st-key-status").first.inner_text()
    assert step_count(page) > steps and "Epoch 4.00" in status, status  # one epoch, then three of teaching
