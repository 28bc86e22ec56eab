"""The app's responsiveness: a Step click on the Training page, Play's refresh rate, Pause's delay.

1. Server time of one Step click with every chart on the page (Streamlit's AppTest), with
   BLAS limited to 1 and to 2 threads; and of a move of the time slider to another held moment
   (the whole Training page follows it), after two epochs, against a Step click in the same run.
2. In Debian's Chromium against `streamlit run`: Play's refreshes per second (speed 1 batch
   per refresh, so each refresh is one step), against a trivial app whose fragment only
   counts, measured in the same run; and how long Pause takes to stop the counter, 10 times.

    python benchmarks/bench_app.py
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import browser  # noqa: E402

TRIVIAL_APP = """
import streamlit as st
from ui import state
st.title("A fragment that only counts")
st.session_state.setdefault("n", 0)
st.segmented_control("Play", ["play", "pause"], key=state.KEY_PLAYING)
@st.fragment(run_every=0.2 if state.is_playing() else None)
def live():
    if state.is_playing():
        st.session_state.n += 1
    st.container(key="status").markdown(f"Step **{st.session_state.n}**")
live()
"""


def step_click_ms(threads: int, clicks: int = 15) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/6_Training.py").run()
    at.session_state["trainer"].blas_threads = threads
    step = next(b for b in at.button if b.label == "Step")
    step.click().run()  # warm up
    times = []
    for _ in range(clicks):
        started = time.perf_counter()
        next(b for b in at.button if b.label == "Step").click().run()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def refreshes_per_second(page, url: str, path: str, seconds: float = 8.0) -> float:
    page.goto(url + path)
    browser.wait_for_app(page)
    speed = page.locator('[data-testid="stSlider"]').filter(has_text="Speed")
    if speed.count():
        speed.get_by_role("slider").focus()
        page.keyboard.press("Home")  # 1 batch per refresh
        browser.wait_for_app(page)
    page.get_by_role("radio", name="Play").click()
    time.sleep(2)
    start, started = browser.step_count(page), time.time()
    time.sleep(seconds)
    rate = (browser.step_count(page) - start) / (time.time() - started)
    page.get_by_role("radio", name="Pause").click()
    time.sleep(1.5)
    return rate


def pause_delays(page, url: str, times: int = 10) -> list[float]:
    from tests.test_browser import click_like_a_person, seconds_until_steps_stop

    page.goto(url + "/Training")
    browser.wait_for_app(page)
    delays = []
    for _ in range(times):
        page.get_by_role("radio", name="Play").click()
        time.sleep(1.0)
        clicked = click_like_a_person(page, page.get_by_role("radio", name="Pause"))
        delays.append(seconds_until_steps_stop(page, clicked))
    return delays


WATCH_RUNS = """() => {
    window.__runs = [];
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => window.__runs.push([Date.now(), app.getAttribute('data-test-script-state')]))
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def run_seconds(page, act, timeout: float = 20.0) -> float:
    """Seconds from ``act()`` (a click) until the run it starts has ended: the app's own
    running / notRunning marks, timed in the page. On localhost this is the server's time for the
    rerun, plus a round trip of a millisecond or two."""
    page.evaluate(WATCH_RUNS)
    started = time.time()
    act()
    deadline = started + timeout
    while time.time() < deadline:
        runs = page.evaluate("() => window.__runs")
        states = [state for _, state in runs]
        if "running" in states and states[-1] == "notRunning":
            return runs[-1][0] / 1000 - started
        time.sleep(0.02)
    return float("nan")


def settled(page, seconds: float) -> float:
    """``seconds``, once the page has finished drawing (the next try starts from a quiet page)."""
    browser.wait_for_app(page)
    return seconds


def lesson_controls(page, url: str, tries: int = 5) -> dict[str, list[float]]:
    """Server time of one control on each of three pages (each section reruns alone)."""
    found = {}
    page.goto(url + "/Backpropagation")
    browser.wait_for_app(page, timeout=60)
    page.get_by_role("button", name="Show it without predicting").click()  # the boxes wait for the path's question
    browser.wait_for_app(page, timeout=60)
    box = page.get_by_text("Fix softmax")
    box.scroll_into_view_if_needed()
    found["Backpropagation: a bug box, first time (the notebook's run computed)"] = [run_seconds(page, box.click)]
    box.click()  # back: as written (cached)
    browser.wait_for_app(page)
    found["Backpropagation: a bug box, again (cached)"] = [
        settled(page, run_seconds(page, box.click)) for _ in range(tries)
    ]
    page.goto(url + "/Evaluation")
    browser.wait_for_app(page)
    following = page.get_by_role("button", name="Next mistake")
    following.scroll_into_view_if_needed()
    found["Evaluation: next mistake"] = [settled(page, run_seconds(page, following.click)) for _ in range(tries)]
    page.goto(url + "/Data")
    browser.wait_for_app(page)
    found["Data: a random sample"] = [
        settled(page, run_seconds(page, page.get_by_role("button", name="Random").click)) for _ in range(tries)
    ]
    return found


def shown_rate(page) -> str:
    found = re.search(r"Learning rate\s+([\d.e+-]+)", page.locator(".st-key-status").inner_text())
    return found.group(1) if found else ""


def learning_rate_while_playing(page, url: str, tries: int = 5) -> list[float]:
    """Seconds from a key press on the Training page's learning-rate slider, while playing, until
    the status line shows the new rate."""
    page.goto(url + "/Training")
    browser.wait_for_app(page)
    page.get_by_role("radio", name="Play").click()
    time.sleep(1.5)
    slider = (
        page.locator('[data-testid="stMain"] [data-testid="stSlider"]')
        .filter(has_text="Learning rate")
        .get_by_role("slider")
    )
    delays = []
    for i in range(tries):
        before = shown_rate(page)
        slider.focus()
        pressed = time.time()
        page.keyboard.press("ArrowLeft" if i % 2 else "ArrowRight")
        while shown_rate(page) == before and time.time() < pressed + 10:
            time.sleep(0.01)
        delays.append(time.time() - pressed)
        time.sleep(0.8)
    page.get_by_role("radio", name="Pause").click()
    time.sleep(1)
    return delays


def time_slider_ms(moves: int = 12) -> tuple[float, float]:
    """Median server time of moving the time slider to another held moment, and of a Step click."""
    from streamlit.testing.v1 import AppTest

    from ui.live import TIME_LABEL

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/6_Training.py").run()
    at.session_state["trainer"].blas_threads = 1
    for _ in range(2):
        next(b for b in at.button if b.label == "+1 epoch").click().run()
    held = at.session_state["trainer"].snapshot_steps()
    moves_to = [held[i % (len(held) - 1)] for i in range(1, moves + 2)]
    slider_times, step_times = [], []
    for step in moves_to:
        started = time.perf_counter()
        time_slider = next(s for s in at.select_slider if s.label.startswith(TIME_LABEL))  # its key names its value
        time_slider.set_value(step).run()
        slider_times.append(time.perf_counter() - started)
    for _ in range(moves):
        started = time.perf_counter()
        next(b for b in at.button if b.label == "Step").click().run()
        step_times.append(time.perf_counter() - started)
    return 1000 * statistics.median(slider_times[1:]), 1000 * statistics.median(step_times[1:])


def main() -> None:
    print("Step click on the Training page (server time, median of 15, AppTest):")
    for threads in (1, 2):
        print(
            f"  {threads} BLAS thread{'s' if threads > 1 else ' '}: {step_click_ms(threads):6.1f} ms   (target < 150 ms)"
        )
    moved, stepped = time_slider_ms()
    print(
        f"Time slider moved to another moment: {moved:6.1f} ms, a Step click in the same run {stepped:6.1f} ms, "
        f"ratio {moved / stepped:.2f}   (target < 300 ms)"
    )
    if "--server-only" in sys.argv:
        return
    reason = browser.missing_browser_reason()
    if reason:
        print(f"browser measurements skipped: {reason}")
        return
    with tempfile.TemporaryDirectory() as folder:
        trivial = Path(folder) / "trivial.py"
        trivial.write_text(TRIVIAL_APP)
        with browser.streamlit_server() as url, browser.chromium_page() as page:
            ours = refreshes_per_second(page, url, "/Training")
            delays = pause_delays(page, url)
            controls = lesson_controls(page, url)
            rates = learning_rate_while_playing(page, url)
        original = browser.ROOT
        try:
            browser.ROOT = Path(folder)
            (Path(folder) / "app.py").write_text(TRIVIAL_APP)
            (Path(folder) / "ui").symlink_to(ROOT / "ui")
            (Path(folder) / "nn_core").symlink_to(ROOT / "nn_core")
            with browser.streamlit_server() as url, browser.chromium_page() as page:
                baseline = refreshes_per_second(page, url, "/")
        finally:
            browser.ROOT = original
    print(f"Play, Training page with all its charts: {ours:4.1f} refreshes/s   (target >= 4)")
    print(f"Play, a fragment that only counts:      {baseline:4.1f} refreshes/s   ratio {ours / baseline:.2f}")
    print(
        f"Pause, seconds until the counter stops: median {statistics.median(delays):.2f}, max {max(delays):.2f} (target <= 1)"
    )
    print("A control on a lesson page, server time of its rerun (target <= 0.3 s once cached):")
    for what, seconds in controls.items():
        print(f"  {what}: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s")
    print(
        f"Learning rate moved while playing, until the status line shows it: median {statistics.median(rates):.2f} s, "
        f"max {max(rates):.2f} s   (target: within one tick, 0.2 s)"
    )


if __name__ == "__main__":
    main()
