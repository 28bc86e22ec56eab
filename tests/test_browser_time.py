"""Training through time in a real browser: the time slider shows a past moment on every page and
"Back to now" leaves it, "Play the past" walks the held moments to now by itself, a replay with
another learning rate is overlaid on the first run under "Your runs", and the probe digits and the
learning-rate finder draw. Screenshots go to screenshots/ (look at them); the problem watcher is on
throughout, so any exception box, Traceback, page error or console error fails the test it was in.
"""

import re

from tests.browser import (
    ROOT,
    current_button,
    open_fold,
    required,
    step_count,
    wait_for_app,
    wait_until,
)
from tests.browser import (
    screenshot as full_page_screenshot,
)

pytestmark = required("the browser test")

SHOTS = ROOT / "screenshots"
TIME_SLIDER = "Show the network as it was at step"
PAST_LINE = re.compile(r"as it was at step ([\d,]+)\s*\(it is at step ([\d,]+) now\)")


from tests.browser_fixtures import *  # noqa: E402, F403  (server, page, the watcher on every test)


def screenshot(page, name: str) -> None:
    full_page_screenshot(page, SHOTS / f"{name}.png")


def number(text: str) -> int:
    return int(text.replace(",", ""))


def assert_no_exception(page) -> None:
    """None on screen now (the watcher, on in every test, sees every moment in between)."""
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()
    assert "Traceback" not in page.inner_text("body")


def fresh_training_page(page, server: str) -> None:
    """The Training page of a new session (no run token in the address: a network of its own, at step 0)."""
    page.goto(server + "/Training")
    wait_for_app(page, timeout=90)  # a fresh server imports everything and loads the data first
    page.locator(".st-key-status").wait_for(timeout=30_000)
    assert step_count(page) == 0


def train(page, button: str, exact: bool = False) -> int:
    """Click a training button and wait until the step count moved and the run ended; the new count."""
    before = step_count(page)
    page.get_by_role("button", name=button, exact=exact).click()
    wait_until(lambda: step_count(page) > before, 60, f"{button!r} did not train")
    wait_for_app(page, timeout=60)
    return step_count(page)


def time_slider(page):
    """The time slider's thumb: an <input type=range> whose aria-valuetext is the shown option ("51", "55 (now)")."""
    return page.locator('[data-testid="stSlider"]').filter(has_text=TIME_SLIDER).get_by_role("slider")


# The shown step: the time slider's option, or while training or the past plays, the display that
# stands in for it ("Show the network as it was at step: 51"), read without waiting.
READ_TIME = """(label) => {
    const input = [...document.querySelectorAll('[data-testid="stSlider"] input[type=range]')]
        .find((i) => (i.getAttribute('aria-label') || '') === label);
    if (input) return input.getAttribute('aria-valuetext') || '';
    const shown = document.querySelector('.st-key-time_shown');
    const text = shown ? shown.textContent : '';
    return text.startsWith(label + ': ') ? text.slice(label.length + 2).trim() : '';
}"""


def slider_text(page) -> str:
    """The step the time slider (or its display while playing) shows."""
    return page.evaluate(READ_TIME, TIME_SLIDER)


def past_line(page) -> tuple[int, int] | None:
    """(shown step, present step) of the "You are looking at the network as it was at step N" line, or None."""
    found = PAST_LINE.search(page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').innerText"))
    return (number(found.group(1)), number(found.group(2))) if found else None


def test_a_past_step_is_shown_on_every_page_until_back_to_now(server, page):
    fresh_training_page(page, server)
    now = train(page, "+1 epoch")
    assert now >= 50  # 3,500 digits in batches of 64: 55 steps an epoch
    assert slider_text(page) == f"{now:,} (now)"
    assert past_line(page) is None

    thumb = time_slider(page)
    thumb.focus()
    page.keyboard.press("ArrowLeft")  # the held moment before now
    wait_until(lambda: past_line(page), 30, "no 'as it was at step' line after ArrowLeft")
    wait_for_app(page)
    shown, present = past_line(page)
    assert 0 < shown < now and present == now
    assert slider_text(page) == f"{shown:,}"  # the slider and the line agree
    assert page.get_by_role("button", name="Continue from here").is_enabled()
    # the curves mark the moment shown
    mark = page.locator(".st-key-loss .annotation-text").filter(has_text=re.compile(rf"\bstep {shown:,}$"))
    mark.first.wait_for(timeout=20_000)
    open_fold(page, "More charts")  # the confusion matrix is one of them
    page.get_by_text(f"Confusion on the validation digits at step {shown:,}").first.wait_for(timeout=20_000)

    thumb.focus()
    page.keyboard.press("Home")  # the start: step 0
    wait_until(lambda: past_line(page) == (0, now), 30, "Home did not show step 0")
    wait_for_app(page)
    assert slider_text(page) == "0"
    assert_no_exception(page)
    screenshot(page, "30_Training_past_moment")

    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Evaluation").click()
    page.wait_for_url(re.compile(r"/Evaluation"), timeout=20_000)
    wait_for_app(page, timeout=60)
    wait_until(lambda: past_line(page) == (0, now), 30, "the Evaluation page does not say it shows step 0")
    assert_no_exception(page)
    screenshot(page, "30_Evaluation_past_moment")

    page.get_by_role("button", name="Back to now").click()
    wait_until(lambda: past_line(page) is None, 30, "'Back to now' left the past-moment line on the Evaluation page")
    wait_for_app(page)
    assert page.get_by_role("button", name="Back to now").count() == 0

    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Training").click()
    page.wait_for_url(re.compile(r"/Training"), timeout=20_000)
    wait_for_app(page, timeout=60)
    page.locator(".st-key-status").wait_for(timeout=20_000)
    assert step_count(page) == now and past_line(page) is None
    wait_until(lambda: slider_text(page) == f"{now:,} (now)", 20, "the time slider is not back at now")
    assert not page.get_by_role("button", name="Continue from here").is_enabled()
    assert_no_exception(page)


# Records in the page, with no round trip to Python, each value the time slider, the past-moment
# line and the Play the past button take: polling them from Python while the past plays costs the
# page time of its own. Read every 100 ms with textContent (no layout), not on every mutation.
WATCH_MOMENTS = (
    r"""(label) => {
    window.__moments = [];
    const readTime = """
    + READ_TIME
    + r""";
    const read = () => {
        const alerts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stAlert"]')];
        const line = alerts.map((a) => a.textContent.match(/as it was at step ([\d,]+)|Playing the past/)).find(Boolean);
        const button = document.querySelector('.st-key-stop_past button') || document.querySelector('.st-key-play_past button');
        const state = {
            slider: readTime(label),
            line: line ? line[1] || line[0] : '',
            stop: !!button && button.textContent.includes('Stop'),
        };
        const last = window.__moments[window.__moments.length - 1];
        if (!last || last.slider !== state.slider || last.line !== state.line || last.stop !== state.stop) {
            window.__moments.push({...state, time: Date.now()});
        }
    };
    read();
    clearInterval(window.__momentsTimer);
    window.__momentsTimer = setInterval(read, 100);
}"""
)


def moments_seen(page) -> list[dict]:
    return page.evaluate("() => window.__moments || []")


def shown_steps(records: list[dict]) -> list[int]:
    """The past steps the time slider showed, in order, each once."""
    steps = []
    for record in records:
        text = record["slider"]
        if text and "now" not in text and (not steps or steps[-1] != number(text)):
            steps.append(number(text))
    return steps


def seconds_to_third_step(records: list[dict]) -> float | None:
    """Seconds from the first record of a past step to the one where the slider showed its third
    different past step, or None if it never did."""
    seen, first = set(), None
    for record in records:
        text = record["slider"]
        if text and "now" not in text:
            first = record["time"] if first is None else first
            seen.add(number(text))
            if len(seen) == 3:
                return (record["time"] - first) / 1000
    return None


def story(records: list[dict], most: int = 12) -> str:
    """The last records, one "time slider | line | button" each: what the page went through."""
    if not records:
        return "(nothing recorded)"
    began = records[0]["time"]
    return "; ".join(
        f"{(r['time'] - began) / 1000:.1f} s {r['slider'] or '-'} | {r['line'] or '-'} | {'Stop' if r['stop'] else 'Play'}"
        for r in records[-most:]
    )


def play_the_past(page) -> None:
    page.get_by_role("button", name="Play the past").click()
    current_button(page, "Stop").wait_for(timeout=20_000)


def test_play_the_past_walks_the_moments_and_ends_at_now_by_itself(server, page):
    fresh_training_page(page, server)
    now = train(page, "+1 epoch")
    held = number(time_slider(page).get_attribute("max")) + 1  # the options: the held steps and now

    # a first play, stopped midway, for the screenshot of the past playing
    play_the_past(page)
    wait_until(lambda: slider_text(page) not in ("", f"{now:,} (now)"), 20, "Play the past showed no past step")
    screenshot(page, "31_Training_playing_the_past")
    if page.get_by_role("button", name="Stop").count():
        page.get_by_role("button", name="Stop").click()
        current_button(page, "Play the past").wait_for(timeout=20_000)
    wait_for_app(page)
    if page.get_by_role("button", name="Back to now").count():
        page.get_by_role("button", name="Back to now").click()
    wait_until(lambda: past_line(page) is None, 30, "'Back to now' after Stop left the past-moment line")
    wait_for_app(page)
    assert slider_text(page) == f"{now:,} (now)"

    # the whole walk, watched from inside the page
    page.evaluate(WATCH_MOMENTS, TIME_SLIDER)
    play_the_past(page)
    # about 0.7 s per held moment: some 17 s for one epoch's; generous for a loaded machine
    current_button(page, "Play the past").wait_for(timeout=held * 0.7 * 1000 + 90_000)
    wait_for_app(page, timeout=60)
    records = moments_seen(page)
    steps, third = shown_steps(records), seconds_to_third_step(records)
    left_at = past_line(page)
    cut_short = len(set(steps)) < (held - 1) / 2  # a whole walk shows every held past step
    # The slider is disabled while the past plays: its on_change once fired with the value from before
    # a tick moved it, which stepped the moment back and stopped the walk near step 0.
    assert left_at is None and steps == sorted(steps) and not cut_short, (
        f"Play the past went back or stopped before now: the past-moment line at {left_at}; of {held - 1} "
        f"held past steps the slider showed {steps}. Time slider | line | button: {story(records)}"
    )
    assert steps and steps[0] < 10, f"the past did not start at the start: {steps}"
    assert left_at is None, f"the past-moment line stayed after Play the past ended: {left_at}"
    assert third is not None and third < 10, f"Play the past showed fewer than 3 steps in 10 s: {steps}, {third}"
    assert slider_text(page) == f"{now:,} (now)"
    assert page.get_by_role("button", name="Back to now").count() == 0
    assert step_count(page) == now  # playing the past never trains
    assert_no_exception(page)


def legend_texts(page, key: str) -> list[str]:
    return page.locator(f".st-key-{key} .legend text.legendtext").all_text_contents()


def test_a_replay_with_another_learning_rate_is_overlaid_on_the_first_run(server, page):
    fresh_training_page(page, server)
    assert train(page, "Step ×10") == 10
    rate = (
        page.locator('[data-testid="stMain"] [data-testid="stSlider"]')
        .filter(has_text="Learning rate")
        .get_by_role("slider")
    )
    assert rate.get_attribute("aria-valuetext") == "0.1"
    rate.focus()
    page.keyboard.press("ArrowRight")  # the next notch: 0.2
    wait_until(
        lambda: "Learning rate 0.2" in page.locator(".st-key-status").inner_text(), 30, "the learning rate did not move"
    )
    wait_for_app(page)
    page.get_by_role("button", name="Replay with these settings").click()
    wait_until(lambda: step_count(page) == 0, 30, "the replay did not start at step 0")
    wait_for_app(page)
    assert train(page, "Step ×10") == 10

    open_fold(page, "Through time")
    page.get_by_role("tab", name="Your runs").click()
    chart = page.locator(".st-key-runs_overlay")
    chart.scroll_into_view_if_needed()
    chart.locator(".legend").first.wait_for(timeout=20_000)
    wait_until(
        lambda: {"lr 0.1", "lr 0.2"} <= {t.strip() for t in legend_texts(page, "runs_overlay")},
        20,
        f"the legend of 'Runs compared' does not name both rates: {legend_texts(page, 'runs_overlay')}",
    )
    assert "Runs compared" in chart.inner_text()
    panel = page.get_by_role("tabpanel").filter(has_text="Your runs.")
    panel.locator('[data-testid="stDataFrame"]').wait_for(timeout=20_000)
    assert_no_exception(page)
    screenshot(page, "32_Training_your_runs")


def test_the_probe_digits_and_the_learning_rate_finder_tabs_draw(server, page):
    fresh_training_page(page, server)
    train(page, "Step ×10")

    open_fold(page, "Through time")
    page.get_by_role("tab", name="Probe digits").click()
    probes = page.locator(".st-key-probes")
    probes.scroll_into_view_if_needed()
    probes.locator(".js-plotly-plot").wait_for(timeout=20_000)
    panel = page.get_by_role("tabpanel").filter(has_text="Probe digits.")
    assert panel.get_by_role("button", name="Swap").count() == 10
    images = panel.locator('[data-testid="stImage"] img')
    assert images.count() == 10
    wait_until(
        lambda: all(images.nth(i).evaluate("(img) => img.complete && img.naturalWidth > 0") for i in range(10)),
        20,
        "a probe digit's picture did not load",
    )
    assert_no_exception(page)
    screenshot(page, "33_Training_probe_digits")

    open_fold(page, "Through time")
    page.get_by_role("tab", name="Find a learning rate").click()
    page.get_by_role("button", name="Find a learning rate").click()
    use = page.get_by_role("button", name=re.compile(r"^Use learning rate [\d.e+-]+$"))
    use.wait_for(timeout=90_000)
    wait_for_app(page, timeout=60)
    finder = page.locator(".st-key-lr_finder")
    finder.scroll_into_view_if_needed()
    finder.locator(".js-plotly-plot").wait_for(timeout=20_000)
    assert page.get_by_text("Suggested:").count() >= 1
    assert_no_exception(page)
    screenshot(page, "34_Training_find_a_learning_rate")
