"""The live view never fights the learner, in a real browser: while Play runs, the learning rate
(moved by the keyboard and by a drag), the batch size, the speed and a live setting of the sidebar
show their new value in the status line within a tick and then hold for 5 s, control and status
line alike; there is exactly one copy of each control at every sample, and a keyboard user's
focus stays on the control across ticks. A blow-up set from the main slider: the box, the slider
and the restore agree on the rate, and the time slider stays at now.

An observer inside the page samples every 100 ms (``SAMPLER``): what the status line says, each
control's value and count, and where the focus is. Run it under BROWSER_LOAD=1 (a CPU burner
beside the server and a throttled renderer) as well: that is where the echo used to undo moves.
"""

import re
import time

from tests.browser import ROOT, required, screenshot, wait_for_app, wait_until

pytestmark = required("the live controls' browser test")

SHOTS = ROOT / "screenshots"
HOLD = 5.0  # seconds a new value must stay
SHOWS_WITHIN = 20.0  # seconds for a new value to reach the status line (a tick; generous under load)
CONTROLS = {"lr": "Learning rate", "batch": "Batch size", "speed": "Speed (batches per refresh)"}

from tests.browser_fixtures import *  # noqa: E402, F403  (server, page, the watcher on every test)

SAMPLER = """(labels) => {
    window.__live = [];
    if (window.__liveTimer) clearInterval(window.__liveTimer);
    const labelOf = (e) => ((e.querySelector('[data-testid="stWidgetLabel"]') || {}).innerText || '').trim();
    const take = () => {
        const main = document.querySelector('[data-testid="stMain"]');
        const status = document.querySelector('.st-key-status');
        const sample = {t: performance.now() / 1000, status: status ? status.innerText : '', counts: {}, values: {}};
        const all = [...document.querySelectorAll('[data-testid="stSlider"]')];
        for (const [name, label] of Object.entries(labels)) {
            const found = all.filter((e) => labelOf(e) === label);
            sample.counts[name] = found.length;
            const thumb = found.length ? found[0].querySelector('[data-testid="stSliderThumbValue"]') : null;
            sample.values[name] = thumb ? thumb.innerText.trim() : null;
        }
        const focus = document.activeElement && document.activeElement.closest('[data-testid="stSlider"]');
        sample.focus = focus ? labelOf(focus) : null;
        sample.inMain = !!(main && focus && main.contains(focus));
        window.__live.push(sample);
    };
    window.__liveTimer = setInterval(take, 100);
}"""


def status_value(status: str, what: str) -> str | None:
    """A number the status line says: "lr" (Learning rate 0.5), "batch" (Batch 128), "speed" (× 5 a refresh),
    "dropout" (Dropout 0.1)."""
    pattern = {
        "lr": r"Learning rate\s+([0-9.e+-]+)",
        "batch": r"Batch\s+([0-9,]+)",
        "speed": r"×\s+([0-9]+)\s+a refresh",
        "dropout": r"Dropout\s+([0-9.]+)",
    }[what]
    found = re.search(pattern, status)
    return found.group(1) if found else None


def samples(page) -> list[dict]:
    return page.evaluate("() => window.__live.splice(0)")


def slider(page, label: str, where: str = "stMain"):
    return (
        page.locator(f'[data-testid="{where}"] [data-testid="stSlider"]').filter(has_text=label).get_by_role("slider")
    )


def status(page) -> str:
    return page.locator(".st-key-status").inner_text()


def hold(page, what: str, value: str, control: str | None = None, focus: str | None = None) -> None:
    """``value`` reaches the status line within SHOWS_WITHIN s, then stays there (and on ``control``'s
    thumb) for HOLD s, with one copy of every control and the focus on ``focus`` at every sample."""
    wait_until(
        lambda: status_value(status(page), what) == value,
        SHOWS_WITHIN,
        lambda: f"{what} {value} never showed: {status(page)!r}",
    )
    samples(page)  # from now on
    # HOLD s of the page's own time, sampled: a renderer slowed 4x, busy drawing the charts, fires the
    # sampler's timer late (once, 3 s late after a page change), so the hold lasts until the samples
    # span HOLD s, or four times that on the test's clock
    seen: list[dict] = []
    deadline = time.time() + 4 * HOLD
    while time.time() < deadline and not (len(seen) >= 3 and seen[-1]["t"] - seen[0]["t"] >= HOLD):
        time.sleep(0.5)
        seen += samples(page)
    span = seen[-1]["t"] - seen[0]["t"] if seen else 0.0
    assert len(seen) >= 3 and span >= HOLD, (
        f"the page sampled only {span:.1f} s in {4 * HOLD:.0f} s ({len(seen)} samples)"
    )
    for sample in seen:
        said = status_value(sample["status"], what)
        assert said == value, f"{what} went back: the status line said {said} at {sample['t']:.1f} s, not {value}"
        if control is not None:
            assert sample["values"][control] == value, (
                f"the {control} control showed {sample['values'][control]}, not {value}"
            )
        copies = {name: n for name, n in sample["counts"].items() if n != 1}
        assert not copies, f"controls not shown exactly once: {copies} at {sample['t']:.1f} s"
        if focus is not None:
            assert sample["focus"] == focus, f"the focus left {focus!r} (on {sample['focus']!r}) at {sample['t']:.1f} s"
    steps = [int(m.group(1).replace(",", "")) for s in seen if (m := re.search(r"Step\s+([\d,]+)", s["status"]))]
    assert steps and steps[-1] > steps[0], "training did not go on while the value held"


def thumb_centre(page, label: str) -> tuple[float, float]:
    """Where the main area's slider ``label`` has its thumb, once it stands still: across, the
    thumb's value above it; down, the slider's track (its range input)."""
    control = page.locator('[data-testid="stMain"] [data-testid="stSlider"]').filter(has_text=label)

    def where():
        value = control.locator('[data-testid="stSliderThumbValue"]').bounding_box()
        track = control.get_by_role("slider").bounding_box()
        return (
            None
            if value is None or track is None
            else (value["x"] + value["width"] / 2, track["y"] + track["height"] / 2)
        )

    last = where()
    for _ in range(50):  # still for 0.2 s: no tick is redrawing the row
        time.sleep(0.2)
        now = where()
        if now is not None and now == last:
            return now
        last = now
    raise AssertionError(f"the {label} slider's thumb never stood still")


def press(page, label: str, key: str, times: int = 1) -> None:
    thumb = slider(page, label)
    thumb.focus()
    for _ in range(times):
        page.keyboard.press(key)
        time.sleep(0.15)


def play(page) -> None:
    page.get_by_role("radio", name="Play").click()
    wait_until(lambda: page.get_by_role("radio", name="Pause").count() == 1, 20, "Play did not start")


def fresh_training_page(page, server) -> None:
    page.goto(server + "/Training")
    wait_for_app(page, timeout=90)
    page.evaluate(SAMPLER, CONTROLS)


def test_live_settings_hold_while_playing(server, page):
    fresh_training_page(page, server)
    assert slider(page, "Learning rate", "stSidebar").count() == 0  # one control per setting on the page
    play(page)

    press(page, "Learning rate", "ArrowRight", 2)  # 0.1 -> 0.2 -> 0.5, by the keyboard
    hold(page, "lr", "0.5", "lr", focus="Learning rate")
    press(page, "Learning rate", "ArrowLeft")  # and one notch back
    hold(page, "lr", "0.2", "lr", focus="Learning rate")

    # A drag, as a mouse does it: onto the thumb where it stands (a box read while a tick redrew the
    # row put the press on the track, which jumped the rate to 1, where this network blows up and
    # Play stops), then to the left
    x, y = thumb_centre(page, "Learning rate")
    page.mouse.move(x, y)
    page.mouse.down()
    for dx in range(1, 9):
        page.mouse.move(x - dx * 6, y)
        time.sleep(0.03)
    page.mouse.up()
    dragged = wait_until(
        lambda: (s := samples(page)) and s[-1]["values"]["lr"] not in (None, "0.2") and s[-1]["values"]["lr"],
        10,
        "the drag moved nothing",
    )
    assert float(dragged) < 0.2, f"a drag to the left set the learning rate to {dragged}, up from 0.2"
    hold(page, "lr", dragged, "lr")

    press(page, "Batch size", "ArrowRight")  # 64 -> 128
    hold(page, "batch", "128", "batch", focus="Batch size")

    press(page, "Speed (batches per refresh)", "ArrowRight")  # 5 -> 10
    hold(page, "speed", "10", "speed", focus="Speed (batches per refresh)")

    # a live setting of the sidebar, while playing: dropout, in the Generalisation fold
    page.locator('[data-testid="stSidebar"]').get_by_text("Generalisation: augmentation, dropout, schedule").click()
    dropout = slider(page, "Dropout", "stSidebar")
    dropout.wait_for(timeout=30_000)
    dropout.focus()
    page.keyboard.press("ArrowRight")  # 0 -> 0.05
    hold(page, "dropout", "0.05")
    screenshot(page, SHOTS / "72_Training_live_controls_held.png")

    # on another page, the sidebar's learning rate; back on Training it is the one next to Play
    page.get_by_role("radio", name="Pause").click()
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Data", exact=True).click()
    wait_for_app(page)
    before = slider(page, "Learning rate", "stSidebar").get_attribute("aria-valuetext")
    slider(page, "Learning rate", "stSidebar").focus()
    page.keyboard.press("ArrowLeft")
    wait_for_app(page)
    after = wait_until(
        lambda: (v := slider(page, "Learning rate", "stSidebar").get_attribute("aria-valuetext")) != before and v,
        20,
        "the sidebar's learning rate did not move",
    )
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Training", exact=True).click()
    wait_for_app(page)
    page.evaluate(SAMPLER, CONTROLS)
    play(page)
    hold(page, "lr", after, "lr")


def test_a_blow_up_set_from_the_main_slider_agrees_everywhere(server, page):
    fresh_training_page(page, server)
    play(page)
    press(page, "Learning rate", "End")  # the largest choice: 100
    page.get_by_text("Training stopped: the loss blew up").wait_for(timeout=30_000)
    wait_for_app(page)
    box = page.locator('[data-testid="stAlertContentError"]').filter(has_text="Training stopped").inner_text()
    assert "learning rate 100 is too high" in box, box
    assert slider(page, "Learning rate").get_attribute("aria-valuetext") == "100"
    assert status_value(status(page), "lr") == "100"
    assert page.get_by_text("You are looking at the network").count() == 0  # the time slider stayed at now
    steps = re.findall(r"step ([\d,]+)", box)
    assert all("," in s or len(s) <= 3 for s in steps), f"step numbers not written alike: {steps}"
    screenshot(page, SHOTS / "73_Training_blow_up_from_the_main_slider.png")
    page.get_by_role("button", name="Restore and divide the learning rate by 10 (100 → 10)").click()
    page.get_by_text("Training stopped").wait_for(state="detached", timeout=20_000)
    wait_for_app(page)
    wait_until(
        lambda: slider(page, "Learning rate").get_attribute("aria-valuetext") == "10", 20, "the slider did not show 10"
    )
    assert status_value(status(page), "lr") == "10"
